// Guide sample, chapter 5: templates and static files (the 模板 chapter).
// Run: npx tsx server.ts, then open http://127.0.0.1:8000/ (in the tornado-ts clone:
// npx tsx docs/guide/samples/05-templates/server.ts)
// #region imports
import { join } from "node:path";
import { define, parseCommandLine } from "tornado-ts/options";
import { Application, RequestHandler, StaticFileHandler } from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "the port to listen on" });
// The tutorial's BASE_DIRS: templates/ and static/ sit beside this file.
const BASE_DIRS = import.meta.dirname;
// #endregion

// #region render
class HomeHandler extends RequestHandler {
  override get() {
    const temp = 100;
    const dict = { name: "tom", age: 18 };
    // templates/home.html: {{ num }}, {{ num + 10 }}, {{ per['name'] }}, {% for %} over stus
    return this.render("home.html", { num: temp, per: dict, stus: ["sunck", "kaige"] });
  }
}

class FunctionHandler extends RequestHandler {
  override get() {
    const mySum = (n1: number, n2: number) => n1 + n2;
    // templates/function.html: {{ mySum(100, 89) }} -> 189. A template sees only the names it
    // is given: home.html here would fail with "num is not defined".
    return this.render("function.html", { mySum });
  }
}
// #endregion

// #region escape
class TransHandler extends RequestHandler {
  override get() {
    // {{ str }} shows the tags as text; {% raw str %} sends them as HTML.
    return this.render("trans.html", { str: "<h1>sunck is a good man </h1>" });
  }
}

class CartHandler extends RequestHandler {
  override get() {
    // cart.html extends base.html and fills its blocks.
    return this.render("cart.html", { items: ["apple", "banana"] });
  }
}
// #endregion

// #region static
parseCommandLine();
const app = new Application(
  [
    ["/home", HomeHandler],
    ["/function", FunctionHandler],
    ["/trans", TransHandler],
    ["/cart", CartHandler],
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
const server = await app.listen(port.value, "127.0.0.1");
console.log(`Listening on http://127.0.0.1:${server.port}/`);
// #endregion
