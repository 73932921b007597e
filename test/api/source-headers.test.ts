// Every source file opens with a comment saying what it holds (a file comment, not the doc comment
// of its first declaration), so a reader can tell a module from its first lines.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, it } from "node:test";

const SRC = resolve(import.meta.dirname, "..", "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Why a file's opening is no file comment, or `undefined` when it is one. */
function headerProblem(text: string): string | undefined {
  const opening = /^\s*(\/\*[\s\S]*?\*\/|(?:\/\/.*\n)+)\s*(.*)/.exec(text);
  if (opening === null) return "no comment before the code";
  const [, comment = "", next = ""] = opening;
  // A block comment right before a declaration documents that declaration, unless it says @module.
  const attached = /^(export|function|class|const|let|interface|type|abstract|async)\b/.test(next);
  if (comment.startsWith("/*") && attached && !comment.includes("@module")) {
    return `its first comment documents "${next.slice(0, 40)}"`;
  }
  return undefined;
}

describe("source file headers", () => {
  it("open every source file with a comment saying what it holds", () => {
    const missing = sourceFiles(SRC).flatMap((file) => {
      const problem = headerProblem(readFileSync(file, "utf8"));
      return problem === undefined ? [] : [`${relative(SRC, file)}: ${problem}`];
    });
    assert.deepEqual(missing, []);
  });

  it("tell a file comment from a declaration's doc comment", () => {
    assert.equal(headerProblem("/** Module. @module */\nexport const a = 1;\n"), undefined);
    assert.equal(headerProblem("// What this holds.\n\nconst a = 1;\n"), undefined);
    assert.equal(headerProblem("/** Header. */\nimport { a } from './a.ts';\n"), undefined);
    assert.match(headerProblem("/** The value. */\nexport const a = 1;\n") ?? "", /documents/);
    assert.equal(headerProblem("import { a } from './a.ts';\n"), "no comment before the code");
  });
});
