// Guide sample, chapter 1: the tutorial's first example (server01.py).
// Run: npx tsx server.ts (in the tornado-ts clone: npx tsx docs/guide/samples/01-first-app/server.ts)
// #region first
import { IOLoop } from "tornado-ts/ioloop";
import { define, parseCommandLine } from "tornado-ts/options";
import { Application, RequestHandler } from "tornado-ts/web";

// --port=9000 on the command line changes the port (chapter 9: options).
const port = define("port", { default: 8000, type: "int", help: "the port to listen on" });

// A handler: one class per page, one method per HTTP verb.
class IndexHandler extends RequestHandler {
  override get() {
    this.write("sunck is a good man ");
  }
}

parseCommandLine();
// The application holds the route table; listen() starts an HTTP server on the port.
const app = new Application([["/", IndexHandler]]);
const server = await app.listen(port.value, "127.0.0.1");
console.log(`Listening on http://127.0.0.1:${server.port}/`);
IOLoop.current().start();
// #endregion
