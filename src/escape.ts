/**
 * Escaping and unescaping for HTML, URLs and JSON, matching `tornado.escape` byte for byte.
 *
 * This module depends on nothing else in the framework.
 * @module tornado-ts/escape
 */
import { createRequire } from "node:module";
import type * as Entities from "entities";
import { codePointLength, PY_SPACE, parsePyInt, pyStrip } from "./python.ts";

// entities (and its decoding tables) loads on the first named entity unescaped.
const require = createRequire(import.meta.url);
let entities: typeof Entities | undefined;

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
  if (text.length <= SHORT_TEXT) return escapeShort(text);
  if (!XHTML_ESCAPE_TEST.test(text)) return text;
  return text.replace(XHTML_ESCAPE_RE, (ch) => XHTML_ESCAPES[ch] ?? ch);
}

// Template values are mostly short: up to this length a scan by character codes (no regex, no
// replacement callback) is faster, about 62 ns against 152 ns for texts of 5 and 20 characters;
// longer texts use the regexes, which scan faster per character: 300 ns against 500 ns at 200
// characters (Node 20, bench/micro/optimisations.mjs escape-short, escape-long).
const SHORT_TEXT = 64;

function escapeShort(text: string): string {
  let out = "";
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    let replacement: string;
    switch (text.charCodeAt(i)) {
      case 38:
        replacement = "&amp;";
        break;
      case 60:
        replacement = "&lt;";
        break;
      case 62:
        replacement = "&gt;";
        break;
      case 34:
        replacement = "&quot;";
        break;
      case 39:
        replacement = "&#39;";
        break;
      default:
        continue;
    }
    out += last === i ? replacement : text.slice(last, i) + replacement;
    last = i + 1;
  }
  if (last === 0) return text;
  return last === text.length ? out : out + text.slice(last);
}

/**
 * Un-escapes an XML-escaped string: numeric references (`&#39;`, `&#x27;`) and named entities.
 * Unknown entities and malformed references are left as they are, as in Tornado.
 *
 * Differs from Tornado 6.2, which knows only the 252 HTML 4 entity names: every HTML5 name
 * (`&apos;`, `&NotEqualTilde;`, ...) is decoded, as Tornado 6.4 and later do.
 */
export function xhtmlUnescape(value: string | Uint8Array): string {
  const text = toUnicode(value);
  if (!text.includes("&")) return text;
  ENTITY_RE.lastIndex = 0;
  return text.replace(ENTITY_RE, (whole: string, hash: string, body: string) => {
    if (hash) {
      const hex = body[0] === "x" || body[0] === "X";
      const code = hex ? parsePyInt(body.slice(1), 16) : parsePyInt(body);
      return code !== undefined && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    // Strict decoding: the regex guarantees the closing ";" that HTML5's legacy names may omit.
    entities ??= require("entities") as typeof Entities;
    const decoded = entities.decodeHTMLStrict(whole);
    return decoded === whole ? whole : decoded;
  });
}

// Python's `\w` (str patterns) characters, which JavaScript's `\w` and `\b` do not match
// exactly (nor does `\s` match PY_SPACE); used wherever Tornado's output depends on them.
const PY_WORD = "\\p{L}\\p{N}_";
const ENTITY_RE = new RegExp(`&(#?)([${PY_WORD}]+?);`, "gu");

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

// A character Python's json.dumps writes escaped: a quote, a backslash, a control character, or
// anything outside printable ASCII.
const JSON_ESCAPED_RE = /["\\\u0000-\u001f\u007f-\uffff]/;

function pyString(value: string): string {
  // Most keys and values need no escape at all: quoted as they are, about 31 ns against 71 ns
  // below for the minimal JSON's strings (Node 20, bench/micro/optimisations.mjs py-string).
  if (!JSON_ESCAPED_RE.test(value)) return `"${value}"`;
  const quoted = JSON.stringify(value);
  NON_ASCII_RE.lastIndex = 0;
  if (!NON_ASCII_RE.test(quoted)) return quoted;
  return quoted.replace(
    NON_ASCII_RE,
    (ch) => "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}

// Containers nested deeper than this are checked for cycles (a cycle always nests deeper than any
// limit); shallower ones are not, which spares most values a Set and its bookkeeping.
const CYCLE_CHECK_DEPTH = 64;

function pyJson(value: unknown, seen: Set<object> | undefined, depth: number): string | undefined {
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
  // Only objects are left (the switch returned for every other type).
  if (value === null || typeof value !== "object") return "null";
  const object = value;
  if ("toJSON" in object && typeof object.toJSON === "function") {
    return pyJson(object.toJSON(), seen, depth);
  }
  if (depth < CYCLE_CHECK_DEPTH) return pyContainer(object, seen, depth + 1);
  const tracked = seen ?? new Set<object>();
  if (tracked.has(object)) throw new TypeError("Circular reference detected in jsonEncode");
  tracked.add(object);
  try {
    return pyContainer(object, tracked, depth + 1);
  } finally {
    tracked.delete(object);
  }
}

function pyContainer(
  value: object,
  seen: Set<object> | undefined,
  depth: number,
): string | undefined {
  const object = value;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ", ";
      out += pyJson(value[i], seen, depth) ?? "null";
    }
    return out + "]";
  }
  if (value instanceof Map) return pyJson(Object.fromEntries(value), seen, depth);
  if (value instanceof Set) return pyJson([...value], seen, depth);
  if (ArrayBuffer.isView(value))
    return pyString(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("utf8"));
  let out = "{";
  let first = true;
  for (const key of Object.keys(object)) {
    const encoded = pyJson((object as Record<string, unknown>)[key], seen, depth);
    if (encoded === undefined) continue;
    out += (first ? "" : ", ") + pyString(key) + ": " + encoded;
    first = false;
  }
  return out + "}";
}

/**
 * Encodes a value as JSON the way Tornado's `json_encode` does: Python's `json.dumps` layout
 * (`", "` and `": "` separators, non-ASCII as `\u` escapes of four hex digits) with every `</`
 * written as `<\/`, so the result is safe inside a `<script>` element.
 */
export function jsonEncode(value: unknown): string {
  const encoded = pyJson(value, undefined, 0) ?? "null";
  return encoded.includes("</") ? encoded.replaceAll("</", "<\\/") : encoded;
}

/** Parses a JSON string or UTF-8 bytes. Throws `SyntaxError` on invalid input. */
export function jsonDecode(value: string | Uint8Array): unknown {
  return JSON.parse(toUnicode(value));
}

/** Collapses every run of whitespace and control characters (`\x00`-`\x20`) into one space, then trims. */
export function squeeze(value: string): string {
  return pyStrip(value.replace(/[\x00-\x20]+/g, " "));
}

/** Options for {@link linkify}, named after Tornado's keyword arguments. */
export interface LinkifyOptions {
  /** Shorten long link texts (the full URL goes in a `title` attribute). Default false. */
  shorten?: boolean;
  /**
   * Extra attributes for every `<a>` tag, such as `rel="nofollow"`, or a function of the link's
   * href returning them. Default none.
   */
  extraParams?: string | ((href: string) => string);
  /** Only link URLs that carry a protocol (so `www.example.com` stays text). Default false. */
  requireProtocol?: boolean;
  /** The protocols that may be linked. Default `["http", "https"]`. */
  permittedProtocols?: readonly string[];
}

const LINKIFY_MAX_LEN = 30;
// A URL as Tornado recognises it, applied to already-escaped text (so "&" only appears in
// entities): a protocol or "www.", then characters up to one that may end a URL, or a balanced
// parenthesised part. `\b` is spelled out with Python's Unicode word characters.
const URL_CHAR = `(?:[^${PY_SPACE}&()]|&amp;|&quot;)`;
const URL_END = `[^!"#$%&'()*+,.:;<=>?@\\[\\]^\`{|}~${PY_SPACE}]`;
const URL_RE = new RegExp(
  `(?:(?<=[${PY_WORD}])(?![${PY_WORD}])|(?<![${PY_WORD}])(?=[${PY_WORD}]))` +
    `((?:([${PY_WORD}-]+):(/{1,3})|www[.])(?:(?:${URL_CHAR}*${URL_END})|(?:\\(${URL_CHAR}*\\)))+)`,
  "gu",
);

/**
 * Converts plain text to HTML with its URLs turned into links (Tornado's `linkify`).
 *
 * The text is HTML-escaped first, so the result is safe to insert. `http://`, `https://` and
 * `www.` URLs are linked (a `www.` URL gets an `http://` href); other protocols stay text unless
 * `permittedProtocols` names them. Options may be given as an object or, as in Tornado, as
 * positional arguments: `linkify(text, shorten, extraParams, requireProtocol, permittedProtocols)`.
 */
export function linkify(text: string | Uint8Array, options?: LinkifyOptions): string;
export function linkify(
  text: string | Uint8Array,
  shorten?: boolean,
  extraParams?: string | ((href: string) => string),
  requireProtocol?: boolean,
  permittedProtocols?: readonly string[],
): string;
export function linkify(
  text: string | Uint8Array,
  shortenOrOptions?: boolean | LinkifyOptions,
  extraParams?: string | ((href: string) => string),
  requireProtocol?: boolean,
  permittedProtocols?: readonly string[],
): string {
  const options: LinkifyOptions =
    typeof shortenOrOptions === "object" && shortenOrOptions !== null
      ? shortenOrOptions
      : {
          shorten: shortenOrOptions ?? false,
          extraParams: extraParams ?? "",
          requireProtocol: requireProtocol ?? false,
          permittedProtocols: permittedProtocols ?? ["http", "https"],
        };
  const shorten = options.shorten ?? false;
  const extra = options.extraParams ?? "";
  const needProtocol = options.requireProtocol ?? false;
  const protocols = options.permittedProtocols ?? ["http", "https"];
  const fixedParams = typeof extra === "string" && extra ? " " + pyStrip(extra) : "";
  URL_RE.lastIndex = 0;
  return xhtmlEscape(toText(text)).replace(
    URL_RE,
    (url: string, _whole: string, proto: string | undefined, slashes: string | undefined) => {
      if (needProtocol && !proto) return url;
      if (proto && !protocols.includes(proto)) return url;
      const href = proto ? url : "http://" + url;
      let params = typeof extra === "function" ? " " + pyStrip(extra(href)) : fixedParams;
      let shown = url;
      if (shorten && codePointLength(url) > LINKIFY_MAX_LEN) {
        const clipped = shortenUrl(url, proto ? proto.length + 1 + (slashes ?? "").length : 0);
        if (clipped !== url) {
          shown = clipped;
          if (codePointLength(shown) >= codePointLength(url)) shown = url;
          else params += ` title="${href}"`;
        }
      }
      return `<a href="${href}"${params}>${shown}</a>`;
    },
  );
}

/** The shortened link text for `url` (counting code points, as Python does); "..." is added. */
function shortenUrl(url: string, protoLength: number): string {
  const points = Array.from(url);
  let out = points;
  const parts = points.slice(protoLength).join("").split("/");
  if (parts.length > 1) {
    const firstPathPart = Array.from(parts[1]!).slice(0, 8).join("").split("?")[0]!.split(".")[0]!;
    out = Array.from(points.slice(0, protoLength).join("") + parts[0] + "/" + firstPathPart);
  }
  if (out.length > LINKIFY_MAX_LEN * 1.5) out = out.slice(0, LINKIFY_MAX_LEN);
  if (out.join("") === url) return url;
  const amp = out.lastIndexOf("&");
  // Never cut an entity such as "&amp;" in half.
  if (amp > LINKIFY_MAX_LEN - 5) out = out.slice(0, amp);
  return out.join("") + "...";
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
