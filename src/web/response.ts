/**
 * The response a request handler builds: status, headers in Tornado's order, cookies to set, the
 * buffered body and its ETag, and the sending of it all (`flush`, and `finish`, which ends with the
 * same send as `flush`, as Tornado's does). One `HandlerResponse` per handler, with its state in
 * `#private` fields; RequestHandler's output methods are its public face. Internal to
 * `tornado-ts/web` apart from the types it declares.
 * @module
 */
import * as crypto from "node:crypto";
import type { ServerResponse } from "node:http";
import { byteLength } from "../httputil/body.ts";
import { httpDateNow } from "../httputil/dates.ts";
import { HTTPOutputError } from "../httputil/errors.ts";
import { normalizeHeaderName } from "../httputil/headers.ts";
import type { HTTPServerRequest } from "../httputil/request.ts";
import { onResponseClose } from "../httputil/response-close.ts";
import { responses } from "../httputil/responses.ts";

/** A header value: strings as they are, numbers as decimal, dates as HTTP dates. */
export type HeaderValue = string | number | Date | Uint8Array;

/** What an output transform may read and change of the response: its headers (the handler's). */
interface TransformTarget {
  getHeader(name: string): string | undefined;
  setHeader(name: string, value: HeaderValue): void;
  clearHeader(name: string): void;
}

/**
 * An output transform as the response calls it: `OutputTransform` (in request-handler.ts, where
 * its first argument is the handler) seen from here, so this file needs no RequestHandler.
 */
interface ChunkTransform {
  transformFirstChunk(
    target: TransformTarget,
    chunk: Buffer | string,
    finishing: boolean,
  ): Buffer | string;
  transformChunk(chunk: Buffer, finishing: boolean): Buffer;
}

/** Makes one request's transform of one kind, or `null` when it does not apply. */
type ChunkTransformFactory = (request: HTTPServerRequest) => ChunkTransform | null;

/** The server version sent in the `Server` header. */
export const SERVER_VERSION = "tornado-ts/0.1.0";

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 section 5.5: field values may hold TAB, visible ASCII and obs-text; CR and LF (and the
// other controls) would split the header and let a caller inject headers (response splitting).
const UNSAFE_HEADER_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
// The common case, checked first: nothing but TAB and printable ASCII (safe, and sent as it is).
const PLAIN_HEADER_VALUE = /^[\t\x20-\x7e]*$/;
const NON_ASCII = /[^\x00-\x7f]/;
const ABOVE_LATIN1 = /[^\x00-\xff]/;
// Reason phrases (RFC 9112 section 4): TAB, SP, VCHAR, obs-text; Tornado also refuses "<".
const SAFE_REASON = /^[\t \x21-\x7e\x80-\xff]+$/;
const NO_RESPONSE = "This request has no response stream (it was not received by a server)";

// One-shot hashing (Node 20.12+) skips making a Hash object: the SHA-1 ETag of a 20-byte text in
// about 365 ns against 1040 ns with createHash, of 4 KiB in 2.9 against 3.5 µs (Node 20,
// bench/micro/optimisations.mjs etag-oneshot, etag-oneshot-4k). Looked up at run time, as older Node 20
// releases lack it.
const oneShotHash = typeof crypto.hash === "function" ? crypto.hash : undefined;
const EMPTY_BODY_ETAG = `"${crypto.createHash("sha1").digest("hex")}"`;
// ETags of recent small text bodies: many responses repeat the same body (a fixed page, an API
// answer), and a Map lookup costs less than hashing: about 15 ns against 265 ns for a constant
// 20-byte text, 476 against 801 ns for the minimal JSON body made afresh by JSON.stringify each
// time (Node 20, bench/micro/optimisations.mjs etag-memo-constant, etag-memo). Bounded in entries and in body length.
const ETAG_MEMO_MAX_ENTRIES = 256;
const ETAG_MEMO_MAX_LENGTH = 1024;
const etagMemo = new Map<string, string>();

function textEtag(body: string): string {
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
// few names over and over. About 13 ns per call against 43 ns for the check, lower-casing and
// spelling each time (Node 20, bench/micro/optimisations.mjs header-names).
const checkedNames = new Map<string, readonly [key: string, name: string]>();

function checkedHeaderName(name: string): readonly [key: string, name: string] {
  let known = checkedNames.get(name);
  if (known === undefined) {
    if (!HEADER_NAME.test(name)) throw new Error(`Invalid header name ${JSON.stringify(name)}`);
    known = [name.toLowerCase(), normalizeHeaderName(name)];
    if (checkedNames.size < 1000) checkedNames.set(name, known);
  }
  return known;
}

function headerValueToString(value: HeaderValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new TypeError(`Unsupported header value ${value}`);
    return String(value);
  }
  if (value instanceof Date) return value.toUTCString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("latin1");
  throw new TypeError(`Unsupported header value ${String(value)}`);
}

/** Refuses a header value HTTP cannot carry safely (one that is not plain ASCII is checked). */
function checkValue(text: string): void {
  if (UNSAFE_HEADER_VALUE.test(text))
    throw new Error(`Unsafe header value ${JSON.stringify(text)}`);
}

/**
 * A header value as Node should send it, byte for byte as latin-1: characters up to U+00FF are one
 * byte each (as Tornado sends them), a value with characters above that goes out as its UTF-8 bytes.
 */
function wireValue(value: string): string {
  return ABOVE_LATIN1.test(value) ? Buffer.from(value, "utf8").toString("latin1") : value;
}

/**
 * A response header: never changed once made (a change makes a new entry), so the default headers
 * every response starts with are shared objects rather than three new ones per request (reset()
 * in about 14 ns against 19 ns; Node 20, bench/micro/optimisations.mjs default-headers).
 */
interface HeaderEntry {
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
let dateEntryNow: HeaderEntry = { name: "Date", values: [""], ascii: true };

/** The `Date` header for now: one entry per second. */
function dateEntry(): HeaderEntry {
  const now = httpDateNow();
  if (dateEntryNow.values[0] !== now) {
    dateEntryNow = { name: "Date", values: [now], ascii: true };
  }
  return dateEntryNow;
}

/**
 * A response's headers by lower-case name, in the order first set. Two parallel arrays searched in
 * order: a response has a handful of headers, and for so few a Map costs more (making and clearing
 * its table is about 200 ns per response). Setting a name again keeps its position, as Tornado's
 * header dictionary does.
 */
class HeaderList {
  #keys: string[] = [];
  #entries: HeaderEntry[] = [];

  /** Back to every response's headers before the handler sets any: Server, Content-Type, Date. */
  reset(): void {
    this.#keys = ["server", "content-type", "date"];
    this.#entries = [SERVER_ENTRY, HTML_ENTRY, dateEntry()];
  }

  get entries(): readonly HeaderEntry[] {
    return this.#entries;
  }

  #indexOf(key: string): number {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i;
    return -1;
  }

  get(key: string): HeaderEntry | undefined {
    const i = this.#indexOf(key);
    return i < 0 ? undefined : this.#entries[i];
  }

  has(key: string): boolean {
    return this.#indexOf(key) >= 0;
  }

  set(key: string, entry: HeaderEntry): void {
    const i = this.#indexOf(key);
    if (i < 0) {
      this.#keys.push(key);
      this.#entries.push(entry);
    } else {
      this.#entries[i] = entry;
    }
  }

  delete(key: string): void {
    const i = this.#indexOf(key);
    if (i >= 0) {
      this.#keys.splice(i, 1);
      this.#entries.splice(i, 1);
    }
  }
}

/** A Content-Length mismatch found while sending. */
interface OutputMismatch {
  error: HTTPOutputError;
  /** Fewer bytes than announced (else more). */
  short: boolean;
}

/**
 * The response of one handler: what has been set and written so far, and how much of it has gone
 * out. `flush()` sends what is buffered; `finish()` adds Content-Length (or strips the body
 * headers of a bodiless status) and ends with the same send. The ETag and 304 decision are the
 * handler's (its `computeEtag` and `checkEtagHeader` are override points) and come before.
 *
 * One class of one shape for every handler class: its fields are defined per response without the
 * megamorphic stores that fields on handler subclasses cost (each subclass has its own shape).
 */
export class HandlerResponse {
  readonly #request: HTTPServerRequest;
  readonly #factories: readonly ChunkTransformFactory[];
  #status = 200;
  #reason = "OK";
  readonly #headers = new HeaderList();
  // Made by the first setCookie: most responses set none.
  /** `[name, line, name, line, ...]`: the Set-Cookie lines by cookie name, in order. */
  #cookies: string[] | undefined;
  #chunks: (string | Uint8Array)[] = [];
  #headersWritten = false;
  #finished = false;
  #transforms: readonly ChunkTransform[] | undefined;
  /** The Content-Length sent, when the response carries one and a body; bytes are counted against it. */
  #declaredLength: number | undefined;
  #sentLength = 0;
  /** Some header value is beyond ASCII: the header block must travel with a body of bytes. */
  #latin1Headers = false;
  #watching = false;
  #closed = false;
  #closedEarly = false;
  #resolveClosed: (() => void) | undefined;
  #onEarlyClose: (() => void) | undefined;

  /** `factories` make the output transforms, when the first bytes are sent. */
  constructor(request: HTTPServerRequest, factories: readonly ChunkTransformFactory[]) {
    this.#request = request;
    this.#factories = factories;
  }

  // ---- status and headers ------------------------------------------------------------------

  get status(): number {
    return this.#status;
  }

  get reason(): string {
    return this.#reason;
  }

  get headersWritten(): boolean {
    return this.#headersWritten;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Whether the response closed (the client went away) before it was finished. */
  get closedEarly(): boolean {
    return this.#closedEarly;
  }

  /** Resets the status, headers and body to their defaults; cookies stay. */
  clear(): void {
    this.#headers.reset();
    if (this.#chunks.length > 0) this.#chunks = [];
    this.#status = 200;
    this.#reason = "OK";
  }

  /** Sets the status and reason phrase (see `RequestHandler.setStatus`). */
  setStatus(statusCode: number, reason?: string): void {
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999) {
      throw new RangeError(
        `Invalid HTTP status code ${statusCode}: it must be an integer from 100 to 999`,
      );
    }
    this.#status = statusCode;
    let phrase = reason ?? responses[statusCode] ?? "Unknown";
    if (phrase.includes("<") || !SAFE_REASON.test(phrase)) phrase = "Unknown";
    this.#reason = phrase;
  }

  setHeader(name: string, value: HeaderValue): void {
    const [key, normalized] = checkedHeaderName(name);
    const text = headerValueToString(value);
    const ascii = PLAIN_HEADER_VALUE.test(text);
    if (!ascii) checkValue(text);
    this.#headers.set(key, { name: normalized, values: [text], ascii });
  }

  addHeader(name: string, value: HeaderValue): void {
    const [key, normalized] = checkedHeaderName(name);
    const text = headerValueToString(value);
    const ascii = PLAIN_HEADER_VALUE.test(text);
    if (!ascii) checkValue(text);
    const entry = this.#headers.get(key);
    this.#headers.set(
      key,
      entry
        ? { name: entry.name, values: [...entry.values, text], ascii: entry.ascii && ascii }
        : { name: normalized, values: [text], ascii },
    );
  }

  clearHeader(name: string): void {
    this.#headers.delete(name.toLowerCase());
  }

  /** Whether a header is set; `key` is its name in lower case. */
  hasHeader(key: string): boolean {
    return this.#headers.has(key);
  }

  getHeader(name: string): string | undefined {
    return this.#headers.get(name.toLowerCase())?.values.join(",");
  }

  /** Sets the `Etag` header; a plain ASCII value skips the checks `setHeader` makes. */
  setEtag(etag: string): void {
    if (PLAIN_HEADER_VALUE.test(etag)) {
      this.#headers.set("etag", { name: "Etag", values: [etag], ascii: true });
    } else {
      this.setHeader("Etag", etag);
    }
  }

  /** The headers as `[name, value]` pairs in order (cookies set by `setCookie` not included). */
  headerPairs(): [string, string][] {
    const out: [string, string][] = [];
    for (const entry of this.#headers.entries)
      for (const value of entry.values) out.push([entry.name, value]);
    return out;
  }

  /** Adds a formatted `Set-Cookie` line for `name`, replacing one set earlier for that name. */
  setCookie(name: string, line: string): void {
    const cookies = this.#cookies;
    if (cookies === undefined) {
      this.#cookies = [name, line];
      return;
    }
    // Tornado deletes a cookie set again before adding it: the new one goes last.
    for (let i = 0; i < cookies.length; i += 2) {
      if (cookies[i] === name) {
        cookies.splice(i, 2);
        break;
      }
    }
    cookies.push(name, line);
  }

  /** The `Set-Cookie` lines: those set as headers, then those from `setCookie`. */
  outgoingCookies(): string[] {
    const lines = [...(this.#headers.get("set-cookie")?.values ?? [])];
    const cookies = this.#cookies ?? [];
    for (let i = 1; i < cookies.length; i += 2) lines.push(cookies[i] ?? "");
    return lines;
  }

  // ---- the body ----------------------------------------------------------------------------

  /** Appends a chunk to the buffered body. */
  write(chunk: string | Uint8Array): void {
    if (chunk.length > 0) this.#chunks.push(chunk);
  }

  /** Drops the buffered body. */
  clearBody(): void {
    this.#chunks = [];
  }

  get hasBody(): boolean {
    return this.#chunks.length > 0;
  }

  /** The ETag of the buffered body: a quoted SHA-1 hex digest. */
  bodyEtag(): string {
    const chunks = this.#chunks;
    if (chunks.length === 0) return EMPTY_BODY_ETAG;
    const only = chunks.length === 1 ? chunks[0] : undefined;
    if (typeof only === "string") return textEtag(only);
    if (only !== undefined && oneShotHash) return `"${oneShotHash("sha1", only, "hex")}"`;
    const hash = crypto.createHash("sha1");
    for (const chunk of chunks) hash.update(chunk);
    return `"${hash.digest("hex")}"`;
  }

  #bodyLength(): number {
    let n = 0;
    for (const chunk of this.#chunks) n += byteLength(chunk);
    return n;
  }

  #takeBody(): string | Buffer {
    const chunks = this.#chunks;
    if (chunks.length === 0) return "";
    this.#chunks = [];
    const only = chunks.length === 1 ? chunks[0] : undefined;
    if (typeof only === "string") return only;
    if (only !== undefined) return Buffer.from(only.buffer, only.byteOffset, only.byteLength);
    return Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
  }

  // ---- sending -----------------------------------------------------------------------------

  #stream(): ServerResponse {
    const res = this.#request.rawResponse;
    if (!res) throw new Error(NO_RESPONSE);
    return res;
  }

  /** Sends what has been written so far (see `RequestHandler.flush`). */
  flush(target: TransformTarget): Promise<void> {
    if (this.#finished) return Promise.reject(new Error("Cannot flush() after finish()"));
    return this.#send(this.#stream(), target, false, -1, true) ?? Promise.resolve();
  }

  /**
   * Finishes the response: Content-Length (or, for a status without a body, no body headers),
   * then the last send, which ends it. With `awaited`, a promise that settles when the response
   * has closed; without, nothing (the framework's own finish needs none; making one was measured
   * at about 80 ns of a 4.9 µs GET /, within the rounds' spread: see RequestHandler's #finish).
   */
  finish(target: TransformTarget, awaited: boolean): Promise<void> | undefined {
    const res = this.#stream();
    let autoLength = -1;
    if (!this.#headersWritten) {
      const headers = this.#headers;
      const status = this.#status;
      if (status === 204 || status === 304 || (status >= 100 && status < 200)) {
        if (this.#chunks.length > 0) throw new Error(`Cannot send body with ${status}`);
        headers.delete("content-encoding");
        headers.delete("content-language");
        headers.delete("content-type");
      } else if (!headers.has("content-length")) {
        autoLength = this.#bodyLength();
        headers.set("content-length", {
          name: "Content-Length",
          values: [String(autoLength)],
          ascii: true,
        });
      }
    }
    const done = this.#send(res, target, true, autoLength, awaited);
    this.#finished = true;
    return done;
  }

  /**
   * Sends the buffered body, the status line and headers first when they have not gone out:
   * through the output transforms, counted against the Content-Length, written, or when
   * `finishing`, ending the response. `knownLength` is the body's length when the caller has just
   * measured it (-1 otherwise).
   */
  #send(
    res: ServerResponse,
    target: TransformTarget,
    finishing: boolean,
    knownLength: number,
    awaited: boolean,
  ): Promise<void> | undefined {
    const method = this.#request.method;
    let data: Buffer | string = this.#takeBody();
    let length = -1;
    const first = !this.#headersWritten;
    if (first) {
      const transforms = this.#makeTransforms();
      if (transforms.length === 0 && knownLength >= 0) {
        // The length just computed for the header: the body matches it by construction.
        length = knownLength;
      } else {
        for (const transform of transforms)
          data = transform.transformFirstChunk(target, data, finishing);
        if (finishing) {
          length = byteLength(data);
          const declared = this.#headers.get("content-length")?.values[0];
          // A body that will not match its Content-Length ends the connection: say so up front.
          if (
            declared !== undefined &&
            method !== "HEAD" &&
            this.#status !== 304 &&
            Number(declared) !== length
          ) {
            res.shouldKeepAlive = false;
          }
        }
      }
      this.#writeHead(res, method);
    } else {
      const transforms = this.#transforms;
      if (transforms !== undefined && transforms.length > 0) {
        let buffer = typeof data === "string" ? Buffer.from(data) : data;
        for (const transform of transforms) buffer = transform.transformChunk(buffer, finishing);
        data = buffer;
        length = -1;
      }
    }
    if (method === "HEAD") {
      data = "";
      length = 0;
    }
    if (!finishing && data.length === 0) {
      // Node holds the status line and headers until the first body byte; a first flush() sends
      // them now, as Tornado's does.
      if (first) res.flushHeaders();
      return Promise.resolve();
    }
    const mismatch = this.#count(length < 0 ? byteLength(data) : length, finishing, res);
    // A body of bytes when the header block must go out as latin-1 (Node sends the block in the
    // encoding of the chunk it travels with).
    const chunk = this.#latin1Headers && typeof data === "string" ? Buffer.from(data) : data;
    if (mismatch) {
      if (!finishing) {
        res.destroy();
        return Promise.reject(mismatch.error);
      }
      abort(res, mismatch, chunk);
    }
    if (!finishing) {
      return new Promise((resolve, reject) => {
        res.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
    }
    return this.#end(res, chunk, awaited);
  }

  #makeTransforms(): readonly ChunkTransform[] {
    const factories = this.#factories;
    let out: ChunkTransform[] | undefined;
    for (const factory of factories) {
      const transform = factory(this.#request);
      if (transform === null) continue;
      out ??= [];
      out.push(transform);
    }
    this.#transforms = out ?? NO_TRANSFORMS;
    return this.#transforms;
  }

  #writeHead(res: ServerResponse, method: string): void {
    res.sendDate = false;
    res.writeHead(this.#status, this.#reason, this.#rawHeaders());
    this.#headersWritten = true;
    const length = this.#headers.get("content-length");
    // A HEAD or 304 response has no body whatever its Content-Length says (RFC 9110 8.6), as Tornado.
    if (length !== undefined && method !== "HEAD" && this.#status !== 304) {
      this.#declaredLength = Number(length.values[0]);
    }
  }

  /**
   * The response as `[name, value, name, value, ...]` in Tornado's order (cookies after headers).
   * Notes when a value is not ASCII: Node sends the header block in the encoding of the body chunk
   * it travels with, so the body must then be bytes for the header to go out as latin-1.
   */
  #rawHeaders(): string[] {
    const out: string[] = [];
    const cookies = this.#cookies;
    let cookiesSent = cookies === undefined;
    for (const entry of this.#headers.entries) {
      const values = entry.values;
      if (entry.ascii) {
        if (values.length === 1) out.push(entry.name, values[0] ?? "");
        else for (const value of values) out.push(entry.name, value);
      } else {
        for (const value of entry.values) this.#pushValue(out, entry.name, value);
      }
      // Tornado adds cookies to the Set-Cookie header, so they join one set by hand in its place.
      if (entry.name === "Set-Cookie" && cookies) {
        this.#pushCookies(out, cookies);
        cookiesSent = true;
      }
    }
    if (!cookiesSent && cookies) this.#pushCookies(out, cookies);
    return out;
  }

  #pushCookies(out: string[], cookies: readonly string[]): void {
    for (let i = 1; i < cookies.length; i += 2)
      this.#pushValue(out, "Set-Cookie", cookies[i] ?? "");
  }

  /** Pushes a header value that may hold characters beyond ASCII, as Node must send it. */
  #pushValue(out: string[], name: string, value: string): void {
    if (NON_ASCII.test(value)) {
      this.#latin1Headers = true;
      out.push(name, wireValue(value));
    } else {
      out.push(name, value);
    }
  }

  /**
   * Counts body bytes against the Content-Length that was sent. RFC 9112 section 6.3: the length
   * must be exact, or the client reads the surplus as the next response (or waits for bytes that
   * never come); a mismatch closes the connection, as in Tornado.
   */
  #count(length: number, finishing: boolean, res: ServerResponse): OutputMismatch | undefined {
    const declared = this.#declaredLength;
    if (declared === undefined) return undefined;
    this.#sentLength += length;
    if (this.#sentLength > declared) {
      this.#declaredLength = undefined;
      return {
        error: new HTTPOutputError("Tried to write more data than Content-Length"),
        short: false,
      };
    }
    // A client that went away takes the short body with it: there is no framing left to break
    // (Tornado skips this check once its stream is closed).
    if (finishing && this.#sentLength < declared && !this.#closed && !res.socket?.destroyed) {
      this.#declaredLength = undefined;
      const missing = declared - this.#sentLength;
      return {
        error: new HTTPOutputError(`Tried to write ${missing} bytes less than Content-Length`),
        short: true,
      };
    }
    return undefined;
  }

  /** Ends the response; with `awaited`, the promise resolves when it has closed (sent, or the client gone). */
  #end(res: ServerResponse, body: string | Buffer, awaited: boolean): Promise<void> | undefined {
    // A response that was aborted (framing error, client gone) has nothing left to send.
    if (res.destroyed || res.writableEnded) return awaited ? Promise.resolve() : undefined;
    let done: Promise<void> | undefined;
    if (awaited) {
      this.#watch();
      done = this.#closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            this.#resolveClosed = resolve;
          });
    }
    if (body.length === 0) res.end();
    else res.end(body);
    return done;
  }

  // ---- the connection ----------------------------------------------------------------------

  /**
   * Calls `onEarlyClose` if the response closes before it is finished (the client went away).
   * One plain listener per response, rather than a `once` per purpose: adding and emitting the
   * handler's close through the server's listener costs about 61 ns against 132 ns with a second
   * `once` listener (Node 20, bench/micro/optimisations.mjs close-listener).
   */
  watchConnection(onEarlyClose: () => void): void {
    if (this.#onEarlyClose !== undefined) return;
    this.#onEarlyClose = onEarlyClose;
    this.#watch();
  }

  /** Whether `watchConnection` has been called. */
  get watchingConnection(): boolean {
    return this.#onEarlyClose !== undefined;
  }

  #watch(): void {
    if (this.#watching) return;
    const res = this.#request.rawResponse;
    if (!res) return;
    this.#watching = true;
    onResponseClose(res, () => this.#onClose());
  }

  #onClose(): void {
    this.#closed = true;
    const resolve = this.#resolveClosed;
    if (resolve) {
      this.#resolveClosed = undefined;
      resolve();
    }
    if (this.#finished) return;
    this.#closedEarly = true;
    this.#onEarlyClose?.();
  }
}

const NO_TRANSFORMS: readonly ChunkTransform[] = Object.freeze([]);

/**
 * Ends a response whose framing is broken and throws the error: a short body is sent before the
 * connection closes (as Tornado does); a body too long is not sent at all.
 */
function abort(res: ServerResponse, mismatch: OutputMismatch, data: Buffer | string): never {
  const socket = res.socket;
  if (mismatch.short) {
    res.end(data, () => socket?.destroy());
  } else {
    res.destroy();
    socket?.destroy();
  }
  throw mismatch.error;
}
