// The handlers of the tutorial's chapter 请求与响应 (the project's views/index.py), in TypeScript.
// Where the tutorial prints to the console, these call `print`, which tests can redirect.
import { readFile, writeFile } from "node:fs/promises";
import { basename, join, resolve, sep } from "node:path";
import { type ErrorInfo, type InitArgs, RequestHandler } from "tornado-ts/web";

/** Where the tutorial's `print()` output goes (the console by default). */
let printer: (line: string) => void = (line) => console.log(line);

/** Sends the examples' console output elsewhere (tests collect it). */
export function setPrinter(fn: (line: string) => void): void {
  printer = fn;
}

/** Python's `print(*args, sep=" ")`. */
function print(...args: unknown[]): void {
  printer(args.map((a) => (typeof a === "string" ? a : String(a))).join(" "));
}

const TEMPLATES = join(import.meta.dirname, "templates");

// ---- 路由 (routes) ---------------------------------------------------------------------------

/** The home page: a link whose href comes from the route named `kaige` (reverse URL). */
export class IndexHandler extends RequestHandler {
  override get() {
    const url = this.reverseUrl("kaige");
    this.write(`<a href="${url}">去另一个界面</a>`);
  }
}

/** A route with init args: `initialize` receives them before the HTTP method runs. */
export class SunckHandler extends RequestHandler {
  word1 = "";
  word2 = "";
  override initialize({ word1, word2 }: InitArgs) {
    this.word1 = word1;
    this.word2 = word2;
  }
  override get() {
    print(this.word1, this.word2);
    this.write("sunck is a nice man");
  }
}

/** The named route the home page links to (`url(..., name="kaige")`). */
export class KaigeHandler extends RequestHandler {
  word3 = "";
  word4 = "";
  override initialize({ word3, word4 }: InitArgs) {
    this.word3 = word3;
    this.word4 = word4;
  }
  override get() {
    print(this.word3, this.word4);
    this.write("kaige is a handsome man");
  }
}

// ---- RequestHandler: reading the request ------------------------------------------------------

/** Regex groups (正则分组): each group arrives as a string argument, positional or named. */
export class LiuyifeiHandler extends RequestHandler {
  override get(h1: string, h2: string, h3: string) {
    print([h1, h2, h3].join("-"));
    this.write("liuyifei is a nice women");
  }
}

/** Named groups (`(?P<p1>...)`): also by name on `this.pathKwargs`. */
export class LiuyifeiNamedHandler extends RequestHandler {
  override get() {
    const { p1, p2, p3 } = this.pathKwargs;
    print([p1, p2, p3].join("-"));
    this.write("liuyifei is a nice women");
  }
}

/** Query arguments: the last value wins, whitespace is stripped; `getQueryArguments` lists all. */
export class ZhangmanyuHandler extends RequestHandler {
  override get() {
    const a = this.getQueryArgument("a");
    const b = this.getQueryArgument("b");
    const c = this.getQueryArgument("c");
    print(a, b, `*${c}*`);
    print(JSON.stringify(this.getQueryArguments("a")));
    this.write("zhangmanyu is good women");
  }
}

/** Body arguments from a form; a group of checkboxes gives a list. */
export class PostFileHandler extends RequestHandler {
  override async get() {
    this.write(await readFile(join(TEMPLATES, "postfile.html")));
  }
  override post() {
    const name = this.getBodyArgument("username");
    const passwd = this.getBodyArgument("passwd");
    const hobbyList = this.getBodyArguments("hobby");
    print(name, passwd, JSON.stringify(hobbyList));
    this.write("sunck is a handsome man");
  }
}

/** Either source: `getArgument` reads the query and the body (with a default). */
export class NextHandler extends RequestHandler {
  override get() {
    const next = this.getArgument("next", "/");
    this.write(`next is ${next}`);
  }
  override post() {
    this.get();
  }
}

/** The request object's attributes, printed as the tutorial's zhuyin example does. */
export class ZhuyinHandler extends RequestHandler {
  override get() {
    const r = this.request;
    print("method", r.method);
    print("host", r.host);
    print("url", r.uri);
    print("path", r.path);
    print("query", r.query);
    print("version", r.version);
    print("headers", r.headers.toString());
    print("body", JSON.stringify(r.body.toString("latin1")));
    print("remote_ip", r.remoteIp);
    print("files", JSON.stringify(r.files));
    this.write("zhuyin is a good women");
  }
}

/**
 * A file name from a client, made safe to use inside the upload folder: the last path segment
 * only, without control characters; a name that is empty or only dots becomes `upload`.
 */
export function safeFileName(name: string): string {
  // Path traversal: never trust the client's name as a path (`../../etc/passwd`, `C:\x`).
  const last = basename(name.replaceAll("\\", "/"));
  const cleaned = last.replace(/[\x00-\x1f\x7f]/g, "").trim();
  return cleaned === "" || /^\.+$/.test(cleaned) ? "upload" : cleaned;
}

/** File upload: every file of every field is saved in the upload folder, under a safe name. */
export class UpFileHandler extends RequestHandler {
  uploadDir = "";
  override initialize({ uploadDir }: InitArgs) {
    this.uploadDir = resolve(uploadDir);
  }
  override async get() {
    this.write(await readFile(join(TEMPLATES, "upfile.html")));
  }
  override async post() {
    const filesDict = this.request.files;
    for (const inputName in filesDict) {
      for (const fileObject of filesDict[inputName]!) {
        const filePath = join(this.uploadDir, safeFileName(fileObject.filename));
        // Belt and braces: the joined path must stay inside the folder.
        if (!filePath.startsWith(this.uploadDir + sep)) continue;
        await writeFile(filePath, fileObject.body);
        print(
          "saved",
          inputName,
          fileObject.filename,
          fileObject.contentType,
          fileObject.body.length,
        );
      }
    }
    this.write("ok");
  }
}

// ---- 响应 (responses) --------------------------------------------------------------------------

/** `write` buffers; `finish` sends. Writing after finish is an error (logged; the client has its page). */
export class WriteHandler extends RequestHandler {
  override get() {
    this.write("good");
    this.write("nice");
    this.write("handsome");
    this.write("man");
    this.finish();
    // The tutorial's point: this throws "Cannot write() after finish()" (logged on the server).
    this.write("right");
  }
}

const PER = { name: "sunck", age: 18, height: 175, weight: 70 };

/** JSON serialised by hand: the Content-Type stays text/html. */
export class Json1Handler extends RequestHandler {
  override get() {
    const jsonStr = JSON.stringify(PER);
    this.write(jsonStr);
  }
}

/** An object passed to write(): JSON with Content-Type application/json (the recommended way). */
export class Json2Handler extends RequestHandler {
  override get() {
    this.write(PER);
  }
}

/** `setHeader` changes an existing header and adds new ones. */
export class SetHeaderHandler extends RequestHandler {
  override get() {
    const jsonStr = JSON.stringify(PER);
    this.setHeader("Content-Type", "application/json;charset=utf-8");
    this.setHeader("sunck", "hhgood");
    this.write(jsonStr);
  }
}

/** `setDefaultHeaders` runs first; the method's `setHeader` overrides it. */
export class HeaderHandler extends RequestHandler {
  override setDefaultHeaders() {
    this.setHeader("Content-Type", "text/html;charset=utf-8");
    this.setHeader("kaige", "nice");
  }
  override get() {
    this.setHeader("kaige", "handsome");
    this.write("good nice");
  }
  override post() {}
}

/**
 * `setStatus(code, reason)`. The tutorial's Chinese reason cannot travel in an HTTP/1.1 status
 * line (only latin-1 text can), so the client sees `200 Unknown`, exactly as with Tornado 6.2;
 * `?reason=` shows a reason that can.
 */
export class StatusCodeHandler extends RequestHandler {
  override get() {
    const reason = this.getQueryArgument("reason", "我是谁，我在哪里");
    this.setStatus(200, reason);
    this.write("88888888888888888888888888");
  }
}

/** `redirect(url)`: a 302 to the home page. */
export class RedirectHandler extends RequestHandler {
  override get() {
    this.redirect("/");
  }
}

/** `sendError` and `writeError`: `?flag=0` sends a 500 with a custom page. */
export class ErrorHandler extends RequestHandler {
  override writeError(statusCode: number, info: ErrorInfo) {
    if (statusCode === 500) {
      // A custom 500 page.
      this.write("服务器内部错误");
    } else if (statusCode === 404) {
      // A custom 404 page.
      this.write("资料不存在");
    } else {
      return super.writeError(statusCode, info);
    }
  }
  override get() {
    const flag = this.getQueryArgument("flag");
    if (flag === "0") {
      // sendError goes to writeError; nothing may be written after it.
      this.sendError(500);
      return;
    }
    this.write("you are right");
  }
}

// ---- 接口调用顺序 (the call order) -------------------------------------------------------------

/**
 * Prints each hook as it runs (project03's IndexHandler). `?error=1` calls `sendError(500)` in
 * get, the line the tutorial comments out for the error case.
 */
export class CallOrderHandler extends RequestHandler {
  override setDefaultHeaders() {
    print("set_default_headers");
  }
  override initialize() {
    print("initialize");
  }
  override prepare() {
    print("prepare");
    this.write("very very man");
  }
  override get() {
    print("http方法");
    if (this.getQueryArgument("error", "") === "1") {
      this.sendError(500);
      return;
    }
    this.write("good man");
  }
  override writeError() {
    print("write error");
    this.write("服务器内部错误");
  }
  override onFinish() {
    print("on_finish");
  }
}
