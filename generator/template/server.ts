// Starts the server (the Tornado tutorial's server.py): `npm start`, `npm start -- --port=9000`
// or PORT=9000 npm start. It listens on 127.0.0.1 (this machine only) unless `--address=0.0.0.0`
// or ADDRESS=0.0.0.0 says otherwise.
import type { AddressInfo } from "node:net";
import { IOLoop } from "tornado-ts/ioloop";
import { genLog } from "tornado-ts/log";
import { define, parseCommandLine } from "tornado-ts/options";
import { makeApp } from "./application.ts";
import { options } from "./config.ts";

const port = define("port", {
  default: Number(process.env["PORT"] || options.port),
  type: "int",
  help: "the port to listen on",
});
const address = define("address", {
  default: process.env["ADDRESS"] || options.address,
  type: String,
  help: "the address to listen on (0.0.0.0 for every interface)",
});
parseCommandLine();
const server = await makeApp().listen(port.value, address.value);
const bound = server.nodeServer.address() as AddressInfo;
const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
genLog.info(`listening on http://${host}:${bound.port}/`);
await IOLoop.current().start();
