// The tutorial's multi-process example (server03.py): bind port 8000, start 5 worker processes.
// start(null), start(0) or a negative count starts one worker per CPU.
//
// Unlike Tornado's fork, each worker runs this file from the top, so everything before start()
// runs in the primary and in every worker. The primary then only supervises:
// - a worker that dies is restarted (the reason is logged);
// - `kill -HUP <primary pid>` replaces the workers one by one with the code now on disk, without
//   dropping a request;
// - `kill -TERM` (or Ctrl-C) lets requests in progress finish, then exits;
// - `kill -USR2` logs each worker's counters.
// Run: npx tsx --conditions=tornado-ts-source examples/server/server03.ts   (PORT=N, PROCESSES=N to change)
import { HTTPServer } from "tornado-ts/httpserver";
import { IOLoop } from "tornado-ts/ioloop";
import { enablePrettyLogging } from "tornado-ts/log";
import { taskId } from "tornado-ts/process";
import { Application, RequestHandler } from "tornado-ts/web";

class IndexHandler extends RequestHandler {
  override get() {
    this.write("sunck is a good man ");
  }
}

enablePrettyLogging();
const app = new Application([["/", IndexHandler]]);
// app.listen(8000) would serve in one process; multi-process serving goes through HTTPServer.
const httpServer = new HTTPServer(app);
httpServer.bind(Number(process.env.PORT ?? 8000));
// In the primary this never resolves; in a worker it resolves once the worker is listening.
await httpServer.start(Number(process.env.PROCESSES ?? 5));
console.log(`worker ${taskId()} (pid ${process.pid}) is serving`);
IOLoop.current().start();
