// The type tests (test/types/*.test-d.ts) are checked by `tsc -p tsconfig.json`, which `npm test`
// runs. This file proves they could fail: each `@ts-expect-error` there must meet an error (an
// unused one is error TS2578), and the route checks are what the url() lines' errors come from.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const root = join(import.meta.dirname, "..", "..");
const here = import.meta.dirname;
const typeTests = readdirSync(here)
  .filter((name) => name.endsWith(".test-d.ts"))
  .map((name) => join(here, name));

function projectOptions(): { options: ts.CompilerOptions; fileNames: string[] } {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new Error("cannot read tsconfig.json");
  return config;
}

/** Diagnostics of `files` plus virtual files (path -> source), under the project's options. */
function check(virtual: Record<string, string>): Map<string, readonly ts.Diagnostic[]> {
  const { options } = projectOptions();
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => file in virtual || fileExists.call(host, file);
  host.readFile = (file) => virtual[file] ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) =>
    file in virtual
      ? ts.createSourceFile(file, virtual[file]!, language)
      : getSourceFile.call(host, file, language, ...rest);
  const program = ts.createProgram([...typeTests, ...Object.keys(virtual)], options, host);
  const out = new Map<string, readonly ts.Diagnostic[]>();
  for (const file of [...typeTests, ...Object.keys(virtual)]) {
    const source = program.getSourceFile(file);
    assert.ok(source, file);
    out.set(file, [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ]);
  }
  return out;
}

const text = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, "\n");

describe("type tests", () => {
  it("are part of the project tsc checks", () => {
    const { fileNames, options } = projectOptions();
    assert.ok(typeTests.length >= 4, typeTests.join(", "));
    for (const file of typeTests) assert.ok(fileNames.includes(file), `${file} is not in tsconfig`);
    assert.equal(options.noImplicitOverride, true);
  });

  it("pass, and would fail on an @ts-expect-error that meets no error", () => {
    const routes = readFileSync(join(here, "routes.test-d.ts"), "utf8");
    // The same tests with an url() that checks nothing: every refused url() line goes unused.
    const loose = routes
      .replace(/^ {2}url,\n/m, "")
      .replace(/^import \{ expectTypeOf \} from "vitest";$/m, (line) => {
        return `${line}\ndeclare function url(...args: unknown[]): URLSpec;`;
      });
    assert.notEqual(loose, routes);
    const vacuous = join(here, "vacuous.virtual.ts");
    const looseFile = join(here, "loose-routes.virtual.ts");
    const results = check({
      [vacuous]: "// @ts-expect-error: nothing is wrong below.\nexport const ok = 1;\n",
      [looseFile]: loose,
    });
    for (const file of typeTests) {
      assert.deepEqual(results.get(file)!.map(text), [], file);
    }
    assert.deepEqual(
      results.get(vacuous)!.map((d) => d.code),
      [2578],
    );
    const refusedUrlLines = routes.match(/@ts-expect-error[^\n]*\nurl\(/g)?.length ?? 0;
    assert.ok(refusedUrlLines >= 10, String(refusedUrlLines));
    const unused = results.get(looseFile)!.filter((d) => d.code === 2578);
    assert.equal(unused.length, refusedUrlLines, results.get(looseFile)!.map(text).join("\n"));
  });
});
