// The same long operation done three ways inside a handler, none of which holds up other
// requests: a timer, blocking work on a worker thread, and a call to another service through
// AsyncHTTPClient. reqB answers at once while any reqA is waiting.
//
// The worker-thread route uses node:worker_threads directly (IOLoop.runInExecutor, the pool-based
// form, lives on another branch); the blocking work itself is the same either way.
import { setTimeout as sleep } from "node:timers/promises";
import { AsyncHTTPClient } from "tornado-ts/httpclient";
import { appLog } from "tornado-ts/log";
import { Application, RequestHandler } from "tornado-ts/web";
import { runOnThreadAsync } from "./long-io.ts";

/** What the handlers log, in order, also kept here so tests can read it. */
export const journal: string[] = [];

function say(line: string): void {
  journal.push(line);
  appLog.info(line);
}

abstract class LongRequestHandler extends RequestHandler {
  /** The long operation; resolves with its result. */
  abstract longIo(seconds: number): Promise<string>;

  override async get() {
    const seconds = Number(this.getArgument("seconds", "5"));
    say("开始处理reqA");
    const res = await this.longIo(seconds);
    say("结束处理reqA");
    this.write(res);
  }
}

/** A timer: the event loop is free while it runs (Tornado's `await gen.sleep(5)`). */
export class TimerHandler extends LongRequestHandler {
  async longIo(seconds: number): Promise<string> {
    await sleep(seconds * 1000);
    return "sunck is a good man (timer)";
  }
}

/** Blocking work on a worker thread (Tornado's `await IOLoop.current().run_in_executor(...)`). */
export class ThreadHandler extends LongRequestHandler {
  longIo(seconds: number): Promise<string> {
    return runOnThreadAsync(seconds, "sunck is a good man (thread)", { announce: false });
  }
}

/** Another service, called with the non-blocking HTTP client. */
export class FetchHandler extends LongRequestHandler {
  async longIo(seconds: number): Promise<string> {
    const upstream = `${this.request.protocol}://${this.request.host}/upstream?seconds=${seconds}`;
    const response = await AsyncHTTPClient.instance().fetch(upstream, {
      requestTimeout: seconds + 10,
    });
    return response.text();
  }
}

/** The slow service FetchHandler calls (served by the same application to stay self-contained). */
export class UpstreamHandler extends RequestHandler {
  override async get() {
    await sleep(Number(this.getArgument("seconds", "5")) * 1000);
    this.write("sunck is a good man (fetch)");
  }
}

/** The fast request. */
export class ReqBHandler extends RequestHandler {
  override get() {
    say("开始处理reqB");
    this.write("reqB done");
    say("结束处理reqB");
  }
}

/** The application: `/reqA/timer`, `/reqA/thread`, `/reqA/fetch` (with `?seconds=`), `/reqB`. */
export function makeApp(): Application {
  return new Application([
    ["/reqA/timer", TimerHandler],
    ["/reqA/thread", ThreadHandler],
    ["/reqA/fetch", FetchHandler],
    ["/upstream", UpstreamHandler],
    ["/reqB", ReqBHandler],
  ]);
}
