/**
 * Queues for async producers and consumers (Tornado's `tornado.queues`): {@link Queue} (first in,
 * first out), {@link PriorityQueue} (lowest first) and {@link LifoQueue} (last in, first out).
 *
 * `put()` waits while a bounded queue is full, `get()` while it is empty; both take an optional
 * deadline (seconds since the epoch, a `Date`, or `{ seconds }` from now) and fail with
 * `gen.TimeoutError` when it passes. `taskDone()` and `join()` let a producer wait until every item
 * was processed. `for await (const item of queue)` gets items for ever, as Python's `async for`.
 * @module tornado-ts/queues
 */
import { inspect } from "node:util";
import { Event } from "./locks.ts";
import { type Deadline, Waiter } from "./waiters.ts";

export type { Deadline } from "./waiters.ts";

/** `getNowait()` on an empty queue (Tornado's `queues.QueueEmpty`). */
export class QueueEmpty extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "QueueEmpty";

  constructor(message = "the queue is empty") {
    super(message);
  }
}

/** `putNowait()` on a full queue (Tornado's `queues.QueueFull`). */
export class QueueFull extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "QueueFull";

  constructor(message = "the queue is full") {
    super(message);
  }
}

interface Putter<T> {
  item: T;
  waiter: Waiter<void>;
}

/**
 * A first-in, first-out queue for async code (Tornado's `queues.Queue`).
 *
 * `maxsize` 0 (the default) means unbounded. Waiting getters and putters are served in the order
 * they came. Subclasses choose the order of items by overriding the protected `size`, `take`,
 * `store` and `contents` methods, as {@link PriorityQueue} and {@link LifoQueue} do.
 */
export class Queue<T> implements AsyncIterable<T> {
  readonly #maxsize: number;
  readonly #getters: Waiter<T>[] = [];
  readonly #putters: Putter<T>[] = [];
  #unfinishedTasks = 0;
  readonly #finished = new Event();

  constructor(maxsize = 0) {
    if (typeof maxsize !== "number" || Number.isNaN(maxsize)) {
      throw new TypeError(`maxsize must be a number, got ${String(maxsize)}`);
    }
    if (maxsize < 0) throw new RangeError(`maxsize can't be negative, got ${maxsize}`);
    this.#maxsize = maxsize;
    this.#finished.set();
  }

  /** The most items the queue holds (0: no limit). */
  get maxsize(): number {
    return this.#maxsize;
  }

  /** How many items it holds now. */
  qsize(): number {
    return this.size();
  }

  /** Whether it holds no item. */
  empty(): boolean {
    return this.size() === 0;
  }

  /** Whether it holds `maxsize` items (never, for an unbounded queue). */
  full(): boolean {
    return this.#maxsize !== 0 && this.size() >= this.#maxsize;
  }

  /**
   * Puts an item in, waiting while the queue is full. Fails with `gen.TimeoutError` once `timeout`
   * passes, without putting it in.
   */
  put(item: T, timeout?: Deadline): Promise<void> {
    try {
      this.putNowait(item);
      return Promise.resolve();
    } catch (error) {
      if (!(error instanceof QueueFull)) throw error;
    }
    const waiter = new Waiter<void>(timeout, {
      onTimeout: (expired) => {
        const index = this.#putters.findIndex((putter) => putter.waiter === expired);
        if (index !== -1) this.#putters.splice(index, 1);
      },
    });
    this.#putters.push({ item, waiter });
    return waiter.promise;
  }

  /** Puts an item in without waiting; throws {@link QueueFull} if the queue is full. */
  putNowait(item: T): void {
    const getter = this.#getters.shift();
    if (getter !== undefined) {
      // A getter waits only while the queue is empty: the item goes straight to it.
      this.#putInternal(item);
      getter.resolve(this.take());
    } else if (this.full()) {
      throw new QueueFull();
    } else {
      this.#putInternal(item);
    }
  }

  /**
   * Takes an item out, waiting while the queue is empty. Fails with `gen.TimeoutError` once
   * `timeout` passes.
   */
  get(timeout?: Deadline): Promise<T> {
    try {
      return Promise.resolve(this.getNowait());
    } catch (error) {
      if (!(error instanceof QueueEmpty)) throw error;
    }
    const waiter = new Waiter<T>(timeout, {
      onTimeout: (expired) => {
        const index = this.#getters.indexOf(expired);
        if (index !== -1) this.#getters.splice(index, 1);
      },
    });
    this.#getters.push(waiter);
    return waiter.promise;
  }

  /** Takes an item out without waiting; throws {@link QueueEmpty} if there is none. */
  getNowait(): T {
    const putter = this.#putters.shift();
    if (putter !== undefined) {
      // A putter waits only while the queue is full: its item takes the place of the one taken.
      this.#putInternal(putter.item);
      putter.waiter.resolve();
      return this.take();
    }
    if (this.size() > 0) return this.take();
    throw new QueueEmpty();
  }

  /**
   * Says that an item taken out was processed. `join()` resolves when every item put in was
   * taken out and marked done. Throws a `RangeError` when called more often than items were put.
   */
  taskDone(): void {
    if (this.#unfinishedTasks <= 0) throw new RangeError("taskDone() called too many times");
    this.#unfinishedTasks -= 1;
    if (this.#unfinishedTasks === 0) this.#finished.set();
  }

  /** Resolves when every item was processed; fails with `gen.TimeoutError` once `timeout` passes. */
  join(timeout?: Deadline): Promise<void> {
    return this.#finished.wait(timeout);
  }

  /** Gets items for ever: `for await (const item of queue) { ...; queue.taskDone(); }`. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) yield await this.get();
  }

  #putInternal(item: T): void {
    this.#unfinishedTasks += 1;
    this.#finished.clear();
    this.store(item);
  }

  // ---- the storage, overridden by subclasses -------------------------------------------------

  #items: T[] = [];
  #head = 0;

  /** How many items the storage holds. */
  protected size(): number {
    return this.#items.length - this.#head;
  }

  /** Removes and returns the next item (called only when there is one). */
  protected take(): T {
    const item = this.#items[this.#head]!;
    this.#head += 1;
    // Drop the taken slots once they are half the array, so a long-lived queue does not grow.
    if (this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Adds an item. */
  protected store(item: T): void {
    this.#items.push(item);
  }

  /** The items in the order the storage holds them, for `toString()`. */
  protected contents(): readonly T[] {
    return this.#items.slice(this.#head);
  }

  /**
   * `<Queue maxsize=0 queue=[1, 2] getters[1] putters[1] tasks=2>`, each part only when it applies
   * (Tornado's `str()`; its `repr()` adds the object's address, which JavaScript does not have).
   */
  toString(): string {
    let text = `maxsize=${this.#maxsize}`;
    const items = this.contents();
    if (items.length > 0) text += ` queue=${inspect(items, { breakLength: Infinity })}`;
    if (this.#getters.length > 0) text += ` getters[${this.#getters.length}]`;
    if (this.#putters.length > 0) text += ` putters[${this.#putters.length}]`;
    if (this.#unfinishedTasks > 0) text += ` tasks=${this.#unfinishedTasks}`;
    return `<${this.constructor.name} ${text}>`;
  }

  /** What `util.inspect` and `console.log` show: the same as `toString()`. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/** How {@link PriorityQueue} orders items: negative when `a` comes first. */
export type Compare<T> = (a: T, b: T) => number;

/** Whether `value` is a number, a bigint or a boolean: the kinds Python orders among each other. */
function isNumeric(value: unknown): value is number | bigint | boolean {
  return typeof value === "number" || typeof value === "bigint" || typeof value === "boolean";
}

/**
 * Orders values as Python's `<` does for the values a priority queue usually holds: numbers,
 * bigints, strings (by code point), booleans, and arrays compared item by item (Python's tuples,
 * as in `[priority, task]`). Throws a `TypeError` for values of different kinds or other objects.
 */
export function pythonOrder(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i += 1) {
      const order = pythonOrder(a[i], b[i]);
      if (order !== 0) return order;
    }
    return a.length - b.length;
  }
  if ((isNumeric(a) && isNumeric(b)) || (typeof a === "string" && typeof b === "string")) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  throw new TypeError(
    `Cannot order ${inspect(a)} and ${inspect(b)}: give the queue a compare function`,
  );
}

/**
 * A queue that gives out the lowest item first (Tornado's `queues.PriorityQueue`). Items are
 * usually `[priority, value]` pairs, ordered as Python orders tuples; pass `compare` to order
 * other items.
 */
export class PriorityQueue<T> extends Queue<T> {
  // A binary min-heap.
  readonly #heap: T[] = [];
  readonly #compare: Compare<T>;

  constructor(maxsize = 0, options: { compare?: Compare<T> } = {}) {
    super(maxsize);
    this.#compare = options.compare ?? pythonOrder;
  }

  protected override size(): number {
    return this.#heap.length;
  }

  protected override store(item: T): void {
    const heap = this.#heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#compare(heap[i]!, heap[parent]!) >= 0) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  protected override take(): T {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.#compare(heap[left]!, heap[smallest]!) < 0) smallest = left;
        if (right < heap.length && this.#compare(heap[right]!, heap[smallest]!) < 0)
          smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }

  protected override contents(): readonly T[] {
    return this.#heap.slice();
  }
}

/** A queue that gives out the item put in last first (Tornado's `queues.LifoQueue`). */
export class LifoQueue<T> extends Queue<T> {
  readonly #stack: T[] = [];

  protected override size(): number {
    return this.#stack.length;
  }

  protected override store(item: T): void {
    this.#stack.push(item);
  }

  protected override take(): T {
    return this.#stack.pop()!;
  }

  protected override contents(): readonly T[] {
    return this.#stack.slice();
  }
}
