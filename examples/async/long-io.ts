// Shared pieces of the tutorial's 同步与异步 examples: a long operation run on another thread, and
// a blocking sleep standing for work that holds the current thread (Python's time.sleep).
import { Worker } from "node:worker_threads";

/** Seconds the long operation takes (the tutorial's 5; LONG_IO_SECONDS overrides it). */
export const LONG_IO_SECONDS = Number(process.env.LONG_IO_SECONDS ?? 5);
/** Seconds reqB keeps its thread busy (the tutorial's 2; REQ_B_SECONDS overrides it). */
export const REQ_B_SECONDS = Number(process.env.REQ_B_SECONDS ?? 2);

/** Blocks the calling thread for `seconds`, as Python's `time.sleep` does. */
export function sleepBlocking(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

// The worker prints with fs.writeSync so its lines appear when they happen, even while the main
// thread is blocked (console.log in a worker is relayed through the main thread).
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const { writeSync } = require("node:fs");
if (workerData.announce) writeSync(1, "开始耗时操作\\n");
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.seconds * 1000);
if (workerData.announce && workerData.announceEnd) writeSync(1, "结束耗时操作\\n");
parentPort.postMessage(workerData.result);
`;

/** Options of {@link runOnThread}. */
export interface ThreadOptions {
  /** Print 开始耗时操作 (and 结束耗时操作 unless `announceEnd` is false) from the thread. */
  announce?: boolean;
  /** Print 结束耗时操作 when done (default true). */
  announceEnd?: boolean;
}

/**
 * Runs a blocking operation of `seconds` on a worker thread and calls `callback` with `result`
 * on the main thread when it is done (the tutorial's threading.Thread).
 */
export function runOnThread(
  seconds: number,
  result: string,
  callback: (data: string) => void,
  options: ThreadOptions = {},
): void {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      seconds,
      result,
      announce: options.announce ?? true,
      announceEnd: options.announceEnd ?? true,
    },
  });
  worker.once("message", (data: string) => callback(data));
}

/** {@link runOnThread} as a promise. */
export function runOnThreadAsync(
  seconds: number,
  result: string,
  options: ThreadOptions = {},
): Promise<string> {
  return new Promise((resolve) => runOnThread(seconds, result, resolve, options));
}
