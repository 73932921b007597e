// No export that nothing imports (issue 18): every name a source file exports is imported by
// another file (source, test, example, benchmark or script), unless the file is one of the
// package's entry points, whose exports are the public API (test/api/exports.test.ts keeps those).
// An export nobody imports is either dead code or a helper that should stay inside its module.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const ROOT = resolve(import.meta.dirname, "..", "..");
const SRC = join(ROOT, "src");

function files(dir: string, extensions: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : files(path, extensions);
    return extensions.some((ext) => entry.name.endsWith(ext)) ? [path] : [];
  });
}

interface PackageJson {
  name: string;
  exports: Record<string, string | { "tornado-ts-source"?: string }>;
  bin?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as PackageJson;

/** "tornado-ts/web" and the like, with the source file each names. */
const subpaths = new Map<string, string>();
for (const [subpath, entry] of Object.entries(pkg.exports)) {
  if (typeof entry === "string" || entry["tornado-ts-source"] === undefined) continue;
  subpaths.set(join(pkg.name, subpath), resolve(ROOT, entry["tornado-ts-source"]));
}
const entryFiles = new Set(subpaths.values());
// Loaded by file path rather than imported: the executor's worker threads run this module's default
// export (src/ioloop.ts hands its path to piscina).
entryFiles.add(join(ROOT, "src", "ioloop-worker.ts"));

/** The source file a module specifier of `from` names, if it is one of ours. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  const self = subpaths.get(specifier);
  if (self !== undefined) return self;
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [
    base,
    base.replace(/\.js$/, ".ts"),
    `${base}.ts`,
    join(base, "index.ts"),
  ]) {
    if (candidate.endsWith(".ts") && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Names imported from each file; `*` when a file takes all of another's exports. */
const used = new Map<string, Set<string>>();
function use(file: string, name: string): void {
  let names = used.get(file);
  if (names === undefined) {
    names = new Set();
    used.set(file, names);
  }
  names.add(name);
}

function scanImports(file: string): void {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const visit = (node: ts.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      node.importClause !== undefined
    ) {
      const target = resolveSpecifier(file, node.moduleSpecifier.text);
      if (target !== undefined) {
        const clause = node.importClause;
        if (clause.name !== undefined) use(target, "default");
        const bindings = clause.namedBindings;
        if (bindings !== undefined && ts.isNamespaceImport(bindings)) use(target, "*");
        if (bindings !== undefined && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) {
            use(target, (element.propertyName ?? element.name).text);
          }
        }
      }
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const target = resolveSpecifier(file, node.moduleSpecifier.text);
      if (target !== undefined) {
        const clause = node.exportClause;
        if (clause === undefined || ts.isNamespaceExport(clause)) use(target, "*");
        else
          for (const element of clause.elements)
            use(target, (element.propertyName ?? element.name).text);
      }
    } else if (
      (ts.isImportTypeNode(node) &&
        ts.isLiteralTypeNode(node.argument) &&
        ts.isStringLiteral(node.argument.literal)) ||
      (ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] !== undefined &&
        ts.isStringLiteral(node.arguments[0]))
    ) {
      // import("./x") and import("./x").Name: counted as taking every export.
      const literal = ts.isImportTypeNode(node)
        ? (node.argument as ts.LiteralTypeNode).literal
        : (node as ts.CallExpression).arguments[0];
      if (literal !== undefined && ts.isStringLiteral(literal)) {
        const target = resolveSpecifier(file, literal.text);
        if (target !== undefined) use(target, "*");
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** The names a file exports by declaration or by a local `export { ... }` list. */
function exportedNames(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const out: string[] = [];
  for (const statement of source.statements) {
    const exported =
      ts.canHaveModifiers(statement) &&
      ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier === undefined) {
      const clause = statement.exportClause;
      if (clause !== undefined && ts.isNamedExports(clause)) {
        for (const element of clause.elements) out.push(element.name.text);
      }
    } else if (ts.isExportAssignment(statement)) {
      out.push("default");
    } else if (exported) {
      const isDefault = ts
        .getModifiers(statement as ts.HasModifiers)
        ?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (isDefault) {
        out.push("default");
      } else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name)) out.push(declaration.name.text);
        }
      } else if (
        (ts.isFunctionDeclaration(statement) ||
          ts.isClassDeclaration(statement) ||
          ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          ts.isEnumDeclaration(statement)) &&
        statement.name !== undefined
      ) {
        out.push(statement.name.text);
      }
    }
  }
  return out;
}

describe("exports", () => {
  const sources = files(SRC, [".ts"]).filter((f) => !f.endsWith(".d.ts"));
  const readers = [
    ...sources,
    ...files(join(ROOT, "test"), [".ts", ".mts", ".mjs"]),
    ...files(join(ROOT, "examples"), [".ts", ".mjs"]),
    ...files(join(ROOT, "bench"), [".ts", ".mjs"]),
    ...files(join(ROOT, "scripts"), [".ts", ".mts", ".mjs"]),
  ];
  for (const file of readers) scanImports(file);

  it("reads the imports it checks: a sample of known ones is found", () => {
    assert.ok(used.get(join(SRC, "python.ts"))?.has("pyStrip"));
    assert.ok(used.get(join(SRC, "web", "response.ts"))?.has("HandlerResponse"));
  });

  it("has no export that no other file imports, outside the package's entry points", () => {
    const unused: string[] = [];
    for (const file of sources) {
      if (entryFiles.has(file)) continue;
      const names = used.get(file);
      if (names?.has("*")) continue;
      for (const name of exportedNames(file)) {
        if (!names?.has(name)) unused.push(`${relative(ROOT, file)}: ${name}`);
      }
    }
    assert.deepEqual(unused, [], "exports nothing imports: drop the export keyword, or the code");
  });
});
