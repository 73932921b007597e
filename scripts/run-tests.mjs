#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner, loading TypeScript through tsx and
// resolving "tornado-ts/*" to the sources (the "tornado-ts-source" export condition), so no build is needed.
// Extra arguments are test files or folders to run instead of the whole tree. Every test file runs
// with test/support/log-guard.ts loaded first, so a stray warning log fails the test that logged it.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const logGuard = fileURLToPath(new URL("../test/support/log-guard.mjs", import.meta.url));

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out);
  } else if (/\.test\.ts$/.test(path)) {
    out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : ["test"]).flatMap((root) => collect(root, []));
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
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
    "--test-reporter=spec",
    ...files,
  ],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
