#!/usr/bin/env node
// Counts type assertions in TypeScript sources, read with the TypeScript parser: `as` casts (not
// `as const`; import and export aliases are no casts) and non-null assertions (`x!`), per file
// and in total, largest first.
//
//   node scripts/count-casts.mjs [--exclude=src/web] [--rev=<git commit>] [--list] [src ...]
//
// With --rev the files are read from that commit (git show) instead of the working tree; --list
// prints each assertion with its line.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const args = process.argv.slice(2);
const excludes = args.filter((a) => a.startsWith("--exclude=")).map((a) => a.slice(10));
const rev = args.find((a) => a.startsWith("--rev="))?.slice(6);
const list = args.includes("--list");
const roots = args.filter((a) => !a.startsWith("--"));
if (roots.length === 0) roots.push("src");

function listFiles(root) {
  if (rev !== undefined) {
    const out = execFileSync("git", ["ls-tree", "-r", "--name-only", rev, "--", root], {
      encoding: "utf8",
    });
    return out.split("\n").filter((f) => f.endsWith(".ts"));
  }
  if (!statSync(root).isDirectory()) return [root];
  return readdirSync(root).flatMap((entry) => listFiles(join(root, entry)));
}

function read(file) {
  if (rev === undefined) return readFileSync(file, "utf8");
  return execFileSync("git", ["show", `${rev}:${file}`], { encoding: "utf8" });
}

function count(file) {
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true);
  const result = { as: 0, asUnknownAs: 0, nonNull: 0 };
  const show = (node) => {
    if (!list) return;
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    console.log(`${file}:${line + 1}: ${node.getText(source).replace(/\s+/g, " ").slice(0, 100)}`);
  };
  const visit = (node) => {
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
      const isConst =
        ts.isTypeReferenceNode(node.type) && node.type.typeName.getText(source) === "const";
      // `x as unknown as T` is one cast: its inner `as unknown` is counted with the outer one.
      const innerOfDouble =
        node.type.kind === ts.SyntaxKind.UnknownKeyword && ts.isAsExpression(node.parent);
      if (!isConst && !innerOfDouble) {
        result.as++;
        show(node);
        if (
          ts.isAsExpression(node.expression) &&
          node.expression.type.kind === ts.SyntaxKind.UnknownKeyword
        ) {
          result.asUnknownAs++;
        }
      }
    } else if (ts.isNonNullExpression(node)) {
      result.nonNull++;
      show(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return result;
}

const files = roots
  .flatMap(listFiles)
  .filter((f) => f.endsWith(".ts") && !excludes.some((e) => f === e || f.startsWith(`${e}/`)));
const rows = files.map((file) => ({ file, ...count(file) })).filter((r) => r.as + r.nonNull > 0);
rows.sort((a, b) => b.as + b.nonNull - (a.as + a.nonNull));
for (const r of rows)
  console.log(`${String(r.as).padStart(4)} as ${String(r.nonNull).padStart(4)} !  ${r.file}`);
const total = (key) => rows.reduce((sum, r) => sum + r[key], 0);
console.log(
  `total: ${total("as")} as casts (${total("asUnknownAs")} of them "as unknown as"), ${total("nonNull")} non-null assertions, in ${files.length} files`,
);
