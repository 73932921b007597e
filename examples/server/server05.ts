// The tutorial's config-file and 日志 examples (server05.py): read options from the file `config`
// beside this one (TOML: `port = 7000` / `list = ['good','nice','handsome']`, as the tutorial
// writes it), with logging turned off before parsing.
// Run: npx tsx --conditions=tornado-ts-source examples/server/server05.ts   (CONFIG=path for another file)
import { HTTPServer } from "tornado-ts/httpserver";
import { IOLoop } from "tornado-ts/ioloop";
import { define, options, parseConfigFile } from "tornado-ts/options";
import { Application, RequestHandler } from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "this is a port" });
define("list", { default: [], type: String, multiple: true });

class IndexHandler extends RequestHandler {
  override get() {
    this.write("sunck is a good man ");
  }
}

// 关闭日志: with `logging` null, parsing leaves every log line off.
options.logging = null;
parseConfigFile(process.env.CONFIG ?? new URL("./config", import.meta.url));
console.log("list", options.list);
const app = new Application([["/", IndexHandler]]);
const httpServer = new HTTPServer(app);
httpServer.bind(port.value);
httpServer.start(1);
IOLoop.current().start();
