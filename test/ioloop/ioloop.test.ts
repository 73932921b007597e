import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IOLoop } from "tornado-ts/ioloop";
import { captureLogs } from "tornado-ts/testing";

describe("IOLoop", () => {
  it("is one per process", () => {
    assert.equal(IOLoop.current(), IOLoop.current());
  });

  it("start() resolves when stop() is called, and can run again", async () => {
    const loop = IOLoop.current();
    for (let round = 0; round < 2; round++) {
      const started = loop.start();
      assert.equal(loop.running, true);
      assert.throws(() => loop.start(), /IOLoop is already running/);
      loop.callLater(0.01, () => loop.stop());
      await started;
      assert.equal(loop.running, false);
    }
  });

  it("runs callbacks in order: addCallback, callLater, callAt", async () => {
    const loop = IOLoop.current();
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      loop.callAt(loop.time() + 0.05, () => {
        order.push("callAt");
        resolve();
      });
    });
    loop.callLater(0.02, () => order.push("callLater"));
    loop.addCallback(() => order.push("addCallback"));
    await done;
    assert.deepEqual(order, ["addCallback", "callLater", "callAt"]);
  });

  it("removeTimeout cancels a scheduled callback", async () => {
    const loop = IOLoop.current();
    let ran = false;
    const handle = loop.callLater(0.01, () => {
      ran = true;
    });
    loop.removeTimeout(handle);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(ran, false);
  });

  it("gives the time in seconds since the epoch", () => {
    const time = IOLoop.current().time();
    assert.ok(Math.abs(time - Date.now() / 1000) < 1);
  });

  it("logs a callback's error on tornado.application and keeps going", async () => {
    const logs = captureLogs();
    try {
      await new Promise<void>((resolve) => {
        IOLoop.current().addCallback(() => {
          setImmediate(resolve);
          throw new Error("callback broke");
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      const [record] = logs.of("tornado.application");
      assert.ok(record);
      assert.equal(record.message, "Exception in callback");
      assert.match(String((record.error as Error).message), /callback broke/);
    } finally {
      logs.stop();
    }
  });
});
