// Guide sample, chapter 9: options (the tutorial's server04.py), one process or n, behind nginx.
// Run: npx tsx server.ts --port=8000 --processes=4 (in the tornado-ts clone:
// npx tsx docs/guide/samples/09-deployment/server.ts --processes=4)
// #region options
import { HTTPServer } from "tornado-ts/httpserver";
import { define, options, parseCommandLine } from "tornado-ts/options";
import { taskId } from "tornado-ts/process";
import { Application, RequestHandler } from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "this is a port" });
const processes = define("processes", {
  default: 1,
  type: "int",
  help: "worker processes (0: one per CPU)",
});
const xheaders = define("xheaders", {
  default: false,
  type: Boolean,
  help: "behind nginx: trust X-Real-IP / X-Forwarded-For and X-Scheme / X-Forwarded-Proto",
});
define("list", { default: [], type: String, multiple: true });

// npx tsx server.ts --port=9000 --list=good,nice,handsome,cool
parseCommandLine();
console.log("list", options["list"]);
// #endregion

class IndexHandler extends RequestHandler {
  override get() {
    // Which process answered, and who asked (the client's address once xheaders is on).
    this.write({ worker: taskId(), pid: process.pid, remoteIp: this.request.remoteIp });
  }
}

const app = new Application([["/", IndexHandler]]);

// #region start
const server = new HTTPServer(app, { xheaders: xheaders.value });
server.bind(port.value, "127.0.0.1");
// 1: this process serves. n: this process starts n workers, restarts any that dies, and never
// gets past this line; the workers run the file from the top and go on below.
await server.start(processes.value);
console.log(`Listening on http://127.0.0.1:${server.port}/ (process ${process.pid})`);
// #endregion
