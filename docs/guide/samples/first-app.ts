// Guide sample: the tutorial's first example (server01.py), type-checked with the project.
// #region first
import { IOLoop } from "tornado-ts/ioloop";
import { Application, RequestHandler } from "tornado-ts/web";

// A handler: one class per page, one method per HTTP verb.
class IndexHandler extends RequestHandler {
  get() {
    this.write("sunck is a good man ");
  }
}

// The application holds the route table; listen() starts an HTTP server on the port.
const app = new Application([["/", IndexHandler]]);
app.listen(8000);
IOLoop.current().start();
// #endregion
