// Template expressions are JavaScript. This module tokenizes them (strings, template literals and
// regular expressions included) to find the variables they read, which the compiled template
// takes from its namespace, and to translate the Python spellings Tornado templates commonly
// contain (None, True, False, and, or, not, is) when they stand outside string literals.

/** An expression the template language cannot accept; the parser adds the file and line. */
export class ExpressionError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "ExpressionError";
}

type TokenType =
  | "space"
  | "comment"
  | "string"
  | "template"
  | "number"
  | "name"
  | "punct"
  | "regex";

interface Token {
  type: TokenType;
  text: string;
  /** For template literals: the free names of their `${}` parts. */
  names?: string[];
}

/** JavaScript expression code with the names it reads from the namespace. */
export interface Translation {
  /** The JavaScript code. */
  readonly code: string;
  /** Identifiers the code reads that it does not define, in order of first use. */
  readonly names: readonly string[];
}

const RESERVED = new Set([
  "await",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "implements",
  "import",
  "in",
  "instanceof",
  "interface",
  "let",
  "new",
  "null",
  "package",
  "private",
  "protected",
  "public",
  "return",
  "static",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  // Cannot be bound in strict mode code.
  "eval",
  "arguments",
]);

// Keywords after which an operand (so a regular expression, not a division) comes next.
const OPERATOR_KEYWORDS = new Set([
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "return",
  "case",
  "do",
  "else",
  "yield",
  "await",
  "throw",
]);

const PUNCTUATORS = [
  ">>>=",
  "...",
  "===",
  "!==",
  "**=",
  "<<=",
  ">>=",
  ">>>",
  "&&=",
  "||=",
  "??=",
  "=>",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "??",
  "?.",
  "++",
  "--",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "**",
  "<<",
  ">>",
];

const ASSIGNMENT_OPERATORS = new Set([
  "=",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "**=",
  "<<=",
  ">>=",
  ">>>=",
  "&=",
  "|=",
  "^=",
  "&&=",
  "||=",
  "??=",
]);

// Where a pending Python `not` ends: its operand stops at these (Python's `not` binds more
// loosely than comparisons but more tightly than `and` / `or`).
const NOT_TERMINATORS = new Set(["&&", "||", "??", "?", ":", ",", "=>", ...ASSIGNMENT_OPERATORS]);

const ID_START = /[\p{ID_Start}$_]/u;
const ID_PART = /[\p{ID_Continue}$\u200c\u200d]/u;
const SPACE = /\s/;

function isOperandEnd(token: Token | undefined): boolean {
  if (token === undefined) return false;
  switch (token.type) {
    case "name":
      return !OPERATOR_KEYWORDS.has(token.text);
    case "number":
    case "string":
    case "template":
    case "regex":
      return true;
    case "punct":
      return (
        token.text === ")" ||
        token.text === "]" ||
        token.text === "}" ||
        token.text === "++" ||
        token.text === "--"
      );
    default:
      return false;
  }
}

/** Splits `source` into tokens, from `start` up to the end or an unmatched `}` (for `${}`). */
function tokenize(
  source: string,
  start: number,
  untilBrace: boolean,
): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let depth = 0;
  let last: Token | undefined;
  let i = start;
  const push = (token: Token): void => {
    tokens.push(token);
    if (token.type !== "space" && token.type !== "comment") last = token;
  };
  while (i < source.length) {
    const ch = source.charAt(i);
    if (SPACE.test(ch)) {
      let j = i + 1;
      while (j < source.length && SPACE.test(source.charAt(j))) j++;
      push({ type: "space", text: source.slice(i, j) });
      i = j;
      continue;
    }
    if (ch === "/" && source[i + 1] === "/") {
      throw new ExpressionError(
        "'//' starts a comment in JavaScript; for floor division write Math.floor(a / b)",
      );
    }
    if (ch === "/" && source[i + 1] === "*") {
      const close = source.indexOf("*/", i + 2);
      const j = close === -1 ? source.length : close + 2;
      push({ type: "comment", text: source.slice(i, j) });
      i = j;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== ch && source[j] !== "\n")
        j += source[j] === "\\" ? 2 : 1;
      j = Math.min(j + 1, source.length);
      push({ type: "string", text: source.slice(i, j) });
      i = j;
      continue;
    }
    if (ch === "`") {
      const { token, end } = scanTemplateLiteral(source, i);
      push(token);
      i = end;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(source[i + 1] ?? ""))) {
      const match =
        /^(?:0[xXoObB][0-9a-fA-F_]+n?|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?n?)/.exec(
          source.slice(i),
        );
      const text = match ? match[0] : ch;
      push({ type: "number", text });
      i += text.length;
      continue;
    }
    if (ID_START.test(ch) || ch === "\\") {
      let j = i + 1;
      while (j < source.length && ID_PART.test(source.charAt(j))) j++;
      push({ type: "name", text: source.slice(i, j) });
      i = j;
      continue;
    }
    if (ch === "/" && !isOperandEnd(last)) {
      const end = scanRegex(source, i);
      push({ type: "regex", text: source.slice(i, end) });
      i = end;
      continue;
    }
    if (ch === "{" || ch === "(" || ch === "[") depth++;
    if (ch === "}" || ch === ")" || ch === "]") {
      if (ch === "}" && depth === 0 && untilBrace) return { tokens, end: i };
      depth--;
    }
    let punct = ch;
    for (const candidate of PUNCTUATORS) {
      if (source.startsWith(candidate, i)) {
        // "?." followed by a digit is a conditional operator and a number ("a?.5:1").
        if (candidate === "?." && /[0-9]/.test(source[i + 2] ?? "")) continue;
        punct = candidate;
        break;
      }
    }
    push({ type: "punct", text: punct });
    i += punct.length;
  }
  if (untilBrace) throw new ExpressionError("Unterminated template literal");
  return { tokens, end: i };
}

function scanRegex(source: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (ch === "\\") i += 2;
    else if (ch === "\n") break;
    else {
      if (ch === "[") inClass = true;
      else if (ch === "]") inClass = false;
      else if (ch === "/" && !inClass) {
        i++;
        while (i < source.length && /[a-z]/i.test(source.charAt(i))) i++;
        return i;
      }
      i++;
    }
  }
  return i;
}

function scanTemplateLiteral(source: string, start: number): { token: Token; end: number } {
  let text = "`";
  const names: string[] = [];
  let i = start + 1;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (ch === "\\") {
      text += source.slice(i, i + 2);
      i += 2;
    } else if (ch === "`") {
      return { token: { type: "template", text: text + "`", names }, end: i + 1 };
    } else if (ch === "$" && source[i + 1] === "{") {
      const inner = tokenize(source, i + 2, true);
      const translated = translateTokens(inner.tokens);
      names.push(...translated.names);
      text += "${" + translated.code + "}";
      i = inner.end + 1;
    } else {
      text += ch;
      i++;
    }
  }
  return { token: { type: "template", text, names }, end: i };
}

function nextSignificant(tokens: readonly Token[], from: number): number {
  for (let i = from; i < tokens.length; i++) {
    const type = tokens[i]?.type;
    if (type !== "space" && type !== "comment") return i;
  }
  return -1;
}

/** Translates tokens to JavaScript, collecting free names. */
function translateTokens(tokens: readonly Token[]): Translation {
  let code = "";
  const names: string[] = [];
  const seen = new Set<string>();
  const brackets: string[] = [];
  const pendingNots: number[] = [];
  let prev: Token | undefined;
  let prevOut: Token | undefined;
  const addName = (name: string): void => {
    if (!seen.has(name)) {
      seen.add(name);
      names.push(name);
    }
  };
  const closeNots = (depth: number): void => {
    while (pendingNots.length > 0 && pendingNots[pendingNots.length - 1] === depth) {
      code += ")";
      pendingNots.pop();
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === "space" || token.type === "comment") {
      code += token.text;
      continue;
    }
    const afterDot = prev?.type === "punct" && (prev.text === "." || prev.text === "?.");
    let out: Token = token;
    if (token.type === "template") {
      for (const name of token.names ?? []) addName(name);
    } else if (token.type === "punct") {
      const text = token.text;
      if (NOT_TERMINATORS.has(text)) closeNots(brackets.length);
      if (text === "(" || text === "[" || text === "{") brackets.push(text);
      else if (text === ")" || text === "]" || text === "}") {
        closeNots(brackets.length);
        brackets.pop();
      }
    } else if (token.type === "name" && !afterDot) {
      const next = nextSignificant(tokens, i + 1);
      const nextText = tokens[next]?.text;
      const isKey =
        brackets[brackets.length - 1] === "{" &&
        nextText === ":" &&
        prev?.type === "punct" &&
        (prev.text === "{" || prev.text === ",");
      const operandBefore = isOperandEnd(prevOut);
      if (isKey) {
        // An object literal's key: neither a variable nor a Python word.
      } else if (token.text === "None") out = { type: "name", text: "null" };
      else if (token.text === "True") out = { type: "name", text: "true" };
      else if (token.text === "False") out = { type: "name", text: "false" };
      else if ((token.text === "and" || token.text === "or") && operandBefore) {
        closeNots(brackets.length);
        out = { type: "punct", text: token.text === "and" ? "&&" : "||" };
      } else if (token.text === "not" && !operandBefore) {
        out = { type: "punct", text: "!(" };
        pendingNots.push(brackets.length);
      } else if (token.text === "not" && operandBefore && nextText === "in") {
        throw new ExpressionError(
          "'not in' is Python; write !(key in object) or !list.includes(item)",
        );
      } else if (token.text === "is" && operandBefore) {
        if (nextText === "not") {
          i = next;
          out = { type: "punct", text: "!==" };
        } else out = { type: "punct", text: "===" };
      } else if (!RESERVED.has(token.text)) addName(token.text);
    }
    code += out.text;
    prev = token;
    prevOut = out.type === "punct" && out.text === "!(" ? { type: "punct", text: "(" } : out;
  }
  closeNots(brackets.length);
  while (pendingNots.length > 0) {
    code += ")";
    pendingNots.pop();
  }
  return { code, names };
}

/** Translates one template expression (`{{ }}`, `{% if %}`, ...) to JavaScript. */
export function translateExpression(source: string): Translation {
  return translateTokens(tokenize(source, 0, false).tokens);
}

/** Splits tokens at top-level commas. */
function splitTopLevel(tokens: readonly Token[], separator: string): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.type === "punct") {
      if (token.text === "(" || token.text === "[" || token.text === "{") depth++;
      else if (token.text === ")" || token.text === "]" || token.text === "}") depth--;
      else if (token.text === separator && depth === 0) {
        parts.push([]);
        continue;
      }
    }
    parts.at(-1)?.push(token);
  }
  return parts;
}

function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.type !== "space" && t.type !== "comment");
}

function untokenize(tokens: readonly Token[]): string {
  return tokens.map((t) => t.text).join("");
}

/** A list of expressions (Python's bare tuple) becomes an array. */
function translateValue(tokens: readonly Token[]): Translation {
  const parts = splitTopLevel(tokens, ",").filter((part) => significant(part).length > 0);
  if (parts.length > 1 || (parts.length === 1 && significant(tokens).at(-1)?.text === ",")) {
    const translated = parts.map((part) => translateTokens(part));
    return {
      code: "[" + translated.map((t) => t.code).join(", ") + "]",
      names: [...new Set(translated.flatMap((t) => t.names))],
    };
  }
  return translateTokens(tokens);
}

/** An assignment target: the JavaScript for it, and the local variables it binds. */
interface Target {
  readonly code: string;
  /** Variables the target binds (hoisted to the template function). */
  readonly locals: readonly string[];
  /** Variables the target reads (the object of `a.b = ...`). */
  readonly names: readonly string[];
}

function translateTarget(tokens: readonly Token[], what: string): Target {
  let sig = significant(tokens);
  const first = sig[0];
  if (first === undefined) throw new ExpressionError(`${what} missing target`);
  if (
    first.type === "name" &&
    (first.text === "const" || first.text === "let" || first.text === "var")
  ) {
    throw new ExpressionError(`${what} target cannot declare a variable with '${first.text}'`);
  }
  // Python's parenthesised tuple "(a, b)" is an array pattern here.
  if (first.text === "(" && sig.at(-1)?.text === ")") sig = sig.slice(1, -1);
  const parts = splitTopLevel(sig, ",").filter((part) => part.length > 0);
  if (parts.length > 1) {
    const inner = parts.map((part) => translateTarget(part, what));
    return {
      code: "[" + inner.map((t) => t.code).join(", ") + "]",
      locals: inner.flatMap((t) => t.locals),
      names: inner.flatMap((t) => t.names),
    };
  }
  const [single] = sig;
  if (sig.length === 1 && single?.type === "name") {
    const name = single.text;
    if (RESERVED.has(name)) throw new ExpressionError(`cannot assign to ${name}`);
    return { code: name, locals: [name], names: [] };
  }
  if (first.text === "[" || first.text === "{") {
    // A destructuring pattern: every name in it that is not an object key binds.
    const locals: string[] = [];
    for (const [i, token] of sig.entries()) {
      const prevText = sig[i - 1]?.text;
      if (token.type !== "name" || prevText === "." || prevText === "?.") continue;
      if (sig[i + 1]?.text === ":" || RESERVED.has(token.text)) continue;
      locals.push(token.text);
    }
    return { code: untokenize(sig), locals, names: [] };
  }
  const member = translateTokens(sig);
  return { code: member.code, locals: [], names: member.names };
}

/** A translated `{% set %}` statement. */
export interface Assignment extends Target {
  readonly operator: string;
  readonly value: Translation;
}

/** Translates `{% set target = value %}` (any assignment operator; `a, b = 1, 2` unpacks). */
export function translateAssignment(source: string): Assignment {
  const tokens = tokenize(source, 0, false).tokens;
  let depth = 0;
  for (const [i, token] of tokens.entries()) {
    if (token.type !== "punct") continue;
    if (token.text === "(" || token.text === "[" || token.text === "{") depth++;
    else if (token.text === ")" || token.text === "]" || token.text === "}") depth--;
    else if (depth === 0 && ASSIGNMENT_OPERATORS.has(token.text)) {
      const target = translateTarget(tokens.slice(0, i), "set");
      const valueTokens = tokens.slice(i + 1);
      if (significant(valueTokens).length === 0) throw new ExpressionError("set missing value");
      return { ...target, operator: token.text, value: translateValue(valueTokens) };
    }
  }
  // An expression statement such as {% set items.push(1) %} or {% set n++ %}.
  const expression = translateTokens(tokens);
  return { code: "", locals: [], names: [], operator: "", value: expression };
}

/** A translated `{% for target in iterable %}` header. */
export interface ForHeader extends Target {
  readonly iterable: Translation;
}

/** Translates the suffix of `{% for x in items %}` (also `k, v in pairs` and `x of items`). */
export function translateFor(source: string): ForHeader {
  const tokens = tokenize(source, 0, false).tokens;
  let depth = 0;
  for (const [i, token] of tokens.entries()) {
    if (token.type === "punct") {
      if (token.text === "(" || token.text === "[" || token.text === "{") depth++;
      else if (token.text === ")" || token.text === "]" || token.text === "}") depth--;
    } else if (
      token.type === "name" &&
      depth === 0 &&
      (token.text === "in" || token.text === "of")
    ) {
      const target = translateTarget(tokens.slice(0, i), "for");
      const rest = tokens.slice(i + 1);
      if (significant(rest).length === 0) throw new ExpressionError("for missing iterable");
      return { ...target, iterable: translateValue(rest) };
    }
  }
  throw new ExpressionError("for needs 'target in iterable'");
}

/** A translated `{% except %}` clause. */
export interface ExceptClause {
  /** The exception class (or array of classes) to match; `null` matches everything. */
  readonly classes: Translation | null;
  /** The variable bound with `as`, if any. */
  readonly binding: string | null;
}

/** Translates the suffix of `{% except %}`: nothing, `Cls`, `(A, B)`, each with `as name`. */
export function translateExcept(source: string): ExceptClause {
  const tokens = tokenize(source, 0, false).tokens;
  const sig = significant(tokens);
  let binding: string | null = null;
  let classTokens: readonly Token[] = tokens;
  const asIndex = tokens.findIndex((t) => t.type === "name" && t.text === "as");
  if (asIndex !== -1) {
    const bound = significant(tokens.slice(asIndex + 1));
    const [name] = bound;
    if (bound.length !== 1 || name?.type !== "name") {
      throw new ExpressionError("except ... as needs one variable name");
    }
    binding = name.text;
    classTokens = tokens.slice(0, asIndex);
  }
  const classSig = significant(classTokens);
  if (sig.length === 0 || classSig.length === 0) return { classes: null, binding };
  // Python's root exception classes match any error thrown in JavaScript.
  const only = classSig.length === 1 ? classSig[0]?.text : "";
  if (only === "Exception" || only === "BaseException") return { classes: null, binding };
  let inner = classSig;
  if (inner[0]?.text === "(" && inner.at(-1)?.text === ")") inner = inner.slice(1, -1);
  return { classes: translateValue(inner), binding };
}
