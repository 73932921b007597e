import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

const SLOW_REQUESTS = 2000;

let inFlight = 0;
let completed = 0;
let release: () => void = () => undefined;
const gate = new Promise<void>((resolve) => {
  release = resolve;
});

/** Waits on a gate the test opens: stands for a slow database or upstream call. */
class SlowHandler extends RequestHandler {
  override async get() {
    inFlight++;
    await gate;
    inFlight--;
    completed++;
    this.write("slow");
  }
}

class FastHandler extends RequestHandler {
  override get() {
    this.write({ inFlight, completed });
  }
}

function get(port: number, path: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    // One connection per request (agent: false), as thousands of separate clients would.
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("concurrency of asynchronous handlers", () => {
  let server: TestServer;
  let logs: LogCapture;
  before(async () => {
    logs = captureLogs(30);
    server = await TestServer.start(
      new Application([
        ["/slow", SlowHandler],
        ["/fast", FastHandler],
      ]),
    );
  });
  after(async () => {
    await server.close();
    logs.stop();
  });

  it(`answers a fast request while ${SLOW_REQUESTS} slow ones are still waiting`, async () => {
    const slow = Array.from({ length: SLOW_REQUESTS }, () => get(server.port, "/slow"));
    while (inFlight < SLOW_REQUESTS) await new Promise((resolve) => setTimeout(resolve, 10));
    const fast = await get(server.port, "/fast");
    assert.equal(fast.code, 200);
    // Every slow request was still in its handler when the fast one was answered.
    assert.deepEqual(JSON.parse(fast.body), { inFlight: SLOW_REQUESTS, completed: 0 });
    release();
    const results = await Promise.all(slow);
    assert.equal(
      results.filter((result) => result.code === 200 && result.body === "slow").length,
      SLOW_REQUESTS,
    );
    assert.equal(completed, SLOW_REQUESTS);
  });
});
