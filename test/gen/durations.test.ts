// Durations are seconds, as in Tornado, or name their unit; milliseconds written where seconds are
// meant (`sleep(5000)`, which would wait 83 minutes) are refused with an error that says so, in
// sleep, callLater, callAt / addTimeout, withTimeout and PeriodicCallback.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  durationSeconds,
  MAX_BARE_SECONDS,
  MAX_TIMER_SECONDS,
  sleep,
  TimeoutError,
  withTimeout,
} from "tornado-ts/gen";
import { IOLoop, PeriodicCallback } from "tornado-ts/ioloop";
import { captureLogs, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

/** Resolves with the order in which `first` and a 1 ms Node timer ended. */
async function order(first: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const done = first().then(() => seen.push("wait"));
  setTimeout(() => seen.push("1ms"), 1);
  await done;
  return seen;
}

describe("durations", () => {
  it("a bare number is seconds; a TimeDelta names its unit and its parts add up", () => {
    assert.equal(durationSeconds(0), 0);
    assert.equal(durationSeconds(2.5), 2.5);
    assert.equal(durationSeconds(MAX_BARE_SECONDS), 300);
    assert.equal(durationSeconds({ milliseconds: 250 }), 0.25);
    assert.equal(durationSeconds({ minutes: 2, seconds: 30 }), 150);
    assert.equal(durationSeconds({ days: 1, hours: 1 }), 90_000);
    assert.equal(durationSeconds({ seconds: 5000 }), 5000); // long waits are fine with their unit
    assert.equal(durationSeconds({}), 0);
  });

  it("a bare number above 300 is refused as milliseconds written for seconds, naming the fix", () => {
    assert.throws(
      () => durationSeconds(5000, "sleep"),
      (error: Error) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /^sleep: 5000 is a number of seconds \(83 minutes\)/);
        assert.match(error.message, /For 5000 milliseconds write 5 or \{ milliseconds: 5000 \}/);
        assert.match(error.message, /name the unit: \{ seconds: 5000 \}/);
        return true;
      },
    );
    assert.throws(() => durationSeconds(300.5), RangeError);
  });

  it("negative, NaN, infinite, unknown units and non-numbers are refused", () => {
    for (const bad of [-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => durationSeconds(bad, "sleep"), /sleep: must be a finite number/);
    }
    assert.throws(() => durationSeconds({ seconds: -5 }), /seconds must be a finite number/);
    assert.throws(() => durationSeconds({ ms: 5 } as never), TypeError);
    assert.throws(() => durationSeconds({ ms: 5 } as never), /"ms" is not a unit/);
    assert.throws(() => durationSeconds("5" as never), TypeError);
    assert.throws(() => durationSeconds({ seconds: "5" } as never), /seconds must be a number/);
    assert.throws(() => durationSeconds(null as never), TypeError);
  });

  it("a wait longer than a timer allows (24.8 days) is refused, not fired at once", () => {
    assert.equal(durationSeconds({ milliseconds: 2 ** 31 - 1 }), MAX_TIMER_SECONDS);
    assert.throws(() => durationSeconds({ days: 25 }), /longer than a timer can wait/);
  });
});

describe("gen.sleep with units", () => {
  it("sleep({ milliseconds }) and sleep(seconds) wait, and a 0 wait is allowed", async () => {
    assert.deepEqual(await order(() => sleep({ milliseconds: 20 })), ["1ms", "wait"]);
    assert.deepEqual(await order(() => sleep(0.02)), ["1ms", "wait"]);
    await sleep(0);
  });

  it("sleep(5000) throws at once instead of waiting 83 minutes", () => {
    assert.throws(() => sleep(5000), /sleep: 5000 is a number of seconds/);
    assert.throws(() => sleep(-1), RangeError);
    assert.throws(() => sleep(Number.NaN), RangeError);
  });

  it("a handler that sleeps milliseconds by mistake answers 500 at once, and the log says why", async () => {
    class SleepHandler extends RequestHandler {
      override async get() {
        await sleep(5000);
        this.write("never");
      }
    }
    const server = await TestServer.start(new Application([["/sleep", SleepHandler]]));
    const logs = captureLogs();
    try {
      const response = await server.fetch("/sleep");
      assert.equal(response.code, 500);
      const [record] = logs.of("tornado.application");
      assert.match(record?.message ?? "", /Uncaught exception GET \/sleep/);
      assert.match(String(record?.error), /sleep: 5000 is a number of seconds \(83 minutes\)/);
    } finally {
      logs.stop();
      await server.close();
    }
  });
});

describe("IOLoop delays and deadlines", () => {
  const loop = IOLoop.current();

  it("callLater takes seconds or a TimeDelta, and refuses milliseconds written for seconds", async () => {
    await new Promise<void>((resolve) => loop.callLater({ milliseconds: 5 }, resolve));
    await new Promise<void>((resolve) => loop.callLater(0.005, resolve));
    assert.throws(() => loop.callLater(1000, () => {}), /callLater: 1000 is a number of seconds/);
    assert.throws(() => loop.callLater(-1, () => {}), RangeError);
  });

  it("callAt and addTimeout take a time; a time already past runs at once", async () => {
    await new Promise<void>((resolve) => loop.callAt(loop.time() - 10, resolve));
    await new Promise<void>((resolve) => loop.addTimeout(loop.time() + 0.005, resolve));
    await new Promise<void>((resolve) => loop.addTimeout(new Date(Date.now() + 5), resolve));
    await new Promise<void>((resolve) => loop.addTimeout({ milliseconds: 5 }, resolve));
  });

  it("callAt refuses a delay where a time is meant, and epoch milliseconds", () => {
    assert.throws(
      () => loop.callAt(5, () => {}),
      /callAt: a number is a deadline .*\{ seconds: 5 \}/,
    );
    assert.throws(() => loop.addTimeout(Date.now() + 5000, () => {}), /not milliseconds/);
    assert.throws(() => loop.callAt(Number.NaN, () => {}), RangeError);
  });

  it("withTimeout refuses a bare delay and epoch milliseconds, and takes a TimeDelta", async () => {
    assert.throws(() => withTimeout(5, Promise.resolve()), /withTimeout: a number is a deadline/);
    assert.throws(() => withTimeout(Date.now() + 5000, Promise.resolve()), /not milliseconds/);
    await assert.rejects(withTimeout({ milliseconds: 5 }, new Promise(() => {})), TimeoutError);
  });

  it("PeriodicCallback takes milliseconds, as Tornado's, or a TimeDelta", async () => {
    let runs = 0;
    await new Promise<void>((resolve) => {
      const periodic = new PeriodicCallback(
        () => {
          if (++runs === 2) {
            periodic.stop();
            resolve();
          }
        },
        { milliseconds: 5 },
      );
      periodic.start();
    });
    assert.equal(runs, 2);
    assert.throws(() => new PeriodicCallback(() => {}, Number.NaN), RangeError);
    assert.throws(() => new PeriodicCallback(() => {}, { days: 30 }), /longer than a timer/);
    assert.throws(() => new PeriodicCallback(() => {}, 10, 2), /jitter must be from 0 to 1/);
  });
});
