/**
 * Coroutine helpers (Tornado's `tornado.gen`) on JavaScript promises: `sleep`, `moment`, `multi`,
 * `withTimeout` and `WaitIterator`. Tornado's generator-based coroutines are `async` functions here.
 *
 * Durations are in seconds, as in Tornado (`sleep(5)` waits five seconds, not five milliseconds),
 * or name their unit: `sleep({ milliseconds: 500 })`, `sleep({ minutes: 10 })` (see
 * {@link Duration}).
 * @module tornado-ts/gen
 */
import { type Duration, deadlineDelayMs, durationSeconds, type TimeDelta } from "./duration.ts";
import { isReadonlyArray } from "./guards.ts";
import { appLog } from "./log.ts";

export {
  type Duration,
  durationSeconds,
  MAX_BARE_SECONDS,
  MAX_TIMER_SECONDS,
  type TimeDelta,
} from "./duration.ts";

/** The deadline of {@link withTimeout} passed before the promise settled. */
export class TimeoutError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "TimeoutError";
  constructor(message = "Timeout") {
    super(message);
  }
}

/**
 * Resolves after `duration`: a number of seconds, as Tornado's `gen.sleep(5)`, or a wait with its
 * unit named, `sleep({ milliseconds: 500 })`. Throws a `RangeError` for a negative, `NaN` or
 * infinite value and for a bare number above {@link MAX_BARE_SECONDS} (milliseconds written where
 * seconds are meant); see {@link Duration}.
 */
export function sleep(duration: Duration): Promise<void> {
  const seconds = durationSeconds(duration, "sleep");
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

/** What {@link multi} resolves with: each promise of `T` replaced by its value. */
export type Settled<T> = { [K in keyof T]: Awaited<T[K]> };

/**
 * Waits for every promise of an array or of an object's values, and resolves with their results in
 * the same shape (Tornado's `gen.multi`): `await multi({ a: fetchA(), b: fetchB() })` gives
 * `{ a, b }`. Rejects with the first error; errors after the first are logged on
 * `tornado.application`, as Tornado does, unless their class is in `quietExceptions`.
 */
export function multi<const T extends readonly unknown[]>(
  children: T,
  options?: { quietExceptions?: readonly (abstract new (...args: never[]) => unknown)[] },
): Promise<Settled<T>>;
export function multi<T extends Record<string, unknown>>(
  children: T,
  options?: { quietExceptions?: readonly (abstract new (...args: never[]) => unknown)[] },
): Promise<Settled<T>>;
export async function multi(
  children: readonly unknown[] | Record<string, unknown>,
  options: { quietExceptions?: readonly (abstract new (...args: never[]) => unknown)[] } = {},
): Promise<unknown> {
  const keys = Array.isArray(children) ? undefined : Object.keys(children);
  const values: unknown[] = Array.isArray(children) ? [...children] : Object.values(children);
  const results = await Promise.allSettled(values);
  let first: PromiseRejectedResult | undefined;
  for (const result of results) {
    if (result.status !== "rejected") continue;
    if (first === undefined) {
      first = result;
      continue;
    }
    const quiet = options.quietExceptions?.some((type) => result.reason instanceof type);
    if (!quiet) appLog.error("Multiple exceptions in yield list", result.reason);
  }
  if (first) throw first.reason;
  const plain = results.map((result) => (result.status === "fulfilled" ? result.value : undefined));
  if (!keys) return plain;
  return Object.fromEntries(keys.map((key, i) => [key, plain[i]]));
}

/**
 * Resolves as `promise` does, or rejects with a {@link TimeoutError} once the deadline passes
 * (Tornado's `gen.with_timeout`). `timeout` is a deadline in seconds since the epoch, as
 * `IOLoop.time()` gives (`IOLoop.current().time() + 5`), a `Date`, or a {@link TimeDelta} from now
 * (`{ seconds: 5 }`, the counterpart of Tornado's `timedelta`). A number that cannot be such a
 * deadline (before 2001: a relative number of seconds, or one too far ahead for a timer: epoch
 * milliseconds) is refused with a `RangeError`. The promise itself is not cancelled; a rejection
 * that comes after the timeout is logged unless its class is in `quietExceptions`.
 */
export function withTimeout<T>(
  timeout: number | Date | TimeDelta,
  promise: PromiseLike<T>,
  options: { quietExceptions?: readonly (abstract new (...args: never[]) => unknown)[] } = {},
): Promise<T> {
  const delay = deadlineDelayMs(timeout, "withTimeout");
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new TimeoutError());
    }, delay);
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!timedOut) {
          reject(error);
          return;
        }
        const quiet = options.quietExceptions?.some((type) => error instanceof type);
        if (!quiet) appLog.error("Exception in Future after timeout", error);
      },
    );
  });
}

/**
 * Resolves on a later turn of the event loop, after pending I/O callbacks (Tornado's
 * `gen.moment`): `await moment()` lets other coroutines and callbacks run. A plain `await`
 * only waits for the microtask queue.
 */
export function moment(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Yields the results of several promises in the order they settle (Tornado's `gen.WaitIterator`).
 * Give an array (`currentIndex` is then the position) or an object (`currentIndex` is the key);
 * `currentFuture` is the promise that settled. A rejection is thrown by `next()` (or by the
 * `for await` loop, which can then be started again for the rest).
 *
 * ```ts
 * const wait = new WaitIterator([fetchA(), fetchB()]);
 * for await (const result of wait) console.log(wait.currentIndex, result);
 * ```
 */
export class WaitIterator<T = unknown> implements AsyncIterable<T> {
  /** The index or key of the promise whose result `next()` gave last, or `null`. */
  currentIndex: number | string | null = null;
  /** The promise whose result `next()` gave last, or `null`. */
  currentFuture: PromiseLike<T> | null = null;
  readonly #settled: { key: number | string; promise: PromiseLike<T>; outcome: Outcome<T> }[] = [];
  readonly #waiters: (() => void)[] = [];
  #pending: number;

  constructor(promises: readonly PromiseLike<T>[] | Readonly<Record<string, PromiseLike<T>>>) {
    const entries: [number | string, PromiseLike<T>][] = isReadonlyArray(promises)
      ? promises.map((promise, i) => [i, promise])
      : Object.entries(promises);
    this.#pending = entries.length;
    for (const [key, promise] of entries) {
      const settle = (outcome: Outcome<T>): void => {
        this.#pending--;
        this.#settled.push({ key, promise, outcome });
        this.#waiters.shift()?.();
      };
      Promise.resolve(promise).then(
        (value) => settle({ ok: true, value }),
        (error: unknown) => settle({ ok: false, error }),
      );
    }
  }

  /** True once every result has been taken (then `currentIndex` and `currentFuture` are `null`). */
  done(): boolean {
    if (this.#pending > 0 || this.#settled.length > 0) return false;
    this.currentIndex = null;
    this.currentFuture = null;
    return true;
  }

  /** The next result to settle; rejects with its error if it failed. */
  async next(): Promise<T> {
    if (this.#settled.length === 0) {
      if (this.#pending === 0) throw new Error("WaitIterator has no more results");
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    const { key, promise, outcome } = this.#settled.shift()!;
    this.currentIndex = key;
    this.currentFuture = promise;
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** Iterates the results in settling order (`for await`). */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: async (): Promise<IteratorResult<T>> =>
        this.done() ? { done: true, value: undefined } : { done: false, value: await this.next() },
    };
  }
}
