// The ledger of the ported Tornado test suite (test/tornado-suite/ledger.json): reading it, listing
// the test functions of the installed Tornado 6.2 suite it must account for, and rendering
// docs/tornado-test-suite.md from it. Used by scripts/tornado-suite-report.mjs and by the checks in
// test/tornado-suite/.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const ledgerPath = join(root, "test", "tornado-suite", "ledger.json");
export const reportPath = join(root, "docs", "tornado-test-suite.md");
export const statuses = ["ported", "differs", "not-applicable", "pending"];

/** The ledger: key `file.py::Class::test_name` → `{ status, reason? }`. */
export function readLedger() {
  return JSON.parse(readFileSync(ledgerPath, "utf8"));
}

/**
 * The test functions of Tornado's suite as installed (Debian's python3-tornado), parsed with
 * Python's ast module by scripts/tornado-suite-list.py: `{ folder, tests: ["file.py::Class::name"] }`.
 */
export function listTornadoTests() {
  const result = spawnSync("/usr/bin/python3", [join(root, "scripts", "tornado-suite-list.py")], {
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`listing Tornado's test functions failed:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

/** The TypeScript file that ports a Tornado test file: web_test.py → web_test.test.ts. */
export function portFile(pythonFile) {
  return join("test", "tornado-suite", pythonFile.replace(/\.py$/, ".test.ts"));
}

/** Splits a ledger key into the Python file and the node:test name (`Class.test_name`). */
export function splitKey(key) {
  const [file, className, testName] = key.split("::");
  return { file, testName: `${className}.${testName}` };
}

/** The ledger as committed: one entry a line, keys sorted (so the helpers' ledgers merge by line). */
export function formatLedger(ledger) {
  const keys = Object.keys(ledger).sort();
  const lines = keys.map((key, index) => {
    const { status, reason } = ledger[key];
    const body =
      reason === undefined
        ? `{ "status": ${JSON.stringify(status)} }`
        : `{ "status": ${JSON.stringify(status)}, "reason": ${JSON.stringify(reason)} }`;
    return `  ${JSON.stringify(key)}: ${body}${index < keys.length - 1 ? "," : ""}`;
  });
  return `{\n${lines.join("\n")}\n}\n`;
}

/** docs/tornado-test-suite.md for a ledger. */
export function renderReport(ledger) {
  const files = new Map();
  for (const key of Object.keys(ledger).sort()) {
    const { file } = splitKey(key);
    if (!files.has(file)) files.set(file, []);
    files.get(file).push(key);
  }
  const count = (keys, status) => keys.filter((key) => ledger[key].status === status).length;
  const all = Object.keys(ledger);
  const out = [
    "# Tornado's own test suite, ported",
    "",
    "<!-- Generated from test/tornado-suite/ledger.json by `node scripts/tornado-suite-report.mjs`;",
    "     do not edit by hand (a test checks this file is up to date). -->",
    "",
    "Every test function of Tornado 6.2's own suite (the `*_test.py` files of `tornado/test/`, as",
    "Debian's `python3-tornado` ships them) has an entry in `test/tornado-suite/ledger.json`:",
    "",
    "- **ported**: `test/tornado-suite/<file>.test.ts` has a test named `Class.test_name` asserting",
    "  what the Python test asserts, and it passes in `npm test`;",
    "- **differs**: that test exists and asserts tornado-ts's documented behaviour, listed in the",
    "  Differences section of [docs/name-map.md](name-map.md#differences-from-tornado);",
    "- **not applicable**: the test checks Python itself, or a module tornado-ts has not built yet;",
    "- **pending**: not ported yet.",
    "",
    "`npm test` checks the ledger against the installed suite (every test function listed, once) and",
    "that every ported or differing test passed in that run. `node scripts/run-tests.mjs",
    "test/tornado-suite` runs the ported suite and that check alone.",
    "",
    "| File | Tests | Ported | Differs | Not applicable | Pending |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const [file, keys] of files) {
    out.push(
      `| ${file} | ${keys.length} | ${count(keys, "ported")} | ${count(keys, "differs")} | ${count(keys, "not-applicable")} | ${count(keys, "pending")} |`,
    );
  }
  out.push(
    `| **Total** | **${all.length}** | **${count(all, "ported")}** | **${count(all, "differs")}** | **${count(all, "not-applicable")}** | **${count(all, "pending")}** |`,
    "",
    "## Not applicable",
    "",
  );
  for (const [file, keys] of files) {
    const skipped = keys.filter((key) => ledger[key].status === "not-applicable");
    if (skipped.length === 0) continue;
    out.push(`### ${file}`, "");
    const byReason = new Map();
    for (const key of skipped) {
      const { reason } = ledger[key];
      if (!byReason.has(reason)) byReason.set(reason, []);
      byReason.get(reason).push(splitKey(key).testName);
    }
    for (const [reason, names] of byReason) {
      out.push(`- ${reason}: ${names.map((name) => `\`${name}\``).join(", ")}`);
    }
    out.push("");
  }
  const differing = Object.keys(ledger)
    .sort()
    .filter((key) => ledger[key].status === "differs");
  if (differing.length > 0) {
    out.push("## Differs", "");
    for (const key of differing) {
      const { file, testName } = splitKey(key);
      out.push(
        `- ${file} \`${testName}\`: [${ledger[key].reason}](${ledger[key].reason.replace(/^docs\//, "")})`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}

/** The anchors a Markdown file offers: explicit `id="..."` attributes and GitHub heading slugs. */
export function markdownAnchors(text) {
  const anchors = new Set();
  for (const match of text.matchAll(/\bid="([^"]+)"/g)) anchors.add(match[1]);
  for (const match of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const slug = match[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    anchors.add(slug);
  }
  return anchors;
}
