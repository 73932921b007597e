// The tutorial's options example (server04.py): define options, read them from the command line.
// Run: npx tsx --conditions=tornado-ts-source examples/server/server04.ts --port=9000 --list=good,nice,handsome,cool
// Add --logging=none to turn the log off, --help to list every option.
import { HTTPServer } from "tornado-ts/httpserver";
import { IOLoop } from "tornado-ts/ioloop";
import { define, options, parseCommandLine } from "tornado-ts/options";
import { Application, RequestHandler } from "tornado-ts/web";

// Every argument of Tornado's define(), by name.
define("port", {
  default: 8000,
  type: "int",
  help: "this is a port",
  metavar: undefined,
  multiple: false,
  group: undefined,
  callback: undefined,
});
// A list of strings: --list=good,nice,handsome,cool
define("list", { default: [], type: String, multiple: true });

// Types `options.port` and `options.list` (the values define() returns are typed as well).
declare module "tornado-ts/options" {
  interface Options {
    port: number;
    list: string[];
  }
}

class IndexHandler extends RequestHandler {
  override get() {
    this.write("sunck is a good man ");
  }
}

// Reads the command line into `options`, and turns logging on (--logging=none turns it off).
parseCommandLine();
console.log("list", options.list);
const app = new Application([["/", IndexHandler]]);
const httpServer = new HTTPServer(app);
httpServer.bind(options.port);
httpServer.start(1);
IOLoop.current().start();
