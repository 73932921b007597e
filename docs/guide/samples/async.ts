// Guide sample: long operations without blocking other requests (同步与异步).
import { setTimeout as sleep } from "node:timers/promises";
import { AsyncHTTPClient } from "tornado-ts/httpclient";
import { IOLoop } from "tornado-ts/ioloop";
import { RequestHandler } from "tornado-ts/web";

// #region async
class SleepHandler extends RequestHandler {
  async get() {
    await sleep(5000); // other requests are served meanwhile
    this.write("sunck is a good man");
  }
}

class FetchHandler extends RequestHandler {
  async get() {
    const response = await AsyncHTTPClient.instance().fetch("http://127.0.0.1:8000/json2");
    this.write(response.text());
  }
}

class BlockingWorkHandler extends RequestHandler {
  async get() {
    // CPU-heavy or blocking work runs on a worker thread: the function travels as source text,
    // so it takes everything it needs as arguments.
    const n = Number(this.getQueryArgument("n", "30"));
    const fib = await IOLoop.current().runInExecutor((k: number) => {
      const f = (i: number): number => (i < 2 ? i : f(i - 1) + f(i - 2));
      return f(k);
    }, n);
    this.write({ n, fib });
  }
}
// #endregion

/** The handlers of this sample. */
export const handlers = [SleepHandler, FetchHandler, BlockingWorkHandler];
