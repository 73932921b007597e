// The minimal tornado-ts app: `write("sunck is a good man ")` and `write({...})` of a
// four-field object, with nothing set by hand, so every response carries Tornado's default work
// (Server, Content-Type, Date, Etag, a handler object, the access log call).
import { Application, RequestHandler } from "tornado-ts/web";
import { isMain, minimalJson, minimalText, port, ready } from "./common.mjs";

class TextHandler extends RequestHandler {
  get() {
    this.write(minimalText);
  }
}
class JsonHandler extends RequestHandler {
  get() {
    this.write(minimalJson);
  }
}

/** The application. */
export function createMinimalApp() {
  return new Application([
    ["/", TextHandler],
    ["/json", JsonHandler],
  ]);
}

if (isMain(import.meta.url)) {
  const server = await createMinimalApp().listen(port, "127.0.0.1", { idleConnectionTimeout: 60 });
  ready(server.nodeServer);
}
