// The tutorial's final way to pass settings (sever06.py): import a config module directly.
// Run: npx tsx --conditions=tornado-ts-source examples/server/server06.ts   (PORT=N overrides config's port)
import { HTTPServer } from "tornado-ts/httpserver";
import { IOLoop } from "tornado-ts/ioloop";
import { Application, RequestHandler } from "tornado-ts/web";
import * as config from "./config.ts";

class IndexHandler extends RequestHandler {
  override get() {
    this.write("sunck is a good man ");
  }
}

console.log("list", config.options.list);
const app = new Application([["/", IndexHandler]]);
const httpServer = new HTTPServer(app);
httpServer.bind(Number(process.env.PORT ?? config.options.port));
httpServer.start(1);
IOLoop.current().start();
