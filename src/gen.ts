/**
 * Coroutine helpers (Tornado's `tornado.gen`) on JavaScript promises: `sleep`, `multi` and
 * `withTimeout`. Tornado's generator-based coroutines are `async` functions here.
 *
 * Durations are in seconds, as in Tornado (`sleep(5)` waits five seconds, not five milliseconds),
 * or name their unit: `sleep({ milliseconds: 500 })`, `sleep({ minutes: 10 })` (see
 * {@link Duration}).
 * @module tornado-ts/gen
 */
import { type Duration, deadlineDelayMs, durationSeconds, type TimeDelta } from "./duration.ts";
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
  const values: unknown[] = Array.isArray(children)
    ? [...children]
    : Object.values(children as Record<string, unknown>);
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
  const plain = results.map((result) => (result as PromiseFulfilledResult<unknown>).value);
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
