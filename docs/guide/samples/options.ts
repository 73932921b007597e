// Guide sample: options from the command line (the tutorial's server04.py).
// #region options
import { HTTPServer } from "tornado-ts/httpserver";
import { IOLoop } from "tornado-ts/ioloop";
import { define, options, parseCommandLine } from "tornado-ts/options";
import { Application } from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "this is a port" });
define("list", { default: [], type: String, multiple: true });

// node server04.ts --port=9000 --list=good,nice,handsome,cool
parseCommandLine();
console.log("list", options["list"]);
const server = new HTTPServer(new Application([]));
server.bind(port.value);
server.start(1);
IOLoop.current().start();
// #endregion
