import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NodeProcess } from "../support/node-process.ts";

describe("forkProcesses", () => {
  it("gives each worker its task id; workers that finish are not restarted, and the primary exits 0", async () => {
    const app = NodeProcess.start("test/process/fixtures/batch.ts");
    try {
      assert.deepEqual(await app.exited, { code: 0, signal: null });
      assert.match(app.output, /general\] Starting 2 processes\n/);
      assert.match(app.stdout, /task 0 did its work\n/);
      assert.match(app.stdout, /task 1 did its work\n/);
      assert.match(app.output, /general\] child 0 \(pid \d+\) exited normally/);
      assert.match(app.output, /general\] child 1 \(pid \d+\) exited normally/);
      assert.doesNotMatch(app.output, /restarting/);
    } finally {
      await app.kill();
    }
  });
});
