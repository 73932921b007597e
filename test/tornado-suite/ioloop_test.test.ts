// Tornado's tornado/test/ioloop_test.py, ported: one test per Python test function, named
// Class.test_name. Python's `self.wait()` / `self.stop()` become a promise the callback resolves;
// `IOLoop.start()` / `stop()` are used where the test is about them. Tornado passes extra
// arguments through `add_timeout(deadline, fn, *args)`; tornado-ts takes a closure instead.
// PeriodicCallback's schedule arithmetic is driven through node:test's mocked clock (Date and
// setTimeout), since tornado-ts keeps the schedule private.
import assert from "node:assert/strict";
import { mock, test } from "node:test";
import { moment, sleep, TimeoutError, withTimeout } from "tornado-ts/gen";
import { IOLoop, PeriodicCallback, type TimeoutHandle } from "tornado-ts/ioloop";
import { expectLog } from "tornado-ts/testing";

const loop = IOLoop.current();

/** A `self.wait()` / `self.stop()` pair. */
function waiter(): { wait: Promise<void>; stop: () => void } {
  let stop!: () => void;
  const wait = new Promise<void>((resolve) => {
    stop = resolve;
  });
  return { wait, stop };
}

test("TestIOLoop.test_add_callback_return_sequence", async () => {
  // A callback returning {} or [] must not make the loop schedule more callbacks.
  let calls = 0;
  const original = loop.addCallback;
  loop.addCallback = function (this: IOLoop, callback: () => unknown) {
    calls += 1;
    original.call(this, callback);
  };
  try {
    loop.addCallback(() => ({}));
    loop.addCallback(() => []);
    loop.addTimeout({ milliseconds: 50 }, () => loop.stop());
    await loop.start();
  } finally {
    loop.addCallback = original;
  }
  assert.ok(calls < 10, `${calls} calls`);
});

test("TestIOLoop.test_add_callback_wakeup", async () => {
  // A callback added from inside a running callback runs on the next turn, not after a timer.
  const { wait, stop } = waiter();
  let called = false;
  const order: string[] = [];
  let timer: TimeoutHandle | undefined;
  loop.addTimeout(loop.time(), () => {
    loop.addCallback(() => {
      called = true;
      order.push("callback");
      stop();
    });
    timer = loop.callLater(0.5, () => order.push("timer"));
  });
  await wait;
  if (timer !== undefined) loop.removeTimeout(timer);
  assert.equal(called, true);
  assert.deepEqual(order, ["callback"]);
});

test("TestIOLoop.test_add_callback_from_signal", async () => {
  // Tornado's add_callback_from_signal is addCallback here: Node runs signal listeners on the loop,
  // so a listener may schedule callbacks as any other code. A real signal is sent to this process;
  // the running loop keeps the process alive until it arrives (a signal listener alone does not).
  process.once("SIGUSR2", () => loop.addCallback(() => loop.stop()));
  process.kill(process.pid, "SIGUSR2");
  await loop.start();
});

test("TestIOLoop.test_add_timeout_timedelta", async () => {
  const { wait, stop } = waiter();
  loop.addTimeout({ milliseconds: 0.001 }, stop);
  await wait;
});

test("TestIOLoop.test_remove_timeout_after_fire", async () => {
  const { wait, stop } = waiter();
  const handle = loop.addTimeout(loop.time(), stop);
  await wait;
  loop.removeTimeout(handle);
});

test("TestIOLoop.test_remove_timeout_cleanup", async () => {
  let ran = 0;
  for (let i = 0; i < 2000; i++) {
    const handle = loop.addTimeout(loop.time() + 3600, () => {
      ran += 1;
    });
    loop.removeTimeout(handle);
  }
  const { wait, stop } = waiter();
  loop.addCallback(() => loop.addCallback(stop));
  await wait;
  assert.equal(ran, 0);
});

test("TestIOLoop.test_remove_timeout_from_timeout", async () => {
  const calls = [false, false];
  const now = loop.time();
  const { wait, stop } = waiter();
  loop.addTimeout(now + 0.01, () => {
    calls[0] = true;
    loop.removeTimeout(t2Handle);
  });
  const t2Handle = loop.addTimeout(now + 0.02, () => {
    calls[1] = true;
  });
  loop.addTimeout(now + 0.03, stop);
  // Block the thread until all three are due, so they come due at once, as Python's time.sleep.
  const until = Date.now() + 30;
  while (Date.now() < until) {
    // busy wait
  }
  await wait;
  assert.deepEqual(calls, [true, false]);
});

test("TestIOLoop.test_timeout_with_arguments", async () => {
  const results: number[] = [];
  const { wait, stop } = waiter();
  loop.addTimeout(loop.time(), () => results.push(1));
  loop.addTimeout({ seconds: 0 }, () => results.push(2));
  loop.callAt(loop.time(), () => results.push(3));
  loop.callLater(0, () => results.push(4));
  loop.callLater(0, () => loop.addCallback(stop));
  await wait;
  assert.deepEqual(
    results.sort((a, b) => a - b),
    [1, 2, 3, 4],
  );
});

test("TestIOLoop.test_add_timeout_return", () => {
  const handle = loop.addTimeout(loop.time(), () => {});
  assert.notEqual(handle, undefined);
  assert.notEqual(handle, null);
  loop.removeTimeout(handle);
});

test("TestIOLoop.test_call_at_return", () => {
  const handle = loop.callAt(loop.time(), () => {});
  assert.notEqual(handle, undefined);
  assert.notEqual(handle, null);
  loop.removeTimeout(handle);
});

test("TestIOLoop.test_call_later_return", () => {
  const handle = loop.callLater(0, () => {});
  assert.notEqual(handle, undefined);
  assert.notEqual(handle, null);
  loop.removeTimeout(handle);
});

test("TestIOLoop.test_reentrant", async () => {
  // Calling start() while the loop runs throws instead of deadlocking.
  let returnedFromStart = false;
  let gotException = false;
  loop.addCallback(() => {
    try {
      void loop.start();
      returnedFromStart = true;
    } catch {
      gotException = true;
    }
    loop.stop();
  });
  await loop.start();
  assert.equal(gotException, true);
  assert.equal(returnedFromStart, false);
});

test("TestIOLoop.test_exception_logging", async () => {
  await expectLog(
    "Exception in callback",
    async () => {
      const { wait, stop } = waiter();
      loop.addCallback(() => {
        throw new Error("division by zero");
      });
      loop.addCallback(stop);
      await wait;
    },
    { logger: "tornado.application" },
  );
});

test("TestIOLoop.test_exception_logging_future", async () => {
  // An async callback whose promise rejects after the callback returned is logged.
  await expectLog(
    "Exception in callback",
    async () => {
      const { wait, stop } = waiter();
      loop.addCallback(async () => {
        await moment();
        loop.addCallback(() => loop.addCallback(stop));
        throw new Error("division by zero");
      });
      await wait;
    },
    { logger: "tornado.application" },
  );
});

test("TestIOLoop.test_exception_logging_native_coro", async () => {
  await expectLog(
    "Exception in callback",
    async () => {
      const { wait, stop } = waiter();
      loop.addCallback(async () => {
        loop.addCallback(() => loop.addCallback(stop));
        throw new Error("division by zero");
      });
      await wait;
    },
    { logger: "tornado.application" },
  );
});

test("TestIOLoop.test_spawn_callback", async () => {
  // Tornado's spawn_callback is add_callback under another name; both log and carry on.
  for (let i = 0; i < 2; i++) {
    await expectLog(
      "Exception in callback",
      async () => {
        const { wait, stop } = waiter();
        loop.addCallback(() => {
          throw new Error("division by zero");
        });
        loop.addCallback(stop);
        await wait;
      },
      { logger: "tornado.application" },
    );
  }
});

/**
 * Python's simulate_calls: starts `pc` with the clock at 1000 s and returns the times (seconds) of
 * its calls; each call moves the clock by the next of `durations` (negative: the clock is set back).
 * The clock and the timers are node:test's mocks, so the schedule is read exactly.
 */
async function simulateCalls(
  make: (callback: () => void) => PeriodicCallback,
  durations: number[],
): Promise<number[]> {
  const calls: number[] = [];
  const pending = [...durations];
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
  const pc = make(() => {
    calls.push(Date.now() / 1000);
    mock.timers.setTime(Date.now() + (pending.shift() ?? 0) * 1000);
  });
  try {
    pc.start();
    while (calls.length < durations.length) {
      mock.timers.tick(250);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    pc.stop();
    mock.timers.reset();
  }
  return calls;
}

test("TestPeriodicCallbackMath.test_basic", async () => {
  assert.deepEqual(
    await simulateCalls((f) => new PeriodicCallback(f, 10000), [0, 0, 0, 0, 0]),
    [1010, 1020, 1030, 1040, 1050],
  );
});

test("TestPeriodicCallbackMath.test_overrun", async () => {
  // A call that runs too long skips whole periods to get back on schedule.
  const durations = [9, 9, 10, 11, 20, 20, 35, 35, 0, 0, 0];
  const expected = [1010, 1020, 1030, 1050, 1070, 1100, 1130, 1170, 1210, 1220, 1230];
  assert.deepEqual(await simulateCalls((f) => new PeriodicCallback(f, 10000), durations), expected);
});

test("TestPeriodicCallbackMath.test_clock_backwards", async () => {
  // Backward jumps of the clock are ignored (the schedule counts from the last planned call).
  assert.deepEqual(
    await simulateCalls((f) => new PeriodicCallback(f, 10000), [-2, -1, -3, -2, 0]),
    [1010, 1020, 1030, 1040, 1050],
  );
  assert.deepEqual(
    await simulateCalls((f) => new PeriodicCallback(f, 10000), [-100, 0, 0]),
    [1010, 1020, 1030],
  );
});

test("TestPeriodicCallbackMath.test_jitter", async () => {
  const randomTimes = [0.5, 1, 0, 0.75];
  const random = mock.method(Math, "random", () => randomTimes.shift() ?? 0.5);
  try {
    assert.deepEqual(
      await simulateCalls((f) => new PeriodicCallback(f, 10000, 0.5), [0, 0, 0, 0]),
      [1010, 1022.5, 1030, 1041.25],
    );
  } finally {
    random.mock.restore();
  }
});

test("TestPeriodicCallbackMath.test_timedelta", async () => {
  // Python reads pc.callback_time (83000 ms); tornado-ts keeps it private, so the first call shows it.
  assert.deepEqual(
    await simulateCalls((f) => new PeriodicCallback(f, { minutes: 1, seconds: 23 }), [0]),
    [1083],
  );
});

test("TestPeriodicCallbackAsync.test_periodic_plain", async () => {
  let count = 0;
  const { wait, stop } = waiter();
  const pc = new PeriodicCallback(() => {
    count += 1;
    if (count === 3) stop();
  }, 10);
  pc.start();
  await wait;
  pc.stop();
  assert.equal(count, 3);
});

/** Python's test_periodic_coro and test_periodic_async: the next run waits for the callback. */
async function periodicAsync(): Promise<void> {
  let started = 0;
  let finished = 0;
  const { wait, stop } = waiter();
  const pc = new PeriodicCallback(async () => {
    started += 1;
    await sleep(0.025);
    finished += 1;
    if (finished === 3) {
      pc.stop();
      loop.addCallback(stop);
    }
  }, 10);
  pc.start();
  await wait;
  assert.deepEqual([started, finished], [3, 3]);
}

test("TestPeriodicCallbackAsync.test_periodic_coro", periodicAsync);

test("TestPeriodicCallbackAsync.test_periodic_async", periodicAsync);

/**
 * The work of Python's run_in_executor tests, run on a worker thread: marks its own flag in the
 * shared `flags`, then waits (at most 10 s) for the other's; two of these at once finish only if
 * they run in parallel. Returns its own index and whether it saw the other's flag.
 */
function syncFunc(flags: SharedArrayBuffer, self: number, other: number): [number, boolean] {
  const cells = new Int32Array(flags);
  Atomics.store(cells, self, 1);
  Atomics.notify(cells, self);
  Atomics.wait(cells, other, 0, 10_000);
  return [self, Atomics.load(cells, other) === 1];
}

test("TestIOLoopFutures.test_add_future_threads", async () => {
  // add_future(pool.submit(dummy), callback) is `.then` on runInExecutor's promise.
  const { wait, stop } = waiter();
  let result: unknown = "not called";
  void loop
    .runInExecutor(() => {})
    .then((value) => {
      result = value;
      stop();
    });
  await wait;
  assert.equal(result, undefined);
});

/** Python's test_run_in_executor_gen and _native: two blocking functions that need each other. */
async function runInExecutorParallel(): Promise<void> {
  await loop.close();
  loop.setDefaultExecutor({ maxThreads: 2 });
  const flags = new SharedArrayBuffer(8);
  const wrapper = (self: number, other: number) => loop.runInExecutor(syncFunc, flags, self, other);
  assert.deepEqual(await Promise.all([wrapper(0, 1), wrapper(1, 0)]), [
    [0, true],
    [1, true],
  ]);
  await loop.close();
  loop.setDefaultExecutor({});
}

test("TestIOLoopFutures.test_run_in_executor_gen", runInExecutorParallel);

test("TestIOLoopFutures.test_run_in_executor_native", async () => {
  // Through an async wrapper: the result of runInExecutor is awaited, not only chained.
  await runInExecutorParallel();
});

test("TestIOLoopFutures.test_set_default_executor", async () => {
  // Python counts the calls reaching its own executor; tornado-ts's executor is the loop's pool,
  // configured by setDefaultExecutor. With one thread, the second task waits for the first, so the
  // first never sees the second's flag (it gives up after 10 s of Atomics.wait: here 0.1 s).
  await loop.close();
  loop.setDefaultExecutor({ maxThreads: 1 });
  const flags = new SharedArrayBuffer(8);
  const shortWait = (buffer: SharedArrayBuffer, self: number, other: number) => {
    const cells = new Int32Array(buffer);
    Atomics.store(cells, self, 1);
    Atomics.wait(cells, other, 0, 100);
    return Atomics.load(cells, other) === 1;
  };
  const results = await Promise.all([
    loop.runInExecutor(shortWait, flags, 0, 1),
    loop.runInExecutor(shortWait, flags, 1, 0),
  ]);
  assert.deepEqual(results, [false, true]);
  assert.equal(Atomics.load(new Int32Array(flags), 0), 1);
  await loop.close();
  loop.setDefaultExecutor({});
});

// Python's run_sync starts a loop, runs a function to completion and returns its result; Node
// programs await at top level or in an async main instead (docs/name-map.md#suite-no-run-sync).

test("TestIOLoopRunSync.test_sync_result", async () => {
  // run_sync refuses a function returning a plain value (BadYieldError); await takes it as is.
  assert.equal(await (() => 42)(), 42);
});

test("TestIOLoopRunSync.test_sync_exception", async () => {
  await assert.rejects(
    (async () => {
      throw new RangeError("division by zero");
    })(),
    RangeError,
  );
});

test("TestIOLoopRunSync.test_async_result", async () => {
  const f = async () => {
    await moment();
    return 42;
  };
  assert.equal(await f(), 42);
});

test("TestIOLoopRunSync.test_async_exception", async () => {
  const f = async () => {
    await moment();
    throw new RangeError("division by zero");
  };
  await assert.rejects(f(), RangeError);
});

test("TestIOLoopRunSync.test_current", async () => {
  const f = async () => {
    assert.equal(IOLoop.current(), loop);
  };
  await f();
});

test("TestIOLoopRunSync.test_timeout", async () => {
  // run_sync(f, timeout=0.01) is withTimeout around the awaited promise.
  await assert.rejects(withTimeout({ seconds: 0.01 }, sleep(0.2)), TimeoutError);
});

test("TestIOLoopRunSync.test_native_coroutine", async () => {
  let done = false;
  const f1 = async () => {
    await moment();
    done = true;
  };
  const f2 = async () => {
    await f1();
  };
  await f2();
  assert.equal(done, true);
});
