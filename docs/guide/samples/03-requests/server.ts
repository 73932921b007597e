// Guide sample, chapter 3: reading a request (arguments, the request object, uploaded files).
// Run: npx tsx server.ts, then open http://127.0.0.1:8000/zhangmanyu?a=1&b=1&c=%20%201 (in the
// tornado-ts clone: npx tsx docs/guide/samples/03-requests/server.ts)
// #region imports
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { define, parseCommandLine } from "tornado-ts/options";
import { Application, RequestHandler } from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "the port to listen on" });
// Uploads land in upfile/ beside this file, as in the tutorial's project layout.
const UPLOAD_DIR = join(import.meta.dirname, "upfile");
// #endregion

// #region query
class ZhangmanyuHandler extends RequestHandler {
  override get() {
    // /zhangmanyu?a=1&b=1&c=%20%201: the last value of a name, stripped of spaces.
    const a = this.getQueryArgument("a");
    const b = this.getQueryArgument("b", "default");
    const c = this.getQueryArgument("c", null, false); // string | null, spaces kept
    const all = this.getQueryArguments("a"); // every value: string[]
    this.write({ a, b, c, all }); // an object is sent as JSON
  }
}
// #endregion

// #region body
class PostFileHandler extends RequestHandler {
  override post() {
    const name = this.getBodyArgument("username");
    const passwd = this.getBodyArgument("passwd");
    const hobbyList = this.getBodyArguments("hobby"); // check boxes: every value
    const next = this.getArgument("next", "/"); // query or body
    this.write({ name, passwdLength: passwd.length, hobbyList, next });
  }
}
// #endregion

// #region request
class ZhuyinHandler extends RequestHandler {
  override get() {
    const r = this.request;
    this.write({
      method: r.method,
      host: r.host,
      uri: r.uri,
      path: r.path,
      query: r.query,
      version: r.version,
      remoteIp: r.remoteIp,
      userAgent: r.headers.get("User-Agent") ?? null,
    });
  }
}
// #endregion

// #region files
class UpFileHandler extends RequestHandler {
  override get() {
    this.write(`<form action="/upfile" method="post" enctype="multipart/form-data">
      <input type="file" name="file" multiple> <button type="submit">上传 Upload</button></form>`);
  }

  override async post() {
    // { file: [{ filename, body, contentType }, ...], img: [...] }
    const filesDict = this.request.files;
    const saved: string[] = [];
    await mkdir(UPLOAD_DIR, { recursive: true });
    for (const inputname in filesDict) {
      for (const fileObject of filesDict[inputname] ?? []) {
        // Never trust fileObject.filename as a path: keep a plain last segment only.
        const safeName = fileObject.filename.replace(/^.*[/\\]/, "").replace(/^\.+/, "");
        await writeFile(join(UPLOAD_DIR, safeName || "upload"), fileObject.body);
        saved.push(safeName || "upload");
      }
    }
    this.write({ saved });
  }
}
// #endregion

// #region app
parseCommandLine();
const app = new Application([
  ["/zhangmanyu", ZhangmanyuHandler],
  ["/postfile", PostFileHandler],
  ["/zhuyin", ZhuyinHandler],
  ["/upfile", UpFileHandler],
]);
const server = await app.listen(port.value, "127.0.0.1");
console.log(`Listening on http://127.0.0.1:${server.port}/`);
// #endregion
