#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner, loading TypeScript through tsx and
// resolving "tornado-ts/*" to the sources (the "tornado-ts-source" export condition), so no build is needed.
// Extra arguments are test files or folders to run instead of the whole tree. Every test file runs
// with test/support/log-guard.ts loaded first, so a stray warning log fails the test that logged it.
//
// Files named *.after.test.ts check the outcome of the others (the ported Tornado suite's ledger):
// they run once the others have finished, with TEST_RESULTS_FILE naming a JSON file of every test's
// outcome in this run (written by scripts/test-results-reporter.mjs). TEST_RESULTS_FILE may also be
// set by the caller to keep that file at a chosen path.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const logGuard = fileURLToPath(new URL("../test/support/log-guard.mjs", import.meta.url));
const resultsReporter = fileURLToPath(new URL("./test-results-reporter.mjs", import.meta.url));

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out);
  } else if (/\.test\.ts$/.test(path)) {
    out.push(path);
  }
  return out;
}

function runTests(testFiles, env, reporters) {
  const result = spawnSync(
    process.execPath,
    [
      "--conditions=tornado-ts-source",
      "--import",
      "tsx",
      "--import",
      logGuard,
      "--test",
      "--test-concurrency=2",
      ...reporters,
      ...testFiles,
    ],
    { stdio: "inherit", env },
  );
  return result.status ?? 1;
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : ["test"]).flatMap((root) => collect(root, []));
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
const afterFiles = files.filter((file) => file.endsWith(".after.test.ts"));
const mainFiles = files.filter((file) => !file.endsWith(".after.test.ts"));

const ownResults = process.env.TEST_RESULTS_FILE === undefined;
const resultsDir = ownResults ? mkdtempSync(join(tmpdir(), "test-results-")) : undefined;
const resultsFile = process.env.TEST_RESULTS_FILE ?? join(resultsDir, "results.json");
const afterResultsFile = `${resultsFile}.after.json`;
const env = { ...process.env, TEST_RESULTS_FILE: resultsFile };
let status = 0;
try {
  if (mainFiles.length > 0) {
    status = runTests(mainFiles, env, [
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      `--test-reporter=${resultsReporter}`,
      `--test-reporter-destination=${resultsFile}`,
    ]);
  }
  if (afterFiles.length > 0) {
    const afterStatus = runTests(afterFiles, env, [
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      `--test-reporter=${resultsReporter}`,
      `--test-reporter-destination=${afterResultsFile}`,
    ]);
    if (status === 0) status = afterStatus;
    // Two runs print two summaries; this line gives the total of both.
    const counts = { pass: 0, fail: 0, skip: 0, todo: 0 };
    for (const path of [resultsFile, afterResultsFile]) {
      if (!existsSync(path)) continue;
      for (const test of JSON.parse(readFileSync(path, "utf8")).results) {
        if (test.type !== "suite") counts[test.outcome] += 1;
      }
    }
    console.log(
      `\ntotal: ${counts.pass} passed, ${counts.fail} failed, ${counts.skip + counts.todo} skipped`,
    );
  }
} finally {
  if (resultsDir !== undefined) rmSync(resultsDir, { recursive: true, force: true });
}
process.exit(status);
