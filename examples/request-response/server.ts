// Serves the examples of the tutorial's chapter 请求与响应 (the project's server.py):
// `npx tsx --conditions=tornado-ts-source examples/request-response/server.ts`, then open
// http://127.0.0.1:8000/ (PORT=9000 for another port). `npm start` serves them too, with the
// other examples.
import { IOLoop } from "tornado-ts/ioloop";
import { enablePrettyLogging } from "tornado-ts/log";
import { makeApp } from "./app.ts";

enablePrettyLogging();
const app = makeApp();
app.listen(Number(process.env.PORT ?? 8000));
IOLoop.current().start();
