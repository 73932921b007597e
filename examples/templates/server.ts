// Runs the 模板 chapter's examples: `npx tsx examples/templates/server.ts`, then open
// http://127.0.0.1:8000/home, /flow, /func, /trans, /trans2, /cart, /static-url and /.
import { IOLoop } from "tornado-ts/ioloop";
import { createApplication } from "./application.ts";

const port = Number(process.env.PORT ?? 8000);
createApplication().listen(port);
IOLoop.current().start();
