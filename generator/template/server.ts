// Starts the server (the Tornado tutorial's server.py): `npm start`, `npm start -- --port=9000`
// or PORT=9000 npm start.
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
parseCommandLine();
const server = await makeApp().listen(port.value);
genLog.info(`listening on http://127.0.0.1:${server.port}/`);
await IOLoop.current().start();
