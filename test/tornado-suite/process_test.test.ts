// Port of Tornado 6.2's tornado/test/process_test.py against tornado-ts/process.
import assert from "node:assert/strict";
import { test } from "node:test";
import { freePort, NodeProcess } from "../support/node-process.ts";

test("ProcessTest.test_multi_process", async () => {
  const port = await freePort();
  const app = NodeProcess.start("test/tornado-suite/support/suite-b-multi-process.ts", [], {
    env: { PORT: String(port) },
  });
  try {
    // Every worker ended with status 0 in the end, so the primary exits 0.
    assert.deepEqual(await app.exited, { code: 0, signal: null }, app.output);
    assert.match(app.stdout, /pid changed after the restart\n/);
    assert.match(app.output, /general\] Starting 3 processes\n/);
    assert.match(
      app.output,
      /child 0 \(pid \d+\) exited with status [234]|child 1 \(pid \d+\) exited with status [234]/,
    );
    assert.match(app.output, /child 2 \(pid \d+\) exited normally/);
  } finally {
    await app.kill();
  }
});
