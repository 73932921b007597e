/**
 * The asynchronous HTTP client (Tornado's `tornado.httpclient`), on undici.
 *
 * ```ts
 * const client = AsyncHTTPClient.instance();
 * const response = await client.fetch("http://127.0.0.1:8000/api", { requestTimeout: 5 });
 * console.log(response.code, response.json());
 * ```
 *
 * Not ported: `HTTPClient` (the blocking client; Node has no way to block on a socket), curl
 * options, proxies and digest auth.
 * @module tornado-ts/httpclient
 */
import { isIP } from "node:net";
import { PassThrough, pipeline, type Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { Agent, type Dispatcher } from "undici";
import { HTTPHeaders } from "./httputil/headers.ts";
import { responses } from "./httputil/responses.ts";

/** The `User-Agent` sent when the request names none. */
export const DEFAULT_USER_AGENT = "tornado-ts/0.1.0";

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "DELETE", "PATCH", "PUT", "OPTIONS"]);
const BODY_REQUIRED = new Set(["POST", "PATCH", "PUT"]);
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a body; dropped when a redirect turns the request into a bodiless GET. */
const BODY_HEADERS = ["Content-Length", "Content-Type", "Content-Encoding", "Transfer-Encoding"];

/** Request headers in any of the shapes the client accepts. */
export type HeadersInit =
  | HTTPHeaders
  | Record<string, string | string[]>
  | Iterable<readonly [string, string]>;

/**
 * Options of one request (Tornado's `HTTPRequest` arguments, camelCase). Times are in seconds.
 * Unset options take the client's `defaults`, then Tornado's defaults.
 */
export interface HTTPRequestOptions {
  /** HTTP method (default `GET`). */
  method?: string;
  /** Request headers. */
  headers?: HeadersInit;
  /** Request body; a string is sent as UTF-8. POST, PUT and PATCH need one, other methods refuse one. */
  body?: string | Uint8Array | null;
  /** User name for HTTP Basic authentication. */
  authUsername?: string;
  /** Password for HTTP Basic authentication. */
  authPassword?: string;
  /** Authentication scheme: only `basic`, as Tornado's simple client. */
  authMode?: "basic";
  /** Seconds allowed to connect (default 20). */
  connectTimeout?: number;
  /** Seconds allowed for the whole request, redirects included (default 20; 0 for none). */
  requestTimeout?: number;
  /** Sends `If-Modified-Since` with this date (a Date, or seconds since the epoch). */
  ifModifiedSince?: Date | number;
  /** Follow 301, 302, 303, 307 and 308 responses (default true). */
  followRedirects?: boolean;
  /** How many redirects to follow at most (default 5). */
  maxRedirects?: number;
  /** The `User-Agent` header (default `tornado-ts/0.1.0`, unless the headers name one). */
  userAgent?: string;
  /** Ask for gzip and decompress the body (default true). */
  decompressResponse?: boolean;
  /** Receives the body chunk by chunk (decompressed); the response's `body` is then empty. */
  streamingCallback?: (chunk: Buffer) => void;
  /**
   * Receives the status line and each header line of the final response, CRLF included, then a
   * lone `\r\n`, as Tornado's `header_callback`.
   */
  headerCallback?: (line: string) => void;
  /** Allow any method, with or without a body (default false). */
  allowNonstandardMethods?: boolean;
  /** Check the server's TLS certificate (default true). */
  validateCert?: boolean;
  /** Certificate authorities to trust (PEM), instead of Node's bundle. */
  caCerts?: string | Buffer;
  /** Client certificate (PEM) for mutual TLS. */
  clientCert?: string | Buffer;
  /** Client private key (PEM) for mutual TLS. */
  clientKey?: string | Buffer;
  /**
   * Produces the body instead of `body` (Tornado's `body_producer`): called with a `write`
   * function when the body is to be sent; the body ends when the returned promise resolves. Sent
   * chunked unless the headers give a `Content-Length`.
   */
  bodyProducer?: (write: (chunk: string | Uint8Array) => Promise<void>) => void | Promise<void>;
  /** The local IP address to connect from (Tornado's `network_interface`; an interface name is refused). */
  networkInterface?: string;
}

/** A request for {@link AsyncHTTPClient.fetch}: a URL and its options (Tornado's `HTTPRequest`). */
export class HTTPRequest {
  /** The URL to fetch. */
  url: string;
  /** The options, as given (defaults apply when the request is fetched). */
  readonly options: HTTPRequestOptions;

  constructor(url: string, options: HTTPRequestOptions = {}) {
    this.url = url;
    this.options = { ...options };
  }

  /** The method, upper-case (`GET` when unset). */
  get method(): string {
    return (this.options.method ?? "GET").toUpperCase();
  }

  /**
   * The request headers as `HTTPHeaders` (a new copy on every read), with the
   * `If-Modified-Since` line that `ifModifiedSince` adds.
   */
  get headers(): HTTPHeaders {
    const headers = toHeaders(this.options.headers);
    if (this.options.ifModifiedSince !== undefined) {
      headers.set("If-Modified-Since", httpDate(this.options.ifModifiedSince));
    }
    return headers;
  }

  /** Replaces the request headers (`null` for none). */
  set headers(headers: HeadersInit | null) {
    this.options.headers = headers ?? new HTTPHeaders();
  }

  /** The request body as bytes (a string body is UTF-8), or `null` for none. */
  get body(): Buffer | null {
    return toBody(this.options.body);
  }

  /** Replaces the request body. */
  set body(body: string | Uint8Array | null) {
    this.options.body = body;
  }
}

/**
 * A response (Tornado's `HTTPResponse`). `body` holds the bytes (empty with a streaming
 * callback); `error` is set for a non-2xx code when the fetch did not raise it.
 */
export class HTTPResponse {
  /** The request as it was first made (before redirects). */
  readonly request: HTTPRequest;
  /** Status code. */
  readonly code: number;
  /** Reason phrase sent by the server (or the standard one). */
  readonly reason: string;
  /** Response headers. A decompressed body's `Content-Encoding` moves to `X-Consumed-Content-Encoding`. */
  readonly headers: HTTPHeaders;
  /** Body bytes, decompressed. */
  readonly body: Buffer;
  /** The URL of the last request, after redirects. */
  readonly effectiveUrl: string;
  /** The error for a non-2xx code, or `null`. */
  readonly error: HTTPClientError | null;
  /** Seconds from the start of the fetch to the end of the body. */
  readonly requestTime: number;
  /** When the fetch started, in seconds since the epoch. */
  readonly startTime: number;

  constructor(init: {
    request: HTTPRequest;
    code: number;
    reason?: string;
    headers?: HTTPHeaders;
    body?: Buffer;
    effectiveUrl?: string;
    requestTime?: number;
    startTime?: number;
  }) {
    this.request = init.request;
    this.code = init.code;
    this.reason = init.reason || responses[init.code] || "Unknown";
    this.headers = init.headers ?? new HTTPHeaders();
    this.body = init.body ?? Buffer.alloc(0);
    this.effectiveUrl = init.effectiveUrl ?? init.request.url;
    this.requestTime = init.requestTime ?? 0;
    this.startTime = init.startTime ?? Date.now() / 1000;
    this.error =
      this.code >= 200 && this.code < 300
        ? null
        : new HTTPClientError(this.code, this.reason, this);
  }

  /** The body decoded as UTF-8. */
  text(): string {
    return this.body.toString("utf8");
  }

  /** The body parsed as JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }

  /** Throws `error` when it is set. */
  rethrow(): void {
    if (this.error) throw this.error;
  }

  /** `HTTPResponse(code=200,reason=OK,effectiveUrl=...,requestTime=...)`, as Tornado's repr. */
  toString(): string {
    return `HTTPResponse(code=${this.code},reason=${this.reason},effectiveUrl=${this.effectiveUrl},requestTime=${this.requestTime})`;
  }
}

/**
 * A failed fetch (Tornado's `HTTPClientError`): a non-2xx response, or code 599 when there is no
 * response at all (connection refused, reset, timeout). `message` reads `HTTP 404: Not Found`.
 *
 * Differs from Tornado: Tornado's `message` is only the reason; here it is the whole line, and
 * the reason alone is `reason`. Connection errors are 599 errors here (Tornado's simple client
 * raises the socket's own error), with the original as `cause`.
 */
export class HTTPClientError extends Error {
  /** The error class name, as in stack traces and logs. */
  override name = "HTTPClientError";
  /** The status code, or 599 when no response arrived. */
  readonly code: number;
  /** The reason phrase or what went wrong. */
  readonly reason: string;
  /** The response, when there was one. */
  readonly response: HTTPResponse | undefined;

  constructor(code: number, message?: string, response?: HTTPResponse, options?: ErrorOptions) {
    const reason = message ?? responses[code] ?? "Unknown";
    super(`HTTP ${code}: ${reason}`, options);
    this.code = code;
    this.reason = reason;
    this.response = response;
  }
}

/** No response in time (code 599): `Timeout while connecting`, `Timeout during request` or `Timeout in request queue`. */
export class HTTPTimeoutError extends HTTPClientError {
  /** The error class name, as in stack traces and logs. */
  override name = "HTTPTimeoutError";
  constructor(message: string, options?: ErrorOptions) {
    super(599, message, undefined, options);
  }
}

/** The connection closed before the response was complete (code 599, `Stream closed`). */
export class HTTPStreamClosedError extends HTTPClientError {
  /** The error class name, as in stack traces and logs. */
  override name = "HTTPStreamClosedError";
  constructor(message = "Stream closed", options?: ErrorOptions) {
    super(599, message, undefined, options);
  }
}

/** Options of an {@link AsyncHTTPClient}. */
export interface AsyncHTTPClientOptions {
  /** Requests in flight at once; more wait in a queue (default 10, as Tornado). */
  maxClients?: number;
  /** Defaults for every request's options. */
  defaults?: HTTPRequestOptions;
  /** The largest response body accepted, in bytes (default 100 MiB). */
  maxBodySize?: number;
  /** The largest response header block accepted, in bytes (default 64 KiB). */
  maxHeaderSize?: number;
  /** Seconds an idle pooled connection is kept for reuse (default 4). */
  keepAliveTimeout?: number;
  /**
   * Connect somewhere else than the URL says (Tornado's `hostname_mapping`): keys are `host` or
   * `host:port`, values `host` or `host:port`. The `Host` header still names the URL's host.
   */
  hostnameMapping?: Record<string, string>;
}

/** What {@link AsyncHTTPClient.fetch} takes besides the request options. */
export interface FetchOptions extends HTTPRequestOptions {
  /** Reject with `HTTPClientError` on a non-2xx code (default true). Connection errors and timeouts always reject. */
  raiseError?: boolean;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

let configured: AsyncHTTPClientOptions = {};
let shared: AsyncHTTPClient | undefined;

/**
 * The non-blocking HTTP client (Tornado's `AsyncHTTPClient`), with a bounded pool of kept-alive
 * connections per origin.
 *
 * `AsyncHTTPClient.instance()` gives the process's shared client, made with the options of
 * `AsyncHTTPClient.configure(...)`; `new AsyncHTTPClient(options)` makes an independent one
 * (Tornado's `force_instance=True`), with `options` over the configured ones.
 *
 * Differs from Tornado: connections are reused (Tornado's simple client sends `Connection:
 * close`), and `Authorization` and `Cookie` are dropped when a redirect leaves the origin.
 */
export class AsyncHTTPClient {
  /** The options in force. */
  readonly options: Readonly<AsyncHTTPClientOptions>;
  readonly #agents = new Map<string, Agent>();
  readonly #queue: Waiter[] = [];
  #active = 0;
  #closed = false;

  constructor(options: AsyncHTTPClientOptions = {}) {
    this.options = { ...configured, ...options };
  }

  /** Requests in flight at once (the `maxClients` option, default 10). */
  get maxClients(): number {
    return this.options.maxClients ?? 10;
  }

  /**
   * Sets the options of the shared client made by {@link instance} (Tornado's `configure`). A
   * shared client already made keeps its options until it is closed.
   */
  static configure(options: AsyncHTTPClientOptions = {}): void {
    configured = { ...options };
  }

  /** The process's shared client, made on first use (again after it was closed). */
  static instance(): AsyncHTTPClient {
    if (!shared || shared.#closed) shared = new AsyncHTTPClient(configured);
    return shared;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Fetches a URL or an {@link HTTPRequest}, resolving with the {@link HTTPResponse}.
   *
   * With `raiseError` (the default) a non-2xx response rejects with `HTTPClientError` (its
   * `response` is set); with `raiseError: false` it resolves and `response.error` is set. Timeouts
   * and connection errors reject with code 599 either way. Invalid requests (a POST without a
   * body, a GET with one, an unknown method) reject with a `TypeError` carrying Tornado's message.
   */
  async fetch(request: string | HTTPRequest, options: FetchOptions = {}): Promise<HTTPResponse> {
    if (this.#closed) throw new Error("fetch() called on closed AsyncHTTPClient");
    const { raiseError = true, ...requestOptions } = options;
    let req: HTTPRequest;
    if (typeof request === "string") {
      req = new HTTPRequest(request, requestOptions);
    } else {
      if (Object.keys(requestOptions).length > 0) {
        throw new TypeError("options can't be used if request is an HTTPRequest object");
      }
      req = request;
    }
    const merged: HTTPRequestOptions = { ...this.options.defaults, ...definedOnly(req.options) };
    checkRequest(req.method, merged);
    const started = performance.now();
    const startTime = Date.now() / 1000;
    const connectTimeout = merged.connectTimeout ?? 20;
    const requestTimeout = merged.requestTimeout ?? 20;
    await this.#acquire(Math.min(connectTimeout || Infinity, requestTimeout || Infinity));
    const controller = new AbortController();
    let timedOut = false;
    const timer =
      requestTimeout > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort(new HTTPTimeoutError("Timeout during request"));
          }, requestTimeout * 1000)
        : undefined;
    try {
      const response = await this.#follow(req, merged, controller.signal, started, startTime);
      if (response.error && raiseError) throw response.error;
      return response;
    } catch (error) {
      throw timedOut ? new HTTPTimeoutError("Timeout during request", { cause: error }) : error;
    } finally {
      clearTimeout(timer);
      this.#release();
    }
  }

  #acquire(queueTimeout: number): Promise<void> {
    const limit = this.options.maxClients ?? 10;
    if (this.#active < limit) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      if (Number.isFinite(queueTimeout)) {
        waiter.timer = setTimeout(() => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(new HTTPTimeoutError("Timeout in request queue"));
        }, queueTimeout * 1000);
      }
      this.#queue.push(waiter);
    });
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve();
    } else {
      this.#active--;
    }
  }

  #agent(options: HTTPRequestOptions): Agent {
    const connectTimeout = options.connectTimeout ?? 20;
    const validateCert = options.validateCert ?? true;
    const key = JSON.stringify([
      connectTimeout,
      validateCert,
      options.caCerts?.toString() ?? null,
      options.clientCert?.toString() ?? null,
      options.clientKey?.toString() ?? null,
      options.networkInterface ?? null,
    ]);
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = new Agent({
        connections: this.options.maxClients ?? 10,
        maxHeaderSize: this.options.maxHeaderSize ?? 64 * 1024,
        keepAliveTimeout: (this.options.keepAliveTimeout ?? 4) * 1000,
        // The fetch's own timer enforces requestTimeout over the whole exchange.
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: {
          timeout: connectTimeout > 0 ? connectTimeout * 1000 : 0,
          rejectUnauthorized: validateCert,
          ...(options.caCerts !== undefined ? { ca: options.caCerts } : {}),
          ...(options.clientCert !== undefined ? { cert: options.clientCert } : {}),
          ...(options.clientKey !== undefined ? { key: options.clientKey } : {}),
          ...(options.networkInterface !== undefined
            ? { localAddress: options.networkInterface }
            : {}),
        },
      });
      this.#agents.set(key, agent);
    }
    return agent;
  }

  async #follow(
    original: HTTPRequest,
    options: HTTPRequestOptions,
    signal: AbortSignal,
    started: number,
    startTime: number,
  ): Promise<HTTPResponse> {
    let url = original.url;
    let method = original.method;
    let body: Buffer | null = toBody(options.body);
    const producer = options.bodyProducer;
    const headers = toHeaders(options.headers);
    let redirectsLeft = options.maxRedirects ?? 5;
    const follow = options.followRedirects ?? true;
    for (;;) {
      const target = parseUrl(url);
      const streamed = producer !== undefined && body === null ? producerStream(producer) : null;
      const sent = requestHeaders(target, method, body, headers, options, streamed !== null);
      const agent = this.#agent(options);
      let data: Dispatcher.ResponseData;
      try {
        data = await agent.request({
          origin: this.#connectOrigin(target, sent),
          path: `${target.pathname}${target.search}`,
          method,
          headers: sent,
          body: streamed ?? body,
          signal,
          responseHeaders: "raw",
        });
      } catch (error) {
        throw clientErrorFrom(error, signal);
      }
      const code = data.statusCode;
      const responseHeaders = HTTPHeaders.fromRaw(
        (data.headers as unknown as (Buffer | string)[]).map((item) => item.toString("latin1")),
      );
      const location = responseHeaders.get("Location");
      if (follow && redirectsLeft > 0 && REDIRECT_CODES.has(code) && location !== undefined) {
        await data.body.dump().catch(() => undefined);
        const next = new URL(location, target);
        if (next.origin !== target.origin) {
          // Credentials were meant for the first origin only (as browsers' fetch does).
          headers.delete("Authorization");
          headers.delete("Cookie");
        }
        url = next.href;
        redirectsLeft--;
        headers.delete("Host");
        if (
          (code === 303 && method !== "HEAD") ||
          ((code === 301 || code === 302) && method === "POST")
        ) {
          method = "GET";
          body = null;
          for (const name of BODY_HEADERS) headers.delete(name);
        }
        continue;
      }
      const reason = data.statusText || responses[code] || "Unknown";
      if (options.headerCallback) {
        options.headerCallback(`HTTP/1.1 ${code} ${reason}\r\n`);
        for (const [name, value] of responseHeaders)
          options.headerCallback(`${name}: ${value}\r\n`);
        options.headerCallback("\r\n");
      }
      const bytes = await this.#readBody(data.body, responseHeaders, options, signal);
      return new HTTPResponse({
        request: original,
        code,
        reason,
        headers: responseHeaders,
        body: bytes,
        effectiveUrl: url,
        requestTime: (performance.now() - started) / 1000,
        startTime,
      });
    }
  }

  /** The origin to connect to: the URL's, or its `hostnameMapping` entry (adding `Host`). */
  #connectOrigin(target: URL, sent: string[]): string {
    const mapping = this.options.hostnameMapping;
    if (!mapping) return target.origin;
    const port = target.port || (target.protocol === "https:" ? "443" : "80");
    const mapped = mapping[`${target.hostname}:${port}`] ?? mapping[target.hostname];
    if (mapped === undefined) return target.origin;
    if (!sent.some((item, i) => i % 2 === 0 && item.toLowerCase() === "host")) {
      sent.push("Host", target.host);
    }
    return `${target.protocol}//${mapped.includes(":") ? mapped : `${mapped}:${port}`}`;
  }

  async #readBody(
    body: Readable,
    headers: HTTPHeaders,
    options: HTTPRequestOptions,
    signal: AbortSignal,
  ): Promise<Buffer> {
    let source: Readable = body;
    const encoding = (headers.get("Content-Encoding") ?? "").trim().toLowerCase();
    if ((options.decompressResponse ?? true) && encoding !== "" && encoding !== "identity") {
      const decoder =
        encoding === "gzip" || encoding === "x-gzip"
          ? createGunzip()
          : encoding === "deflate"
            ? createInflate()
            : encoding === "br"
              ? createBrotliDecompress()
              : undefined;
      if (decoder) {
        headers.add("X-Consumed-Content-Encoding", headers.get("Content-Encoding")!);
        headers.delete("Content-Encoding");
        source = pipeline(body, decoder, () => undefined);
      }
    }
    const limit = this.options.maxBodySize ?? 100 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) {
          body.destroy();
          throw new HTTPClientError(599, `Response body larger than ${limit} bytes`);
        }
        if (options.streamingCallback) options.streamingCallback(chunk);
        else chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof HTTPClientError) throw error;
      throw clientErrorFrom(error, signal);
    }
    return Buffer.concat(chunks, options.streamingCallback ? 0 : size);
  }

  /**
   * Closes the client: pooled connections are closed and later fetches throw. Closing the shared
   * client makes `instance()` build a new one. Resolves once the connections are closed.
   */
  close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#queue.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error("AsyncHTTPClient closed"));
    }
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    return Promise.all(agents.map((agent) => agent.close().catch(() => undefined))).then(
      () => undefined,
    );
  }
}

/** An HTTP date (RFC 7231) from a Date or seconds since the epoch. */
function httpDate(when: Date | number): string {
  return (when instanceof Date ? when : new Date(when * 1000)).toUTCString();
}

function definedOnly(options: HTTPRequestOptions): HTTPRequestOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as HTTPRequestOptions;
}

function toHeaders(init: HeadersInit | undefined): HTTPHeaders {
  if (init === undefined) return new HTTPHeaders();
  if (init instanceof HTTPHeaders) return init.copy();
  return new HTTPHeaders(init);
}

function toBody(body: string | Uint8Array | null | undefined): Buffer | null {
  if (body === undefined || body === null) return null;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Tornado's request sanity checks (its simple client's), with its messages. */
function checkRequest(method: string, options: HTTPRequestOptions): void {
  if (options.networkInterface !== undefined && isIP(options.networkInterface) === 0) {
    throw new TypeError(
      `networkInterface must be a local IP address, not ${JSON.stringify(options.networkInterface)}`,
    );
  }
  if (options.authMode !== undefined && options.authMode !== "basic") {
    throw new TypeError(`unsupported auth_mode ${String(options.authMode)}`);
  }
  if (options.allowNonstandardMethods) return;
  if (!KNOWN_METHODS.has(method)) throw new TypeError(`unknown method ${method}`);
  const hasBody =
    (options.body !== undefined && options.body !== null) || options.bodyProducer !== undefined;
  if (BODY_REQUIRED.has(method) && !hasBody) {
    throw new TypeError(
      `Body must not be None for method ${method} (unless allow_nonstandard_methods is true)`,
    );
  }
  if (!BODY_REQUIRED.has(method) && hasBody) {
    throw new TypeError(
      `Body must be None for method ${method} (unless allow_nonstandard_methods is true)`,
    );
  }
}

function parseUrl(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw new TypeError(`Invalid URL ${JSON.stringify(url)}`, { cause: error });
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new TypeError(`Unsupported url scheme: ${url}`);
  }
  return target;
}

function requestHeaders(
  target: URL,
  method: string,
  body: Buffer | null,
  headers: HTTPHeaders,
  options: HTTPRequestOptions,
  produced: boolean,
): string[] {
  const out = headers.copy();
  const username =
    options.authUsername ?? (target.username ? decodeURIComponent(target.username) : undefined);
  if (username !== undefined) {
    const password =
      options.authPassword ?? (target.password ? decodeURIComponent(target.password) : "");
    // RFC 7617 section 2.1: the user-id and password are normalized to NFC before encoding.
    const credentials = `${username}:${password}`.normalize("NFC");
    out.set("Authorization", `Basic ${Buffer.from(credentials).toString("base64")}`);
  }
  if (options.userAgent !== undefined) out.set("User-Agent", options.userAgent);
  else if (!out.has("User-Agent")) out.set("User-Agent", DEFAULT_USER_AGENT);
  if (method === "POST" && body !== null && !out.has("Content-Type")) {
    out.set("Content-Type", "application/x-www-form-urlencoded");
  }
  if ((options.decompressResponse ?? true) && !out.has("Accept-Encoding")) {
    out.set("Accept-Encoding", "gzip");
  }
  if (options.ifModifiedSince !== undefined) {
    out.set("If-Modified-Since", httpDate(options.ifModifiedSince));
  }
  const flat: string[] = [];
  for (const [name, value] of out) {
    // undici computes these from the body and the connection (a produced body keeps the length
    // its caller declared).
    const key = name.toLowerCase();
    if ((key === "content-length" && !produced) || key === "connection") continue;
    if (key === "transfer-encoding") continue;
    flat.push(name, value);
  }
  return flat;
}

/**
 * The body of a request with a `bodyProducer`: the producer starts when the body is first read,
 * and each `write` resolves once the chunk is taken.
 */
function producerStream(producer: NonNullable<HTTPRequestOptions["bodyProducer"]>): Readable {
  let started = false;
  const stream = new PassThrough();
  const start = (): void => {
    if (started) return;
    started = true;
    const write = (chunk: string | Uint8Array): Promise<void> =>
      new Promise((resolve, reject) => {
        stream.write(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk, (error) =>
          error ? reject(error) : resolve(),
        );
      });
    Promise.resolve()
      .then(() => producer(write))
      .then(
        () => stream.end(),
        (error: unknown) =>
          stream.destroy(error instanceof Error ? error : new Error(String(error))),
      );
  };
  const read = stream._read.bind(stream);
  stream._read = (size: number) => {
    start();
    read(size);
  };
  return stream;
}

/** Turns an undici or socket error into a 599 `HTTPClientError`. */
function clientErrorFrom(error: unknown, signal: AbortSignal): HTTPClientError {
  if (error instanceof HTTPClientError) return error;
  if (signal.aborted && signal.reason instanceof HTTPClientError) return signal.reason;
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "UND_ERR_CONNECT_TIMEOUT") {
    return new HTTPTimeoutError("Timeout while connecting", { cause: error });
  }
  if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "UND_ERR_ABORTED") {
    return new HTTPStreamClosedError("Stream closed", { cause: error });
  }
  return new HTTPClientError(599, message, undefined, { cause: error });
}
