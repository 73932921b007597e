// The tutorial's first example (server01.py): one handler, one route, port 8000, one process.
// Run: npx tsx --conditions=tornado-ts-source examples/server/server01.ts   (PORT=N to use another port)
import { IOLoop } from "tornado-ts/ioloop";
import { Application, RequestHandler } from "tornado-ts/web";

// A handler class answers the requests of its route, like a view in Django.
class IndexHandler extends RequestHandler {
  // GET only: other methods get 405.
  override get() {
    this.write("sunck is a good man ");
  }
}

// The Application holds the route table; listen() starts an HTTP server on the port.
const app = new Application([["/", IndexHandler]]);
app.listen(Number(process.env.PORT ?? 8000));
// Keeps the process serving (Node's event loop runs anyway; this reads as in Tornado).
IOLoop.current().start();
