// tornado-ts, as a user writes it, from the built package (npm run build).
import { Application, RequestHandler } from "tornado-ts/web";
import { jsonBody, plainText, port, ready, routeIndexes } from "./common.mjs";

class PlainHandler extends RequestHandler {
  get() {
    this.setHeader("Content-Type", "text/plain; charset=UTF-8");
    this.write(plainText);
  }
}
class JsonHandler extends RequestHandler {
  get() {
    this.write(jsonBody);
  }
}
class FormHandler extends RequestHandler {
  post() {
    this.setHeader("Content-Type", "text/plain; charset=UTF-8");
    this.write(
      `${this.getQueryArgument("q")} ${this.getBodyArgument("name")} ${this.getBodyArgument("age")}`,
    );
  }
}
class RouteHandler extends RequestHandler {
  get(a, b) {
    this.setHeader("Content-Type", "text/plain; charset=UTF-8");
    this.write(`${a}:${b}`);
  }
}

const app = new Application([
  ["/", PlainHandler],
  ["/json", JsonHandler],
  ["/form", FormHandler],
  ...routeIndexes.map((i) => [`/r${i}/([^/]+)/(\\d+)`, RouteHandler]),
]);
const server = await app.listen(port, "127.0.0.1", { idleConnectionTimeout: 60 });
ready(server.nodeServer);
