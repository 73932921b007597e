/**
 * A request handler's per-request state and the output machinery that works on it: the header
 * block in Tornado's order, the body, and the Content-Length check. Internal to
 * `tornado-ts/web`: RequestHandler keeps one HandlerState and calls these functions, which being
 * plain functions stay fast however many handler classes an application has.
 * @module
 */
import * as crypto from "node:crypto";
import type { ServerResponse } from "node:http";
import { httpDateNow } from "../httputil/dates.ts";
import { HTTPOutputError } from "../httputil/errors.ts";
import { normalizeHeaderName } from "../httputil/headers.ts";
import type { Locale } from "../locale.ts";
import type { HeaderValue, OutputTransform } from "./request-handler.ts";
import type { XsrfTokenParts } from "./xsrf.ts";

export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 section 5.5: field values may hold TAB, visible ASCII and obs-text; CR and LF (and the
// other controls) would split the header and let a caller inject headers (response splitting).
export const UNSAFE_HEADER_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
// The common case, checked first: nothing but TAB and printable ASCII (safe, and sent as it is).
export const PLAIN_HEADER_VALUE = /^[\t\x20-\x7e]*$/;

// One-shot hashing (Node 20.12+) skips making a Hash object: about 2.5 times faster for the small
// bodies most responses have. Looked up at run time, as older Node 20 releases lack it.
export const oneShotHash = typeof crypto.hash === "function" ? crypto.hash : undefined;
export const EMPTY_BODY_ETAG = `"${crypto.createHash("sha1").digest("hex")}"`;
// ETags of recent small text bodies: many responses repeat the same body (a fixed page, an API
// answer), and a Map lookup costs less than hashing. Bounded in entries and in body length.
const ETAG_MEMO_MAX_ENTRIES = 256;
const ETAG_MEMO_MAX_LENGTH = 1024;
const etagMemo = new Map<string, string>();

export function textEtag(body: string): string {
  const small = body.length <= ETAG_MEMO_MAX_LENGTH;
  if (small) {
    const known = etagMemo.get(body);
    if (known !== undefined) return known;
  }
  const etag = oneShotHash
    ? `"${oneShotHash("sha1", body, "hex")}"`
    : `"${crypto.createHash("sha1").update(body).digest("hex")}"`;
  if (small) {
    if (etagMemo.size >= ETAG_MEMO_MAX_ENTRIES) etagMemo.clear();
    etagMemo.set(body, etag);
  }
  return etag;
}

// Header names already checked, with their map key and Tornado's spelling: responses set the same
// few names over and over, and the check, lower-casing and spelling are each work per call.
const checkedNames = new Map<string, readonly [key: string, name: string]>();

export function checkedHeaderName(name: string): readonly [key: string, name: string] {
  let known = checkedNames.get(name);
  if (known === undefined) {
    if (!HEADER_NAME.test(name)) throw new Error(`Invalid header name ${JSON.stringify(name)}`);
    known = [name.toLowerCase(), normalizeHeaderName(name)];
    if (checkedNames.size < 1000) checkedNames.set(name, known);
  }
  return known;
}

export function headerValueToString(value: HeaderValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new TypeError(`Unsupported header value ${value}`);
    return String(value);
  }
  if (value instanceof Date) return value.toUTCString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("latin1");
  throw new TypeError(`Unsupported header value ${String(value)}`);
}

export const EMPTY = Buffer.alloc(0);

export function byteLength(data: string | Buffer): number {
  return typeof data === "string" ? Buffer.byteLength(data) : data.length;
}

export interface OutputMismatch {
  error: HTTPOutputError;
  /** Fewer bytes than announced (else more). */
  short: boolean;
}

/** The server version sent in the `Server` header. */
export const SERVER_VERSION = "tornado-ts/0.1.0";

/**
 * A response header: never changed once made (a change makes a new entry), so the default headers
 * every response starts with are shared objects rather than three new ones per request.
 */
export interface HeaderEntry {
  readonly name: string;
  readonly values: readonly string[];
  /** Every value is printable ASCII (or TAB): sent as it is, with no per-value check at send time. */
  readonly ascii: boolean;
}

/** The `Server` header every response starts with. */
const SERVER_ENTRY: HeaderEntry = { name: "Server", values: [SERVER_VERSION], ascii: true };
/** The default `Content-Type`, as Tornado's. */
const HTML_ENTRY: HeaderEntry = {
  name: "Content-Type",
  values: ["text/html; charset=UTF-8"],
  ascii: true,
};
/**
 * A response's headers by lower-case name, in the order first set. Two parallel arrays searched in
 * order: a response has a handful of headers, and for so few a Map costs more (making and clearing
 * its table is about 200 ns per response). Setting a name again keeps its position, as Tornado's
 * header dictionary does.
 */
export class HeaderList {
  readonly keys: string[];
  readonly entries: HeaderEntry[];

  constructor(keys: string[], entries: HeaderEntry[]) {
    this.keys = keys;
    this.entries = entries;
  }

  #indexOf(key: string): number {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i;
    return -1;
  }

  get(key: string): HeaderEntry | undefined {
    const i = this.#indexOf(key);
    return i < 0 ? undefined : this.entries[i];
  }

  has(key: string): boolean {
    return this.#indexOf(key) >= 0;
  }

  set(key: string, entry: HeaderEntry): void {
    const i = this.#indexOf(key);
    if (i < 0) {
      this.keys.push(key);
      this.entries.push(entry);
    } else {
      this.entries[i] = entry;
    }
  }

  delete(key: string): void {
    const i = this.#indexOf(key);
    if (i >= 0) {
      this.keys.splice(i, 1);
      this.entries.splice(i, 1);
    }
  }
}

/** Every response's headers before the handler sets any: Server, Content-Type and Date. */
export function defaultHeaders(): HeaderList {
  return new HeaderList(
    ["server", "content-type", "date"],
    [SERVER_ENTRY, HTML_ENTRY, dateEntry()],
  );
}

// What a HandlerState holds until its handler's constructor calls clear(): frozen, so a use before
// that fails loudly.
const UNSET_HEADERS: HeaderList = new HeaderList(
  Object.freeze([]) as unknown as string[],
  Object.freeze([]) as unknown as HeaderEntry[],
);

let dateEntryNow: HeaderEntry = { name: "Date", values: [""], ascii: true };

/** The `Date` header for now: one entry per second. */
export function dateEntry(): HeaderEntry {
  const now = httpDateNow();
  if (dateEntryNow.values[0] !== now) {
    dateEntryNow = { name: "Date", values: [now], ascii: true };
  }
  return dateEntryNow;
}

const NON_ASCII = /[^\x00-\x7f]/;
const ABOVE_LATIN1 = /[^\x00-\xff]/;

/**
 * A header value as Node should send it, byte for byte as latin-1: characters up to U+00FF are one
 * byte each (as Tornado sends them), a value with characters above that goes out as its UTF-8 bytes.
 */
function wireValue(value: string): string {
  return ABOVE_LATIN1.test(value) ? Buffer.from(value, "utf8").toString("latin1") : value;
}

/**
 * A handler's own per-request state, in one object of one shape. As private fields of the handler
 * each would be defined on every new handler object, and with many handler subclasses (each with
 * its own object shape) those definitions go megamorphic: 23 of them cost about 370 ns per
 * handler against 110 ns for this one object (8 subclasses constructed in turn, Node 20).
 */
export class HandlerState {
  status = 200;
  reason = "OK";
  headers: HeaderList = UNSET_HEADERS;
  // Made by the first setCookie: most responses set none.
  /** `[name, line, name, line, ...]`: the Set-Cookie lines by cookie name, in order. */
  cookies: string[] | undefined;
  chunks: (string | Uint8Array)[] = [];
  headersWritten = false;
  finished = false;
  autoFinish = true;
  pendingError: Promise<void> | undefined;
  currentUser: unknown;
  currentUserLoaded = false;
  currentUserPending: Promise<unknown> | undefined;
  rawXsrf: (XsrfTokenParts & { fromCookie: boolean }) | undefined;
  xsrfToken: string | undefined;
  jsonBody: { value: unknown } | undefined;
  connectionClosed = false;
  /** Whether the response's `close` event has fired, and the resolver of `finish()`'s promise. */
  responseClosed = false;
  watching = false;
  resolveFinish: (() => void) | undefined;
  /** Set while the framework's own `finish()` call runs: its promise is not needed. */
  finishUnawaited = false;
  transforms: readonly OutputTransform[] | undefined;
  /** The Content-Length sent, when the response carries one and a body; bytes are counted against it. */
  declaredLength: number | undefined;
  sentLength = 0;
  latin1Headers = false;
  locale: Locale | undefined;
  ui: Record<string, unknown> | undefined;
  templatesReset = false;
}

export function bodyLength(s: HandlerState): number {
  let n = 0;
  for (const chunk of s.chunks)
    n += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
  return n;
}

export function takeBody(s: HandlerState): string | Buffer {
  const chunks = s.chunks;
  if (chunks.length === 0) return "";
  s.chunks = [];
  if (chunks.length === 1) {
    const only = chunks[0]!;
    return typeof only === "string"
      ? only
      : Buffer.from(only.buffer, only.byteOffset, only.byteLength);
  }
  return Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
}

/**
 * The response as `[name, value, name, value, ...]` in Tornado's order (cookies after headers).
 * Notes when a value is not ASCII: Node sends the header block in the encoding of the body chunk
 * it travels with, so the body must then be bytes for the header to go out as latin-1.
 */
export function rawHeaders(s: HandlerState): string[] {
  const out: string[] = [];
  const cookies = s.cookies;
  let cookiesSent = cookies === undefined;
  const entries = s.headers.entries;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.ascii) {
      const values = entry.values;
      if (values.length === 1) out.push(entry.name, values[0]!);
      else for (const value of values) out.push(entry.name, value);
    } else {
      pushValues(s, out, entry);
    }
    // Tornado adds cookies to the Set-Cookie header, so they join one set by hand in its place.
    if (entry.name === "Set-Cookie" && cookies) {
      pushCookies(s, out, cookies);
      cookiesSent = true;
    }
  }
  if (!cookiesSent && cookies) {
    pushCookies(s, out, cookies);
  }
  return out;
}

/** Pushes the values of a header that may hold characters beyond ASCII, as Node must send them. */
function pushValues(s: HandlerState, out: string[], entry: HeaderEntry): void {
  for (const value of entry.values) {
    if (NON_ASCII.test(value)) {
      s.latin1Headers = true;
      out.push(entry.name, wireValue(value));
    } else {
      out.push(entry.name, value);
    }
  }
}

function pushCookies(s: HandlerState, out: string[], cookies: readonly string[]): void {
  for (let i = 1; i < cookies.length; i += 2) {
    const line = cookies[i]!;
    if (NON_ASCII.test(line)) {
      s.latin1Headers = true;
      out.push("Set-Cookie", wireValue(line));
    } else {
      out.push("Set-Cookie", line);
    }
  }
}

/** A body chunk ready for Node: bytes when the header block must go out as latin-1. */
export function wireChunk(s: HandlerState, data: Buffer | string): Buffer | string {
  return s.latin1Headers && typeof data === "string" ? Buffer.from(data) : data;
}

export function writeHead(s: HandlerState, res: ServerResponse, method: string): void {
  res.sendDate = false;
  res.writeHead(s.status, s.reason, rawHeaders(s));
  s.headersWritten = true;
  const length = s.headers.get("content-length");
  // A HEAD or 304 response has no body whatever its Content-Length says (RFC 9110 8.6), as Tornado.
  if (length !== undefined && method !== "HEAD" && s.status !== 304) {
    s.declaredLength = Number(length.values[0]);
  }
}

/**
 * Counts body bytes against the Content-Length that was sent. RFC 9112 section 6.3: the length
 * must be exact, or the client reads the surplus as the next response (or waits for bytes that
 * never come); a mismatch closes the connection, as in Tornado.
 */
export function countBody(
  s: HandlerState,
  length: number,
  finishing: boolean,
  res: ServerResponse,
): OutputMismatch | undefined {
  const declared = s.declaredLength;
  if (declared === undefined) return undefined;
  s.sentLength += length;
  if (s.sentLength > declared) {
    s.declaredLength = undefined;
    return {
      error: new HTTPOutputError("Tried to write more data than Content-Length"),
      short: false,
    };
  }
  // A client that went away takes the short body with it: there is no framing left to break
  // (Tornado skips this check once its stream is closed).
  if (finishing && s.sentLength < declared && !s.responseClosed && !res.socket?.destroyed) {
    s.declaredLength = undefined;
    const missing = declared - s.sentLength;
    return {
      error: new HTTPOutputError(`Tried to write ${missing} bytes less than Content-Length`),
      short: true,
    };
  }
  return undefined;
}

/**
 * Ends a response whose framing is broken and throws the error: a short body is sent before the
 * connection closes (as Tornado does); a body too long is not sent at all.
 */
export function abortResponse(
  res: ServerResponse,
  mismatch: OutputMismatch,
  data: Buffer | string,
): never {
  const socket = res.socket;
  if (mismatch.short) {
    res.end(data, () => socket?.destroy());
  } else {
    res.destroy();
    socket?.destroy();
  }
  throw mismatch.error;
}
