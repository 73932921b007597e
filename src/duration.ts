/**
 * Durations: how tornado-ts reads a wait or a deadline. A bare number is seconds, as in Tornado;
 * a {@link TimeDelta} names its unit. Re-exported by `tornado-ts/gen`.
 * @module
 */

/**
 * A length of time with its unit named, as Python's `timedelta(minutes=2, seconds=30)`: the parts
 * add up. Every part is a finite number, zero or more.
 */
export interface TimeDelta {
  /** Days (24 hours). */
  days?: number;
  /** Hours. */
  hours?: number;
  /** Minutes. */
  minutes?: number;
  /** Seconds. */
  seconds?: number;
  /** Milliseconds. */
  milliseconds?: number;
}

/**
 * A wait: a number of seconds (as Tornado's `gen.sleep` and `IOLoop.call_later`), at most
 * {@link MAX_BARE_SECONDS}, or a {@link TimeDelta} that names its unit, for any length a timer
 * allows (up to {@link MAX_TIMER_SECONDS}).
 */
export type Duration = number | TimeDelta;

/**
 * The longest wait written as a bare number of seconds: 300, five minutes, as long as browsers wait
 * for an answer. A larger bare number is refused, since it is far more often milliseconds written
 * where seconds are meant (`sleep(5000)` would wait 83 minutes) than a wait meant that long; longer
 * waits name their unit: `sleep({ minutes: 10 })`.
 */
export const MAX_BARE_SECONDS = 300;

/**
 * The longest wait a timer allows: 2^31 - 1 milliseconds (24.8 days). Node fires a longer timer at
 * once, so longer waits are refused rather than cut short.
 */
export const MAX_TIMER_SECONDS = 2_147_483.647;

// A Map, so that a name such as "constructor" is no unit.
const UNIT_SECONDS: ReadonlyMap<string, number> = new Map<keyof TimeDelta, number>([
  ["days", 86_400],
  ["hours", 3_600],
  ["minutes", 60],
  ["seconds", 1],
  ["milliseconds", 0.001],
]);

/**
 * The seconds in `duration`, checked: a `RangeError` naming `what` for a negative, `NaN` or infinite
 * value, a bare number above {@link MAX_BARE_SECONDS}, or a wait longer than a timer allows; a
 * `TypeError` for anything that is neither a number nor a {@link TimeDelta}.
 */
export function durationSeconds(duration: Duration, what = "duration"): number {
  let seconds: number;
  if (typeof duration === "number") {
    checkPart(duration, what, "");
    if (duration > MAX_BARE_SECONDS) {
      const ms = Number((duration / 1000).toPrecision(12));
      throw new RangeError(
        `${what}: ${duration} is a number of seconds (${describeSeconds(duration)}), and a bare number ` +
          `may be at most ${MAX_BARE_SECONDS}. For ${duration} milliseconds write ${ms} or ` +
          `{ milliseconds: ${duration} }; for a wait that long, name the unit: { seconds: ${duration} }`,
      );
    }
    seconds = duration;
  } else if (typeof duration === "object" && duration !== null && !Array.isArray(duration)) {
    seconds = 0;
    for (const [unit, value] of Object.entries(duration)) {
      const factor = UNIT_SECONDS.get(unit);
      if (factor === undefined) {
        throw new TypeError(
          `${what}: ${JSON.stringify(unit).slice(0, 40)} is not a unit (use days, hours, minutes, seconds or milliseconds)`,
        );
      }
      if (value === undefined) continue;
      checkPart(value, what, `${unit} `);
      seconds += value * factor;
    }
  } else {
    throw new TypeError(
      `${what}: a duration is a number of seconds or { seconds }, { milliseconds }, ... , not ${typeof duration}`,
    );
  }
  if (seconds > MAX_TIMER_SECONDS) {
    throw new RangeError(
      `${what}: ${describeSeconds(seconds)} is longer than a timer can wait (24.8 days)`,
    );
  }
  return seconds;
}

function checkPart(value: unknown, what: string, unit: string): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(`${what}: ${unit}must be a number, not ${typeof value}`);
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${what}: ${unit}must be a finite number of zero or more, not ${value}`);
  }
}

function describeSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds} seconds`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < 172_800) return `${Math.round(seconds / 360) / 10} hours`;
  return `${Math.round(seconds / 8_640) / 10} days`;
}

/** Seconds since the epoch before which no deadline can be meant: 2001-09-09. */
const EARLIEST_DEADLINE = 1e9;

/**
 * Milliseconds from now until `deadline`: a number of seconds since the epoch (as `IOLoop.time()`),
 * a `Date`, or a {@link TimeDelta} from now. A deadline in the past gives 0. Refuses a number that
 * is not a plausible deadline and a wait longer than a timer allows.
 */
export function deadlineDelayMs(deadline: number | Date | TimeDelta, what: string): number {
  let delay: number;
  if (typeof deadline === "number" || deadline instanceof Date) {
    const when = typeof deadline === "number" ? deadline : deadline.getTime() / 1000;
    if (!Number.isFinite(when)) {
      throw new RangeError(`${what}: the deadline must be a finite time, not ${when}`);
    }
    if (typeof deadline === "number" && when < EARLIEST_DEADLINE) {
      throw new RangeError(
        `${what}: a number is a deadline in seconds since the epoch (IOLoop.current().time() + ${when}); ` +
          `for ${when} seconds from now write { seconds: ${when} }`,
      );
    }
    delay = Math.max(0, when * 1000 - Date.now());
    if (delay / 1000 > MAX_TIMER_SECONDS) {
      throw new RangeError(
        `${what}: the deadline is ${describeSeconds(delay / 1000)} away, longer than a timer can wait (24.8 days)` +
          (typeof deadline === "number"
            ? "; a deadline is in seconds since the epoch, not milliseconds"
            : ""),
      );
    }
  } else {
    delay = durationSeconds(deadline, what) * 1000;
  }
  return delay;
}
