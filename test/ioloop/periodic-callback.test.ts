import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PeriodicCallback } from "tornado-ts/ioloop";
import { captureLogs } from "tornado-ts/testing";

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => {
      if (check()) resolve();
      else setTimeout(poll, 5);
    };
    poll();
  });
}

describe("PeriodicCallback", () => {
  it("calls again and again once started, and not after stop()", async () => {
    let calls = 0;
    const periodic = new PeriodicCallback(() => {
      calls++;
    }, 10);
    assert.equal(periodic.isRunning(), false);
    periodic.start();
    assert.equal(periodic.isRunning(), true);
    await until(() => calls >= 3);
    periodic.stop();
    const stoppedAt = calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(calls, stoppedAt);
    assert.equal(periodic.isRunning(), false);
  });

  it("waits for an async callback before the next run, so runs never overlap", async () => {
    let active = 0;
    let overlapped = false;
    let runs = 0;
    const periodic = new PeriodicCallback(async () => {
      active++;
      if (active > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 30));
      active--;
      runs++;
    }, 5);
    periodic.start();
    await until(() => runs >= 3);
    periodic.stop();
    assert.equal(overlapped, false);
  });

  it("logs an error and goes on", async () => {
    const logs = captureLogs();
    let calls = 0;
    const periodic = new PeriodicCallback(
      () => {
        calls++;
        throw new Error("tick failed");
      },
      5,
      0.5,
    );
    try {
      periodic.start();
      await until(() => calls >= 2);
    } finally {
      periodic.stop();
      logs.stop();
    }
    assert.ok(logs.of("tornado.application").length >= 1);
    assert.ok(logs.has("Exception in callback", "tornado.application"));
  });

  it("refuses a period that is not positive", () => {
    assert.throws(() => new PeriodicCallback(() => {}, 0), RangeError);
    assert.throws(() => new PeriodicCallback(() => {}, -5), /positive callbackTime/);
  });
});
