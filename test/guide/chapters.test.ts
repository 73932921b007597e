// The guide (docs/guide/, and its Chinese edition in docs/guide/zh/) shows only code the type
// checker has compiled: every TypeScript block is included from a .ts file (docs/guide/samples/,
// or the tutorial application itself) by a marker line `<!-- include: path#region -->`, and must
// equal that region. Relative links and images must point at files that exist. Every English page
// has its Chinese counterpart, with the same code blocks in the same order (the samples are
// shared, not copied). UPDATE_GUIDE=1 rewrites the blocks from the sources.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";

const guide = join(import.meta.dirname, "..", "..", "docs", "guide");
const root = join(guide, "..", "..");
const english = readdirSync(guide)
  .filter((name) => name.endsWith(".md"))
  .sort();
const chinese = readdirSync(join(guide, "zh"))
  .filter((name) => name.endsWith(".md"))
  .sort();
const pages = [...english, ...chinese.map((name) => `zh/${name}`)];
const FENCE = /^```(\w*)\n([\s\S]*?)^```$/gm;

/** The fenced code blocks of a page, with their language, in order. */
function codeBlocks(page: string): string[] {
  const text = readFileSync(join(guide, page), "utf8");
  return [...text.matchAll(FENCE)].map((match) => `${match[1]}\n${match[2]}`);
}
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
    assert.ok(english.length >= 10, english.join(", "));
    assert.ok(english.includes("README.md"));
  });

  it("has every chapter in Chinese too, and no Chinese page without its English one", () => {
    assert.deepEqual(chinese, english);
  });

  for (const page of english) {
    it(`zh/${page} shows the same code as ${page}`, () => {
      const en = codeBlocks(page);
      const zh = codeBlocks(`zh/${page}`);
      assert.equal(
        zh.length,
        en.length,
        `zh/${page}: ${zh.length} code blocks, ${page}: ${en.length}`,
      );
      for (let i = 0; i < en.length; i++) assert.equal(zh[i], en[i], `zh/${page}, block ${i + 1}`);
    });
  }

  it("the guide and README.zh.md link the Chinese guide and the tutorial text", () => {
    const readme = readFileSync(join(guide, "README.md"), "utf8");
    assert.match(readme, /\]\(zh\/README\.md\)/);
    assert.match(readme, /\]\(\.\.\/tutorial\/tornado-tutorial\.zh\.md\)/);
    const zh = readFileSync(join(root, "README.zh.md"), "utf8");
    assert.match(zh, /\]\(docs\/guide\/zh\/README\.md\)/);
    assert.match(zh, /\]\(docs\/tutorial\/tornado-tutorial\.zh\.md\)/);
    for (const match of zh.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const target = match[1]!;
      if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
      assert.ok(existsSync(resolve(root, target.split("#")[0]!)), `README.zh.md: ${target}`);
    }
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
        const file = resolve(dirname(join(guide, page)), target.split("#")[0]!);
        assert.ok(existsSync(file) || PRODUCED_ELSEWHERE.has(file), `${page}: ${target}`);
      }
    });
  }
});
