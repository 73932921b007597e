// `npm start`: serves the examples on port 8000 (`npm start -- --port=N` or PORT=N to change it).
import { enablePrettyLogging, genLog } from "tornado-ts/log";
import { Application, RequestHandler } from "tornado-ts/web";

function portFromArgs(argv: readonly string[]): number {
  for (const arg of argv) {
    const match = /^--port=(\d+)$/.exec(arg);
    if (match) return Number(match[1]);
  }
  return Number(process.env.PORT ?? 8000);
}

class IndexHandler extends RequestHandler {
  get() {
    this.write("sunck is a good man ");
  }
}

enablePrettyLogging();
const port = portFromArgs(process.argv.slice(2));
const app = new Application([["/", IndexHandler]]);
await app.listen(port);
genLog.info(`tornado-ts examples listening on http://127.0.0.1:${port}/`);
