// The template grammar (Tornado's): text, {{ expressions }}, {% directives %} and {# comments #},
// parsed into a tree whose expressions are already translated to JavaScript.

import { PY_SPACE, pyRepr, pyStrip } from "../python.ts";
import { ParseError } from "./errors.ts";
import {
  type Assignment,
  type ExceptClause,
  ExpressionError,
  type ForHeader,
  type Translation,
  translateAssignment,
  translateExcept,
  translateExpression,
  translateFor,
} from "./expression.ts";

/** How text between tags is filtered: kept (`all`), collapsed (`single`), or one line (`oneline`). */
export type WhitespaceMode = "all" | "single" | "oneline";

const SINGLE_SPACES = /[\t ]+/g;
const SINGLE_NEWLINES = new RegExp(`[${PY_SPACE}]*\\n[${PY_SPACE}]*`, "g");
const ONELINE = new RegExp(`[${PY_SPACE}]+`, "g");

const WHITESPACE_MODES: readonly string[] = ["all", "single", "oneline"] satisfies WhitespaceMode[];

function isWhitespaceMode(mode: string): mode is WhitespaceMode {
  return WHITESPACE_MODES.includes(mode);
}

/** Applies a whitespace mode to one text chunk; throws on an unknown mode, as Tornado does. */
export function filterWhitespace(mode: string, text: string): string {
  switch (mode) {
    case "all":
      return text;
    case "single":
      return text.replace(SINGLE_SPACES, " ").replace(SINGLE_NEWLINES, "\n");
    case "oneline":
      return text.replace(ONELINE, " ");
    default:
      throw new Error(`invalid whitespace mode ${mode}`);
  }
}

/** What the parser records about the template it parses. */
export interface ParseState {
  readonly name: string;
  /** The autoescape function's expression; `{% autoescape %}` changes it for the whole file. */
  autoescape: Translation | null;
}

interface TextNode {
  kind: "text";
  value: string;
  line: number;
}
interface ExprNode {
  kind: "expr";
  expr: Translation;
  source: string;
  raw: boolean;
  line: number;
}
interface SetNode {
  kind: "set";
  assignment: Assignment;
  source: string;
  line: number;
}
interface ExtendsNode {
  kind: "extends";
  name: string;
  line: number;
}
interface IncludeNode {
  kind: "include";
  name: string;
  line: number;
}
export interface BlockNode {
  kind: "block";
  name: string;
  body: Node[];
  line: number;
  owner: ParseState;
}
interface ApplyNode {
  kind: "apply";
  method: Translation;
  source: string;
  body: Node[];
  line: number;
}
interface Branch {
  condition: Translation;
  source: string;
  line: number;
  body: Node[];
}
interface IfNode {
  kind: "if";
  branches: Branch[];
  elseBody: Node[] | null;
  line: number;
}
interface ForNode {
  kind: "for";
  header: ForHeader;
  source: string;
  body: Node[];
  elseBody: Node[] | null;
  line: number;
}
interface WhileNode {
  kind: "while";
  condition: Translation;
  source: string;
  body: Node[];
  elseBody: Node[] | null;
  line: number;
}
interface Handler {
  clause: ExceptClause;
  source: string;
  line: number;
  body: Node[];
}
interface TryNode {
  kind: "try";
  body: Node[];
  handlers: Handler[];
  elseBody: Node[] | null;
  finallyBody: Node[] | null;
  line: number;
}
interface JumpNode {
  kind: "break" | "continue";
  line: number;
}

/** A node of a parsed template. */
export type Node =
  | TextNode
  | ExprNode
  | SetNode
  | ExtendsNode
  | IncludeNode
  | BlockNode
  | ApplyNode
  | IfNode
  | ForNode
  | WhileNode
  | TryNode
  | JumpNode;

interface Intermediate {
  kind: "intermediate";
  operator: string;
  suffix: string;
  line: number;
}

type Chunk = Node | Intermediate;

const INTERMEDIATE_PARENTS: Record<string, readonly string[]> = {
  else: ["if", "for", "while", "try"],
  elif: ["if"],
  except: ["try"],
  finally: ["try"],
};

/** Python's repr of a set of strings, as Tornado's messages print it. */
function pySet(items: readonly string[]): string {
  return "{" + items.map((item) => pyRepr(item)).join(", ") + "}";
}

class Reader {
  pos = 0;
  line = 1;
  readonly name: string;
  readonly text: string;
  whitespace: WhitespaceMode;

  constructor(name: string, text: string, whitespace: WhitespaceMode) {
    this.name = name;
    this.text = text;
    this.whitespace = whitespace;
  }

  find(needle: string, start = 0): number {
    const index = this.text.indexOf(needle, this.pos + start);
    return index === -1 ? -1 : index - this.pos;
  }

  consume(count = this.text.length - this.pos): string {
    const end = this.pos + count;
    const out = this.text.slice(this.pos, end);
    for (let i = out.indexOf("\n"); i !== -1; i = out.indexOf("\n", i + 1)) this.line++;
    this.pos = end;
    return out;
  }

  remaining(): number {
    return this.text.length - this.pos;
  }

  at(offset: number): string {
    return this.text[this.pos + offset] ?? "";
  }

  fail(message: string, line = this.line): never {
    throw new ParseError(message, this.name, line);
  }
}

function translate<T>(reader: Reader, line: number, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ExpressionError) reader.fail(`${error.message} in ${what}`, line);
    throw error;
  }
}

/** Parses a whole template. */
export function parseTemplate(
  name: string,
  text: string,
  whitespace: WhitespaceMode,
  state: ParseState,
): Node[] {
  const reader = new Reader(name, text, whitespace);
  return parseBody(reader, state, null, null) as Node[];
}

function textNode(reader: Reader, value: string): TextNode | null {
  const filtered = value.includes("<pre>") ? value : filterWhitespace(reader.whitespace, value);
  return filtered ? { kind: "text", value: filtered, line: reader.line } : null;
}

function parseBody(
  reader: Reader,
  state: ParseState,
  inBlock: string | null,
  inLoop: string | null,
): Chunk[] {
  const body: Chunk[] = [];
  const addText = (value: string): void => {
    const node = textNode(reader, value);
    if (node) body.push(node);
  };
  for (;;) {
    // Find the next tag start: "{{", "{%" or "{#"; in a run of braces, the innermost pair.
    let curly = 0;
    for (;;) {
      curly = reader.find("{", curly);
      if (curly === -1 || curly + 1 === reader.remaining()) {
        if (inBlock) reader.fail(`Missing {% end %} block for ${inBlock}`);
        addText(reader.consume());
        return body;
      }
      const next = reader.at(curly + 1);
      if (next !== "{" && next !== "%" && next !== "#") {
        curly++;
        continue;
      }
      if (curly + 2 < reader.remaining() && next === "{" && reader.at(curly + 2) === "{") {
        curly++;
        continue;
      }
      break;
    }
    if (curly > 0) addText(reader.consume(curly));
    const startBrace = reader.consume(2);
    const line = reader.line;

    // "{{!", "{%!" and "{#!" output the braces literally.
    if (reader.remaining() > 0 && reader.at(0) === "!") {
      reader.consume(1);
      addText(startBrace);
      continue;
    }

    if (startBrace === "{#") {
      const end = reader.find("#}");
      if (end === -1) reader.fail("Missing end comment #}");
      reader.consume(end);
      reader.consume(2);
      continue;
    }

    if (startBrace === "{{") {
      const end = reader.find("}}");
      if (end === -1) reader.fail("Missing end expression }}");
      const contents = pyStrip(reader.consume(end));
      reader.consume(2);
      if (!contents) reader.fail("Empty expression");
      const expr = translate(reader, line, `expression {{ ${contents} }}`, () =>
        translateExpression(contents),
      );
      body.push({ kind: "expr", expr, source: contents, raw: false, line });
      continue;
    }

    const end = reader.find("%}");
    if (end === -1) reader.fail("Missing end block %}");
    const contents = pyStrip(reader.consume(end));
    reader.consume(2);
    if (!contents) reader.fail("Empty block tag ({% %})");
    const space = contents.indexOf(" ");
    const operator = space === -1 ? contents : contents.slice(0, space);
    const suffix = space === -1 ? "" : pyStrip(contents.slice(space + 1));
    const tag = `{% ${contents} %}`;

    const parents = INTERMEDIATE_PARENTS[operator];
    if (parents !== undefined) {
      if (!inBlock) reader.fail(`${operator} outside ${pySet(parents)} block`);
      if (!parents.includes(inBlock)) {
        reader.fail(`${operator} block cannot be attached to ${inBlock} block`);
      }
      body.push({ kind: "intermediate", operator, suffix, line });
      continue;
    }

    switch (operator) {
      case "end":
        if (!inBlock) reader.fail("Extra {% end %} block");
        return body;
      case "comment":
        continue;
      case "extends":
      case "include": {
        const path = stripQuotes(suffix);
        if (!path) reader.fail(`${operator} missing file path`);
        body.push({ kind: operator, name: path, line });
        continue;
      }
      case "import":
      case "from":
        if (!suffix) reader.fail("import missing statement");
        reader.fail(
          `{% ${operator} %} is Python: JavaScript templates cannot import modules; ` +
            "pass the function in the namespace instead (render(name, { fn }), or the Loader's namespace option)",
        );
        break;
      case "set": {
        if (!suffix) reader.fail("set missing statement");
        const assignment = translate(reader, line, tag, () => translateAssignment(suffix));
        body.push({ kind: "set", assignment, source: suffix, line });
        continue;
      }
      case "autoescape":
        state.autoescape =
          suffix === "None" || suffix === "null" || suffix === ""
            ? null
            : translate(reader, line, tag, () => translateExpression(suffix));
        continue;
      case "whitespace": {
        try {
          filterWhitespace(suffix, "");
        } catch (error) {
          reader.fail(error instanceof Error ? error.message : String(error), line);
        }
        if (isWhitespaceMode(suffix)) reader.whitespace = suffix;
        continue;
      }
      case "raw": {
        const expr = translate(reader, line, tag, () => translateExpression(suffix));
        body.push({ kind: "expr", expr, source: suffix, raw: true, line });
        continue;
      }
      case "module": {
        const expr = translate(reader, line, tag, () => translateExpression(suffix));
        body.push({
          kind: "expr",
          expr: { code: `_tt_modules.${expr.code}`, names: ["_tt_modules", ...expr.names] },
          source: suffix,
          raw: true,
          line,
        });
        continue;
      }
      case "apply": {
        const inner = parseBody(reader, state, operator, null);
        if (!suffix) reader.fail("apply missing method name", line);
        const method = translate(reader, line, tag, () => translateExpression(suffix));
        body.push({ kind: "apply", method, source: suffix, body: onlyNodes(inner), line });
        continue;
      }
      case "block": {
        const inner = parseBody(reader, state, operator, inLoop);
        if (!suffix) reader.fail("block missing name", line);
        body.push({ kind: "block", name: suffix, body: onlyNodes(inner), line, owner: state });
        continue;
      }
      case "if":
      case "for":
      case "while":
      case "try": {
        const loop = operator === "for" || operator === "while" ? operator : inLoop;
        const inner = parseBody(reader, state, operator, loop);
        body.push(buildControl(reader, operator, suffix, line, inner));
        continue;
      }
      case "break":
      case "continue":
        if (!inLoop) reader.fail(`${operator} outside ${pySet(["for", "while"])} block`);
        body.push({ kind: operator, line });
        continue;
      default:
        reader.fail(`unknown operator: ${pyRepr(operator)}`);
    }
  }
}

function stripQuotes(text: string): string {
  return text.replace(/^"+|"+$/g, "").replace(/^'+|'+$/g, "");
}

function onlyNodes(chunks: Chunk[]): Node[] {
  return chunks.filter((chunk): chunk is Node => chunk.kind !== "intermediate");
}

/** Splits a control block's body at its intermediate tags and checks their order. */
function buildControl(
  reader: Reader,
  operator: string,
  suffix: string,
  line: number,
  chunks: Chunk[],
): Node {
  type Section = { operator: string; suffix: string; line: number; body: Node[] };
  const first: Section = { operator, suffix, line, body: [] };
  const sections = [first];
  let current = first;
  for (const chunk of chunks) {
    if (chunk.kind === "intermediate") {
      current = { operator: chunk.operator, suffix: chunk.suffix, line: chunk.line, body: [] };
      sections.push(current);
    } else current.body.push(chunk);
  }
  const order = (allowed: readonly string[]): void => {
    // Python's grammar: clauses come in this order; only elif and except may repeat.
    let rank = 0;
    for (const [i, section] of sections.slice(1).entries()) {
      const index = allowed.indexOf(section.operator);
      const repeat = section.operator === "elif" || section.operator === "except";
      if (index < rank || (index === rank && !repeat)) {
        reader.fail(
          `${section.operator} cannot follow ${sections[i]?.operator} in ${operator} block`,
          section.line,
        );
      }
      rank = index;
    }
  };
  const expression = (text: string, at: number, what: string): Translation => {
    if (!text) reader.fail(`${what} missing expression`, at);
    return translate(reader, at, `{% ${what} ${text} %}`, () => translateExpression(text));
  };
  const elseOf = (): Node[] | null => sections.find((s) => s.operator === "else")?.body ?? null;

  switch (operator) {
    case "if": {
      order(["if", "elif", "else"]);
      const branches = sections
        .filter((s) => s.operator !== "else")
        .map((s) => ({
          condition: expression(s.suffix, s.line, s.operator),
          source: s.suffix,
          line: s.line,
          body: s.body,
        }));
      return { kind: "if", branches, elseBody: elseOf(), line };
    }
    case "for": {
      order(["for", "else"]);
      if (!suffix) reader.fail("for missing expression", line);
      const header = translate(reader, line, `{% for ${suffix} %}`, () => translateFor(suffix));
      return {
        kind: "for",
        header,
        source: suffix,
        body: first.body,
        elseBody: elseOf(),
        line,
      };
    }
    case "while": {
      order(["while", "else"]);
      const condition = expression(suffix, line, "while");
      return {
        kind: "while",
        condition,
        source: suffix,
        body: first.body,
        elseBody: elseOf(),
        line,
      };
    }
    default: {
      order(["try", "except", "else", "finally"]);
      const handlers = sections
        .filter((s) => s.operator === "except")
        .map((s) => ({
          clause: translate(reader, s.line, `{% except ${s.suffix} %}`, () =>
            translateExcept(s.suffix),
          ),
          source: s.suffix,
          line: s.line,
          body: s.body,
        }));
      handlers.forEach((handler, i) => {
        if (handler.clause.classes === null && i < handlers.length - 1) {
          reader.fail("default 'except' must be last", handler.line);
        }
      });
      const finallyBody = sections.find((s) => s.operator === "finally")?.body ?? null;
      if (handlers.length === 0 && finallyBody === null) {
        reader.fail("try block needs an except or finally clause", line);
      }
      const elseBody = elseOf();
      if (elseBody !== null && handlers.length === 0) {
        reader.fail("else in a try block needs an except clause", line);
      }
      return { kind: "try", body: first.body, handlers, elseBody, finallyBody, line };
    }
  }
}
