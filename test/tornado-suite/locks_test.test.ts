// Tornado's tornado/test/locks_test.py, ported: one test per Python test function, named
// Class.test_name. `future.done()` becomes `await isSettled(promise)`; `with (yield
// sem.acquire()):` becomes `using _held = await sem.acquire();`; timedelta(seconds=x) is
// `{ seconds: x }`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TimeoutError } from "tornado-ts/gen";
import { BoundedSemaphore, Condition, Event, Lock, Semaphore } from "tornado-ts/locks";
import { isSettled, loopBriefly, sleep } from "./support/modules-settled.ts";

function recordDone(history: (number | string)[], wait: Promise<boolean>, key: number | string) {
  void wait.then((notified) => history.push(notified ? key : "timeout"));
}

test("ConditionTest.test_repr", () => {
  const c = new Condition();
  assert.match(String(c), /Condition/);
  assert.doesNotMatch(String(c), /waiters/);
  void c.wait();
  assert.match(String(c), /waiters/);
});

test("ConditionTest.test_notify", async () => {
  const c = new Condition();
  setTimeout(() => c.notify(), 10);
  assert.equal(await c.wait(), true);
});

test("ConditionTest.test_notify_1", async () => {
  const c = new Condition();
  const history: (number | string)[] = [];
  recordDone(history, c.wait(), "wait1");
  recordDone(history, c.wait(), "wait2");
  c.notify(1);
  await loopBriefly();
  history.push("notify1");
  c.notify(1);
  await loopBriefly();
  history.push("notify2");
  assert.deepEqual(history, ["wait1", "notify1", "wait2", "notify2"]);
});

test("ConditionTest.test_notify_n", async () => {
  const c = new Condition();
  const history: (number | string)[] = [];
  for (let i = 0; i < 6; i += 1) recordDone(history, c.wait(), i);
  c.notify(3);
  await loopBriefly();
  assert.deepEqual(history, [0, 1, 2]);
  c.notify(1);
  await loopBriefly();
  assert.deepEqual(history, [0, 1, 2, 3]);
  c.notify(2);
  await loopBriefly();
  assert.deepEqual(history, [0, 1, 2, 3, 4, 5]);
});

test("ConditionTest.test_notify_all", async () => {
  const c = new Condition();
  const history: (number | string)[] = [];
  for (let i = 0; i < 4; i += 1) recordDone(history, c.wait(), i);
  c.notifyAll();
  await loopBriefly();
  history.push("notify_all");
  assert.deepEqual(history, [0, 1, 2, 3, "notify_all"]);
});

test("ConditionTest.test_wait_timeout", async () => {
  const c = new Condition();
  const wait = c.wait({ seconds: 0.01 });
  setTimeout(() => c.notify(), 20); // Too late.
  await sleep(0.03);
  assert.equal(await wait, false);
});

test("ConditionTest.test_wait_timeout_preempted", async () => {
  const c = new Condition();
  setTimeout(() => c.notify(), 10); // Fires before the wait times out.
  const wait = c.wait({ seconds: 0.05 });
  await sleep(0.06);
  assert.equal(await wait, true);
});

test("ConditionTest.test_notify_n_with_timeout", async () => {
  // A timed-out waiter does not count against notify()'s n.
  const c = new Condition();
  const history: (number | string)[] = [];
  recordDone(history, c.wait(), 0);
  recordDone(history, c.wait({ seconds: 0.01 }), 1);
  recordDone(history, c.wait(), 2);
  recordDone(history, c.wait(), 3);
  await sleep(0.02);
  assert.deepEqual(history, ["timeout"]);
  c.notify(2);
  await sleep(0.01);
  assert.deepEqual(history, ["timeout", 0, 2]);
  c.notify();
  await loopBriefly();
  assert.deepEqual(history, ["timeout", 0, 2, 3]);
});

test("ConditionTest.test_notify_all_with_timeout", async () => {
  const c = new Condition();
  const history: (number | string)[] = [];
  recordDone(history, c.wait(), 0);
  recordDone(history, c.wait({ seconds: 0.01 }), 1);
  recordDone(history, c.wait(), 2);
  await sleep(0.02);
  assert.deepEqual(history, ["timeout"]);
  c.notifyAll();
  await loopBriefly();
  assert.deepEqual(history, ["timeout", 0, 2]);
});

test("ConditionTest.test_nested_notify", async () => {
  // No notification is lost when a waiter's callback calls notify() again.
  const c = new Condition();
  const futures = [c.wait(), c.wait(), c.wait()];
  void futures[1]!.then(() => c.notify());
  c.notify(2);
  await loopBriefly();
  for (const future of futures) assert.equal(await isSettled(future), true);
});

test("ConditionTest.test_garbage_collection", async () => {
  // Timed-out waiters leave the queue (here at once; Tornado collects them every 100).
  const c = new Condition();
  for (let i = 0; i < 101; i += 1) void c.wait({ seconds: 0.01 });
  const future = c.wait();
  assert.match(String(c), /waiters\[102\]/);
  await sleep(0.02);
  assert.match(String(c), /waiters\[1\]/);
  assert.equal(await isSettled(future), false);
  c.notify();
  assert.equal(await isSettled(future), true);
});

test("EventTest.test_repr", () => {
  const event = new Event();
  assert.match(String(event), /clear/);
  assert.doesNotMatch(String(event), /set/);
  event.set();
  assert.doesNotMatch(String(event), /clear/);
  assert.match(String(event), /set/);
});

test("EventTest.test_event", async () => {
  const e = new Event();
  const future0 = e.wait();
  e.set();
  const future1 = e.wait();
  e.clear();
  const future2 = e.wait();
  assert.equal(await isSettled(future0), true);
  assert.equal(await isSettled(future1), true);
  assert.equal(await isSettled(future2), false);
});

test("EventTest.test_event_timeout", async () => {
  const e = new Event();
  await assert.rejects(e.wait({ seconds: 0.01 }), TimeoutError);
  // After a timed-out waiter, normal operation works.
  setTimeout(() => e.set(), 10);
  await e.wait({ seconds: 1 });
});

test("EventTest.test_event_set_multiple", () => {
  const e = new Event();
  e.set();
  e.set();
  assert.equal(e.isSet(), true);
});

test("EventTest.test_event_wait_clear", async () => {
  const e = new Event();
  const f0 = e.wait();
  e.clear();
  const f1 = e.wait();
  e.set();
  assert.equal(await isSettled(f0), true);
  assert.equal(await isSettled(f1), true);
});

test("SemaphoreTest.test_negative_value", () => {
  assert.throws(() => new Semaphore(-1), RangeError);
});

test("SemaphoreTest.test_repr", () => {
  const sem = new Semaphore();
  assert.match(String(sem), /Semaphore/);
  assert.match(String(sem), /unlocked,value:1/);
  void sem.acquire();
  assert.match(String(sem), /locked/);
  assert.doesNotMatch(String(sem), /waiters/);
  void sem.acquire();
  assert.match(String(sem), /waiters/);
});

test("SemaphoreTest.test_acquire", async () => {
  const sem = new Semaphore();
  const f0 = sem.acquire();
  assert.equal(await isSettled(f0), true);
  // Waits for release().
  const f1 = sem.acquire();
  assert.equal(await isSettled(f1), false);
  const f2 = sem.acquire();
  sem.release();
  assert.equal(await isSettled(f1), true);
  assert.equal(await isSettled(f2), false);
  sem.release();
  assert.equal(await isSettled(f2), true);
  sem.release();
  // Now acquire() is instant, and nobody waits.
  assert.equal(await isSettled(sem.acquire()), true);
  assert.doesNotMatch(String(sem), /waiters/);
});

test("SemaphoreTest.test_acquire_timeout", async () => {
  const sem = new Semaphore(2);
  await sem.acquire();
  await sem.acquire();
  const acquire = sem.acquire({ seconds: 0.01 });
  acquire.catch(() => {}); // Awaited below, after the sleep.
  setTimeout(() => sem.release(), 20); // Too late.
  await sleep(0.3);
  await assert.rejects(acquire, TimeoutError);
  void sem.acquire();
  const f = sem.acquire();
  assert.equal(await isSettled(f), false);
  sem.release();
  assert.equal(await isSettled(f), true);
});

test("SemaphoreTest.test_acquire_timeout_preempted", async () => {
  const sem = new Semaphore(1);
  await sem.acquire();
  setTimeout(() => sem.release(), 10); // Fires before the wait times out.
  const acquire = sem.acquire({ seconds: 0.05 });
  await sleep(0.06);
  await acquire; // No TimeoutError.
});

test("SemaphoreTest.test_release_unacquired", async () => {
  // Unbounded releases are allowed, and add to the semaphore's value.
  const sem = new Semaphore();
  sem.release();
  sem.release();
  // Now the counter is 3: three acquires before one blocks.
  assert.equal(await isSettled(sem.acquire()), true);
  assert.equal(await isSettled(sem.acquire()), true);
  assert.equal(await isSettled(sem.acquire()), true);
  assert.equal(await isSettled(sem.acquire()), false);
});

test("SemaphoreTest.test_garbage_collection", async () => {
  const sem = new Semaphore(0);
  const futures = Array.from({ length: 101 }, () => sem.acquire({ seconds: 0.01 }));
  for (const future of futures) future.catch(() => {});
  const future = sem.acquire();
  assert.match(String(sem), /waiters:102/);
  await sleep(0.02);
  assert.match(String(sem), /waiters:1\]/);
  assert.equal(await isSettled(future), false);
  sem.release();
  assert.equal(await isSettled(future), true);
  for (const timedOut of futures) await assert.rejects(timedOut, TimeoutError);
});

test("SemaphoreContextManagerTest.test_context_manager", async () => {
  const sem = new Semaphore();
  {
    using held = await sem.acquire();
    assert.equal(typeof held.release, "function");
  }
  // Released at the end of the block: it can be acquired again.
  assert.equal(await isSettled(sem.acquire()), true);
});

test("SemaphoreContextManagerTest.test_context_manager_async_await", async () => {
  const sem = new Semaphore();
  const f = async () => {
    using _held = await sem.acquire();
    assert.equal(sem.value, 0);
  };
  await f();
  assert.equal(await isSettled(sem.acquire()), true);
});

test("SemaphoreContextManagerTest.test_context_manager_exception", async () => {
  const sem = new Semaphore();
  await assert.rejects(async () => {
    using _held = await sem.acquire();
    throw new RangeError("division by zero");
  }, RangeError);
  assert.equal(await isSettled(sem.acquire()), true);
});

test("SemaphoreContextManagerTest.test_context_manager_timeout", async () => {
  const sem = new Semaphore();
  {
    using _held = await sem.acquire({ seconds: 0.01 });
  }
  assert.equal(await isSettled(sem.acquire()), true);
});

test("SemaphoreContextManagerTest.test_context_manager_timeout_error", async () => {
  const sem = new Semaphore(0);
  await assert.rejects(async () => {
    using _held = await sem.acquire({ seconds: 0.01 });
  }, TimeoutError);
  // The counter is still 0.
  assert.equal(await isSettled(sem.acquire()), false);
});

test("SemaphoreContextManagerTest.test_context_manager_contended", async () => {
  const sem = new Semaphore();
  const history: string[] = [];
  const f = async (index: number) => {
    using _held = await sem.acquire();
    history.push(`acquired ${index}`);
    await sleep(0.01);
    history.push(`release ${index}`);
  };
  await Promise.all([f(0), f(1)]);
  assert.deepEqual(history, ["acquired 0", "release 0", "acquired 1", "release 1"]);
});

test("SemaphoreContextManagerTest.test_context_manager_misuse", () => {
  // `with sem:` without acquire() is refused in Python; here a Semaphore is not disposable, so
  // `using sem` is a type error and a TypeError at run time.
  const sem = new Semaphore() as unknown as Record<symbol, unknown>;
  assert.equal(sem[Symbol.dispose], undefined);
});

test("BoundedSemaphoreTest.test_release_unacquired", async () => {
  const sem = new BoundedSemaphore();
  assert.throws(() => sem.release(), RangeError);
  // Value is 0.
  void sem.acquire();
  // acquire() blocks.
  const future = sem.acquire();
  assert.equal(await isSettled(future), false);
  sem.release();
  assert.equal(await isSettled(future), true);
  // Value is 1.
  sem.release();
  assert.throws(() => sem.release(), /released too many times/);
});

test("LockTests.test_repr", () => {
  const lock = new Lock();
  assert.equal(String(lock), "<Lock _block=<BoundedSemaphore [unlocked,value:1]>>");
  void lock.acquire();
  assert.equal(String(lock), "<Lock _block=<BoundedSemaphore [locked]>>");
});

test("LockTests.test_acquire_release", async () => {
  const lock = new Lock();
  assert.equal(await isSettled(lock.acquire()), true);
  const future = lock.acquire();
  assert.equal(await isSettled(future), false);
  lock.release();
  assert.equal(await isSettled(future), true);
});

test("LockTests.test_acquire_fifo", async () => {
  const lock = new Lock();
  assert.equal(await isSettled(lock.acquire()), true);
  const history: number[] = [];
  const f = async (index: number) => {
    const held = await lock.acquire();
    history.push(index);
    held.release();
  };
  const futures = Array.from({ length: 5 }, (_, i) => f(i));
  for (const future of futures) assert.equal(await isSettled(future), false);
  lock.release();
  await Promise.all(futures);
  assert.deepEqual(history, [0, 1, 2, 3, 4]);
});

test("LockTests.test_acquire_fifo_async_with", async () => {
  const lock = new Lock();
  assert.equal(await isSettled(lock.acquire()), true);
  const history: number[] = [];
  const f = async (index: number) => {
    using _held = await lock.acquire();
    history.push(index);
  };
  const futures = Array.from({ length: 5 }, (_, i) => f(i));
  lock.release();
  await Promise.all(futures);
  assert.deepEqual(history, [0, 1, 2, 3, 4]);
});

test("LockTests.test_acquire_timeout", async () => {
  const lock = new Lock();
  void lock.acquire();
  await assert.rejects(lock.acquire({ seconds: 0.01 }), TimeoutError);
  // Still locked.
  assert.equal(await isSettled(lock.acquire()), false);
});

test("LockTests.test_multi_release", () => {
  const lock = new Lock();
  assert.throws(() => lock.release(), /release unlocked lock/);
  void lock.acquire();
  lock.release();
  assert.throws(() => lock.release(), /release unlocked lock/);
});

test("LockTests.test_context_manager_misuse", () => {
  // `with lock:` without acquire(): a Lock is not disposable, so `using lock` cannot compile.
  const lock = new Lock() as unknown as Record<symbol, unknown>;
  assert.equal(lock[Symbol.dispose], undefined);
});
