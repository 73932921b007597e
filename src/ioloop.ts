/**
 * The event loop facade (Tornado's `tornado.ioloop`). Node runs its own loop; `IOLoop` gives
 * Tornado's names for scheduling on it and a `start()` that keeps a program serving until `stop()`.
 * @module tornado-ts/ioloop
 */

/** A handle returned by `callLater` / `callAt`, for `removeTimeout`. */
export type TimeoutHandle = ReturnType<typeof setTimeout>;

let current: IOLoop | undefined;

/** Tornado's IOLoop on Node's event loop. Use `IOLoop.current()`; there is one per process. */
export class IOLoop {
  #running: { resolve: () => void; keepAlive: ReturnType<typeof setInterval> } | undefined;

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

  /** Runs `callback` after `delay` seconds. */
  callLater(delay: number, callback: () => unknown): TimeoutHandle {
    return setTimeout(() => void runSafely(callback), Math.max(0, delay * 1000));
  }

  /** Runs `callback` at `when` (seconds since the epoch, as `time()`). */
  callAt(when: number, callback: () => unknown): TimeoutHandle {
    return this.callLater(when - this.time(), callback);
  }

  /** Cancels a `callLater` / `callAt`. */
  removeTimeout(handle: TimeoutHandle): void {
    clearTimeout(handle);
  }
}

async function runSafely(callback: () => unknown): Promise<void> {
  try {
    await callback();
  } catch (error) {
    const { appLog } = await import("./log.ts");
    appLog.error("Exception in callback", error);
  }
}
