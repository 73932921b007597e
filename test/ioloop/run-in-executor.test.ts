import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { IOLoop } from "tornado-ts/ioloop";

const WORK = new URL("./fixtures/work.ts", import.meta.url);

describe("IOLoop.runInExecutor", () => {
  const loop = IOLoop.current();
  after(() => loop.close());

  it("runs a self-contained function on another thread with its arguments", async () => {
    const result = await loop.runInExecutor(
      async (a: number, b: { text: string }) => {
        const { threadId } = await import("node:worker_threads");
        function twice(s: string) {
          return s + s;
        }
        return { sum: a + 1, text: twice(b.text), threadId };
      },
      41,
      { text: "ab" },
    );
    assert.deepEqual({ sum: result.sum, text: result.text }, { sum: 42, text: "abab" });
    assert.notEqual(result.threadId, 0);
  });

  it("runs an exported function of a module, the default export when no name is given", async () => {
    assert.equal(await loop.runInExecutor({ module: WORK, name: "fib" }, 20), 6765);
    assert.notEqual(await loop.runInExecutor({ module: WORK }), 0);
  });

  it("keeps the event loop free while the work blocks its thread", async () => {
    // The work waits until this thread releases it: were it run on this thread, it never could.
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const work = loop.runInExecutor((shared: Int32Array) => {
      const outcome = Atomics.wait(shared, 0, 0, 10_000);
      return outcome === "timed-out" ? "never released" : "released";
    }, flag);
    await new Promise((resolve) => setTimeout(resolve, 20));
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    assert.equal(await work, "released");
  });

  it("rejects with the error the work throws", async () => {
    await assert.rejects(
      loop.runInExecutor({ module: WORK, name: "fail" }, "bad input"),
      /bad input/,
    );
    await assert.rejects(
      loop.runInExecutor(() => {
        throw new TypeError("thrown in a thread");
      }),
      /thrown in a thread/,
    );
  });

  it("explains what cannot be sent: closures, methods, missing exports", async () => {
    const outside = 5;
    await assert.rejects(
      loop.runInExecutor(() => outside * 2),
      /outside is not defined/,
    );
    const object = {
      method() {
        return 1;
      },
    };
    await assert.rejects(loop.runInExecutor(object.method), /needs a self-contained function/);
    await assert.rejects(
      loop.runInExecutor({ module: WORK, name: "nothing" }),
      /has no exported function 'nothing'/,
    );
  });
});
