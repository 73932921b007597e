// Port of Tornado 6.2's tornado/test/autoreload_test.py. Python re-executes the process in place
// (`autoreload._reload()`); tornado-ts's autoreload keeps a watcher process that runs the program
// as a child and runs it again after a change, so a reload is triggered by writing a watched file.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { NodeProcess, ROOT } from "../support/node-process.ts";

/**
 * A program that starts autoreload, prints "Starting" with its watcher's pid, and on its first
 * run writes a watched file (marker.json) so the watcher runs it again.
 */
function program(dir: string): string {
  return `import { existsSync, writeFileSync } from "node:fs";
import * as autoreload from ${JSON.stringify(join(ROOT, "src/autoreload.ts"))};

await autoreload.start({ debounce: 20 });
console.log(\`Starting under \${autoreload.isAutoreloadChild() ? process.ppid : "nothing"}\`);
const marker = ${JSON.stringify(join(dir, "marker.json"))};
if (!existsSync(marker)) writeFileSync(marker, "{}");
`;
}

async function runTwice(): Promise<{ lines: string[]; watcherPid: number }> {
  const dir = mkdtempSync(join(tmpdir(), "suite-b-autoreload-"));
  const main = join(dir, "main.mts");
  writeFileSync(main, program(dir));
  const watcher = NodeProcess.start(main);
  try {
    await watcher.waitFor(/^Starting[^\n]*\n[\s\S]*^Starting[^\n]*\n/m);
    assert.ok(existsSync(join(dir, "marker.json")));
    const lines = watcher.stdout.split("\n").filter((line) => line.startsWith("Starting"));
    return { lines, watcherPid: watcher.pid };
  } finally {
    await watcher.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

// One run serves both tests (each start of the program costs a TypeScript compile).
let run: { lines: string[]; watcherPid: number };
before(async () => {
  run = await runTwice();
});

test("AutoreloadTest.test_reload_module", async () => {
  // The program ran, reloaded once, and ran again.
  const { lines } = run;
  assert.equal(lines.length, 2, lines.join("\n"));
});

test("AutoreloadTest.test_reload_wrapper_preservation", async () => {
  // Both runs are children of the same watcher: the reload keeps the wrapper.
  const { lines, watcherPid } = run;
  assert.deepEqual(lines, [`Starting under ${watcherPid}`, `Starting under ${watcherPid}`]);
});
