// Tornado's tornado/test/queues_test.py, ported: one test per Python test function, named
// Class.test_name. `future.done()` becomes `await isSettled(promise)`, timedelta(seconds=x) is
// `{ seconds: x }`, and the private `_getters` / `_putters` counts are read from `String(queue)`.
// Tests of a base class (QueueJoinTest) run once per queue class that inherits them in Python.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TimeoutError } from "tornado-ts/gen";
import { LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull } from "tornado-ts/queues";
import { isSettled, loopBriefly, sleep } from "./support/modules-settled.ts";

function waiting<T>(queue: Queue<T>, kind: "getters" | "putters"): number {
  return Number(new RegExp(`${kind}\\[(\\d+)\\]`).exec(String(queue))?.[1] ?? 0);
}

/** A promise that is expected to fail later: its rejection is handled now, checked later. */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

test("QueueBasicTest.test_repr_and_str", () => {
  const q = new Queue<null>(1);
  void q.get();
  const text = String(q);
  assert.ok(text.startsWith("<Queue"));
  assert.match(text, /maxsize=1/);
  assert.match(text, /getters\[1\]/);
  assert.doesNotMatch(text, /putters/);
  assert.doesNotMatch(text, /tasks/);
  void q.put(null);
  void q.put(null);
  // Now the queue is full: this putter waits.
  void q.put(null);
  const full = String(q);
  assert.doesNotMatch(full, /getters/);
  assert.match(full, /putters\[1\]/);
  assert.match(full, /tasks=2/);
});

test("QueueBasicTest.test_order", () => {
  const q = new Queue<number>();
  for (const i of [1, 3, 2]) q.putNowait(i);
  assert.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [1, 3, 2]);
});

test("QueueBasicTest.test_maxsize", async () => {
  assert.throws(() => new Queue(null as unknown as number), TypeError);
  assert.throws(() => new Queue(-1), RangeError);
  const q = new Queue<number>(2);
  assert.equal(q.empty(), true);
  assert.equal(q.full(), false);
  assert.equal(q.maxsize, 2);
  assert.equal(await isSettled(q.put(0)), true);
  assert.equal(await isSettled(q.put(1)), true);
  assert.equal(q.empty(), false);
  assert.equal(q.full(), true);
  const put2 = q.put(2);
  assert.equal(await isSettled(put2), false);
  assert.equal(await q.get(), 0); // Makes room.
  assert.equal(await isSettled(put2), true);
  assert.equal(q.empty(), false);
  assert.equal(q.full(), true);
});

test("QueueGetTest.test_blocking_get", async () => {
  const q = new Queue<number>();
  q.putNowait(0);
  assert.equal(await q.get(), 0);
});

test("QueueGetTest.test_nonblocking_get", () => {
  const q = new Queue<number>();
  q.putNowait(0);
  assert.equal(q.getNowait(), 0);
});

test("QueueGetTest.test_nonblocking_get_exception", () => {
  const q = new Queue<number>();
  assert.throws(() => q.getNowait(), QueueEmpty);
});

test("QueueGetTest.test_get_with_putters", async () => {
  const q = new Queue<number>(1);
  q.putNowait(0);
  const put = q.put(1);
  assert.equal(await q.get(), 0);
  assert.equal(await put, undefined);
});

test("QueueGetTest.test_blocking_get_wait", async () => {
  const q = new Queue<number>();
  void q.put(0);
  setTimeout(() => q.putNowait(1), 10);
  setTimeout(() => q.putNowait(2), 20);
  assert.equal(await q.get({ seconds: 1 }), 0);
  assert.equal(await q.get({ seconds: 1 }), 1);
});

test("QueueGetTest.test_get_timeout", async () => {
  const q = new Queue<number>();
  const getTimeout = q.get({ seconds: 0.01 });
  const get = q.get();
  await assert.rejects(getTimeout, TimeoutError);
  q.putNowait(0);
  assert.equal(await get, 0);
});

test("QueueGetTest.test_get_timeout_preempted", async () => {
  const q = new Queue<number>();
  const get = q.get({ seconds: 0.01 });
  void q.put(0);
  await sleep(0.02);
  assert.equal(await get, 0);
});

test("QueueGetTest.test_get_clears_timed_out_putters", async () => {
  const q = new Queue<number>(1);
  // The first putter gets in, the others wait.
  const putters = Array.from({ length: 10 }, (_, i) => later(q.put(i, { seconds: 0.01 })));
  const put = q.put(10);
  assert.equal(waiting(q, "putters"), 10);
  await sleep(0.02);
  // Timed-out putters leave at once (Tornado drops them at the next get or put).
  assert.equal(waiting(q, "putters"), 1);
  assert.equal(await isSettled(put), false); // The last putter still waits.
  void q.put(11);
  assert.equal(await q.get(), 0);
  assert.equal(waiting(q, "putters"), 1);
  for (const putter of putters.slice(1)) await assert.rejects(putter, TimeoutError);
});

test("QueueGetTest.test_get_clears_timed_out_getters", async () => {
  const q = new Queue<number>();
  const getters = Array.from({ length: 10 }, () => later(q.get({ seconds: 0.01 })));
  const get = q.get();
  assert.equal(waiting(q, "getters"), 11);
  await sleep(0.02);
  assert.equal(waiting(q, "getters"), 1);
  assert.equal(await isSettled(get), false); // The last getter still waits.
  void q.get();
  assert.equal(waiting(q, "getters"), 2);
  for (const getter of getters) await assert.rejects(getter, TimeoutError);
});

test("QueueGetTest.test_async_for", async () => {
  const q = new Queue<number>();
  for (let i = 0; i < 5; i += 1) void q.put(i);
  const results: number[] = [];
  for await (const i of q) {
    results.push(i);
    if (i === 4) break;
  }
  assert.deepEqual(results, [0, 1, 2, 3, 4]);
});

test("QueuePutTest.test_blocking_put", async () => {
  const q = new Queue<number>();
  await q.put(0);
  assert.equal(q.getNowait(), 0);
});

test("QueuePutTest.test_nonblocking_put_exception", () => {
  const q = new Queue<number>(1);
  void q.put(0);
  assert.throws(() => q.putNowait(1), QueueFull);
});

test("QueuePutTest.test_put_with_getters", async () => {
  const q = new Queue<number>();
  const get0 = q.get();
  const get1 = q.get();
  await q.put(0);
  assert.equal(await get0, 0);
  await q.put(1);
  assert.equal(await get1, 1);
});

test("QueuePutTest.test_nonblocking_put_with_getters", async () => {
  const q = new Queue<number>();
  const get0 = q.get();
  const get1 = q.get();
  q.putNowait(0);
  await loopBriefly();
  assert.equal(await get0, 0);
  q.putNowait(1);
  await loopBriefly();
  assert.equal(await get1, 1);
});

test("QueuePutTest.test_blocking_put_wait", async () => {
  const q = new Queue<number>(1);
  q.putNowait(0);
  setTimeout(() => void q.get(), 10);
  setTimeout(() => void q.get(), 20);
  const futures = [q.put(0), q.put(1)];
  for (const future of futures) assert.equal(await isSettled(future), false);
  await Promise.all(futures);
});

test("QueuePutTest.test_put_timeout", async () => {
  const q = new Queue<number>(1);
  q.putNowait(0); // Now it's full.
  const putTimeout = q.put(1, { seconds: 0.01 });
  const put = q.put(2);
  await assert.rejects(putTimeout, TimeoutError);
  assert.equal(q.getNowait(), 0);
  // 1 was never put in the queue.
  assert.equal(await q.get(), 2);
  // The last get() let this putter in.
  await put;
});

test("QueuePutTest.test_put_timeout_preempted", async () => {
  const q = new Queue<number>(1);
  q.putNowait(0);
  const put = q.put(1, { seconds: 0.01 });
  void q.get();
  await sleep(0.02);
  await put; // No TimeoutError.
});

test("QueuePutTest.test_put_clears_timed_out_putters", async () => {
  const q = new Queue<number>(1);
  const putters = Array.from({ length: 10 }, (_, i) => later(q.put(i, { seconds: 0.01 })));
  const put = q.put(10);
  assert.equal(waiting(q, "putters"), 10);
  await sleep(0.02);
  assert.equal(waiting(q, "putters"), 1);
  assert.equal(await isSettled(put), false); // The last putter still waits.
  void q.put(11);
  assert.equal(waiting(q, "putters"), 2);
  for (const putter of putters.slice(1)) await assert.rejects(putter, TimeoutError);
});

test("QueuePutTest.test_put_clears_timed_out_getters", async () => {
  const q = new Queue<number>();
  const getters = Array.from({ length: 10 }, () => later(q.get({ seconds: 0.01 })));
  const get = q.get();
  void q.get();
  assert.equal(waiting(q, "getters"), 12);
  await sleep(0.02);
  assert.equal(waiting(q, "getters"), 2);
  assert.equal(await isSettled(get), false); // The last getters still wait.
  void q.put(0);
  assert.equal(waiting(q, "getters"), 1);
  assert.equal(await get, 0);
  for (const getter of getters) await assert.rejects(getter, TimeoutError);
});

test("QueuePutTest.test_float_maxsize", async () => {
  // A fractional maxsize is a limit (rounded up), not "unbounded".
  const q = new Queue<number>(1.3);
  assert.equal(q.empty(), true);
  assert.equal(q.full(), false);
  q.putNowait(0);
  q.putNowait(1);
  assert.equal(q.empty(), false);
  assert.equal(q.full(), true);
  assert.throws(() => q.putNowait(2), QueueFull);
  assert.equal(q.getNowait(), 0);
  assert.equal(q.empty(), false);
  assert.equal(q.full(), false);
  await q.put(2);
  const put = q.put(3);
  assert.equal(await isSettled(put), false);
  assert.equal(await q.get(), 1);
  await put;
  assert.equal(q.full(), true);
});

const JOIN_CLASSES = [Queue, PriorityQueue, LifoQueue] as const;

test("QueueJoinTest.test_task_done_underflow", () => {
  for (const QueueClass of JOIN_CLASSES) {
    const q = new QueueClass<number>();
    assert.throws(() => q.taskDone(), RangeError, QueueClass.name);
  }
});

test("QueueJoinTest.test_task_done", async () => {
  for (const QueueClass of JOIN_CLASSES) {
    const q = new QueueClass<number>();
    for (let i = 0; i < 100; i += 1) q.putNowait(i);
    let accumulator = 0;
    const worker = async () => {
      for (;;) {
        const item = await q.get();
        accumulator += item;
        q.taskDone();
        await sleep(Math.random() * 0.001);
      }
    };
    // Two workers share the work; they wait for ever on the empty queue afterwards.
    void worker();
    void worker();
    await q.join();
    assert.equal(accumulator, 4950, QueueClass.name);
  }
});

test("QueueJoinTest.test_task_done_delay", async () => {
  // taskDone(), not get(), lets join() through.
  for (const QueueClass of JOIN_CLASSES) {
    const q = new QueueClass<number>();
    q.putNowait(0);
    const join = q.join();
    assert.equal(await isSettled(join), false);
    await q.get();
    assert.equal(await isSettled(join), false);
    await loopBriefly();
    assert.equal(await isSettled(join), false);
    q.taskDone();
    assert.equal(await isSettled(join), true);
  }
});

test("QueueJoinTest.test_join_empty_queue", async () => {
  for (const QueueClass of JOIN_CLASSES) {
    const q = new QueueClass<number>();
    await q.join();
    await q.join();
  }
});

test("QueueJoinTest.test_join_timeout", async () => {
  for (const QueueClass of JOIN_CLASSES) {
    const q = new QueueClass<number>();
    void q.put(0);
    await assert.rejects(q.join({ seconds: 0.01 }), TimeoutError);
  }
});

test("PriorityQueueJoinTest.test_order", async () => {
  const q = new PriorityQueue<[number, string]>(2);
  q.putNowait([1, "a"]);
  q.putNowait([0, "b"]);
  assert.equal(q.full(), true);
  void q.put([3, "c"]);
  void q.put([2, "d"]);
  assert.deepEqual(q.getNowait(), [0, "b"]);
  assert.deepEqual(await q.get(), [1, "a"]);
  assert.deepEqual(q.getNowait(), [2, "d"]);
  assert.deepEqual(await q.get(), [3, "c"]);
  assert.equal(q.empty(), true);
});

test("LifoQueueJoinTest.test_order", async () => {
  const q = new LifoQueue<number>(2);
  q.putNowait(1);
  q.putNowait(0);
  assert.equal(q.full(), true);
  void q.put(3);
  void q.put(2);
  assert.equal(q.getNowait(), 3);
  assert.equal(await q.get(), 2);
  assert.equal(q.getNowait(), 0);
  assert.equal(await q.get(), 1);
  assert.equal(q.empty(), true);
});

test("ProducerConsumerTest.test_producer_consumer", async () => {
  const q = new Queue<number>(3);
  const history: number[] = [];
  const consumer = async () => {
    for (;;) {
      history.push(await q.get());
      q.taskDone();
    }
  };
  const producer = async () => {
    for (let item = 0; item < 10; item += 1) await q.put(item);
  };
  void consumer();
  await producer();
  await q.join();
  assert.deepEqual(history, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
