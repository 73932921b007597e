// Guide sample, chapter 4: writing responses (the 响应 section and the call order).
// Run: npx tsx server.ts, then open http://127.0.0.1:8000/ (in the tornado-ts clone:
// npx tsx docs/guide/samples/04-responses/server.ts)
// #region imports
import { define, parseCommandLine } from "tornado-ts/options";
import { Application, type ErrorInfo, RequestHandler } from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "the port to listen on" });
// #endregion

class IndexHandler extends RequestHandler {
  override get() {
    const pages = [
      "/write",
      "/json2",
      "/header",
      "/status",
      "/redirect",
      "/error?flag=0",
      "/order",
    ];
    this.write(pages.map((page) => `<a href="${page}">${page}</a>`).join("<br>"));
  }
}

// #region write
class WriteHandler extends RequestHandler {
  override get() {
    this.write("good");
    this.write("nice");
    this.write("handsome");
    this.write("man");
    this.finish(); // goodnicehandsomeman; a write() after this throws
  }
}
// #endregion

// #region json
class Json2Handler extends RequestHandler {
  override get() {
    const per = { name: "sunck", age: 18, height: 175, weight: 70 };
    this.write(per); // JSON, Content-Type: application/json; charset=UTF-8
  }
}
// #endregion

// #region headers
class HeaderHandler extends RequestHandler {
  override setDefaultHeaders() {
    this.setHeader("Content-Type", "text/html;charset=utf-8");
    this.setHeader("kaige", "nice");
  }

  override get() {
    this.setHeader("kaige", "handsome"); // runs later, so it wins
    this.write("good nice");
  }
}
// #endregion

// #region status
class StatusCodeHandler extends RequestHandler {
  override get() {
    this.setStatus(299, "Weird"); // any code; a custom reason phrase
    this.write("the status line says 299 Weird");
  }
}

class RedirectHandler extends RequestHandler {
  override get() {
    this.redirect("/"); // 302; redirect(url, true) for a 301
  }
}
// #endregion

// #region errors
class ErrorHandler extends RequestHandler {
  override writeError(statusCode: number, _info: ErrorInfo) {
    if (statusCode === 500) this.write("服务器内部错误");
    else if (statusCode === 404) this.write("资料不存在");
  }

  override get() {
    const flag = this.getQueryArgument("flag");
    if (flag === "0") {
      this.sendError(500); // clears the output, calls writeError, finishes
      return;
    }
    this.write("you are right");
  }
}
// #endregion

// #region order
class OrderHandler extends RequestHandler {
  override setDefaultHeaders() {
    console.log("setDefaultHeaders"); // 1 (again before writeError, on an error)
  }
  override initialize() {
    console.log("initialize"); // 2
  }
  override prepare() {
    console.log("prepare"); // 3: every method; sendError here skips the method
  }
  override get() {
    console.log("get"); // 4
  }
  override writeError() {
    console.log("writeError"); // only on an error
  }
  override onFinish() {
    console.log("onFinish"); // 5: after the response
  }
}
// #endregion

// #region app
parseCommandLine();
const app = new Application([
  ["/", IndexHandler],
  ["/write", WriteHandler],
  ["/json2", Json2Handler],
  ["/header", HeaderHandler],
  ["/status", StatusCodeHandler],
  ["/redirect", RedirectHandler],
  ["/error", ErrorHandler],
  ["/order", OrderHandler],
]);
const server = await app.listen(port.value, "127.0.0.1");
console.log(`Listening on http://127.0.0.1:${server.port}/`);
// #endregion
