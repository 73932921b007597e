// Guide sample: templates and static files (the 模板 chapter).
import { join } from "node:path";
import { Application, RequestHandler, StaticFileHandler } from "tornado-ts/web";

const BASE_DIRS = import.meta.dirname;

// #region render
class HomeHandler extends RequestHandler {
  get() {
    const temp = 100;
    const dict = { name: "tom", age: 18 };
    // templates/home.html: {{ num }}, {{ num + 10 }}, {{ per['name'] }}
    return this.render("home.html", { num: temp, per: dict });
  }
}

class FunctionHandler extends RequestHandler {
  get() {
    const mySum = (n1: number, n2: number) => n1 + n2;
    return this.render("home.html", { mySum }); // {{ mySum(100, 89) }} -> 189
  }
}
// #endregion

/** The application of this sample. */
export function makeApp(): Application {
  // #region static
  return new Application(
    [
      ["/home", HomeHandler],
      ["/function", FunctionHandler],
      // Last: /index.html, and / itself, come from static/html.
      [
        "/(.*)$",
        StaticFileHandler,
        { path: join(BASE_DIRS, "static/html"), defaultFilename: "index.html" },
      ],
    ],
    {
      templatePath: join(BASE_DIRS, "templates"),
      staticPath: join(BASE_DIRS, "static"), // /static/... and static_url()
    },
  );
  // #endregion
}
