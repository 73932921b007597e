/**
 * Coordination primitives for async code (Tornado's `tornado.locks`): {@link Lock},
 * {@link Semaphore}, {@link BoundedSemaphore}, {@link Event} and {@link Condition}.
 *
 * They coordinate tasks of one process (one event loop); they are not thread or process locks.
 * Each wait takes an optional deadline, in the forms `gen.withTimeout` takes: seconds since the
 * epoch (`IOLoop.current().time() + 5`), a `Date`, or `{ seconds: 5 }` from now.
 *
 * Python's `async with lock:` becomes a `using` declaration on what `acquire()` resolves to:
 *
 * ```ts
 * {
 *   using _held = await lock.acquire();
 *   // ... the lock is held here, and released when the block ends, even by an exception
 * }
 * ```
 * @module tornado-ts/locks
 */
import { inspect } from "node:util";
import { type Deadline, Waiter } from "./waiters.ts";

export type { Deadline } from "./waiters.ts";

/**
 * A condition tasks wait on until another task notifies them (Tornado's `locks.Condition`).
 *
 * No lock goes with it: a task that is notified runs after `notify()`'s caller yields.
 */
export class Condition {
  readonly #waiters: Waiter<boolean>[] = [];

  /**
   * Waits for `notify()`: resolves to `true` when notified, or `false` once `timeout` passes
   * (Tornado resolves to `False` too, rather than raising).
   */
  wait(timeout?: Deadline): Promise<boolean> {
    const waiter = new Waiter<boolean>(timeout, {
      timeoutResult: { value: false },
      onTimeout: (expired) => remove(this.#waiters, expired),
    });
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  /** Wakes the first `n` waiters, in the order they started waiting. */
  notify(n = 1): void {
    const woken: Waiter<boolean>[] = [];
    while (n > 0 && this.#waiters.length > 0) {
      const waiter = this.#waiters.shift()!;
      if (waiter.done) continue;
      n -= 1;
      woken.push(waiter);
    }
    for (const waiter of woken) waiter.resolve(true);
  }

  /** Wakes every waiter. */
  notifyAll(): void {
    this.notify(this.#waiters.length);
  }

  /** `<Condition>`, or `<Condition waiters[2]>` while tasks wait. */
  toString(): string {
    return this.#waiters.length > 0
      ? `<Condition waiters[${this.#waiters.length}]>`
      : "<Condition>";
  }

  /** What `util.inspect` and `console.log` show: the same as `toString()`. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * A flag tasks can wait for (Tornado's `locks.Event`): `wait()` resolves at once while it is set,
 * and otherwise when `set()` is called. It starts clear.
 */
export class Event {
  #value = false;
  #waiters = new Set<Waiter<void>>();

  /** Whether the flag is set. */
  isSet(): boolean {
    return this.#value;
  }

  /** Sets the flag and wakes every task waiting for it. */
  set(): void {
    if (this.#value) return;
    this.#value = true;
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const waiter of waiters) waiter.resolve();
  }

  /** Clears the flag: later `wait()` calls wait for the next `set()`. */
  clear(): void {
    this.#value = false;
  }

  /** Resolves when the flag is set; fails with `gen.TimeoutError` once `timeout` passes. */
  wait(timeout?: Deadline): Promise<void> {
    if (this.#value) return Promise.resolve();
    const waiter = new Waiter<void>(timeout, {
      onTimeout: (expired) => this.#waiters.delete(expired),
    });
    this.#waiters.add(waiter);
    return waiter.promise;
  }

  /** `<Event set>` or `<Event clear>`. */
  toString(): string {
    return `<Event ${this.#value ? "set" : "clear"}>`;
  }

  /** What `util.inspect` and `console.log` show: the same as `toString()`. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * What `acquire()` resolves to: call `release()` once, or hold it with `using`, which releases it
 * when the block ends (Python's `with (yield sem.acquire()):`).
 */
export class Held implements Disposable {
  #release: (() => void) | undefined;

  constructor(release: () => void) {
    this.#release = release;
  }

  /** Releases what was acquired. A second call does nothing. */
  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  /** Releases at the end of a `using` block: the same as `release()`. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * A counter of free slots (Tornado's `locks.Semaphore`): `acquire()` takes one, waiting while
 * there are none; `release()` gives one back and wakes the longest waiter. `release()` without an
 * `acquire()` adds a slot (see {@link BoundedSemaphore} for a semaphore that refuses that).
 */
export class Semaphore {
  #value: number;
  readonly #waiters: Waiter<Held>[] = [];

  /** `value` is the number of free slots to start with (1 by default); a negative one is refused. */
  constructor(value = 1) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`Semaphore initial value must be a whole number >= 0, got ${value}`);
    }
    this.#value = value;
  }

  /** The free slots now. */
  get value(): number {
    return this.#value;
  }

  /**
   * Takes a slot: resolves at once while one is free, else when one is released (first come, first
   * served). Fails with `gen.TimeoutError` once `timeout` passes, taking nothing.
   */
  acquire(timeout?: Deadline): Promise<Held> {
    if (this.#value > 0) {
      this.#value -= 1;
      return Promise.resolve(this.#held());
    }
    const waiter = new Waiter<Held>(timeout, {
      onTimeout: (expired) => remove(this.#waiters, expired),
    });
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  /** Gives a slot back, handing it to the longest waiter if there is one. */
  release(): void {
    this.#value += 1;
    while (this.#waiters.length > 0) {
      const waiter = this.#waiters.shift()!;
      if (waiter.done) continue;
      this.#value -= 1;
      waiter.resolve(this.#held());
      break;
    }
  }

  #held(): Held {
    return new Held(() => this.release());
  }

  /** The class name, then `[locked]` or `[unlocked,value:N]`, and `,waiters:N` while tasks wait. */
  toString(): string {
    let state = this.#value === 0 ? "locked" : `unlocked,value:${this.#value}`;
    if (this.#waiters.length > 0) state += `,waiters:${this.#waiters.length}`;
    return `<${this.constructor.name} [${state}]>`;
  }

  /** What `util.inspect` and `console.log` show: the same as `toString()`. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * A {@link Semaphore} that refuses to be released more often than it was acquired (Tornado's
 * `locks.BoundedSemaphore`), which catches a release without a matching acquire.
 */
export class BoundedSemaphore extends Semaphore {
  readonly #initial: number;

  constructor(value = 1) {
    super(value);
    this.#initial = value;
  }

  /** Gives a slot back; throws a `RangeError` if every slot is already free. */
  override release(): void {
    if (this.value >= this.#initial) throw new RangeError("Semaphore released too many times");
    super.release();
  }
}

/**
 * A lock for async code (Tornado's `locks.Lock`): one holder at a time, waiters served in order.
 * It starts unlocked. Hold it with `using _held = await lock.acquire();` or call `release()`.
 */
export class Lock {
  readonly #block = new BoundedSemaphore(1);

  /** Whether someone holds it. */
  get locked(): boolean {
    return this.#block.value === 0;
  }

  /** Takes the lock, waiting for it; fails with `gen.TimeoutError` once `timeout` passes. */
  acquire(timeout?: Deadline): Promise<Held> {
    return this.#block.acquire(timeout);
  }

  /** Releases the lock for the next waiter; throws an `Error` if it is not locked. */
  release(): void {
    if (!this.locked) throw new Error("release unlocked lock");
    this.#block.release();
  }

  /** `<Lock _block=<BoundedSemaphore [...]>>`, as Tornado's `repr()`. */
  toString(): string {
    return `<Lock _block=${this.#block.toString()}>`;
  }

  /** What `util.inspect` and `console.log` show: the same as `toString()`. */
  [inspect.custom](): string {
    return this.toString();
  }
}

function remove<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index !== -1) list.splice(index, 1);
}
