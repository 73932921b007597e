/**
 * Request bodies (part of Tornado's `tornado.httputil`): query strings and urlencoded forms
 * parsed into byte values, multipart/form-data into fields and files with Tornado 6.5's limits,
 * header parameters (`name="a"; filename*=...`), `urlConcat`, and the byte length of a body chunk.
 * @module
 */
import { urlEscape, urlUnescape } from "../escape.ts";
import { isReadonlyArray } from "../guards.ts";
import { HTTPHeaders } from "./headers.ts";

/** A file uploaded in a `multipart/form-data` body (Tornado's `HTTPFile`). */
export interface HTTPFile {
  /** The file name the client sent (RFC 2231 `filename*` decoded). Not safe as a path: sanitise it. */
  readonly filename: string;
  /** The file's bytes. */
  readonly body: Buffer;
  /** The part's `Content-Type`, or `application/unknown` when the client sent none. */
  readonly contentType: string;
}

/** Arguments by name, each a list of raw byte values in the order they appeared. */
export type ArgumentMap = Record<string, Buffer[]>;
/** Uploaded files by form field name. */
export type FileMap = Record<string, HTTPFile[]>;

/** The bytes a body chunk takes on the wire: a string's UTF-8 length, a buffer's length. */
export function byteLength(data: string | Uint8Array): number {
  return typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
}

/** An empty argument or file map with no prototype, so names such as `__proto__` are plain keys. */
export function emptyMap<T>(): Record<string, T[]> {
  const map: Record<string, T[]> = Object.create(null);
  return map;
}

/** Limits for body parsing; Tornado 6.5's multipart defaults. */
export interface BodyParseLimits {
  /** The most parts a multipart body may have (default 100). */
  maxParts?: number;
  /** The most bytes of headers one part may have (default 10 KiB). */
  maxPartHeaderSize?: number;
  /** The most non-file fields (default: no limit but `maxParts`). */
  maxFields?: number;
  /** The most files (default: no limit but `maxParts`). */
  maxFiles?: number;
  /** The largest non-file field value in bytes (default: no limit); more is a {@link BodyPartTooLargeError}. */
  maxFieldSize?: number;
  /** The largest file in bytes (default: no limit); more is a {@link BodyPartTooLargeError}. */
  maxFileSize?: number;
}

/** A request body that cannot be parsed; the message names the problem. */
export class BodyParseError extends Error {
  /** The error's name, `"BodyParseError"`. */
  override readonly name: string = "BodyParseError";
}

/** A multipart field or file larger than its limit (answered with 413 rather than 400). */
export class BodyPartTooLargeError extends BodyParseError {
  /** The error's name, `"BodyPartTooLargeError"`. */
  override readonly name = "BodyPartTooLargeError";
}

function percentDecodeLatin1(text: string, plus: boolean): Buffer {
  const source = Buffer.from(text, "latin1");
  const out = Buffer.allocUnsafe(source.length);
  let n = 0;
  for (let i = 0; i < source.length; i++) {
    const byte = source[i]!;
    if (byte === 0x2b && plus) {
      out[n++] = 0x20;
    } else if (byte === 0x25 && i + 2 < source.length) {
      const hi = hexDigit(source[i + 1]!);
      const lo = hexDigit(source[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
      } else {
        out[n++] = byte;
      }
    } else {
      out[n++] = byte;
    }
  }
  return out.subarray(0, n);
}

/** Whether `text` has no `%` or `+`, and (with `ascii`) no character beyond ASCII. */
function unescaped(text: string, ascii: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 || c === 0x2b || (ascii && c > 0x7f)) return false;
  }
  return true;
}

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/**
 * Parses a query string or form-urlencoded body as Python's `parse_qs` with blank values kept:
 * pairs are split on `&` only, `+` is a space, values are percent-decoded to bytes.
 *
 * Differs from Tornado: names are decoded as UTF-8 (Tornado decodes them as latin-1, so a
 * non-ASCII argument name could not be looked up).
 */
export function parseQsBytes(qs: string, into: ArgumentMap = emptyMap()): ArgumentMap {
  const end = qs.length;
  let start = 0;
  while (start < end) {
    let amp = qs.indexOf("&", start);
    if (amp < 0) amp = end;
    if (amp > start) {
      const eq = qs.indexOf("=", start);
      const named = eq >= 0 && eq < amp;
      const rawName = qs.slice(start, named ? eq : amp);
      const rawValue = named ? qs.slice(eq + 1, amp) : "";
      // Plain text needs no decoding: a name is itself, a value its latin-1 bytes.
      const name = unescaped(rawName, true)
        ? rawName
        : percentDecodeLatin1(rawName, true).toString("utf8");
      const value = unescaped(rawValue, false)
        ? Buffer.from(rawValue, "latin1")
        : percentDecodeLatin1(rawValue, true);
      const list = into[name];
      if (list) list.push(value);
      else into[name] = [value];
    }
    start = amp + 1;
  }
  return into;
}

/** Splits a header value such as `form-data; name="a"; filename*=UTF-8''%C3%A9.txt` into its parts. */
export function parseHeaderParams(value: string): [string, Record<string, string>] {
  const params: Record<string, string> = Object.create(null);
  const pieces: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted && ch === "\\" && i + 1 < value.length) {
      current += ch + value[++i];
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ";" && !quoted) {
      pieces.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  pieces.push(current);
  const main = (pieces.shift() ?? "").trim().toLowerCase();
  for (const piece of pieces) {
    const eq = piece.indexOf("=");
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    let val = piece.slice(eq + 1).trim();
    if (val.length >= 2 && val.startsWith('"') && val.endsWith('"')) {
      // Only \\ and \" are escapes here (as Tornado reads them): browsers send Windows paths
      // (`C:\dir\file.txt`) with their backslashes as they are.
      val = val.slice(1, -1).replace(/\\([\\"])/g, "$1");
    }
    if (key.endsWith("*")) {
      // RFC 2231/5987 extended parameter: charset'language'percent-encoded-value.
      const match = /^([^']*)'[^']*'(.*)$/.exec(val);
      if (match) {
        const bytes = percentDecodeLatin1(match[2]!, false);
        const charset = (match[1] ?? "").toLowerCase();
        params[key.slice(0, -1)] = bytes.toString(charset === "iso-8859-1" ? "latin1" : "utf8");
        continue;
      }
    }
    if (!(key in params)) params[key] = val;
  }
  return [main, params];
}

/**
 * Parses a `multipart/form-data` body held in memory, with Tornado's rules: parts without a
 * file name (or with an empty one) are arguments, the others files.
 */
export function parseMultipartFormData(
  boundary: string,
  body: Buffer,
  args: ArgumentMap,
  files: FileMap,
  limits: BodyParseLimits = {},
): void {
  const maxParts = limits.maxParts ?? 100;
  const maxHeader = limits.maxPartHeaderSize ?? 10 * 1024;
  let bound = boundary;
  if (bound.length >= 2 && bound.startsWith('"') && bound.endsWith('"')) bound = bound.slice(1, -1);
  if (bound === "") throw new BodyParseError("Invalid multipart/form-data: missing boundary");
  const finalBoundary = body.lastIndexOf(`--${bound}--`);
  if (finalBoundary < 0) {
    throw new BodyParseError("Invalid multipart/form-data: no final boundary found");
  }
  const separator = Buffer.from(`--${bound}\r\n`);
  const data = body.subarray(0, finalBoundary);
  let start = 0;
  let count = 0;
  while (start <= data.length) {
    let end = data.indexOf(separator, start);
    if (end < 0) end = data.length;
    const part = data.subarray(start, end);
    start = end + separator.length;
    if (part.length === 0) continue;
    if (++count > maxParts)
      throw new BodyParseError(`Invalid multipart/form-data: more than ${maxParts} parts`);
    const eoh = part.indexOf("\r\n\r\n");
    if (eoh < 0) throw new BodyParseError("Invalid multipart/form-data: missing headers");
    if (eoh > maxHeader)
      throw new BodyParseError("Invalid multipart/form-data: part headers too large");
    let headers: HTTPHeaders;
    try {
      headers = HTTPHeaders.parse(part.subarray(0, eoh).toString("utf8"));
    } catch (error) {
      throw new BodyParseError(
        `Invalid multipart/form-data: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const [disposition, params] = parseHeaderParams(headers.get("Content-Disposition", ""));
    if (disposition !== "form-data" || part.at(-2) !== 0x0d || part.at(-1) !== 0x0a) {
      throw new BodyParseError("Invalid multipart/form-data");
    }
    const value = part.subarray(eoh + 4, part.length - 2);
    const name = params["name"];
    if (!name) throw new BodyParseError("Invalid multipart/form-data: value missing name");
    const filename = params["filename"];
    checkPartLimits(limits, filename ? "file" : "field", value.length, files, args);
    if (filename) {
      const file: HTTPFile = {
        filename,
        body: Buffer.from(value),
        contentType: headers.get("Content-Type", "application/unknown"),
      };
      const list = files[name];
      if (list) list.push(file);
      else files[name] = [file];
    } else {
      const list = args[name];
      if (list) list.push(Buffer.from(value));
      else args[name] = [Buffer.from(value)];
    }
  }
}

function countValues(map: Record<string, unknown[]>): number {
  let n = 0;
  for (const values of Object.values(map)) n += values.length;
  return n;
}

function checkPartLimits(
  limits: BodyParseLimits,
  kind: "file" | "field",
  size: number,
  files: FileMap,
  args: ArgumentMap,
): void {
  const maxSize = kind === "file" ? limits.maxFileSize : limits.maxFieldSize;
  if (maxSize !== undefined && size > maxSize)
    throw new BodyPartTooLargeError(
      `Invalid multipart/form-data: ${kind} larger than ${maxSize} bytes`,
    );
  const maxCount = kind === "file" ? limits.maxFiles : limits.maxFields;
  if (maxCount !== undefined && countValues(kind === "file" ? files : args) >= maxCount)
    throw new BodyParseError(`Invalid multipart/form-data: more than ${maxCount} ${kind}s`);
}

/**
 * Parses a form body into `args` and `files` when its content type is
 * `application/x-www-form-urlencoded` or `multipart/form-data`; other types are left alone.
 * Throws {@link BodyParseError} naming the problem when the body is malformed.
 */
export function parseBodyArguments(
  contentType: string,
  body: Buffer,
  args: ArgumentMap,
  files: FileMap,
  limits?: BodyParseLimits,
): void {
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    parseQsBytes(body.toString("latin1"), args);
  } else if (contentType.startsWith("multipart/form-data")) {
    const [, params] = parseHeaderParams(contentType);
    const boundary = params["boundary"];
    if (!boundary) throw new BodyParseError("Invalid multipart/form-data: missing boundary");
    parseMultipartFormData(boundary, body, args, files, limits);
  }
}

/**
 * Appends query arguments to a URL (Tornado's `url_concat`). `args` is an object (arrays give
 * repeated names) or a list of pairs; `null` returns `url` unchanged.
 *
 * As in Tornado, the URL's existing query is parsed (blank values kept, so `?x` becomes `x=`) and
 * written again together with the new arguments, every name and value encoded as Python's
 * `quote_plus` does; the fragment stays at the end.
 */
export function urlConcat(
  url: string,
  args:
    | Record<string, string | number | readonly (string | number)[]>
    | readonly (readonly [string, string | number])[]
    | null,
): string {
  if (!args) return url;
  const hashIndex = url.indexOf("#");
  const fragment = hashIndex >= 0 ? url.slice(hashIndex + 1) : "";
  const withoutFragment = hashIndex >= 0 ? url.slice(0, hashIndex) : url;
  const queryIndex = withoutFragment.indexOf("?");
  const base = queryIndex >= 0 ? withoutFragment.slice(0, queryIndex) : withoutFragment;
  const pairs: [string, string][] = [];
  if (queryIndex >= 0) {
    for (const piece of withoutFragment.slice(queryIndex + 1).split("&")) {
      if (piece === "") continue;
      const eq = piece.indexOf("=");
      const name = eq < 0 ? piece : piece.slice(0, eq);
      pairs.push([urlUnescape(name), eq < 0 ? "" : urlUnescape(piece.slice(eq + 1))]);
    }
  }
  if (isReadonlyArray(args)) {
    for (const [k, v] of args) pairs.push([k, String(v)]);
  } else {
    for (const [k, v] of Object.entries(args)) {
      if (isReadonlyArray(v)) for (const item of v) pairs.push([k, String(item)]);
      else pairs.push([k, String(v)]);
    }
  }
  const query = pairs.map(([k, v]) => `${urlEscape(k)}=${urlEscape(v)}`).join("&");
  return base + (query ? `?${query}` : "") + (fragment ? `#${fragment}` : "");
}
