// The tutorial's first example (基础流程 / 第一个实例): one handler, one route, port 8000.
import { IOLoop } from "tornado-ts/ioloop";
import { Application, RequestHandler } from "tornado-ts/web";

class IndexHandler extends RequestHandler {
  get() {
    this.write("sunck is a good man ");
  }
}

const port = Number(process.env.PORT ?? 8000);
const app = new Application([["/", IndexHandler]]);
app.listen(port);
IOLoop.current().start();
