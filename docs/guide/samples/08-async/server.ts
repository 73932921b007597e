// Guide sample, chapter 8: long operations without blocking other requests (同步与异步).
// Run: npx tsx server.ts, then open http://127.0.0.1:8000/sleep and, meanwhile,
// http://127.0.0.1:8000/fib (in the tornado-ts clone:
// npx tsx docs/guide/samples/08-async/server.ts)
// #region async
import { sleep } from "tornado-ts/gen";
import { AsyncHTTPClient } from "tornado-ts/httpclient";
import { IOLoop } from "tornado-ts/ioloop";
import { define, parseCommandLine } from "tornado-ts/options";
import { Application, RequestHandler } from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "the port to listen on" });

class SleepHandler extends RequestHandler {
  override async get() {
    await sleep(5); // seconds, as Tornado's gen.sleep(5); other requests are served meanwhile
    this.write("sunck is a good man");
  }
}

class Json2Handler extends RequestHandler {
  override get() {
    this.write({ name: "sunck", age: 18 });
  }
}

class FetchHandler extends RequestHandler {
  override async get() {
    // Another HTTP service; here this server's own /json2.
    const response = await AsyncHTTPClient.instance().fetch(`${baseUrl}/json2`);
    this.write(response.text());
  }
}

class BlockingWorkHandler extends RequestHandler {
  override async get() {
    // CPU-heavy or blocking work runs on a worker thread: the function travels as source text,
    // so it takes everything it needs as arguments.
    const n = Number(this.getQueryArgument("n", "30"));
    if (!Number.isInteger(n) || n < 0 || n > 40) {
      this.sendError(400, { reason: "n must be an integer from 0 to 40" });
      return;
    }
    const fib = await IOLoop.current().runInExecutor((k: number) => {
      const f = (i: number): number => (i < 2 ? i : f(i - 1) + f(i - 2));
      return f(k);
    }, n);
    this.write({ n, fib });
  }
}
// #endregion

// #region app
parseCommandLine();
const app = new Application([
  ["/sleep", SleepHandler],
  ["/json2", Json2Handler],
  ["/fetch", FetchHandler],
  ["/fib", BlockingWorkHandler],
]);
const server = await app.listen(port.value, "127.0.0.1");
const baseUrl = `http://127.0.0.1:${server.port}`;
console.log(`Listening on ${baseUrl}/`);
// #endregion
