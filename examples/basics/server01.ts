// The tutorial's first example (基础流程 / 第一个实例, server01.py): one handler, one route, port 8000.
// Run it with `npx tsx --conditions=tornado-ts-source examples/basics/server01.ts` (PORT=9000 for another
// port) and open http://127.0.0.1:8000/.
import { fileURLToPath } from "node:url";
import { IOLoop } from "tornado-ts/ioloop";
import { Application, RequestHandler } from "tornado-ts/web";

// A handler class (like a Django view): it answers GET only; a POST gets 405.
export class IndexHandler extends RequestHandler {
  override get() {
    // Sends text to the browser.
    this.write("sunck is a good man ");
  }
}

// Python's `if __name__ == '__main__':` (the server starts only when this file is run).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The Application holds the route table; listen() creates the HTTP server and binds the port.
  const app = new Application([["/", IndexHandler]]);
  app.listen(Number(process.env.PORT ?? 8000));
  // Keeps serving (Node's event loop is already running; this mirrors Tornado's last line).
  IOLoop.current().start();
}
