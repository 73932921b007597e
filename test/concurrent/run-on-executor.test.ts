// tornado-ts/concurrent: runOnExecutor as a method decorator, on a plain function and on a module
// export, each run on a worker thread of the IOLoop's pool.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { runOnExecutor } from "tornado-ts/concurrent";
import { IOLoop } from "tornado-ts/ioloop";

const WORK = new URL("../ioloop/fixtures/work.ts", import.meta.url);

class Thumbnailer {
  @runOnExecutor
  async threadOf(label: string) {
    const { threadId } = await import("node:worker_threads");
    return { label, threadId };
  }

  @runOnExecutor
  async sum(values: number[]) {
    let total = 0;
    for (const v of values) total += v;
    return total;
  }

  @runOnExecutor
  async explode(message: string): Promise<never> {
    throw new RangeError(message);
  }
}

describe("runOnExecutor", () => {
  after(() => IOLoop.current().close());

  it("runs a decorated method on another thread with its arguments", async () => {
    const thumbnailer = new Thumbnailer();
    const result = await thumbnailer.threadOf("x");
    assert.equal(result.label, "x");
    assert.notEqual(result.threadId, 0);
    assert.equal(await thumbnailer.sum([1, 2, 3, 36]), 42);
  });

  it("rejects with the method's error", async () => {
    await assert.rejects(new Thumbnailer().explode("too big"), /too big/);
  });

  it("keeps the event loop free while the work blocks its thread", async () => {
    const waitFor = runOnExecutor((shared: Int32Array) => {
      const outcome = Atomics.wait(shared, 0, 0, 10_000);
      return outcome === "timed-out" ? "never released" : "released";
    });
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const work = waitFor(flag);
    await new Promise((resolve) => setTimeout(resolve, 20));
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    assert.equal(await work, "released");
  });

  it("runs a module's exported function, which may import anything", async () => {
    const fib = runOnExecutor({ module: WORK, name: "fib" });
    assert.equal(await fib(20), 6765);
    await assert.rejects(runOnExecutor({ module: WORK, name: "fail" })("no"), RangeError);
  });

  it("refuses, when decorating, a method that uses this, naming it", () => {
    assert.throws(
      () => {
        class Uses {
          factor = 2;
          @runOnExecutor
          async scaled(n: number) {
            return n * this.factor;
          }
        }
        return Uses;
      },
      (error: unknown) =>
        error instanceof TypeError &&
        /cannot run scaled on a worker thread: it uses this/.test(error.message),
    );
    assert.throws(() => runOnExecutor(Math.max), /cannot send max/);
    assert.throws(() => runOnExecutor({} as never), /takes a method, a self-contained function/);
  });
});
