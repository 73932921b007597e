// Snapshot of every public subpath's export names, so that API changes show in review.
//
// When you add, rename or remove an export on purpose, update the snapshot and commit it with
// the change:
//
//   UPDATE_EXPORTS_SNAPSHOT=1 node scripts/run-tests.mjs test/api/exports.test.ts
//
// The snapshot file is written by the test, so its name keeps it out of the formatter (biome.json).
// Names come from the type checker (types included, marked "type "); the runtime values each
// subpath exports must be exactly its non-type names.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const root = join(import.meta.dirname, "..", "..");
const snapshotPath = join(import.meta.dirname, "exports.snapshot.generated.json");

type Snapshot = Record<string, string[]>;

function subpaths(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    exports: Record<string, string | { "tornado-ts-source": string }>;
  };
  // Every subpath but "./package.json" is a module, with its sources under "tornado-ts-source".
  return Object.fromEntries(
    Object.entries(pkg.exports).flatMap(([subpath, entry]) =>
      typeof entry === "string" ? [] : [[subpath, join(root, entry["tornado-ts-source"])]],
    ),
  );
}

function exportedNames(): Snapshot {
  const files = subpaths();
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new Error("cannot read tsconfig.json");
  const program = ts.createProgram(Object.values(files), config.options);
  const checker = program.getTypeChecker();
  const out: Snapshot = {};
  for (const [subpath, file] of Object.entries(files)) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`cannot read the exports of ${file}`);
    out[subpath] = checker
      .getExportsOfModule(moduleSymbol)
      .map((symbol) => {
        const target =
          symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return target.flags & ts.SymbolFlags.Value ? symbol.name : `type ${symbol.name}`;
      })
      .sort((a, b) => {
        const [x, y] = [a.replace(/^type /, ""), b.replace(/^type /, "")];
        return x < y ? -1 : x > y ? 1 : 0;
      });
  }
  return out;
}

describe("the public API", () => {
  const actual = exportedNames();

  it("exports the names in the snapshot (see this file's header to update it)", () => {
    if (process.env["UPDATE_EXPORTS_SNAPSHOT"]) {
      writeFileSync(snapshotPath, `${JSON.stringify(actual, null, 2)}\n`);
    }
    const expected = JSON.parse(readFileSync(snapshotPath, "utf8")) as Snapshot;
    assert.deepEqual(
      actual,
      expected,
      "The exports changed. If that is intended, run UPDATE_EXPORTS_SNAPSHOT=1 node scripts/run-tests.mjs test/api/exports.test.ts and commit the snapshot.",
    );
  });

  it("exports at run time exactly the value names the types declare", async () => {
    for (const subpath of Object.keys(actual)) {
      const specifier = subpath === "." ? "tornado-ts" : `tornado-ts/${subpath.slice(2)}`;
      const module = (await import(specifier)) as Record<string, unknown>;
      const values = actual[subpath]!.filter((name) => !name.startsWith("type ")).sort();
      assert.deepEqual(Object.keys(module).sort(), values, specifier);
    }
  });
});
