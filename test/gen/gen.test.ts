import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { multi, sleep, TimeoutError, withTimeout } from "tornado-ts/gen";
import { IOLoop } from "tornado-ts/ioloop";
import { captureLogs } from "tornado-ts/testing";

function later<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

function failLater(ms: number, error: Error): Promise<never> {
  return new Promise((_resolve, reject) => setTimeout(() => reject(error), ms));
}

describe("gen.sleep", () => {
  it("resolves after the given seconds", async () => {
    const order: string[] = [];
    const slept = sleep(0.02).then(() => order.push("slept"));
    setTimeout(() => order.push("timer"), 1);
    await slept;
    assert.deepEqual(order, ["timer", "slept"]);
  });
});

describe("gen.multi", () => {
  it("waits for an array of promises and keeps the order", async () => {
    const [a, b, c] = await multi([later(20, "a"), later(1, 2), "plain"]);
    assert.deepEqual([a, b, c], ["a", 2, "plain"]);
  });

  it("waits for an object of promises and keeps the keys", async () => {
    const result = await multi({ user: later(5, { id: 1 }), count: later(1, 3) });
    assert.deepEqual(result, { user: { id: 1 }, count: 3 });
  });

  it("rejects with the first error and logs the later ones", async () => {
    const logs = captureLogs();
    try {
      await assert.rejects(
        multi([failLater(1, new Error("first")), failLater(5, new Error("second"))]),
        /first/,
      );
      assert.equal(logs.of("tornado.application")[0]?.message, "Multiple exceptions in yield list");
      assert.match(String(logs.of("tornado.application")[0]?.error), /second/);
    } finally {
      logs.stop();
    }
  });

  it("does not log errors of the quiet classes", async () => {
    const logs = captureLogs();
    try {
      await assert.rejects(
        multi([failLater(1, new Error("first")), failLater(2, new RangeError("quiet"))], {
          quietExceptions: [RangeError],
        }),
      );
      assert.equal(logs.records.length, 0);
    } finally {
      logs.stop();
    }
  });
});

describe("gen.withTimeout", () => {
  it("resolves with the value when it comes in time", async () => {
    assert.equal(await withTimeout({ seconds: 1 }, later(1, "ok")), "ok");
    assert.equal(await withTimeout(IOLoop.current().time() + 1, later(1, "deadline")), "deadline");
    assert.equal(await withTimeout(new Date(Date.now() + 1000), later(1, "date")), "date");
  });

  it("rejects with TimeoutError when the deadline passes first", async () => {
    await assert.rejects(
      withTimeout({ seconds: 0.01 }, later(200, "late")),
      (error: unknown) =>
        error instanceof TimeoutError &&
        error.name === "TimeoutError" &&
        error.message === "Timeout",
    );
  });

  it("passes an error on, and logs one that comes after the timeout", async () => {
    await assert.rejects(withTimeout({ seconds: 1 }, failLater(1, new Error("broken"))), /broken/);
    const logs = captureLogs();
    try {
      await assert.rejects(
        withTimeout({ seconds: 0.005 }, failLater(30, new Error("too late"))),
        TimeoutError,
      );
      await sleep(0.06);
      assert.equal(logs.of("tornado.application")[0]?.message, "Exception in Future after timeout");
    } finally {
      logs.stop();
    }
  });
});
