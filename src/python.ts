/**
 * Python's behaviour where Tornado's output depends on it: `str.strip()` and Python's whitespace,
 * `repr()` and `str()` of values, `int()` and `float()` of strings, `len()` of a string, the
 * English month and day names, and the builtins Tornado templates commonly call. The lowest layer
 * of the framework: it imports nothing, and escape, template, options, locale and web import it.
 * @module
 */

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const NON_PRINTABLE_ALL = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}\\]/gu;

/** Python's whitespace characters (`str.isspace()`), as a regex character-class body. */
export const PY_SPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP_RE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "gu");

/** Python's `str.strip()`. */
export function pyStrip(text: string): string {
  // Most texts start and end with a visible ASCII character: nothing to strip, no regex run (about
  // 12 ns against 34 ns for the regex alone on 'sunck'; Node 20, bench/micro/optimisations.mjs py-strip).
  const last = text.length - 1;
  if (last < 0) return text;
  const first = text.charCodeAt(0);
  const end = text.charCodeAt(last);
  if (first > 0x20 && first < 0x7f && end > 0x20 && end < 0x7f) return text;
  return text.replace(PY_STRIP_RE, "");
}

/**
 * Whether a value is a plain object (made by a literal, `Object.create(null)` or JSON): what
 * stands for a Python dict, as opposed to an array, a class instance or a primitive.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Python's `len()` of a string: its code points (an astral character counts once). */
export function codePointLength(text: string): number {
  // Counting surrogate pairs by char codes: about 75 ns against 215 ns for a for...of over the
  // string, texts of 20 to 60 characters (Node 20, bench/micro/optimisations.mjs code-points).
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// Digits with single underscores between them, as Python's int() and float() accept them.
const DIGIT_GROUPS = /^[0-9a-z]+(?:_[0-9a-z]+)*$/i;
const BASE_PREFIX: Readonly<Record<number, RegExp>> = { 2: /^0b_?/i, 8: /^0o_?/i, 16: /^0x_?/i };
const PY_FLOAT =
  /^[+-]?(?:inf(?:inity)?|nan|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:e[+-]?\d(?:_?\d)*)?)$/i;

/**
 * Python's `int(text, base)` of a string, for a base from 2 to 36: Python's whitespace around it,
 * an optional sign, the base's prefix allowed in base 2, 8 and 16 (`0b`, `0o`, `0x`), single
 * underscores between digits. `undefined` where Python raises `ValueError`. Beyond 2^53 the result
 * is the nearest double.
 */
export function parsePyInt(text: string, base = 10): number | undefined {
  if (!Number.isInteger(base) || base < 2 || base > 36) {
    throw new RangeError("int() base must be >= 2 and <= 36");
  }
  let digits = pyStrip(text);
  const negative = digits.startsWith("-");
  if (negative || digits.startsWith("+")) digits = digits.slice(1);
  const prefix = BASE_PREFIX[base];
  if (prefix !== undefined) digits = digits.replace(prefix, "");
  if (!DIGIT_GROUPS.test(digits)) return undefined;
  digits = digits.replaceAll("_", "");
  for (let i = 0; i < digits.length; i++) {
    if (Number.parseInt(digits.charAt(i), 36) >= base) return undefined;
  }
  const value = Number.parseInt(digits, base);
  // Python's ints have no negative zero.
  return negative && value !== 0 ? -value : value;
}

/**
 * Python's `float()` of a string: Python's whitespace around it, decimal and exponent forms with
 * single underscores between digits, `inf`, `infinity` and `nan` in any case. `undefined` where
 * Python raises `ValueError` (JavaScript's `Number()` differs: it takes `0x10` and `""`, and
 * refuses `inf` and `1_000`).
 */
export function parsePyFloat(text: string): number | undefined {
  const stripped = pyStrip(text);
  if (!PY_FLOAT.test(stripped)) return undefined;
  const plain = stripped.replaceAll("_", "").toLowerCase();
  if (plain.endsWith("nan")) return Number.NaN;
  if (plain.endsWith("inf") || plain.endsWith("infinity")) {
    return plain.startsWith("-") ? -Infinity : Infinity;
  }
  return Number(plain);
}

/** The English month names, January first (Python's `calendar.month_name`, without its blank). */
export const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** The English day names, Monday first, as Python numbers weekdays (`calendar.day_name`). */
export const DAY_NAMES = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
] as const;

/** Python's `repr()` of a string: single quotes unless only double quotes avoid escaping. */
function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = text;
  if (NON_PRINTABLE.test(body) || body.includes("\\")) {
    NON_PRINTABLE_ALL.lastIndex = 0;
    body = body.replace(NON_PRINTABLE_ALL, (ch) => {
      if (ch === "\\") return "\\\\";
      if (ch === " ") return ch;
      if (ch === "\n") return "\\n";
      if (ch === "\r") return "\\r";
      if (ch === "\t") return "\\t";
      const code = ch.codePointAt(0)!;
      if (code < 0x100) return "\\x" + code.toString(16).padStart(2, "0");
      if (code < 0x10000) return "\\u" + code.toString(16).padStart(4, "0");
      return "\\U" + code.toString(16).padStart(8, "0");
    });
  }
  if (body.includes(quote)) body = body.replaceAll(quote, "\\" + quote);
  return quote + body + quote;
}

/** Python's `repr()` of a bytes object, as Tornado's log lines show it. */
export function pyBytesRepr(value: Uint8Array): string {
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const text = bytes.toString("latin1");
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = "b" + quote;
  for (const byte of bytes) {
    if (byte === 0x5c) out += "\\\\";
    else if (byte === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (byte === 0x09) out += "\\t";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(byte);
  }
  return out + quote;
}

/** Python's `repr()` of a float, from the shortest round-trip digits JavaScript gives. */
function pyFloat(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (Object.is(value, -0)) return "-0.0";
  const [mantissa = "", exponentText = ""] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  // repr() uses fixed notation for decimal exponents from -4 to 15, where JavaScript does too.
  if (exponent >= -4 && exponent < 16) return String(value);
  const sign = exponent < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/**
 * A value as Python's `str()` would print its Python counterpart: `None`, `True`/`False`,
 * `[1, 'a']`, `{'k': 1}`. Strings are returned as they are, bytes are decoded as UTF-8, numbers
 * print as integers when they are whole, and other objects use their own `toString()`.
 */
export function pyStr(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : pyFloat(value);
    case "boolean":
      return value ? "True" : "False";
    case "undefined":
      return "None";
    case "bigint":
      return value.toString();
    case "symbol":
      return value.toString();
    case "function":
      return `<function ${value.name || "<lambda>"}>`;
  }
  if (value === null) return "None";
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("utf8");
  return pyRepr(value);
}

/** Python's `repr()` of a value's Python counterpart (strings quoted, containers recursively). */
export function pyRepr(value: unknown, seen: Set<object> = new Set()): string {
  if (typeof value === "string") return pyStringRepr(value);
  if (value === null || typeof value !== "object") return pyStr(value);
  if (value instanceof Uint8Array) return pyBytesRepr(value);
  if (seen.has(value)) return Array.isArray(value) ? "[...]" : "{...}";
  seen.add(value);
  try {
    if (Array.isArray(value)) return "[" + value.map((item) => pyRepr(item, seen)).join(", ") + "]";
    if (value instanceof Map) {
      const items = [...value].map(([k, v]) => `${pyRepr(k, seen)}: ${pyRepr(v, seen)}`);
      return "{" + items.join(", ") + "}";
    }
    if (value instanceof Set) {
      if (value.size === 0) return "set()";
      return "{" + [...value].map((item) => pyRepr(item, seen)).join(", ") + "}";
    }
    if (isPlainObject(value)) {
      const items = Object.entries(value).map(([k, v]) => `${pyStringRepr(k)}: ${pyRepr(v, seen)}`);
      return "{" + items.join(", ") + "}";
    }
    return String(value);
  } finally {
    seen.delete(value);
  }
}

/**
 * What `{% for %}` iterates: any iterable as it is, and a plain object by its keys (as Python
 * iterates a dict).
 */
export function pyIter(value: unknown): Iterable<unknown> {
  if (isIterable(value)) return value;
  if (typeof value === "object" && value !== null) return Object.keys(value);
  throw new TypeError(`'${typeName(value)}' object is not iterable`);
}

function isIterable(value: unknown): value is Iterable<unknown> {
  if (typeof value === "string") return true;
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  return Symbol.iterator in value && typeof value[Symbol.iterator] === "function";
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}

/** Python's `len()`: code points of a string, items of an array, map, set or plain object. */
function len(value: unknown): number {
  if (typeof value === "string") return codePointLength(value);
  if (Array.isArray(value) || value instanceof Uint8Array) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (value !== null && typeof value === "object") {
    if ("length" in value && typeof value.length === "number") return value.length;
    if (isPlainObject(value)) return Object.keys(value).length;
  }
  throw new TypeError(`object of type '${typeName(value)}' has no len()`);
}

/** Python's `range()`, as an array. */
function range(startOrStop: number, stop?: number, step = 1): number[] {
  const start = stop === undefined ? 0 : startOrStop;
  const end = stop === undefined ? startOrStop : stop;
  if (step === 0) throw new RangeError("range() arg 3 must not be zero");
  const out: number[] = [];
  if (step > 0) for (let i = start; i < end; i += step) out.push(i);
  else for (let i = start; i > end; i += step) out.push(i);
  return out;
}

/** Python's `int()`: truncates numbers, parses strings in base 10 (or the base given). */
function int(value: unknown, base = 10): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new RangeError(`cannot convert float ${pyStr(value)} to integer`);
    return Math.trunc(value);
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const parsed = parsePyInt(value, base);
    if (parsed !== undefined) return parsed;
  }
  throw new TypeError(`invalid literal for int() with base ${base}: ${pyRepr(value)}`);
}

/** Python's `float()`. */
function float(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const parsed = parsePyFloat(value);
    if (parsed !== undefined) return parsed;
  }
  throw new TypeError(`could not convert to float: ${pyRepr(value)}`);
}

function items(args: unknown[]): unknown[] {
  return args.length === 1 ? [...pyIter(args[0])] : args;
}

// Python's < and > on numbers and strings are JavaScript's; other values compare as JavaScript does.
function compare<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function min(...args: unknown[]): unknown {
  const values = items(args);
  if (values.length === 0) throw new RangeError("min() arg is an empty sequence");
  return values.reduce((best, v) => (compare(v, best) < 0 ? v : best));
}

function max(...args: unknown[]): unknown {
  const values = items(args);
  if (values.length === 0) throw new RangeError("max() arg is an empty sequence");
  return values.reduce((best, v) => (compare(v, best) > 0 ? v : best));
}

function sum(iterable: unknown, start = 0): number {
  let total = start;
  for (const item of pyIter(iterable)) total += item as number;
  return total;
}

function sorted(
  iterable: unknown,
  options: { key?: (item: unknown) => unknown; reverse?: boolean } = {},
): unknown[] {
  const key = options.key ?? ((item: unknown) => item);
  const out = [...pyIter(iterable)].map((item) => [key(item), item] as const);
  out.sort((a, b) => compare(a[0], b[0]));
  if (options.reverse) out.reverse();
  return out.map(([, item]) => item);
}

function enumerate(iterable: unknown, start = 0): [number, unknown][] {
  let i = start;
  return [...pyIter(iterable)].map((item) => [i++, item]);
}

function zip(...iterables: unknown[]): unknown[][] {
  const lists = iterables.map((it) => [...pyIter(it)]);
  const n = lists.length === 0 ? 0 : Math.min(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
}

function reversed(iterable: unknown): unknown[] {
  return [...pyIter(iterable)].reverse();
}

/**
 * The Python builtins templates commonly use (`len`, `range`, `str`, `int`, `float`, `abs`,
 * `min`, `max`, `sum`, `sorted`, `enumerate`, `zip`, `reversed`), with Python's results.
 */
export const PY_BUILTINS: Readonly<Record<string, unknown>> = Object.freeze({
  len,
  range,
  str: pyStr,
  int,
  float,
  abs: Math.abs,
  min,
  max,
  sum,
  sorted,
  enumerate,
  zip,
  reversed,
});
