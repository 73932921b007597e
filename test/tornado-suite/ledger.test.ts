// The ledger of the ported Tornado suite accounts for every test function of the installed Tornado
// 6.2 suite (parsed with Python's ast module, no hand-kept count), each once, with a valid status;
// each `differs` entry links an entry of docs/name-map.md; docs/tornado-test-suite.md is the
// report of the committed ledger. That ported tests passed is checked after the run, by
// ledger-results.after.test.ts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  formatLedger,
  listTornadoTests,
  markdownAnchors,
  readLedger,
  renderReport,
  reportPath,
  root,
  statuses,
} from "../../scripts/tornado-suite-ledger.mjs";

const ledger = readLedger();

// Only these modules may be "not yet built" (their tests are ported as the modules land).
const unbuiltModules = new Set([
  "locks_test.py",
  "queues_test.py",
  "iostream_test.py",
  "tcpserver_test.py",
  "tcpclient_test.py",
  "netutil_test.py",
  "concurrent_test.py",
  "routing_test.py",
]);

test("the ledger lists every test function of Tornado's suite, and nothing else", () => {
  const { folder, tests } = listTornadoTests();
  assert.ok(tests.length > 900, `only ${tests.length} test functions found in ${folder}`);
  const listed = new Set(Object.keys(ledger));
  const expected = new Set(tests);
  const missing = tests.filter((key) => !listed.has(key));
  const extra = [...listed].filter((key) => !expected.has(key));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `ledger vs ${folder}`);
});

test("the ledger is formatted one entry a line, keys sorted", () => {
  const text = readFileSync(join(root, "test", "tornado-suite", "ledger.json"), "utf8");
  assert.equal(text, formatLedger(ledger), "rewrite it with formatLedger() (sorted, one a line)");
});

test("every ledger entry has a valid status and reason", () => {
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(ledger)) {
    const file = key.split("::")[0]!;
    const keys = Object.keys(entry).sort().join(",");
    if (!statuses.includes(entry.status)) problems.push(`${key}: unknown status ${entry.status}`);
    if (entry.status === "ported" || entry.status === "pending") {
      if (keys !== "status") problems.push(`${key}: ${entry.status} takes no reason`);
    } else if (keys !== "reason,status" || !entry.reason) {
      problems.push(`${key}: ${entry.status} needs a reason`);
    } else if (entry.status === "not-applicable") {
      if (entry.reason.includes("\n")) problems.push(`${key}: the reason must be one line`);
      if (entry.reason === "module not yet built" && !unbuiltModules.has(file)) {
        problems.push(`${key}: "module not yet built" is only for the modules not yet built`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test("every differs entry links an entry of docs/name-map.md", () => {
  const anchors = markdownAnchors(readFileSync(join(root, "docs", "name-map.md"), "utf8"));
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(ledger)) {
    if (entry.status !== "differs") continue;
    const match = /^docs\/name-map\.md#(.+)$/.exec(entry.reason ?? "");
    if (match === null) problems.push(`${key}: reason must be docs/name-map.md#<anchor>`);
    else if (!anchors.has(match[1]!)) problems.push(`${key}: no anchor #${match[1]}`);
  }
  assert.deepEqual(problems, []);
});

test("docs/tornado-test-suite.md is generated from the committed ledger", () => {
  assert.equal(
    readFileSync(reportPath, "utf8"),
    renderReport(ledger),
    "run `node scripts/tornado-suite-report.mjs`",
  );
});
