// The tutorial's 请求与响应 chapter (project03 views/index.py): routes with init args, a named
// route reached with reverseUrl, path groups, query and body arguments, the request object, and
// file uploads.
import { mkdir, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { appLog } from "tornado-ts/log";
import type { InitArgs } from "tornado-ts/web";
import { BaseHandler } from "./base.ts";
import { safeUploadPath } from "./uploads.ts";

/** `/`: the chapter list, and the tutorial's link to the `kaige` route built with `reverseUrl`. */
export class IndexHandler extends BaseHandler {
  override get() {
    // reverse_url('kaige'): the route's URL from its name, so links survive a change of path.
    const url = this.reverseUrl("kaige");
    return this.render("index.html", { kaigeUrl: url });
  }
}

/** `/sunck`: the route's init args arrive in `initialize` (`{word1: "good", word2: "nice"}`). */
export class SunckHandler extends BaseHandler {
  word1 = "";
  word2 = "";

  // Called before the HTTP method, with the third element of the route.
  override initialize(initArgs: InitArgs) {
    this.word1 = String(initArgs["word1"]);
    this.word2 = String(initArgs["word2"]);
  }

  override get() {
    return this.renderMessage(
      "Init args",
      "The route's third element, {word1, word2}, reaches initialize() before get() runs. The answer is the tutorial's.",
      "sunck is a nice man",
      [
        ["word1", this.word1],
        ["word2", this.word2],
      ],
    );
  }
}

/** `/kaige`: a named route (`url(..., "kaige")`) with init args `word3` and `word4`. */
export class KaigeHandler extends BaseHandler {
  word3 = "";
  word4 = "";

  override initialize(initArgs: InitArgs) {
    this.word3 = String(initArgs["word3"]);
    this.word4 = String(initArgs["word4"]);
  }

  override get() {
    return this.renderMessage(
      "A named route",
      'url(path, handler, initArgs, "kaige") names this route, so reverseUrl("kaige") builds its URL: links keep working when the path changes.',
      "kaige is a handsome man",
      [
        ["word3", this.word3],
        ["word4", this.word4],
        ['reverseUrl("kaige")', this.reverseUrl("kaige")],
      ],
    );
  }
}

/** `/liuyifei/(\w+)/(\w+)/(\w+)`: each group reaches `get` as a positional argument. */
export class LiuyifeiHandler extends BaseHandler {
  override get(h1: string, h2: string, h3: string) {
    appLog.info([h1, h2, h3].join("-"));
    return this.renderMessage(
      "Path groups",
      "Each group of the route's regular expression reaches get() as an argument, in order.",
      "liuyifei is a nice women",
      [
        ["h1", h1],
        ["h2", h2],
        ["h3", h3],
      ],
    );
  }
}

/**
 * `/zhangmanyu?a=1&b=1&c=  1`: query arguments. The last value of a repeated name wins, spaces
 * are stripped, and a missing argument answers 400 (MissingArgumentError).
 */
export class ZhangmanyuHandler extends BaseHandler {
  override get() {
    const a = this.getQueryArgument("a");
    const b = this.getQueryArgument("b");
    const c = this.getQueryArgument("c");
    const all = this.getQueryArguments("a");
    return this.renderMessage(
      "Query arguments",
      "getQueryArgument reads one argument of the query string: the last value of a repeated name, with spaces stripped (c is shown between stars). A missing one answers 400.",
      "zhangmanyu is good women",
      [
        ["a", a],
        ["b", b],
        ["c", `*${c}*`],
        ['getQueryArguments("a")', JSON.stringify(all)],
      ],
    );
  }
}

/**
 * `/zhuyin`: the request object's attributes: a page of the site for a browser, the tutorial's
 * JSON for a client that asks for it (`Accept: application/json`).
 */
export class ZhuyinHandler extends BaseHandler {
  override get() {
    const request = this.request;
    const info = {
      method: request.method,
      host: request.host,
      uri: request.uri,
      path: request.path,
      query: request.query,
      version: request.version,
      remoteIp: request.remoteIp,
      headers: withCookieValuesHidden(request.headers.toJSON()),
    };
    this.setHeader("Vary", "Accept");
    if (prefersJson(request.headerValue("accept"))) {
      this.write(info);
      return;
    }
    const { headers, ...fields } = info;
    return this.render("request.html", {
      fields: Object.entries(fields),
      headers: Object.entries(headers),
    });
  }
}

/**
 * `headers` with the values of the Cookie header's cookies hidden (names kept): echoing them would
 * let a script on this site read the HttpOnly login cookie through `/zhuyin`.
 */
function withCookieValuesHidden(headers: Record<string, string>): Record<string, string> {
  const cookie = headers["Cookie"];
  if (cookie === undefined) return headers;
  const names = cookie.split(";").map((pair) => `${pair.split("=")[0]!.trim()}=<hidden>`);
  return { ...headers, Cookie: names.join("; ") };
}

/**
 * Whether an Accept header asks for JSON before HTML: `application/json` listed with a weight
 * above `text/html`'s (absent: 0). Browsers ask for HTML first; `fetch` and curl send no JSON.
 */
export function prefersJson(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const weights = new Map<string, number>();
  for (const entry of accept.split(",")) {
    const [type = "", ...params] = entry.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(type.trim(), Number.isFinite(weight) ? weight : 0);
  }
  return (weights.get("application/json") ?? 0) > (weights.get("text/html") ?? 0);
}

/**
 * `/postfile`: the form (with the `_xsrf` field); the POST reads `username`, `passwd` and the
 * `hobby` check boxes, counts in the `count` cookie and goes on to `/cookienum`.
 */
export class PostFileHandler extends BaseHandler {
  override get() {
    return this.render("postfile.html");
  }

  override post() {
    const name = this.getBodyArgument("username", "");
    const passwd = this.getBodyArgument("passwd", "");
    const hobbyList = this.getBodyArguments("hobby");
    // Never log a password, not even in a tutorial.
    appLog.info(`postfile: ${name} ${"*".repeat(passwd.length)} ${JSON.stringify(hobbyList)}`);
    const count = Number.parseInt(this.getCookie("count", ""), 10);
    this.setCookie("count", String(Number.isNaN(count) ? 1 : count + 1));
    this.redirect("/cookienum");
  }
}

/**
 * `/upfile`: the upload form; the POST saves every file of every field under `upfile/` and
 * shows what it saved (the tutorial answers a bare `ok`). File names are made safe first: a
 * client chooses them.
 */
export class UpFileHandler extends BaseHandler {
  override get() {
    return this.render("upfile.html");
  }

  override async post() {
    const filesDict = this.request.files;
    await mkdir(this.application.uploadDir, { recursive: true });
    const saved: { field: string; sent: string; savedAs: string; size: number }[] = [];
    for (const inputname in filesDict) {
      for (const fileObject of filesDict[inputname] ?? []) {
        const filePath = safeUploadPath(this.application.uploadDir, fileObject.filename);
        await writeFile(filePath, fileObject.body);
        appLog.info(`upfile: ${inputname} -> ${filePath} (${fileObject.body.length} bytes)`);
        saved.push({
          field: inputname,
          sent: fileObject.filename,
          savedAs: basename(filePath),
          size: fileObject.body.length,
        });
      }
    }
    return this.render("uploaded.html", { saved });
  }
}
