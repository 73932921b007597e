/**
 * The template engine (Tornado's `Template`, `BaseLoader`, `Loader`, `DictLoader`): compiles a
 * parsed template, with its `extends` parents and includes, into one JavaScript function and runs it
 * with Tornado's namespace; loaders find, compile and cache templates under a root.
 * @module
 */
import { readFileSync, realpathSync } from "node:fs";
import { posix, resolve, sep } from "node:path";
import { jsonEncode, linkify, squeeze, toUnicode, urlEscape, xhtmlEscape } from "../escape.ts";
import { PY_BUILTINS, pyIter, pyStr } from "../python.ts";
import { datetimeModule } from "./datetime.ts";
import { annotateError, ParseError, type TemplateLocation } from "./errors.ts";
import { type Translation, translateExpression } from "./expression.ts";
import {
  type BlockNode,
  type Node,
  type ParseState,
  parseTemplate,
  type WhitespaceMode,
} from "./parser.ts";

/** Options for {@link Template}. */
export interface TemplateOptions {
  /** The template's name, used in error messages and for relative includes (default `<string>`). */
  name?: string;
  /** The loader that resolves `{% extends %}` and `{% include %}`. */
  loader?: BaseLoader | null;
  /**
   * The name of the escape function applied to `{{ }}` output, looked up in the namespace
   * (default `xhtml_escape`, or the loader's); `null` turns escaping off.
   */
  autoescape?: string | null;
  /** Whitespace mode (default: the loader's, else `single` for `.html` and `.js` files, `all` otherwise). */
  whitespace?: WhitespaceMode;
}

/** Options for {@link Loader} and {@link DictLoader}. */
export interface LoaderOptions {
  /** The autoescape function name for every template loaded (default `xhtml_escape`). */
  autoescape?: string | null;
  /** Names added to every template's namespace. */
  namespace?: Record<string, unknown>;
  /** Whitespace mode for every template loaded (default: chosen by file extension). */
  whitespace?: WhitespaceMode;
}

/** A template path that would leave the loader's root directory. */
export class TemplatePathError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "TemplatePathError";
  /** The name that was asked for. */
  readonly templateName: string;

  constructor(templateName: string, message: string) {
    super(message);
    this.templateName = templateName;
  }
}

const DEFAULT_AUTOESCAPE = "xhtml_escape";

/**
 * The names every template sees (Tornado's defaults, with camelCase aliases, plus the Python
 * builtins templates commonly call). The loader's namespace and `generate()`'s argument win.
 */
const DEFAULT_NAMESPACE: Readonly<Record<string, unknown>> = Object.freeze({
  ...PY_BUILTINS,
  escape: xhtmlEscape,
  xhtml_escape: xhtmlEscape,
  xhtmlEscape,
  url_escape: urlEscape,
  urlEscape,
  json_encode: jsonEncode,
  jsonEncode,
  squeeze,
  linkify,
  datetime: datetimeModule,
});

const NO_MODULES = new Proxy(
  {},
  {
    get(_target, name) {
      throw new Error(
        `UI module ${String(name)} is only available to templates rendered by a RequestHandler`,
      );
    },
  },
);

function toS(value: unknown): string {
  return typeof value === "string" ? value : pyStr(value);
}

function exceptionMatches(error: unknown, classes: unknown): boolean {
  const list = Array.isArray(classes) ? classes : [classes];
  return list.some((cls) => {
    if (typeof cls !== "function") {
      throw new TypeError("catching classes that are not constructors is not allowed");
    }
    return error instanceof cls;
  });
}

interface Unit {
  readonly name: string;
  readonly state: ParseState;
  readonly body: Node[];
}

type CompiledFunction = (runtime: Runtime, values: unknown[]) => string;

interface Runtime {
  readonly s: (value: unknown) => string;
  readonly iter: (value: unknown) => Iterable<unknown>;
  readonly match: (error: unknown, classes: unknown) => boolean;
  readonly fail: (error: unknown, position: number) => void;
}

interface Check {
  readonly code: string;
  readonly location: TemplateLocation;
  readonly what: string;
}

interface Scope {
  readonly locals: Set<string>;
  lines: string[];
  readonly loops: (string | null)[];
}

/** Turns a parsed template tree (with its parents and includes) into one JavaScript function body. */
class CodeWriter {
  readonly names = new Set<string>();
  readonly positions: TemplateLocation[] = [];
  readonly checks: Check[] = [];
  readonly #positionIndex = new Map<string, number>();
  readonly #blocks: Map<string, BlockNode>;
  readonly #loader: BaseLoader | null;
  readonly #includes: { unit: Unit; line: number }[] = [];
  #current: Unit;
  #scope: Scope = { locals: new Set(), lines: [], loops: [] };
  #text = "";
  #lastPosition = -1;
  #counter = 0;

  constructor(blocks: Map<string, BlockNode>, loader: BaseLoader | null, root: Unit) {
    this.#blocks = blocks;
    this.#loader = loader;
    this.#current = root;
  }

  /** Generates the root's body; returns the lines and the locals the function must declare. */
  generate(): { lines: string[]; locals: Set<string> } {
    this.#emitAll(this.#current.body);
    this.#flushText();
    return { lines: this.#scope.lines, locals: this.#scope.locals };
  }

  #use(translation: Translation): string {
    for (const name of translation.names) this.names.add(name);
    return translation.code;
  }

  #location(line: number): TemplateLocation {
    const via = this.#includes
      .map(({ unit, line: at }) => ({ template: unit.name, line: at }))
      .reverse();
    return { template: this.#current.name, line, via };
  }

  #position(line: number): number {
    const location = this.#location(line);
    const key = `${location.template}:${line}:${location.via.map((v) => `${v.template}:${v.line}`).join(",")}`;
    let index = this.#positionIndex.get(key);
    if (index === undefined) {
      index = this.positions.length;
      this.positions.push(location);
      this.#positionIndex.set(key, index);
    }
    return index;
  }

  #line(code: string): void {
    this.#flushText();
    this.#scope.lines.push(code);
  }

  #block(code: string): void {
    this.#line(code);
    this.#lastPosition = -1;
  }

  #setPosition(line: number): void {
    const position = this.#position(line);
    if (position !== this.#lastPosition) {
      this.#line(`_tt_p = ${position};`);
      this.#lastPosition = position;
    }
  }

  #check(code: string, line: number, what: string): void {
    this.checks.push({ code, location: this.#location(line), what });
  }

  #flushText(): void {
    if (this.#text) {
      const text = this.#text;
      this.#text = "";
      this.#scope.lines.push(`_tt_b += ${JSON.stringify(text)};`);
    }
  }

  #emitAll(nodes: readonly Node[]): void {
    for (const node of nodes) this.#emit(node);
  }

  #inBlock(open: string, nodes: readonly Node[]): void {
    this.#block(open);
    this.#emitAll(nodes);
    this.#block("}");
  }

  #condition(translation: Translation, line: number, source: string, what: string): string {
    const code = this.#use(translation);
    this.#check(`(${code});`, line, `{% ${what} ${source} %}`);
    return `(_tt_p = ${this.#position(line)}, ${code})`;
  }

  #emit(node: Node): void {
    switch (node.kind) {
      case "text":
        this.#text += node.value;
        return;
      case "expr": {
        const code = this.#use(node.expr);
        this.#check(`(${code});`, node.line, `{{ ${node.source} }}`);
        this.#setPosition(node.line);
        const escaper = node.raw ? null : this.#current.state.autoescape;
        if (escaper) {
          const fn = this.#use(escaper);
          this.#check(`(${fn});`, node.line, "autoescape function");
          this.#line(`_tt_b += (${fn})(_tt_s(${code}));`);
        } else this.#line(`_tt_b += _tt_s(${code});`);
        return;
      }
      case "set": {
        const { assignment } = node;
        for (const local of assignment.locals) this.#scope.locals.add(local);
        for (const name of assignment.names) this.names.add(name);
        const value = this.#use(assignment.value);
        const statement = assignment.operator
          ? `(${assignment.code} ${assignment.operator} ${value});`
          : `${value};`;
        this.#check(statement, node.line, `{% set ${node.source} %}`);
        this.#setPosition(node.line);
        this.#line(statement);
        return;
      }
      case "extends":
        return;
      case "include": {
        const included = this.#load(node.name, node.line, "include");
        if (included === this.#current || this.#includes.some((entry) => entry.unit === included)) {
          throw new ParseError(
            `recursive {% include %} of ${included.name}`,
            this.#current.name,
            node.line,
          );
        }
        this.#enter(included, node.line, () => this.#emitAll(included.body));
        return;
      }
      case "block": {
        const winner = this.#blocks.get(node.name) ?? node;
        const owner: Unit = { name: winner.owner.name, state: winner.owner, body: [] };
        this.#enter(owner, node.line, () => this.#emitAll(winner.body));
        return;
      }
      case "apply": {
        const method = this.#use(node.method);
        this.#check(`(${method});`, node.line, `{% apply ${node.source} %}`);
        this.#setPosition(node.line);
        this.#flushText();
        const outer = this.#scope;
        this.#scope = { locals: new Set(), lines: [], loops: [] };
        this.#lastPosition = -1;
        this.#emitAll(node.body);
        this.#flushText();
        const inner = this.#scope;
        this.#scope = outer;
        const declarations = inner.locals.size > 0 ? `let ${[...inner.locals].join(", ")};` : "";
        this.#line(`_tt_b += _tt_s((${method})((() => {${declarations} let _tt_b = "";`);
        outer.lines.push(...inner.lines);
        this.#line("return _tt_b; })()));");
        this.#lastPosition = -1;
        return;
      }
      case "if":
        node.branches.forEach((branch, i) => {
          const condition = this.#condition(
            branch.condition,
            branch.line,
            branch.source,
            i === 0 ? "if" : "elif",
          );
          this.#block(i === 0 ? `if (${condition}) {` : `} else if (${condition}) {`);
          this.#emitAll(branch.body);
        });
        if (node.elseBody) {
          this.#block("} else {");
          this.#emitAll(node.elseBody);
        }
        this.#block("}");
        return;
      case "for": {
        const { header } = node;
        for (const local of header.locals) this.#scope.locals.add(local);
        for (const name of header.names) this.names.add(name);
        const iterable = this.#use(header.iterable);
        this.#check(
          `for (${header.code} of (${iterable})) {}`,
          node.line,
          `{% for ${node.source} %}`,
        );
        this.#loop(
          node.elseBody,
          `for (${header.code} of _tt_iter((_tt_p = ${this.#position(node.line)}, ${iterable}))) {`,
          node.body,
        );
        return;
      }
      case "while": {
        const condition = this.#condition(node.condition, node.line, node.source, "while");
        this.#loop(node.elseBody, `while (${condition}) {`, node.body);
        return;
      }
      case "try":
        this.#emitTry(node);
        return;
      case "break": {
        const label = this.#scope.loops[this.#scope.loops.length - 1];
        this.#line(label ? `break ${label};` : "break;");
        return;
      }
      case "continue":
        this.#line("continue;");
    }
  }

  /** A loop; with an else clause, `break` leaves a labelled block so the else part is skipped. */
  #loop(elseBody: Node[] | null, open: string, body: readonly Node[]): void {
    const label = elseBody ? `_tt_loop${this.#counter++}` : null;
    if (label) this.#block(`${label}: {`);
    this.#scope.loops.push(label);
    this.#inBlock(open, body);
    this.#scope.loops.pop();
    if (label && elseBody) {
      this.#emitAll(elseBody);
      this.#block("}");
    }
  }

  #emitTry(node: Extract<Node, { kind: "try" }>): void {
    const n = this.#counter++;
    const ok = `_tt_ok${n}`;
    const caught = `_tt_e${n}`;
    this.#block("{");
    if (node.elseBody) this.#line(`let ${ok} = false;`);
    if (node.finallyBody) this.#block("try {");
    if (node.handlers.length > 0) {
      this.#block("try {");
      this.#emitAll(node.body);
      if (node.elseBody) this.#line(`${ok} = true;`);
      this.#block(`} catch (${caught}) {`);
      let catchAll = false;
      node.handlers.forEach((handler, i) => {
        const { clause } = handler;
        if (clause.binding) this.#scope.locals.add(clause.binding);
        const bind = clause.binding ? `${clause.binding} = ${caught};` : "";
        if (clause.classes === null) {
          catchAll = true;
          this.#block(i === 0 ? "{" : "} else {");
        } else {
          const classes = this.#use(clause.classes);
          this.#check(`(${classes});`, handler.line, `{% except ${handler.source} %}`);
          const test = `_tt_match(${caught}, (_tt_p = ${this.#position(handler.line)}, ${classes}))`;
          this.#block(i === 0 ? `if (${test}) {` : `} else if (${test}) {`);
        }
        if (bind) this.#line(bind);
        this.#emitAll(handler.body);
      });
      if (!catchAll) this.#block(`} else { throw ${caught}; }`);
      else this.#block("}");
      this.#block("}");
      if (node.elseBody) this.#inBlock(`if (${ok}) {`, node.elseBody);
    } else {
      this.#emitAll(node.body);
    }
    if (node.finallyBody) this.#inBlock("} finally {", node.finallyBody);
    this.#block("}");
  }

  #load(name: string, line: number, what: string): Unit {
    if (!this.#loader) {
      throw new ParseError(
        `{% ${what} %} block found, but no template loader`,
        this.#current.name,
        line,
      );
    }
    return unitOf(this.#loader.load(name, this.#current.name));
  }

  #enter(unit: Unit, line: number, fn: () => void): void {
    this.#flushText();
    this.#includes.push({ unit: this.#current, line });
    const previous = this.#current;
    this.#current = unit;
    this.#lastPosition = -1;
    try {
      fn();
    } finally {
      this.#flushText();
      this.#current = previous;
      this.#includes.pop();
      this.#lastPosition = -1;
    }
  }
}

let unitOf!: (template: Template) => Unit;

const INTERNAL = /^_tt_(?!modules$)/;

/**
 * A compiled template (Tornado's `tornado.template.Template`).
 *
 * The source uses Tornado's template language with JavaScript expressions:
 * `{{ user.name }}`, `{% if items.length %}`, `{% for x in items %}`, `{% set total = a + b %}`,
 * `{% extends "base.html" %}`, `{% block body %}`, `{% include "part.html" %}`, and the other
 * directives. The whole template (with its parents and includes) is compiled once, to one
 * JavaScript function that builds the output by string concatenation; `generate()` runs it.
 *
 * Expressions read their variables from the namespace given to `generate()`, then the loader's
 * namespace, then the defaults (`escape`, `xhtml_escape`, `url_escape`, `json_encode`,
 * `squeeze`, `linkify`, `datetime`, camelCase aliases, and the Python builtins `len`, `range`,
 * `str`, `int`, `float`, `abs`, `min`, `max`, `sum`, `sorted`, `enumerate`, `zip`, `reversed`);
 * names found in none of them are JavaScript globals (`Math`, `JSON`) or a `ReferenceError`.
 * Python's `None`, `True`, `False`, `and`, `or`, `not` and `is` are understood outside strings.
 * `{{ value }}` prints strings as they are and other values as Python's `str()` prints them
 * (`None`, `True`, `[1, 2]`), so ported templates print what they printed in Tornado.
 *
 * Differs from Tornado: expressions are JavaScript, `generate()` returns a string (not bytes),
 * `{% import %}` is refused, `{% apply %}` functions receive a string, and a runtime error is
 * rethrown unchanged with its template location recorded (see {@link templateErrorLocation}).
 */
export class Template {
  /** The template's name (`<string>` unless given). */
  readonly name: string;
  /** The loader that loaded it, if any. */
  readonly loader: BaseLoader | null;
  /** The loader's namespace (empty without a loader). */
  readonly namespace: Readonly<Record<string, unknown>>;
  /** The generated JavaScript function body (with every namespace name declared). */
  readonly code: string;
  readonly #unit: Unit;
  readonly #names: readonly string[];
  readonly #locals: ReadonlySet<string>;
  readonly #body: string;
  readonly #runtime: Runtime;
  readonly #variants = new Map<string, CompiledFunction>();

  static {
    unitOf = (template) => template.#unit;
  }

  constructor(source: string | Uint8Array, options: TemplateOptions = {}) {
    this.name = options.name ?? "<string>";
    this.loader = options.loader ?? null;
    this.namespace = this.loader?.namespace ?? {};
    const loader = this.loader;
    const whitespace: WhitespaceMode =
      options.whitespace ??
      loader?.whitespace ??
      (this.name.endsWith(".html") || this.name.endsWith(".js") ? "single" : "all");
    const autoescape =
      "autoescape" in options && options.autoescape !== undefined
        ? options.autoescape
        : loader
          ? loader.autoescape
          : DEFAULT_AUTOESCAPE;
    const state: ParseState = {
      name: this.name,
      autoescape: autoescape === null ? null : translateExpression(autoescape),
    };
    this.#unit = {
      name: this.name,
      state,
      body: parseTemplate(this.name, toUnicode(source), whitespace, state),
    };

    const ancestors = this.#ancestors(loader, new Set([this.name]));
    const blocks = new Map<string, BlockNode>();
    for (const ancestor of [...ancestors].reverse())
      findBlocks(ancestor, ancestor.body, loader, blocks);
    const writer = new CodeWriter(blocks, loader, ancestors[ancestors.length - 1]!);
    const { lines, locals } = writer.generate();
    this.#locals = locals;
    this.#names = [...new Set([...writer.names, ...locals])].filter((name) => !INTERNAL.test(name));
    this.#body = `let _tt_p = 0, _tt_b = "";\ntry {\n${lines.join("\n")}\n} catch (_tt_error) { _tt_rt.fail(_tt_error, _tt_p); throw _tt_error; }\nreturn _tt_b;`;
    const positions = writer.positions;
    this.#runtime = {
      s: toS,
      iter: pyIter,
      match: exceptionMatches,
      fail: (error, position) => annotateError(error, positions[position]),
    };
    const all = "1".repeat(this.#names.length);
    this.code = this.#source(all);
    try {
      this.#variants.set(all, new Function("_tt_rt", "_tt_v", this.code) as CompiledFunction);
    } catch (error) {
      if (error instanceof SyntaxError) throw locateSyntaxError(error, writer.checks, this.name);
      throw error;
    }
  }

  #ancestors(loader: BaseLoader | null, chain: Set<string>): Unit[] {
    const ancestors: Unit[] = [this.#unit];
    for (const node of this.#unit.body) {
      if (node.kind !== "extends") continue;
      if (!loader)
        throw new ParseError(
          "{% extends %} block found, but no template loader",
          this.name,
          node.line,
        );
      const parent = loader.load(node.name, this.name);
      if (chain.has(parent.name)) {
        throw new ParseError(`{% extends %} cycle through ${parent.name}`, this.name, node.line);
      }
      ancestors.push(...parent.#ancestors(loader, new Set([...chain, parent.name])));
    }
    return ancestors;
  }

  /** The function body for one set of present namespace names (`mask[i]` is "1" when present). */
  #source(mask: string): string {
    const declarations: string[] = [];
    this.#names.forEach((name, i) => {
      if (mask[i] === "1") declarations.push(`${name} = _tt_v[${i}]`);
      else if (this.#locals.has(name)) declarations.push(name);
    });
    return (
      '"use strict";\nconst _tt_s = _tt_rt.s, _tt_iter = _tt_rt.iter, _tt_match = _tt_rt.match;\n' +
      (declarations.length > 0 ? `let ${declarations.join(", ")};\n` : "") +
      this.#body
    );
  }

  /**
   * Renders the template with `namespace` and returns the output.
   *
   * Runtime errors propagate unchanged (a missing variable is a `ReferenceError`); the template
   * and line are recorded on them (see {@link templateErrorLocation}) and added to their stack.
   */
  generate(namespace: Record<string, unknown> = {}): string {
    const names = this.#names;
    const values = new Array<unknown>(names.length);
    const loaderNamespace = this.namespace;
    let mask = "";
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (Object.hasOwn(namespace, name)) values[i] = namespace[name];
      else if (Object.hasOwn(loaderNamespace, name)) values[i] = loaderNamespace[name];
      else if (Object.hasOwn(DEFAULT_NAMESPACE, name)) values[i] = DEFAULT_NAMESPACE[name];
      else if (name === "_tt_modules") values[i] = NO_MODULES;
      else {
        mask += "0";
        continue;
      }
      mask += "1";
    }
    let fn = this.#variants.get(mask);
    if (fn === undefined) {
      // Names missing from every namespace stay undeclared, so that reading one is a
      // ReferenceError at the place it is read (or finds a JavaScript global such as Math).
      fn = new Function("_tt_rt", "_tt_v", this.#source(mask)) as CompiledFunction;
      this.#variants.set(mask, fn);
    }
    return fn(this.#runtime, values);
  }
}

function findBlocks(
  unit: Unit,
  nodes: readonly Node[],
  loader: BaseLoader | null,
  blocks: Map<string, BlockNode>,
): void {
  for (const node of nodes) {
    switch (node.kind) {
      case "block":
        blocks.set(node.name, node);
        findBlocks(unit, node.body, loader, blocks);
        break;
      case "include":
        if (!loader) {
          throw new ParseError(
            "{% include %} block found, but no template loader",
            unit.name,
            node.line,
          );
        }
        {
          const included = unitOf(loader.load(node.name, unit.name));
          findBlocks(included, included.body, loader, blocks);
        }
        break;
      case "apply":
        findBlocks(unit, node.body, loader, blocks);
        break;
      case "if":
        for (const branch of node.branches) findBlocks(unit, branch.body, loader, blocks);
        if (node.elseBody) findBlocks(unit, node.elseBody, loader, blocks);
        break;
      case "for":
      case "while":
        findBlocks(unit, node.body, loader, blocks);
        if (node.elseBody) findBlocks(unit, node.elseBody, loader, blocks);
        break;
      case "try":
        findBlocks(unit, node.body, loader, blocks);
        for (const handler of node.handlers) findBlocks(unit, handler.body, loader, blocks);
        if (node.elseBody) findBlocks(unit, node.elseBody, loader, blocks);
        if (node.finallyBody) findBlocks(unit, node.finallyBody, loader, blocks);
        break;
      default:
        break;
    }
  }
}

/** Finds the expression that made the generated code invalid, to name its file and line. */
function locateSyntaxError(error: SyntaxError, checks: readonly Check[], name: string): ParseError {
  for (const check of checks) {
    try {
      new Function(`"use strict";\n${check.code}`);
    } catch (inner) {
      if (inner instanceof SyntaxError) {
        const { template, line } = check.location;
        return new ParseError(`${inner.message} in ${check.what}`, template, line, {
          cause: error,
        });
      }
    }
  }
  return new ParseError(`${error.message} in the generated code`, name, 0, { cause: error });
}

/**
 * Loads templates by name and caches them compiled (Tornado's `BaseLoader`).
 *
 * `load(name)` resolves the name (relative to the including template for `{% include %}` and
 * `{% extends %}`), then returns the cached {@link Template}, compiling it on first use.
 * `reset()` empties the cache, so changed files are compiled again.
 */
export abstract class BaseLoader {
  /** The autoescape function name for the templates it loads. */
  readonly autoescape: string | null;
  /** Names added to the namespace of the templates it loads. */
  readonly namespace: Record<string, unknown>;
  /** The whitespace mode for the templates it loads, if set. */
  readonly whitespace: WhitespaceMode | undefined;
  #templates = new Map<string, Template>();
  readonly #loading = new Set<string>();

  constructor(options: LoaderOptions = {}) {
    this.autoescape = options.autoescape === undefined ? DEFAULT_AUTOESCAPE : options.autoescape;
    this.namespace = options.namespace ?? {};
    this.whitespace = options.whitespace;
  }

  /** Empties the cache of compiled templates. */
  reset(): void {
    this.#templates = new Map();
  }

  /** Turns a template name (relative to `parentPath`, the including template) into the cache key. */
  abstract resolvePath(name: string, parentPath?: string): string;

  /** Reads and compiles one template. */
  protected abstract createTemplate(name: string): Template;

  /** The compiled template `name` (relative to `parentPath` when given), from the cache when possible. */
  load(name: string, parentPath?: string): Template {
    const resolved = this.resolvePath(name, parentPath);
    const cached = this.#templates.get(resolved);
    if (cached) return cached;
    if (this.#loading.has(resolved)) {
      throw new ParseError(`${resolved} includes or extends itself`, parentPath ?? resolved, 0);
    }
    this.#loading.add(resolved);
    try {
      const template = this.createTemplate(resolved);
      this.#templates.set(resolved, template);
      return template;
    } finally {
      this.#loading.delete(resolved);
    }
  }
}

/** Tornado's rule: a name is relative to the including template unless either is absolute or unnamed. */
function relativeName(name: string, parentPath: string | undefined): string {
  if (
    parentPath &&
    !parentPath.startsWith("<") &&
    !parentPath.startsWith("/") &&
    !name.startsWith("/")
  ) {
    return posix.normalize(posix.join(posix.dirname(parentPath), name));
  }
  return name;
}

/**
 * Loads templates from a directory (Tornado's `template.Loader`).
 *
 * Names are relative to the root; `{% include %}` and `{% extends %}` names are relative to the
 * including template unless they start with `/`, which means the root. A name that would leave
 * the root (`../x`, or a symbolic link pointing outside) is refused with a
 * {@link TemplatePathError}. Differs from Tornado, which opens such paths.
 */
export class Loader extends BaseLoader {
  /** The absolute template directory. */
  readonly root: string;
  #realRoot: string | undefined;

  constructor(root: string, options: LoaderOptions = {}) {
    super(options);
    this.root = resolve(root);
  }

  override resolvePath(name: string, parentPath?: string): string {
    const joined = posix.normalize(
      relativeName(name.replaceAll("\\", "/"), parentPath).replace(/^\/+/, ""),
    );
    if (joined === ".." || joined.startsWith("../") || posix.isAbsolute(joined)) {
      throw new TemplatePathError(
        name,
        `Template ${JSON.stringify(name)} is outside the template root ${this.root}`,
      );
    }
    return joined;
  }

  protected override createTemplate(name: string): Template {
    const path = resolve(this.root, name);
    this.#realRoot ??= realpathSync(this.root);
    const real = realpathSync(path);
    // A symbolic link may point outside the root; only files really inside it are served.
    if (real !== this.#realRoot && !real.startsWith(this.#realRoot + sep)) {
      throw new TemplatePathError(
        name,
        `Template ${JSON.stringify(name)} is outside the template root ${this.root}`,
      );
    }
    return new Template(readFileSync(real), { name, loader: this });
  }
}

/** Loads templates from an object of sources by name (Tornado's `DictLoader`), mostly for tests. */
export class DictLoader extends BaseLoader {
  readonly #sources: Readonly<Record<string, string>>;

  constructor(sources: Record<string, string>, options: LoaderOptions = {}) {
    super(options);
    this.#sources = { ...sources };
  }

  override resolvePath(name: string, parentPath?: string): string {
    return relativeName(name, parentPath);
  }

  protected override createTemplate(name: string): Template {
    const source = Object.hasOwn(this.#sources, name) ? this.#sources[name] : undefined;
    if (source === undefined) {
      throw new TemplatePathError(
        name,
        `No template named ${JSON.stringify(name)} in the DictLoader`,
      );
    }
    return new Template(source, { name, loader: this });
  }
}
