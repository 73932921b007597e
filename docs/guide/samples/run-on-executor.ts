// Guide sample: a method that runs on the worker-thread pool (Tornado's @run_on_executor).
import { runOnExecutor } from "tornado-ts/concurrent";

// #region run-on-executor
class Reports {
  // Runs on a worker thread: the method travels as source text, so it uses only its arguments
  // (no `this`, no imports from the top of the file; `await import()` inside works).
  @runOnExecutor
  async checksum(data: Uint8Array) {
    const { createHash } = await import("node:crypto");
    return createHash("sha256").update(data).digest("hex");
  }
}

// Real code with imports of its own: a module's exported function, by file and name.
const resize = runOnExecutor({ module: new URL("./work.ts", import.meta.url), name: "resize" });
// #endregion

/** The objects of this sample. */
export const sample = { Reports, resize };
