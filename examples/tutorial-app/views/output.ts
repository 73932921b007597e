// The tutorial's 响应 section and 接口调用顺序 (project03 views/index.py): write and finish, JSON
// two ways, headers, status codes, redirects, error pages, and the order of the handler's hooks.
// These answer with the bare output the tutorial shows, not the site's layout; `/output` is the
// site's page that shows what each of them sends, and `/status` is a page of its own.
import { appLog } from "tornado-ts/log";
import type { ErrorInfo } from "tornado-ts/web";
import { BaseHandler } from "./base.ts";

/** `/write`: several writes are sent as one response; a write after `finish()` is an error. */
export class WriteHandler extends BaseHandler {
  override get() {
    this.write("good");
    this.write("nice");
    this.write("handsome");
    this.write("man");
    this.finish();
    try {
      this.write("right");
    } catch (error) {
      // The tutorial lets this error reach the log; here it is logged as the lesson it is.
      appLog.info(`write after finish: ${(error as Error).message}`);
    }
  }
}

const per = { name: "sunck", age: 18, height: 175, weight: 70 };

/**
 * `/json1`: JSON serialised by hand. The tutorial first sends it as text/html, then sets the
 * Content-Type itself and adds a custom header; this is the second version.
 */
export class Json1Handler extends BaseHandler {
  override get() {
    const jsonStr = JSON.stringify(per);
    this.setHeader("Content-Type", "application/json;charset=utf-8");
    this.setHeader("sunck", "hhgood");
    this.write(jsonStr);
  }
}

/** `/json2`: `write(object)` serialises it and sets `application/json` (the recommended way). */
export class Json2Handler extends BaseHandler {
  override get() {
    this.write(per);
  }
}

/** `/header`: default headers for every method, overridden by the method itself. */
export class HeaderHandler extends BaseHandler {
  override setDefaultHeaders() {
    this.setHeader("Content-Type", "text/html;charset=utf-8");
    this.setHeader("kaige", "nice");
  }

  override get() {
    // The method runs after setDefaultHeaders, so this value wins.
    this.setHeader("kaige", "handsome");
    this.write("good nice");
  }

  override post() {}
}

/**
 * `/status`: a status with a custom reason phrase, on a page that shows the status line it is
 * sent with. Reason phrases travel in Latin-1, so the tutorial's Chinese phrase is replaced by
 * `Unknown`, as Tornado 6.5 does; `?reason=` tries others.
 */
export class StatusCodeHandler extends BaseHandler {
  override get() {
    const asked = this.getQueryArgument("reason", "我是谁，我在哪里");
    this.setStatus(200, asked);
    const statusLine = `${this.request.version} ${this.getStatus()} ${this.reason}`;
    return this.render("status.html", { code: 200, asked: JSON.stringify(asked), statusLine });
  }
}

/** What `/output` shows for each bare route: path, title, lesson, the headers worth showing. */
const PROBES: readonly (readonly [string, string, string, string])[] = [
  [
    "/write",
    "Several writes",
    "write() four times, then finish(): one body. A write after finish() is an error, which the server logs.",
    "Content-Type",
  ],
  [
    "/json1",
    "JSON by hand",
    "JSON.stringify and a Content-Type set by hand, plus a header of the tutorial's own (sunck).",
    "Content-Type sunck",
  ],
  [
    "/json2",
    "JSON from write(object)",
    "write() serialises an object and sets application/json itself: the recommended way.",
    "Content-Type",
  ],
  [
    "/header",
    "Default headers",
    "setDefaultHeaders() sets kaige: nice for every method; get() sets it again, and its value wins.",
    "Content-Type kaige",
  ],
  [
    "/error?flag=0",
    "sendError and writeError",
    "flag=0 calls sendError(500); the handler's writeError() writes the body.",
    "Content-Type",
  ],
  ["/error?flag=1", "No error", "Any other flag answers normally.", "Content-Type"],
  [
    "/order",
    "The order of the hooks",
    "prepare() writes first, then get(): the body shows the order; the server's log lists every hook.",
    "Content-Type",
  ],
];

/** `/output`: the output chapter's page, showing what each bare route sends. */
export class OutputHandler extends BaseHandler {
  override get() {
    const _ = this.locale.translate;
    // Each box's id names its route: /error?flag=0 is #error-flag-0.
    const probes = PROBES.map(([path, title, lesson, headers]) => [
      path.slice(1).replace(/\W+/g, "-"),
      path,
      _(title),
      _(lesson),
      headers,
    ]);
    return this.render("output.html", { probes });
  }
}

/** `/redirect`: a 302 to `/`. */
export class RedirectHandler extends BaseHandler {
  override get() {
    this.redirect("/");
  }
}

/** `/error?flag=`: `flag=0` sends a 500 that `writeError` turns into the tutorial's page. */
export class ErrorHandler extends BaseHandler {
  override writeError(statusCode: number, info: ErrorInfo = {}) {
    if (statusCode === 500) {
      this.write("服务器内部错误");
    } else if (statusCode === 404) {
      this.write("资料不存在");
    } else {
      return super.writeError(statusCode, info);
    }
    // The tutorial calls set_header(status_code) here; sendError has already set the status.
  }

  override get() {
    const flag = this.getQueryArgument("flag");
    if (flag === "0") {
      this.sendError(500);
      return;
    }
    this.write("you are right");
  }
}

/**
 * `/order`: logs each hook as it runs. Normally `setDefaultHeaders, initialize, prepare, get,
 * onFinish`, and the page reads `very very mangood man`; with `?error=1` the method sends a 500,
 * so `setDefaultHeaders` and `writeError` run again before `onFinish`.
 */
export class OrderHandler extends BaseHandler {
  override setDefaultHeaders() {
    appLog.info("order: setDefaultHeaders");
  }

  override initialize() {
    appLog.info("order: initialize");
  }

  override prepare() {
    appLog.info("order: prepare");
    this.write("very very man");
  }

  override get() {
    appLog.info("order: get");
    if (this.getQueryArgument("error", "") === "1") {
      this.sendError(500);
      return;
    }
    this.write("good man");
  }

  override writeError() {
    appLog.info("order: writeError");
    this.write("服务器内部错误");
  }

  override onFinish() {
    appLog.info("order: onFinish");
  }
}
