import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { describe, it } from "node:test";
import { sleep } from "tornado-ts/gen";
import { cpuCount, processStats, taskId } from "tornado-ts/process";
import { captureLogs, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

// The test decides when the slow request may finish.
let release: () => void = () => {};
const released = new Promise<void>((resolve) => {
  release = resolve;
});

class SlowHandler extends RequestHandler {
  override async get() {
    await released;
    this.write("done");
  }
}

class FailingHandler extends RequestHandler {
  override get() {
    throw new Error("fails on purpose");
  }
}

describe("process counters", () => {
  it("knows the CPU count, and that this is not a worker", () => {
    assert.equal(cpuCount(), availableParallelism());
    assert.equal(taskId(), null);
  });

  it("count requests received, in flight, and 5xx errors", async () => {
    const logs = captureLogs();
    const server = await TestServer.start(
      new Application([
        ["/slow", SlowHandler],
        ["/fail", FailingHandler],
      ]),
    );
    try {
      const before = processStats();
      const slow = server.fetch("/slow");
      while (processStats().requests === before.requests) await sleep(0.005);
      const during = processStats();
      assert.equal(during.requests, before.requests + 1);
      assert.equal(during.inFlight, before.inFlight + 1);
      release();
      assert.equal((await slow).text, "done");
      assert.equal((await server.fetch("/fail")).code, 500);
      const after = processStats();
      assert.equal(after.requests, before.requests + 2);
      assert.equal(after.inFlight, before.inFlight);
      assert.equal(after.errors, before.errors + 1);
      assert.equal(after.pid, process.pid);
      assert.ok(after.rss > 0 && after.heapUsed > 0 && after.uptime > 0);
    } finally {
      await server.close();
      logs.stop();
    }
  });
});
