// The API reference (TypeDoc, `npm run docs`) builds from the doc comments with no warning: every
// exported name and member is documented, every {@link} resolves, and every public subpath of
// package.json is an entry point of the reference.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const root = join(import.meta.dirname, "..", "..");

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(join(root, path), "utf8")) as T;
}

describe("the API reference", () => {
  it("has an entry point for every public subpath", () => {
    const exports = readJson<{
      exports: Record<string, string | { "tornado-ts-source": string }>;
    }>("package.json").exports;
    const entryPoints = readJson<{ entryPoints: string[] }>("typedoc.json").entryPoints;
    assert.deepEqual(
      Object.values(exports)
        .flatMap((entry) => (typeof entry === "string" ? [] : [entry["tornado-ts-source"]]))
        .map((path) => path.replace(/^\.\//, ""))
        .sort(),
      [...entryPoints].sort(),
    );
  });

  it("builds with every export documented and every link resolved", () => {
    const out = mkdtempSync(join(tmpdir(), "api-docs-"));
    const result = spawnSync(
      process.execPath,
      [join(root, "node_modules", "typedoc", "bin", "typedoc"), "--out", out],
      { cwd: root, encoding: "utf8" },
    );
    const output = `${result.stdout}${result.stderr}`;
    assert.equal(result.status, 0, `typedoc failed (warnings count as errors):\n${output}`);
    assert.doesNotMatch(output, /\[warning\]|\[error\]/);
    for (const module of [
      "tornado-ts",
      "tornado-ts_web",
      "tornado-ts_locale",
      "tornado-ts_testing",
    ]) {
      assert.ok(existsSync(join(out, "modules", `${module}.html`)), `${module} page`);
    }
    const locale = readFileSync(join(out, "classes", "tornado-ts_locale.Locale.html"), "utf8");
    assert.match(locale, /formatDate/);
  });
});
