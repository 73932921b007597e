// tornado-ts, as a user writes it, from the built package (npm run build).
// START=n serves through `server.bind(); server.start(n)` (n worker processes) instead of listen().
import { HTTPServer } from "tornado-ts/httpserver";
import { Application, RequestHandler } from "tornado-ts/web";
import {
  cookieSecret,
  cookieValue,
  isMain,
  jsonBody,
  pageData,
  plainText,
  port,
  ready,
  routeIndexes,
  staticDir,
  templateDir,
} from "./common.mjs";

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
class PageHandler extends RequestHandler {
  get() {
    return this.render("page.html", pageData);
  }
}
class CookieHandler extends RequestHandler {
  get() {
    const value = this.getSecureCookie("session");
    this.setSecureCookie("session", cookieValue, { httpOnly: true });
    this.setHeader("Content-Type", "text/plain; charset=UTF-8");
    this.write(`Hello ${value ?? "stranger"}`);
  }
}
class UploadHandler extends RequestHandler {
  post() {
    const file = this.request.files["file"]?.[0];
    this.setHeader("Content-Type", "text/plain; charset=UTF-8");
    this.write(file ? `${file.filename} ${file.body.length}` : "no file");
  }
}

/** The application (bench/in-process.mjs serves it without a port). */
export function createApp() {
  return new Application(
    [
      ["/", PlainHandler],
      ["/json", JsonHandler],
      ["/form", FormHandler],
      ["/page", PageHandler],
      ["/cookie", CookieHandler],
      ["/upload", UploadHandler],
      ...routeIndexes.map((i) => [`/r${i}/([^/]+)/(\\d+)`, RouteHandler]),
    ],
    { templatePath: templateDir, staticPath: staticDir, cookieSecret },
  );
}

/** The server options of the benchmark. */
export const serverOptions = { idleConnectionTimeout: 60 };
if (isMain(import.meta.url)) {
  const app = createApp();
  if (process.env.START) {
    const server = new HTTPServer(app, serverOptions);
    server.bind(port, "127.0.0.1");
    await server.start(Number(process.env.START));
    ready(server.nodeServer);
  } else {
    const server = await app.listen(port, "127.0.0.1", serverOptions);
    ready(server.nodeServer);
  }
}
