/**
 * Escaping and unescaping for HTML, URLs and JSON, matching `tornado.escape` byte for byte.
 *
 * This module depends on nothing else in the framework.
 * @module tornado-ts/escape
 */

const XHTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const XHTML_ESCAPE_RE = /[&<>"']/g;
const XHTML_ESCAPE_TEST = /[&<>"']/;

/**
 * Escapes a string so it is valid inside HTML or XML text and attribute values.
 *
 * `&`, `<`, `>`, `"` and `'` become `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;` (Tornado 6.2's
 * output). Non-string values are converted with `String()` first.
 */
export function xhtmlEscape(value: unknown): string {
  const text = typeof value === "string" ? value : toText(value);
  if (!XHTML_ESCAPE_TEST.test(text)) return text;
  return text.replace(XHTML_ESCAPE_RE, (ch) => XHTML_ESCAPES[ch] ?? ch);
}

const NAMED_ENTITIES: Record<string, number> = {
  amp: 38,
  lt: 60,
  gt: 62,
  quot: 34,
  apos: 39,
  nbsp: 160,
  copy: 169,
  reg: 174,
  laquo: 171,
  raquo: 187,
  middot: 183,
  hellip: 8230,
  mdash: 8212,
  ndash: 8211,
  lsquo: 8216,
  rsquo: 8217,
  ldquo: 8220,
  rdquo: 8221,
  euro: 8364,
  trade: 8482,
};

/**
 * Un-escapes an XML-escaped string: numeric references (`&#39;`, `&#x27;`) and named entities.
 * Unknown entities are left as they are, as in Tornado.
 */
export function xhtmlUnescape(value: string | Uint8Array): string {
  const text = toUnicode(value);
  return text.replace(/&(#?)(\w+?);/g, (whole, hash: string, body: string) => {
    if (hash) {
      const code =
        body[0] === "x" || body[0] === "X" ? Number.parseInt(body.slice(1), 16) : Number(body);
      if (Number.isInteger(code) && code >= 0 && code <= 0x10ffff)
        return String.fromCodePoint(code);
      return whole;
    }
    const code = NAMED_ENTITIES[body];
    return code === undefined ? whole : String.fromCodePoint(code);
  });
}

const URL_SAFE_PLUS = /[A-Za-z0-9_.\-~]/;
const URL_SAFE_PATH = /[A-Za-z0-9_.\-~/]/;

/**
 * Percent-encodes a value for use in a URL.
 *
 * With `plus` (the default) this is Python's `quote_plus`: spaces become `+` and `/` is encoded;
 * without it, spaces become `%20` and `/` is kept. Only `A-Za-z0-9_.-~` are never encoded.
 */
export function urlEscape(value: string | Uint8Array, plus = true): string {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
  const safe = plus ? URL_SAFE_PLUS : URL_SAFE_PATH;
  let out = "";
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    if (byte < 0x80 && safe.test(ch)) out += ch;
    else if (plus && byte === 0x20) out += "+";
    else out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/**
 * Decodes a percent-encoded string into bytes; with `plus`, `+` decodes to a space.
 * Malformed escapes are kept literally, as Python's `unquote` does.
 */
export function urlUnescapeToBytes(value: string, plus = true): Buffer {
  const text = plus ? value.replaceAll("+", " ") : value;
  if (!text.includes("%")) return Buffer.from(text, "utf8");
  const source = Buffer.from(text, "utf8");
  const out = Buffer.allocUnsafe(source.length);
  let n = 0;
  for (let i = 0; i < source.length; i++) {
    const byte = source[i]!;
    if (
      byte === 0x25 &&
      i + 2 < source.length + 0 &&
      isHex(source[i + 1]) &&
      isHex(source[i + 2])
    ) {
      out[n++] = (hexValue(source[i + 1]!) << 4) | hexValue(source[i + 2]!);
      i += 2;
    } else {
      out[n++] = byte;
    }
  }
  return out.subarray(0, n);
}

function isHex(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    ((byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x46) ||
      (byte >= 0x61 && byte <= 0x66))
  );
}

function hexValue(byte: number): number {
  if (byte <= 0x39) return byte - 0x30;
  if (byte <= 0x46) return byte - 0x41 + 10;
  return byte - 0x61 + 10;
}

/**
 * Decodes a percent-encoded string. With `plus` (the default) `+` becomes a space.
 * Invalid UTF-8 is replaced with U+FFFD.
 */
export function urlUnescape(value: string, plus = true): string {
  return urlUnescapeToBytes(value, plus).toString("utf8");
}

const NON_ASCII_RE = /[\u007f-\uffff]/g;

function pyString(value: string): string {
  const quoted = JSON.stringify(value);
  NON_ASCII_RE.lastIndex = 0;
  if (!NON_ASCII_RE.test(quoted)) return quoted;
  return quoted.replace(
    NON_ASCII_RE,
    (ch) => "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}

function pyJson(value: unknown, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case "string":
      return pyString(value);
    case "number":
      if (Number.isFinite(value)) return String(value);
      return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const object = value as { toJSON?: () => unknown };
  if (typeof object.toJSON === "function") return pyJson(object.toJSON(), seen);
  if (seen.has(object)) throw new TypeError("Circular reference detected in jsonEncode");
  seen.add(object);
  try {
    if (Array.isArray(value)) {
      if (value.length === 0) return "[]";
      let out = "[";
      for (let i = 0; i < value.length; i++) {
        if (i > 0) out += ", ";
        out += pyJson(value[i], seen) ?? "null";
      }
      return out + "]";
    }
    if (value instanceof Map) return pyJson(Object.fromEntries(value), seen);
    if (value instanceof Set) return pyJson([...value], seen);
    if (ArrayBuffer.isView(value))
      return pyString(
        Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("utf8"),
      );
    let out = "{";
    let first = true;
    for (const key of Object.keys(object)) {
      const encoded = pyJson((object as Record<string, unknown>)[key], seen);
      if (encoded === undefined) continue;
      out += (first ? "" : ", ") + pyString(key) + ": " + encoded;
      first = false;
    }
    return out + "}";
  } finally {
    seen.delete(object);
  }
}

/**
 * Encodes a value as JSON the way Tornado's `json_encode` does: Python's `json.dumps` layout
 * (`", "` and `": "` separators, non-ASCII as `\uXXXX`) with every `</` written as `<\/`, so the
 * result is safe inside a `<script>` element.
 */
export function jsonEncode(value: unknown): string {
  const encoded = pyJson(value, new Set()) ?? "null";
  return encoded.includes("</") ? encoded.replaceAll("</", "<\\/") : encoded;
}

/** Parses a JSON string or UTF-8 bytes. Throws `SyntaxError` on invalid input. */
export function jsonDecode(value: string | Uint8Array): unknown {
  return JSON.parse(toUnicode(value));
}

/** Collapses every run of whitespace and control characters (`\x00`-`\x20`) into one space, then trims. */
export function squeeze(value: string): string {
  return value.replace(/[\x00-\x20]+/g, " ").trim();
}

/** Encodes a string as UTF-8 bytes; bytes are returned unchanged, `null` stays `null`. */
export function utf8(value: string | Uint8Array): Buffer;
export function utf8(value: null): null;
export function utf8(value: string | Uint8Array | null): Buffer | null {
  if (value === null) return null;
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Decodes UTF-8 bytes to a string; strings are returned unchanged, `null` stays `null`. */
export function toUnicode(value: string | Uint8Array): string;
export function toUnicode(value: null): null;
export function toUnicode(value: string | Uint8Array | null): string | null {
  if (value === null) return null;
  if (typeof value === "string") return value;
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("utf8");
}

function toText(value: unknown): string {
  if (value instanceof Uint8Array) return toUnicode(value);
  return String(value);
}
