// One process through HTTPServer (the tutorial's 单进程 notes): bind() then start(1), which is
// what app.listen() does in one step. Stop it with Ctrl-C or SIGTERM: requests in progress finish.
// Run: npx tsx --conditions=tornado-ts-source examples/server/server02.ts   (PORT=N to use another port)
import { HTTPServer } from "tornado-ts/httpserver";
import { IOLoop } from "tornado-ts/ioloop";
import { Application, RequestHandler } from "tornado-ts/web";

class IndexHandler extends RequestHandler {
  override get() {
    this.write("sunck is a good man ");
  }
}

const app = new Application([["/", IndexHandler]]);
const httpServer = new HTTPServer(app);
httpServer.bind(Number(process.env.PORT ?? 8000));
// start() and start(1) serve in this process.
httpServer.start(1);
IOLoop.current().start();
