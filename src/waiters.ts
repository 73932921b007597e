/**
 * Pending promises with a deadline, shared by `locks` and `queues` (not a public module).
 *
 * Tornado's locks and queues keep their waiters as futures whose `done()` can be read at once, and
 * give each a timeout that fails it with `TimeoutError`. A {@link Waiter} is that future here: a
 * promise with its settle functions and a `done` flag that turns true as soon as it is settled.
 */
import { deadlineDelayMs, type TimeDelta } from "./duration.ts";
import { TimeoutError } from "./gen.ts";

/**
 * When to give up waiting: seconds since the epoch as `IOLoop.time()` gives them
 * (`IOLoop.current().time() + 5`), a `Date`, or a `TimeDelta` from now (`{ seconds: 5 }`, Python's
 * `timedelta`). The same forms as `gen.withTimeout`, checked the same way.
 */
export type Deadline = number | Date | TimeDelta;

/** What a {@link Waiter} does when its deadline passes first. */
interface WaiterOptions<T> {
  /** Runs before the waiter settles, so the owner can drop it from its list. */
  onTimeout?: (waiter: Waiter<T>) => void;
  /** Resolve with this value instead of failing with `TimeoutError` (as `Condition.wait` does). */
  timeoutResult?: { value: T };
}

/** A promise that the owner settles, failing with `TimeoutError` if its deadline passes first. */
export class Waiter<T> {
  /** What the waiting caller awaits. */
  readonly promise: Promise<T>;
  #resolve!: (value: T) => void;
  #reject!: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #done = false;

  constructor(deadline?: Deadline, options: WaiterOptions<T> = {}) {
    // Checked before anything waits, so that a bad deadline throws where it was written.
    const delay = deadline === undefined ? undefined : deadlineDelayMs(deadline, "timeout");
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (delay !== undefined) {
      this.#timer = setTimeout(() => {
        if (this.#done) return;
        this.#done = true;
        options.onTimeout?.(this);
        if (options.timeoutResult) this.#resolve(options.timeoutResult.value);
        else this.#reject(new TimeoutError());
      }, delay);
    }
  }

  /** Whether it was settled (resolved, or timed out). */
  get done(): boolean {
    return this.#done;
  }

  /** Resolves it; nothing happens if it was already settled. */
  resolve(value: T): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.#resolve(value);
  }
}
