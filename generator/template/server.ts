// Starts the server (the Tornado tutorial's server.py): `npm start`, `npm start -- --port=9000`
// or PORT=9000 npm start. It listens on 127.0.0.1 (this machine only) unless `--address=0.0.0.0`
// or ADDRESS=0.0.0.0 says otherwise, and answers only Host names in ALLOWED_HOSTS (by default,
// this machine's own names on 127.0.0.1, and any name on 0.0.0.0).
import type { AddressInfo } from "node:net";
import { IOLoop } from "tornado-ts/ioloop";
import { genLog } from "tornado-ts/log";
import { define, parseCommandLine } from "tornado-ts/options";
import { makeApp } from "./application.ts";
import { allowedHostsFor, options } from "./config.ts";

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
// Any other Host header gets a 400 (ALLOWED_HOSTS lists the names when open to the network).
const app = makeApp({ allowedHosts: allowedHostsFor(address.value) });
const server = await app.listen(port.value, address.value);
const bound = server.nodeServer.address() as AddressInfo;
const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
genLog.info(`listening on http://${host}:${bound.port}/`);
await IOLoop.current().start();
