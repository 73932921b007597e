/**
 * The event loop facade (Tornado's `tornado.ioloop`). Node runs its own loop; `IOLoop` gives
 * Tornado's names for scheduling on it, a `start()` that keeps a program serving until `stop()`,
 * `runInExecutor` for blocking or CPU-heavy work on a pool of worker threads, and
 * `PeriodicCallback`.
 *
 * Delays are in seconds, as in Tornado (`callLater(5, fn)` runs in five seconds), or name their
 * unit (`callLater({ milliseconds: 500 }, fn)`); `PeriodicCallback` takes milliseconds, as
 * Tornado's does. See `Duration` in `tornado-ts/gen`.
 * @module tornado-ts/ioloop
 */
import { availableParallelism } from "node:os";
import { extname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Piscina } from "piscina";
import { type Duration, deadlineDelayMs, durationSeconds, type TimeDelta } from "./duration.ts";
import type { ExecutorTaskMessage } from "./ioloop-worker.ts";
import { appLog } from "./log.ts";

/** A handle returned by `callLater` / `callAt`, for `removeTimeout`. */
export type TimeoutHandle = ReturnType<typeof setTimeout>;

/**
 * A function exported by a module, for {@link IOLoop.runInExecutor}: `module` is a file URL, an
 * absolute path, a path relative to the working directory, or a package name; `name` is the export
 * (default `default`).
 */
export interface ExecutorModuleTask {
  /** The module that holds the task: a path (relative to the working directory) or a URL. */
  module: string | URL;
  /** The exported function to call (default: the default export). */
  name?: string;
}

/** Options of the worker-thread pool behind {@link IOLoop.runInExecutor}. */
export interface ExecutorOptions {
  /** Most threads at once (default: the number of CPUs). */
  maxThreads?: number;
  /**
   * How long an idle thread is kept: seconds, or a `TimeDelta` (default 30 seconds); idle threads
   * never keep the process alive.
   */
  idleTimeout?: Duration;
}

let current: IOLoop | undefined;
const WORKER_FILE = fileURLToPath(
  new URL(`./ioloop-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

/** Tornado's IOLoop on Node's event loop. Use `IOLoop.current()`; there is one per process. */
export class IOLoop {
  #running: { resolve: () => void; keepAlive: ReturnType<typeof setInterval> } | undefined;
  #pool: Promise<Piscina> | undefined;
  #executorOptions: ExecutorOptions = {};

  /** The process's loop. */
  static current(): IOLoop {
    current ??= new IOLoop();
    return current;
  }

  /**
   * Runs until `stop()` is called: the returned promise resolves then. Servers keep the process alive
   * on their own, so awaiting this is optional (the tutorial's last line reads the same either way).
   */
  start(): Promise<void> {
    if (this.#running) throw new Error("IOLoop is already running");
    return new Promise((resolve) => {
      const keepAlive = setInterval(() => {}, 1 << 30);
      this.#running = { resolve, keepAlive };
    });
  }

  /** Makes `start()` return. */
  stop(): void {
    const running = this.#running;
    if (!running) return;
    this.#running = undefined;
    clearInterval(running.keepAlive);
    running.resolve();
  }

  /** Whether `start()` is in progress. */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /** Seconds since the epoch, as Python's `time.time()`. */
  time(): number {
    return Date.now() / 1000;
  }

  /** Runs `callback` on the next turn of the loop. */
  addCallback(callback: () => unknown): void {
    setImmediate(() => void runSafely(callback));
  }

  /**
   * Runs `callback` after `delay`: a number of seconds (Tornado's `call_later`), at most 300, or a
   * wait with its unit named, `callLater({ minutes: 10 }, fn)`. Throws a `RangeError` for a
   * negative, `NaN` or infinite delay and for a bare number above 300 (milliseconds written where
   * seconds are meant); see `Duration` in `tornado-ts/gen`.
   */
  callLater(delay: Duration, callback: () => unknown): TimeoutHandle {
    const seconds = durationSeconds(delay, "callLater");
    return setTimeout(() => void runSafely(callback), seconds * 1000);
  }

  /**
   * Runs `callback` at `when`, in seconds since the epoch as `time()` gives (Tornado's `call_at`); a
   * time already past runs it at once. Throws a `RangeError` for a number before 2001 (a delay
   * written where a time is meant: use `callLater`) or too far ahead for a timer (milliseconds).
   */
  callAt(when: number, callback: () => unknown): TimeoutHandle {
    return setTimeout(() => void runSafely(callback), deadlineDelayMs(when, "callAt"));
  }

  /**
   * Runs `callback` at `deadline` (Tornado's `add_timeout`): a time in seconds since the epoch (as
   * `callAt`), a `Date`, or a `TimeDelta` from now (`{ seconds: 5 }`, as Tornado's `timedelta`).
   */
  addTimeout(deadline: number | Date | TimeDelta, callback: () => unknown): TimeoutHandle {
    return setTimeout(() => void runSafely(callback), deadlineDelayMs(deadline, "addTimeout"));
  }

  /** Cancels a `callLater` / `callAt` / `addTimeout`. */
  removeTimeout(handle: TimeoutHandle): void {
    clearTimeout(handle);
  }

  /**
   * Sets the size of the worker-thread pool used by `runInExecutor` (before its first use; later
   * calls apply after `close()`).
   */
  setDefaultExecutor(options: ExecutorOptions): void {
    this.#executorOptions = { ...options };
  }

  /**
   * Runs blocking or CPU-heavy work on a pool of worker threads and resolves with its result, so the
   * event loop keeps serving meanwhile. The work is either
   *
   * - a self-contained function: `runInExecutor((n: number) => fib(n), 30)`; its source text is sent
   *   to the thread, so it cannot use variables from around it (closures), `this`, or imports at the
   *   top of your module: everything it needs comes through its arguments or `await import(...)`
   *   inside it. Methods, bound and native functions cannot be sent.
   * - an exported function of a module: `runInExecutor({ module: new URL("./work.ts",
   *   import.meta.url), name: "resize" }, path)`, the way for real code (it may import anything).
   *
   * Arguments and the result cross threads by structured clone (no functions, class instances
   * arrive as plain objects). A thrown error rejects the promise. The pool (piscina) starts on first
   * use with one thread per CPU; idle threads do not keep the process alive. piscina is an optional
   * peer dependency: install it (`npm install piscina`) to use this; without it the call rejects
   * with an error saying so.
   *
   * Differs from Tornado: no executor argument (the pool is the loop's; see `setDefaultExecutor`),
   * and the work runs on threads with their own memory, not on threads sharing Python objects.
   */
  runInExecutor<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>>;
  runInExecutor(task: ExecutorModuleTask, ...args: unknown[]): Promise<unknown>;
  async runInExecutor(
    task: ((...args: never[]) => unknown) | ExecutorModuleTask,
    ...args: unknown[]
  ): Promise<unknown> {
    const message: ExecutorTaskMessage =
      typeof task === "function"
        ? { kind: "function", source: Function.prototype.toString.call(task), args }
        : {
            kind: "module",
            module: moduleSpecifier(task.module),
            name: task.name ?? "default",
            args,
          };
    const pool = await this.#executorPool();
    return pool.run(message);
  }

  #executorPool(): Promise<Piscina> {
    // piscina is an optional peer dependency: only programs that run work in the pool install it.
    this.#pool ??= import("piscina").then(
      ({ Piscina }) =>
        new Piscina({
          filename: pathToFileURL(WORKER_FILE).href,
          minThreads: 0,
          maxThreads: this.#executorOptions.maxThreads ?? availableParallelism(),
          idleTimeout:
            durationSeconds(this.#executorOptions.idleTimeout ?? 30, "idleTimeout") * 1000,
        }),
      (error: unknown) => {
        this.#pool = undefined;
        if (error instanceof Error && "code" in error && error.code === "ERR_MODULE_NOT_FOUND") {
          throw new Error(
            "runInExecutor needs the piscina package, an optional peer dependency of tornado-ts: " +
              "npm install piscina",
            { cause: error },
          );
        }
        throw error;
      },
    );
    return this.#pool;
  }

  /** Stops the loop and shuts the worker-thread pool down (waiting for running work). */
  async close(): Promise<void> {
    this.stop();
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool) await (await pool).close();
  }
}

function moduleSpecifier(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module;
  if (module.startsWith("/") || module.startsWith(".")) return pathToFileURL(resolve(module)).href;
  return module;
}

/**
 * Calls a function every `callbackTime` once started (Tornado's `PeriodicCallback`): a number of
 * milliseconds, as in Tornado (the one duration in tornado-ts that a bare number gives in
 * milliseconds), or a `TimeDelta` that names its unit, `{ seconds: 5 }`.
 * A run that takes longer than the period skips the missed runs instead of piling them up; an async
 * callback is awaited before the next run is scheduled. `jitter` (0 to 1) varies each period by up to
 * ±jitter/2 of it, so that many processes do not all run at once. Errors are logged on
 * `tornado.application` and the schedule goes on.
 */
export class PeriodicCallback {
  readonly #callback: () => unknown;
  readonly #callbackTime: number;
  readonly #jitter: number;
  #running = false;
  #next = 0;
  #timer: TimeoutHandle | undefined;

  /**
   * Throws a `RangeError` unless `callbackTime` is a positive period (milliseconds, or a
   * `TimeDelta`) that a timer allows, and unless `jitter` is from 0 to 1.
   */
  constructor(callback: () => unknown, callbackTime: number | TimeDelta, jitter = 0) {
    const ms =
      typeof callbackTime === "number"
        ? callbackTime
        : durationSeconds(callbackTime, "PeriodicCallback") * 1000;
    if (!(ms > 0) || !Number.isFinite(ms) || ms > 2_147_483_647) {
      throw new RangeError(
        `PeriodicCallback needs a positive callbackTime (milliseconds, as in Tornado, or { seconds }), not ${ms}`,
      );
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new RangeError(`PeriodicCallback jitter must be from 0 to 1, not ${jitter}`);
    }
    this.#callback = callback;
    this.#callbackTime = ms;
    this.#jitter = jitter;
  }

  /** Starts calling: the first call comes one period from now. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#next = Date.now();
    this.#scheduleNext();
  }

  /** Stops calling (a run in progress finishes). */
  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Whether the callback is scheduled. */
  isRunning(): boolean {
    return this.#running;
  }

  #scheduleNext(): void {
    if (!this.#running) return;
    const now = Date.now();
    let period = this.#callbackTime;
    if (this.#jitter) period *= 1 + this.#jitter * (Math.random() - 0.5);
    if (this.#next <= now) this.#next += (Math.floor((now - this.#next) / period) + 1) * period;
    else this.#next += period;
    this.#timer = setTimeout(() => void this.#run(), Math.max(0, this.#next - now));
  }

  async #run(): Promise<void> {
    this.#timer = undefined;
    if (!this.#running) return;
    await runSafely(this.#callback);
    this.#scheduleNext();
  }
}

async function runSafely(callback: () => unknown): Promise<void> {
  try {
    await callback();
  } catch (error) {
    appLog.error("Exception in callback", error);
  }
}
