// Guide sample: reading a request (arguments, the request object, uploaded files).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RequestHandler } from "tornado-ts/web";

// #region query
class ZhangmanyuHandler extends RequestHandler {
  get() {
    // /zhangmanyu?a=1&b=1&c=%20%201: the last value of a name, stripped of spaces.
    const a = this.getQueryArgument("a");
    const b = this.getQueryArgument("b", "default");
    const c = this.getQueryArgument("c", null, false); // string | null, spaces kept
    const all = this.getQueryArguments("a"); // every value: string[]
    console.log(a, b, c, all);
    this.write("zhangmanyu is good women");
  }
}
// #endregion

// #region body
class PostFileHandler extends RequestHandler {
  post() {
    const name = this.getBodyArgument("username");
    const passwd = this.getBodyArgument("passwd");
    const hobbyList = this.getBodyArguments("hobby"); // check boxes: every value
    const next = this.getArgument("next", "/"); // query or body
    console.log(name, passwd.length, hobbyList, next);
    this.write("sunck is a handsome man");
  }
}
// #endregion

// #region request
class ZhuyinHandler extends RequestHandler {
  get() {
    const r = this.request;
    console.log(r.method, r.host, r.uri, r.path, r.query, r.version, r.remoteIp);
    console.log(r.headers.get("User-Agent"), r.body.length, Object.keys(r.files));
    this.write("zhuyin is a good women");
  }
}
// #endregion

// #region files
class UpFileHandler extends RequestHandler {
  async post() {
    // { file: [{ filename, body, contentType }, ...], img: [...] }
    const filesDict = this.request.files;
    for (const inputname in filesDict) {
      for (const fileObject of filesDict[inputname] ?? []) {
        // Never trust fileObject.filename as a path: see the tutorial app's safeUploadPath.
        const safeName = fileObject.filename.replace(/^.*[/\\]/, "").replace(/^\.+/, "");
        await writeFile(join("upfile", safeName || "upload"), fileObject.body);
      }
    }
    this.write("ok");
  }
}
// #endregion

/** The handlers of this sample. */
export const handlers = [ZhangmanyuHandler, PostFileHandler, ZhuyinHandler, UpFileHandler];
