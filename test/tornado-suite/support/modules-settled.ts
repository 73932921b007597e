// Tornado's tests read `future.done()` at once; a promise cannot be read so. `isSettled` asks
// whether a promise had settled before the call: a settled promise listed first wins
// `Promise.race` against an already-resolved one listed after it, since its reaction is queued first.
const PENDING = Symbol("pending");

/** Whether `promise` has already settled (a rejection counts, and is handled). */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  try {
    return (await Promise.race([promise, Promise.resolve(PENDING)])) !== PENDING;
  } catch {
    return true;
  }
}

/** Lets every queued callback run (Tornado's `loop_briefly`, a turn of the IOLoop). */
export function loopBriefly(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Waits `seconds` (Tornado's `gen.sleep`). */
export function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}
