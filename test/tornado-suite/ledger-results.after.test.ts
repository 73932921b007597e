// Each `ported` or `differs` entry of the ledger has a test of that exact name (`Class.test_name`)
// at the top level of test/tornado-suite/<file>.test.ts, and it passed in this run.
//
// scripts/run-tests.mjs runs this file after all the others, with TEST_RESULTS_FILE naming the
// outcomes of the run. Run alone, there are no outcomes to read and the check fails saying so,
// unless TORNADO_SUITE_RUN=1 asks it to run the ported suite's files itself first:
//   TORNADO_SUITE_RUN=1 node scripts/run-tests.mjs test/tornado-suite/ledger-results.after.test.ts
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { test } from "node:test";
import { portFile, readLedger, root, splitKey } from "../../scripts/tornado-suite-ledger.mjs";

type Result = { file: string | null; name: string; nesting: number; outcome: string };

const suiteFolder = join(root, "test", "tornado-suite");

function runSuiteFiles(resultsFile: string): void {
  const files = readdirSync(suiteFolder)
    .filter((name) => name.endsWith(".test.ts") && !name.endsWith(".after.test.ts"))
    .map((name) => join("test", "tornado-suite", name));
  // A test file's own process marks itself as one (NODE_TEST_CONTEXT); the nested run must not.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, [join(root, "scripts", "run-tests.mjs"), ...files], {
    cwd: root,
    encoding: "utf8",
    env: { ...env, TEST_RESULTS_FILE: resultsFile },
  });
  if (!existsSync(resultsFile)) {
    throw new Error(`running the ported suite wrote no results:\n${run.stdout}\n${run.stderr}`);
  }
}

function readResults(): Result[] {
  if (process.env.TORNADO_SUITE_RUN === "1") {
    const dir = mkdtempSync(join(tmpdir(), "tornado-suite-results-"));
    try {
      const file = join(dir, "results.json");
      runSuiteFiles(file);
      return (JSON.parse(readFileSync(file, "utf8")) as { results: Result[] }).results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const file = process.env.TEST_RESULTS_FILE;
  if (file === undefined || !existsSync(file)) {
    assert.fail(
      "no test results to check the ledger against: this check reads the outcomes of the ported " +
        "suite's tests from the same run. Run the whole suite (`node scripts/run-tests.mjs`) or " +
        "the folder (`node scripts/run-tests.mjs test/tornado-suite`), or let the check run the " +
        "suite files itself: `TORNADO_SUITE_RUN=1 node scripts/run-tests.mjs " +
        "test/tornado-suite/ledger-results.after.test.ts`.",
    );
  }
  return (JSON.parse(readFileSync(file, "utf8")) as { results: Result[] }).results;
}

test("every ported or differing ledger entry has a test of its name that passed in this run", () => {
  const results = readResults();
  const outcomes = new Map<string, string[]>();
  const ranFiles = new Set<string>();
  for (const result of results) {
    if (result.file === null) continue;
    const file = isAbsolute(result.file) ? relative(root, result.file) : result.file;
    ranFiles.add(file);
    if (result.nesting !== 0) continue;
    const key = `${file}\0${result.name}`;
    outcomes.set(key, [...(outcomes.get(key) ?? []), result.outcome]);
  }
  const ledger = readLedger();
  const notRun = new Set<string>();
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(ledger)) {
    if (entry.status !== "ported" && entry.status !== "differs") continue;
    const { file, testName } = splitKey(key);
    const port = portFile(file);
    if (!ranFiles.has(port)) {
      notRun.add(port);
      continue;
    }
    const seen = outcomes.get(`${port}\0${testName}`);
    if (seen === undefined) problems.push(`${key}: no test "${testName}" in ${port}`);
    else if (seen.length > 1) problems.push(`${key}: ${seen.length} tests named "${testName}"`);
    else if (seen[0] !== "pass")
      problems.push(`${key}: "${testName}" outcome ${seen[0]} in ${port}`);
  }
  // Every top-level test of a ported file names a ledger entry of that file (a typo'd name would
  // otherwise pass unnoticed beside the pending entry it meant to port).
  const keys = new Set(Object.keys(ledger));
  for (const result of results) {
    if (result.file === null || result.nesting !== 0) continue;
    const file = isAbsolute(result.file) ? relative(root, result.file) : result.file;
    const match = /^test\/tornado-suite\/(\w+_test)\.test\.ts$/.exec(file);
    if (match === null) continue;
    const key = `${match[1]}.py::${result.name.replace(".", "::")}`;
    if (!keys.has(key)) problems.push(`${file}: test "${result.name}" is not in the ledger`);
  }
  assert.deepEqual(
    [...notRun].sort(),
    [],
    "these files have ported entries but did not run in this run (a subset was run?); run them too",
  );
  assert.deepEqual(problems, []);
});
