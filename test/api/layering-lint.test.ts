// The layering lint (biome.json's noRestrictedImports overrides) catches what it is meant to: a copy
// of the configuration lints a scratch tree of one-import files named as the real modules, so a
// rule that matches nothing (as "./*" once did for ./template/python.ts) fails here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** [file, module it imports, whether the layering allows it] */
const PROBES: [string, string, boolean][] = [
  ["src/python.ts", "./log.ts", false],
  ["src/python.ts", "tornado-ts/escape", false],
  ["src/log.ts", "./python.ts", false],
  ["src/duration.ts", "./log.ts", false],
  ["src/escape.ts", "./python.ts", true],
  ["src/escape.ts", "./log.ts", false],
  ["src/escape.ts", "./template/python.ts", false],
  ["src/escape.ts", "../src/web/index.ts", false],
  ["src/escape.ts", "tornado-ts/log", false],
  ["src/template/parser.ts", "../python.ts", true],
  ["src/template/parser.ts", "../escape.ts", true],
  ["src/template/parser.ts", "../web/application.ts", false],
  ["src/httputil/body.ts", "../web/index.ts", false],
  ["src/httputil/request.ts", "../httpserver-limits.ts", false],
  ["src/options.ts", "./log.ts", true],
  ["src/options.ts", "./httpserver.ts", false],
  ["src/locale.ts", "./testing.ts", false],
  ["src/locale.ts", "./web/request-handler.ts", false],
  ["src/gen.ts", "tornado-ts/web", false],
  ["src/web/application.ts", "../httpserver.ts", true],
  ["src/httpserver.ts", "./httpserver-limits.ts", true],
  ["src/httpserver-limits.ts", "./httpserver-options.ts", true],
  ["src/httpserver-limits.ts", "./web/application.ts", false],
  ["src/httpserver.ts", "./routing.ts", false],
];

/** Lints one file holding one import in a scratch tree with biome.json's rules; whether refused. */
function refused(scratch: string, config: string, file: string, target: string): boolean {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(dirname(join(scratch, file)), { recursive: true });
  writeFileSync(join(scratch, "biome.json"), config);
  writeFileSync(join(scratch, file), `import ${JSON.stringify(target)};\n`);
  const run = spawnSync(join(ROOT, "node_modules/.bin/biome"), ["lint", "--colors=off", "."], {
    cwd: scratch,
    encoding: "utf8",
  });
  return /lint\/style\/noRestrictedImports/.test(run.stdout + run.stderr);
}

describe("the layering lint", () => {
  let scratch: string;
  let config: string;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "layering-"));
    const parsed = JSON.parse(readFileSync(join(ROOT, "biome.json"), "utf8")) as Record<
      string,
      unknown
    >;
    // The scratch tree is no git checkout, and the schema path is relative to the real one.
    delete parsed["vcs"];
    delete parsed["$schema"];
    config = JSON.stringify(parsed);
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("refuses every import from a lower layer to a higher one, and allows the designed ones", () => {
    const wrong = PROBES.flatMap(([file, target, allowed]) => {
      const flagged = refused(scratch, config, file, target);
      return flagged === allowed
        ? [`${file} -> ${target}: ${flagged ? "refused" : "allowed"}`]
        : [];
    });
    assert.deepEqual(wrong, []);
  });
});
