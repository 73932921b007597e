// The guide (docs/guide/) shows only code the type checker has compiled: every TypeScript block
// is included from a .ts file (docs/guide/samples/, or the tutorial application itself) by a
// marker line `<!-- include: path#region -->`, and must equal that region. Relative links and
// images must point at files that exist. UPDATE_GUIDE=1 rewrites the blocks from the sources.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";

const guide = join(import.meta.dirname, "..", "..", "docs", "guide");
const root = join(guide, "..", "..");
const pages = readdirSync(guide)
  .filter((name) => name.endsWith(".md"))
  .sort();
// Files the guide links that other work produces: the benchmark writes its results separately.
const PRODUCED_ELSEWHERE = new Set([join(root, "bench", "results", "latest.md")]);
const INCLUDE = /^<!-- include: (\S+?)#([\w-]+) -->\n```ts\n([\s\S]*?)```$/gm;

/** The lines between `// #region name` and the next `// #endregion`, dedented. */
function region(file: string, name: string): string {
  const lines = readFileSync(file, "utf8").split("\n");
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  assert.ok(start >= 0, `${file} has no region ${name}`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === "// #endregion");
  assert.ok(end > start, `${file}: region ${name} is not closed`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((line) => line.trim() !== "").map((line) => /^ */.exec(line)![0].length),
  );
  return `${body.map((line) => line.slice(indent)).join("\n")}\n`;
}

describe("the guide", () => {
  it("has its chapters", () => {
    assert.ok(pages.length >= 10, pages.join(", "));
    assert.ok(pages.includes("README.md"));
  });

  for (const page of pages) {
    it(`${page}: every TypeScript block is a compiled sample, as it stands in its file`, () => {
      const path = join(guide, page);
      const text = readFileSync(path, "utf8");
      const fences = text.match(/^```(ts|typescript)$/gm)?.length ?? 0;
      let included = 0;
      const updated = text.replace(INCLUDE, (_all, file: string, name: string, shown: string) => {
        included++;
        const source = resolve(dirname(path), file);
        assert.ok(source.startsWith(root), `${page}: ${file} is outside the project`);
        const code = region(source, name);
        if (!process.env["UPDATE_GUIDE"]) assert.equal(shown, code, `${page}: ${file}#${name}`);
        return `<!-- include: ${file}#${name} -->\n\`\`\`ts\n${code}\`\`\``;
      });
      assert.equal(included, fences, `${page}: a TypeScript block without an include marker`);
      if (process.env["UPDATE_GUIDE"] && updated !== text) writeFileSync(path, updated);
    });

    it(`${page}: relative links and images point at files that exist`, () => {
      const text = readFileSync(join(guide, page), "utf8");
      for (const match of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
        const target = match[1]!;
        if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
        const file = resolve(guide, target.split("#")[0]!);
        assert.ok(existsSync(file) || PRODUCED_ELSEWHERE.has(file), `${page}: ${target}`);
      }
    });
  }
});
