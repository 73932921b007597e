// Port of Tornado 6.2's tornado/test/gen_test.py: the parts with a counterpart in tornado-ts/gen
// (multi, sleep, moment, withTimeout, WaitIterator) and the coroutine handlers. Python's
// `@gen.coroutine` generator mechanics are async functions here and are listed as not applicable.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { moment, multi, sleep, TimeoutError, WaitIterator, withTimeout } from "tornado-ts/gen";
import { IOLoop } from "tornado-ts/ioloop";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, HTTPError, RequestHandler } from "tornado-ts/web";
import { deferred, quietAccessLog } from "./support/suite-b-util.ts";

quietAccessLog();

/** Resolves with `arg` after `iterations` turns of the event loop (Python's `delay`). */
async function delay<T>(iterations: number, arg: T): Promise<T> {
  for (let i = 0; i < iterations; i++) await moment();
  return arg;
}

async function asyncFuture<T>(result: T): Promise<T> {
  await moment();
  return result;
}

async function asyncException(error: Error): Promise<never> {
  await moment();
  throw error;
}

async function addOneAsync(x: number): Promise<number> {
  await moment();
  return x + 1;
}

test("GenBasicTest.test_multi", async () => {
  assert.deepEqual(await multi([addOneAsync(1), addOneAsync(2)]), [2, 3]);
});

test("GenBasicTest.test_multi_dict", async () => {
  assert.deepEqual(await multi({ foo: addOneAsync(1), bar: addOneAsync(2) }), { foo: 2, bar: 3 });
});

test("GenBasicTest.test_multi_delayed", async () => {
  // The results arrive at different times; the order is the list's.
  assert.deepEqual(await multi([delay(3, "v1"), delay(1, "v2")]), ["v1", "v2"]);
});

test("GenBasicTest.test_multi_dict_delayed", async () => {
  assert.deepEqual(await multi({ foo: delay(3, "v1"), bar: delay(1, "v2") }), {
    foo: "v1",
    bar: "v2",
  });
});

test("GenBasicTest.test_multi_performance", async () => {
  // A large list completes (Python also bounds the time; speed belongs to the benchmark here).
  const results = await multi(Array.from({ length: 2000 }, () => moment()));
  assert.equal(results.length, 2000);
});

test("GenBasicTest.test_multi_empty", async () => {
  // An empty list or object gives back the same type.
  assert.ok(Array.isArray(await multi([])));
  const empty = await multi({});
  assert.deepEqual(empty, {});
  assert.ok(!Array.isArray(empty));
});

test("GenBasicTest.test_multi_future", async () => {
  assert.deepEqual(await multi([asyncFuture(1), asyncFuture(2)]), [1, 2]);
});

test("GenBasicTest.test_multi_future_duplicate", async () => {
  const f = asyncFuture(2);
  assert.deepEqual(await multi([asyncFuture(1), f, asyncFuture(3), f]), [1, 2, 3, 2]);
});

test("GenBasicTest.test_multi_dict_future", async () => {
  assert.deepEqual(await multi({ foo: asyncFuture(1), bar: asyncFuture(2) }), { foo: 1, bar: 2 });
});

/** Python's test_multi_exceptions and test_multi_future_exceptions (gen.Multi and multi_future). */
async function multiExceptions(): Promise<void> {
  await expectLog(
    "Multiple exceptions in yield list",
    () =>
      assert.rejects(
        multi([asyncException(new Error("error 1")), asyncException(new Error("error 2"))]),
        { message: "error 1" },
      ),
    { logger: "tornado.application" },
  );
  // With only one exception, nothing is logged (the log guard fails the test otherwise).
  await assert.rejects(multi([asyncException(new Error("error 1")), asyncFuture(2)]), {
    message: "error 1",
  });
  // Logging can be quieted for some exception classes.
  class QuietError extends Error {}
  await assert.rejects(
    multi([asyncException(new QuietError("error 1")), asyncException(new QuietError("error 2"))], {
      quietExceptions: [QuietError],
    }),
    QuietError,
  );
}

test("GenBasicTest.test_multi_exceptions", multiExceptions);

test("GenBasicTest.test_multi_future_exceptions", multiExceptions);

test("GenCoroutineTest.test_async_await_mixed_multi_native_future", async () => {
  const f1 = async (): Promise<void> => {
    await moment();
  };
  const f2 = async (): Promise<number> => {
    await f1();
    return 42;
  };
  const f3 = async (): Promise<number> => {
    await moment();
    return 43;
  };
  assert.deepEqual(await multi([f2(), f3()]), [42, 43]);
});

test("GenCoroutineTest.test_async_with_timeout", async () => {
  const f1 = async (): Promise<number> => 42;
  assert.equal(await withTimeout({ seconds: 3600 }, f1()), 42);
});

test("GenCoroutineTest.test_moment", async () => {
  let calls: string[] = [];
  const f = async (name: string, yieldable: () => Promise<void>): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      calls.push(name);
      await yieldable();
    }
  };
  const immediate = (): Promise<void> => Promise.resolve();
  // An `await` of a settled promise still goes through the microtask queue, so two coroutines
  // interleave (Python: a done Future does not yield, "aaaaabbbbb").
  await multi([f("a", immediate), f("b", immediate)]);
  assert.equal(calls.join(""), "ababababab");
  // With moment they take turns.
  calls = [];
  await multi([f("a", moment), f("b", moment)]);
  assert.equal(calls.join(""), "ababababab");
  // moment waits for the event loop, after every pending microtask.
  calls = [];
  await multi([f("a", moment), f("b", immediate)]);
  assert.equal(calls.join(""), "abbbbbaaaa");
});

test("GenCoroutineTest.test_sleep", async () => {
  await sleep(0.01);
});

class GenCoroutineSequenceHandler extends RequestHandler {
  override async get(): Promise<void> {
    await moment();
    this.write("1");
    await moment();
    this.write("2");
    await moment();
    await this.finish("3");
  }
}

class GenCoroutineUnfinishedSequenceHandler extends RequestHandler {
  override async get(): Promise<void> {
    await moment();
    this.write("1");
    await moment();
    this.write("2");
    await moment();
    // Write without finishing.
    this.write("3");
  }
}

class UndecoratedCoroutinesHandler extends RequestHandler {
  chunks: string[] = [];
  override async prepare(): Promise<void> {
    this.chunks = [];
    await moment();
    this.chunks.push("1");
  }
  override async get(): Promise<void> {
    this.chunks.push("2");
    await moment();
    this.chunks.push("3");
    await moment();
    this.write(this.chunks.join(""));
  }
}

class AsyncPrepareErrorHandler extends RequestHandler {
  override async prepare(): Promise<void> {
    await moment();
    throw new HTTPError(403);
  }
  override get(): void {
    this.finish("ok");
  }
}

class NativeCoroutineHandler extends RequestHandler {
  override async get(): Promise<void> {
    await Promise.resolve();
    this.write("ok");
  }
}

let server: TestServer;

before(async () => {
  server = await TestServer.start(
    new Application([
      ["/coroutine_sequence", GenCoroutineSequenceHandler],
      ["/coroutine_unfinished_sequence", GenCoroutineUnfinishedSequenceHandler],
      ["/undecorated_coroutine", UndecoratedCoroutinesHandler],
      ["/async_prepare_error", AsyncPrepareErrorHandler],
      ["/native_coroutine", NativeCoroutineHandler],
    ]),
  );
});

after(async () => {
  await server.close();
  await IOLoop.current().close();
});

test("GenWebTest.test_coroutine_sequence_handler", async () => {
  assert.equal((await server.fetch("/coroutine_sequence")).text, "123");
});

test("GenWebTest.test_coroutine_unfinished_sequence_handler", async () => {
  assert.equal((await server.fetch("/coroutine_unfinished_sequence")).text, "123");
});

test("GenWebTest.test_undecorated_coroutines", async () => {
  assert.equal((await server.fetch("/undecorated_coroutine")).text, "123");
});

test("GenWebTest.test_async_prepare_error_handler", async () => {
  assert.equal((await server.fetch("/async_prepare_error")).code, 403);
});

test("GenWebTest.test_native_coroutine_handler", async () => {
  const response = await server.fetch("/native_coroutine");
  assert.equal(response.code, 200);
  assert.equal(response.text, "ok");
});

test("WithTimeoutTest.test_timeout", async () => {
  await assert.rejects(withTimeout({ seconds: 0.1 }, new Promise(() => undefined)), TimeoutError);
});

test("WithTimeoutTest.test_completes_before_timeout", async () => {
  const future = deferred<string>();
  setTimeout(() => future.resolve("asdf"), 100);
  assert.equal(await withTimeout({ seconds: 3600 }, future.promise), "asdf");
});

test("WithTimeoutTest.test_fails_before_timeout", async () => {
  const future = deferred<string>();
  setTimeout(() => future.reject(new RangeError("division by zero")), 100);
  await assert.rejects(withTimeout({ seconds: 3600 }, future.promise), RangeError);
});

test("WithTimeoutTest.test_already_resolved", async () => {
  assert.equal(await withTimeout({ seconds: 3600 }, Promise.resolve("asdf")), "asdf");
});

// Python's concurrent futures come from a thread pool; tornado-ts's is IOLoop.runInExecutor.

test("WithTimeoutTest.test_timeout_concurrent_future", async () => {
  const work = IOLoop.current().runInExecutor(
    (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
    100,
  );
  // A deadline of "now" (seconds since the epoch, as IOLoop.time()).
  await assert.rejects(withTimeout(Date.now() / 1000, work), TimeoutError);
  await work;
});

test("WithTimeoutTest.test_completed_concurrent_future", async () => {
  const work = IOLoop.current().runInExecutor(() => undefined);
  await work;
  await withTimeout({ seconds: 3600 }, work);
});

test("WithTimeoutTest.test_normal_concurrent_future", async () => {
  await withTimeout(
    { seconds: 3600 },
    IOLoop.current().runInExecutor(
      (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
      10,
    ),
  );
});

test("WaitIteratorTest.test_empty_iterator", async () => {
  const g = new WaitIterator([]);
  assert.ok(g.done(), "empty iterator iterated");
  // (Python also refuses positional and keyword futures at once; one argument cannot be both.)
  assert.equal(g.currentIndex, null);
  assert.equal(g.currentFuture, null);
});

test("WaitIteratorTest.test_already_done", async () => {
  const f1 = Promise.resolve(24);
  const f2 = Promise.resolve(42);
  const f3 = Promise.resolve(84);
  const g = new WaitIterator([f1, f2, f3]);
  const expected: [number, Promise<number>, number][] = [
    [0, f1, 24],
    [1, f2, 42],
    [2, f3, 84],
  ];
  let i = 0;
  while (!g.done()) {
    const r = await g.next();
    // Already-settled promises come out in their order.
    const [index, future, value] = expected[i]!;
    assert.equal(g.currentIndex, index);
    assert.equal(g.currentFuture, future);
    assert.equal(r, value);
    i++;
  }
  assert.equal(i, 3);
  assert.equal(g.currentIndex, null, "bad nil current index");
  assert.equal(g.currentFuture, null, "bad nil current future");

  const dg = new WaitIterator({ f1, f2 });
  const seen: string[] = [];
  while (!dg.done()) {
    const dr = await dg.next();
    if (dg.currentIndex === "f1") assert.ok(dg.currentFuture === f1 && dr === 24);
    else if (dg.currentIndex === "f2") assert.ok(dg.currentFuture === f2 && dr === 42);
    else assert.fail(`got bad WaitIterator index ${dg.currentIndex}`);
    seen.push(dg.currentIndex);
  }
  assert.deepEqual(seen.sort(), ["f1", "f2"]);
  assert.equal(dg.currentIndex, null, "bad nil current index");
  assert.equal(dg.currentFuture, null, "bad nil current future");
});

/** Python's finish_coroutines: settles the futures on loop iterations 3, 5 and 8. */
function finishCoroutines(iteration: number, futures: ReturnType<typeof deferred<number>>[]): void {
  if (iteration === 3) futures[2]!.resolve(24);
  else if (iteration === 5) futures[0]!.reject(new RangeError("division by zero"));
  else if (iteration === 8) {
    futures[1]!.resolve(42);
    futures[3]!.resolve(84);
  }
  if (iteration < 8) setImmediate(() => finishCoroutines(iteration + 1, futures));
}

test("WaitIteratorTest.test_iterator", async () => {
  const futures = [deferred<number>(), deferred<number>(), deferred<number>(), deferred<number>()];
  finishCoroutines(0, futures);
  const g = new WaitIterator(futures.map((f) => f.promise));
  let i = 0;
  while (!g.done()) {
    try {
      const r = await g.next();
      if (i === 0) {
        assert.equal(r, 24, "iterator value incorrect");
        assert.equal(g.currentIndex, 2, "wrong index");
      } else if (i === 2) {
        assert.equal(r, 42, "iterator value incorrect");
        assert.equal(g.currentIndex, 1, "wrong index");
      } else if (i === 3) {
        assert.equal(r, 84, "iterator value incorrect");
        assert.equal(g.currentIndex, 3, "wrong index");
      }
    } catch (error) {
      assert.ok(error instanceof RangeError);
      assert.equal(g.currentFuture, futures[0]!.promise, "exception future invalid");
    }
    i++;
  }
  assert.equal(i, 4);
});

test("WaitIteratorTest.test_iterator_async_await", async () => {
  const futures = [deferred<number>(), deferred<number>(), deferred<number>(), deferred<number>()];
  finishCoroutines(0, futures);
  let finished = false;
  let i = 0;
  const g = new WaitIterator(futures.map((f) => f.promise));
  try {
    for await (const r of g) {
      if (i === 0) {
        assert.equal(r, 24, "iterator value incorrect");
        assert.equal(g.currentIndex, 2, "wrong index");
      } else {
        throw new Error("expected exception on iteration 1");
      }
      i++;
    }
  } catch (error) {
    assert.ok(error instanceof RangeError, String(error));
    i++;
  }
  for await (const r of g) {
    if (i === 2) {
      assert.equal(r, 42, "iterator value incorrect");
      assert.equal(g.currentIndex, 1, "wrong index");
    } else if (i === 3) {
      assert.equal(r, 84, "iterator value incorrect");
      assert.equal(g.currentIndex, 3, "wrong index");
    } else {
      throw new Error(`didn't expect iteration ${i}`);
    }
    i++;
  }
  finished = true;
  assert.ok(finished);
  assert.equal(i, 4);
});

test("WaitIteratorTest.test_no_ref", async () => {
  // Only the promise of next() is kept, not the iterator.
  await withTimeout({ seconds: 0.1 }, new WaitIterator([sleep(0)]).next());
});

test("RunnerGCTest.test_multi_moment", async () => {
  assert.deepEqual(await multi([moment(), moment()]), [undefined, undefined]);
});
