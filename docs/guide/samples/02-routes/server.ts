// Guide sample, chapter 2: routes (application.py and views/index.py of the tutorial's project03).
// Run: npx tsx server.ts, then open http://127.0.0.1:8000/ (in the tornado-ts clone:
// npx tsx docs/guide/samples/02-routes/server.ts)
// #region imports
import { define, parseCommandLine } from "tornado-ts/options";
import { Application, type InitArgs, RequestHandler, url } from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "the port to listen on" });
// #endregion

// #region init-args
class SunckHandler extends RequestHandler {
  word1 = "";
  word2 = "";

  // Runs before get/post, with the route's third element.
  override initialize(initArgs: InitArgs) {
    this.word1 = String(initArgs["word1"]);
    this.word2 = String(initArgs["word2"]);
  }

  override get() {
    this.write(`sunck is a nice man: ${this.word1}, ${this.word2}`);
  }
}
// #endregion

// #region reverse-url
class IndexHandler extends RequestHandler {
  override get() {
    // The URL of the route named "kaige", whatever its path is.
    const url = this.reverseUrl("kaige");
    this.write(`<a href="${url}">去另一个界面</a>`);
  }
}
// #endregion

class KaigeHandler extends RequestHandler {
  override get() {
    this.write("kaige is a handsome man");
  }
}

// #region groups
class LiuyifeiHandler extends RequestHandler {
  // /liuyifei/sunck/good/nice -> get("sunck", "good", "nice")
  override get(h1: string, h2: string, h3: string) {
    this.write(`liuyifei is a nice women: ${h1} ${h2} ${h3}`); // \w+ only: safe to echo
  }
}

class NamedLiuyifeiHandler extends RequestHandler {
  // Named groups arrive in pattern order too, and by name on this.pathKwargs.
  override get(p1: string, p2: string, p3: string) {
    this.write(`liuyifei is a nice women: ${p1} ${p2} ${p3} (p1=${this.pathKwargs["p1"]})`);
  }
}
// #endregion

// #region routes
parseCommandLine();
const app = new Application([
  ["/", IndexHandler],
  // init args: a third element
  ["/sunck", SunckHandler, { word1: "good", word2: "nice" }],
  // a name for reverseUrl: url(pattern, handler, initArgs, name)
  url("/kaige", KaigeHandler, { word3: "handsome", word4: "cool" }, "kaige"),
  // positional groups, then named ones (Python's (?P<name>...) is accepted too)
  ["/liuyifei/(\\w+)/(\\w+)/(\\w+)", LiuyifeiHandler],
  ["/named/(?P<p1>\\w+)/(?P<p2>\\w+)/(?P<p3>\\w+)", NamedLiuyifeiHandler],
]);
const server = await app.listen(port.value, "127.0.0.1");
console.log(`Listening on http://127.0.0.1:${server.port}/`);
// #endregion
