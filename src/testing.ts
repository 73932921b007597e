/**
 * Test helpers (Tornado's `tornado.testing`): start an Application on a free port, fetch from it
 * over a real socket, send raw bytes, and capture log records. Works with any test runner.
 *
 * The helpers are plain promises and classes with no runner hooks of their own, so they work the
 * same under `node:test` and Vitest (or Jest, Mocha): start a {@link TestServer} in `before` /
 * `beforeAll`, close it in `after` / `afterAll`. For fast unit tests, {@link InProcessClient}
 * serves the same requests without opening a socket.
 * @module tornado-ts/testing
 */
import { Agent, request as httpRequest, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { Duplex } from "node:stream";
import { TimeoutError } from "./gen.ts";
import { isReadonlyArray } from "./guards.ts";
import { HTTPServer, type HTTPServerDelegate, type HTTPServerOptions } from "./httpserver.ts";
import { byteLength } from "./httputil/body.ts";
import { HTTPHeaders } from "./httputil/headers.ts";
import {
  addLogHandler,
  formatPlain,
  getRootLevel,
  Level,
  type LogRecord,
  logHandlers,
  setRootLevel,
} from "./log.ts";
import type { Application } from "./web/application.ts";

/**
 * The default timeout of {@link genTest}, in seconds: the `ASYNC_TEST_TIMEOUT` environment
 * variable when it holds a number, else 5 (Tornado's `get_async_test_timeout`).
 */
export function asyncTestTimeout(): number {
  const env = process.env["ASYNC_TEST_TIMEOUT"];
  if (env !== undefined && env.trim() !== "" && Number.isFinite(Number(env))) return Number(env);
  return 5;
}

/**
 * Wraps an async test function so it fails with `TimeoutError` when it runs longer than
 * `timeout` seconds (default {@link asyncTestTimeout}, read when the wrapper is made), as
 * Tornado's `@gen_test`. Arguments pass through; the function may also be synchronous.
 *
 * ```ts
 * test("slow fetch", genTest(async () => { await server.fetch("/slow"); }, { timeout: 10 }));
 * ```
 */
export function genTest<A extends unknown[]>(
  fn: (...args: A) => unknown,
  options: { timeout?: number } = {},
): (...args: A) => Promise<void> {
  const timeout = options.timeout ?? asyncTestTimeout();
  return async (...args: A): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TimeoutError(`Operation timed out after ${timeout} seconds`)),
        timeout * 1000,
      );
    });
    try {
      await Promise.race([Promise.resolve().then(() => fn(...args)), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Options for {@link TestServer.fetch}. */
export interface TestFetchOptions {
  /** HTTP method (default `GET`, or `POST` when a body is given). */
  method?: string;
  /** Request headers. */
  headers?: Record<string, string> | readonly (readonly [string, string])[];
  /** Request body. */
  body?: string | Uint8Array;
  /** Follow 3xx responses (default false, so tests see the redirect itself). */
  followRedirects?: boolean;
  /** Give up after this many milliseconds (default 10000). */
  timeout?: number;
}

/** A response received by {@link TestServer.fetch}. */
export interface TestResponse {
  /** Status code. */
  readonly code: number;
  /** Reason phrase from the status line. */
  readonly reason: string;
  /** Response headers. */
  readonly headers: HTTPHeaders;
  /** Header lines exactly as received: names in wire casing, in wire order. */
  readonly rawHeaders: readonly (readonly [string, string])[];
  /** Body bytes. */
  readonly body: Buffer;
  /** Body as UTF-8 text. */
  readonly text: string;
  /** The URL that was fetched last (after redirects). */
  readonly effectiveUrl: string;
  /** Body parsed as JSON. */
  json<T = unknown>(): T;
}

/**
 * An Application served on 127.0.0.1 on a free port, for tests.
 *
 * ```ts
 * const server = await TestServer.start(app);
 * const response = await server.fetch("/");
 * await server.close();
 * ```
 */
export class TestServer {
  /** The server. */
  readonly server: HTTPServer;
  /** The port it listens on. */
  readonly port: number;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });

  private constructor(server: HTTPServer, port: number) {
    this.server = server;
    this.port = port;
  }

  /** Starts `app` (an Application, or a router of `tornado-ts/routing`) on 127.0.0.1 on a free port. */
  static async start(
    app: HTTPServerDelegate,
    options: HTTPServerOptions = {},
  ): Promise<TestServer> {
    const server = new HTTPServer(app, options);
    await server.listen(0, "127.0.0.1");
    return new TestServer(server, server.port!);
  }

  /** `http://127.0.0.1:PORT` plus `path`. */
  url(path = "/"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Fetches `path` (or an absolute URL) from the server. */
  async fetch(path: string, options: TestFetchOptions = {}): Promise<TestResponse> {
    return fetchFollowing(
      path.startsWith("http") ? path : this.url(path),
      path,
      options,
      this.#agent,
    );
  }

  /**
   * Sends raw bytes on a new connection and collects everything the server sends back until it
   * closes the connection or `idleMs` passes with no data.
   */
  rawRequest(data: string | Uint8Array, options: { idleMs?: number } = {}): Promise<Buffer> {
    const idleMs = options.idleMs ?? 500;
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, "127.0.0.1");
      const chunks: Buffer[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve(Buffer.concat(chunks));
      };
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(done, idleMs);
      };
      socket.on("connect", () => {
        socket.write(data);
        arm();
      });
      socket.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        arm();
      });
      socket.on("end", done);
      socket.on("close", done);
      socket.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ECONNRESET") done();
        else reject(error);
      });
    });
  }

  /** Stops the server and closes every connection. */
  async close(): Promise<void> {
    this.#agent.destroy();
    const stopped = this.server.stop();
    this.server.closeAllConnections();
    await stopped;
  }
}

/** Fetches `start`, following redirects when `options.followRedirects` is set. */
async function fetchFollowing(
  start: string,
  label: string,
  options: TestFetchOptions,
  agent: Agent,
): Promise<TestResponse> {
  let target = start;
  let method = options.method ?? (options.body !== undefined ? "POST" : "GET");
  let body = options.body;
  for (let redirects = 0; ; redirects++) {
    const response = await sendRequest(
      target,
      method,
      options.headers,
      body,
      agent,
      options.timeout ?? 10_000,
    );
    const location = response.headers.get("Location");
    if (
      !options.followRedirects ||
      location === undefined ||
      response.code < 300 ||
      response.code > 399
    ) {
      return response;
    }
    if (redirects >= 10) throw new Error(`Too many redirects fetching ${label}`);
    target = new URL(location, target).toString();
    if (
      response.code === 303 ||
      ((response.code === 301 || response.code === 302) && method === "POST")
    ) {
      method = "GET";
      body = undefined;
    }
  }
}

function sendRequest(
  target: string,
  method: string,
  headers: TestFetchOptions["headers"],
  body: string | Uint8Array | undefined,
  agent: Agent,
  timeout: number,
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const headerPairs: [string, string][] = [];
    if (headers) {
      const entries = isReadonlyArray(headers) ? headers : Object.entries(headers);
      for (const [name, value] of entries) headerPairs.push([name, value]);
    }
    if (
      body !== undefined &&
      !headerPairs.some(([name]) => name.toLowerCase() === "content-length")
    ) {
      headerPairs.push(["Content-Length", String(byteLength(body))]);
    }
    const headerObject: Record<string, string | string[]> = {};
    for (const [name, value] of headerPairs) {
      const existing = headerObject[name];
      if (existing === undefined) headerObject[name] = value;
      else headerObject[name] = [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const req = httpRequest(target, { method, agent, headers: headerObject, timeout });
    req.on("timeout", () => req.destroy(new Error(`Timed out fetching ${method} ${target}`)));
    req.on("error", reject);
    req.on("response", (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const raw: [string, string][] = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
          raw.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString("utf8");
        resolve({
          code: res.statusCode ?? 0,
          reason: res.statusMessage ?? "",
          headers: HTTPHeaders.fromRaw(res.rawHeaders),
          rawHeaders: raw,
          body: bytes,
          text,
          effectiveUrl: target,
          json: <T>() => JSON.parse(text) as T,
        });
      });
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * Something that takes log records while it is active: a capture, an expectation, or the guard.
 * Returns true when it consumed the record (so it is not stray).
 */
type Consumer = (record: LogRecord) => boolean;

const consumers: Consumer[] = [];
let guard: LogGuardState | undefined;
let removeDispatcher: (() => void) | undefined;
const levelHolds: number[] = [];
// The root level before the first of the current holds (set when the first one starts).
let baseLevel = 0;

interface LogGuardState {
  level: number;
  stray: LogRecord[];
}

/** One log handler for every capture; records nobody consumed go to the guard or to stderr. */
function dispatch(record: LogRecord): void {
  let consumed = false;
  for (let i = consumers.length - 1; i >= 0; i--) {
    if (consumers[i]!(record)) {
      consumed = true;
      break;
    }
  }
  if (consumed) return;
  if (guard !== undefined) {
    if (record.level >= guard.level) guard.stray.push(record);
    return;
  }
  // Without a guard, keep the default behaviour of an unconfigured logger: warnings to stderr.
  if (record.level >= Level.WARNING && logHandlers().length === 1) {
    process.stderr.write(`${formatPlain(record)}\n`);
  }
}

function addConsumer(consumer: Consumer): () => void {
  consumers.push(consumer);
  removeDispatcher ??= addLogHandler(dispatch);
  return () => {
    const index = consumers.indexOf(consumer);
    if (index >= 0) consumers.splice(index, 1);
    if (consumers.length === 0 && guard === undefined && removeDispatcher) {
      removeDispatcher();
      removeDispatcher = undefined;
    }
  };
}

/** Lowers the root level to `level` until the returned function is called (holds nest). */
function holdLevel(level: number): () => void {
  if (levelHolds.length === 0) baseLevel = getRootLevel();
  levelHolds.push(level);
  setRootLevel(Math.min(baseLevel, ...levelHolds));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    levelHolds.splice(levelHolds.indexOf(level), 1);
    setRootLevel(levelHolds.length === 0 ? baseLevel : Math.min(baseLevel, ...levelHolds));
  };
}

function matches(record: LogRecord, pattern: RegExp | string, logger?: string): boolean {
  if (logger !== undefined && record.name !== logger) return false;
  return typeof pattern === "string"
    ? record.message.includes(pattern)
    : pattern.test(record.message);
}

/** Log records captured by {@link captureLogs}. */
export interface LogCapture {
  /** Every record emitted since the capture started. */
  readonly records: LogRecord[];
  /** Records of one logger (`tornado.access`, ...). */
  of(name: string): LogRecord[];
  /** Whether some record's message matches `pattern` (a substring or a regular expression). */
  has(pattern: RegExp | string, name?: string): boolean;
  /** Stops capturing and restores the previous root level. */
  stop(): void;
}

/**
 * Captures every log record (at `level` and above, default DEBUG) until `stop()`. Captured records
 * are not printed and do not count as stray for the {@link installLogGuard log guard}: the test
 * that captures them is expected to assert on them.
 */
export function captureLogs(level: number = Level.DEBUG): LogCapture {
  const records: LogRecord[] = [];
  const release = holdLevel(level);
  const remove = addConsumer((record) => {
    if (record.level < level) return false;
    records.push(record);
    return true;
  });
  return {
    records,
    of: (name) => records.filter((record) => record.name === name),
    has: (pattern, name) => records.some((record) => matches(record, pattern, name)),
    stop: () => {
      remove();
      release();
    },
  };
}

/** Options for {@link expectLog}. */
export interface ExpectLogOptions {
  /** Only records of this logger match (`tornado.access`, `tornado.general`, ...). */
  logger?: string;
  /** Only records at this level match (a number from `Level`). Default: any level. */
  level?: number;
  /** Fail when no record matched (default true). */
  required?: boolean;
}

/** No record matched an {@link expectLog} pattern. */
export class ExpectedLogMissingError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "ExpectedLogMissingError";
  /** The pattern that matched nothing. */
  readonly pattern: RegExp | string;
  constructor(pattern: RegExp | string, seen: readonly LogRecord[]) {
    const lines = seen.map((record) => `  ${record.levelName} ${record.name}: ${record.message}`);
    super(
      `Expected a log record matching ${String(pattern)}; saw ${seen.length === 0 ? "none" : `:\n${lines.join("\n")}`}`,
    );
    this.pattern = pattern;
  }
}

/** What {@link expectLog} looks for: a substring or regular expression, or several that must all appear. */
export type LogPattern = RegExp | string | readonly (RegExp | string)[];

/**
 * Runs `fn` and expects a log record matching `pattern` while it runs (Tornado's `ExpectLog`).
 * With several patterns, each must match some record. Matching records are consumed: they are not
 * printed and are not stray for the log guard; other records pass through. Resolves with `fn`'s
 * result, or rejects with {@link ExpectedLogMissingError} when a pattern matched nothing (unless
 * `required` is false).
 *
 * ```ts
 * const response = await expectLog("404 GET /nope", () => server.fetch("/nope"));
 * ```
 */
export async function expectLog<T>(
  pattern: LogPattern,
  fn: () => T | Promise<T>,
  options: ExpectLogOptions = {},
): Promise<T> {
  const patterns: readonly (RegExp | string)[] =
    typeof pattern === "string" || pattern instanceof RegExp ? [pattern] : pattern;
  const seen: LogRecord[] = [];
  const hits = patterns.map(() => 0);
  const release = holdLevel(options.level ?? Level.DEBUG);
  const remove = addConsumer((record) => {
    seen.push(record);
    if (options.level !== undefined && record.level !== options.level) return false;
    let consumed = false;
    patterns.forEach((p, i) => {
      if (matches(record, p, options.logger)) {
        hits[i]!++;
        consumed = true;
      }
    });
    return consumed;
  });
  try {
    const result = await fn();
    const missing = patterns.findIndex((_, i) => hits[i] === 0);
    if (missing >= 0 && options.required !== false) {
      throw new ExpectedLogMissingError(patterns[missing]!, seen);
    }
    return result;
  } finally {
    remove();
    release();
  }
}

/** Controls the log guard installed by {@link installLogGuard}. */
export interface LogGuard {
  /** Returns the stray records since the last call and forgets them. */
  takeStray(): LogRecord[];
  /** Throws a {@link StrayLogError} when stray records arrived since the last check. */
  check(): void;
  /** Removes the guard. */
  uninstall(): void;
}

/** Log records at warning level or above that no test expected. */
export class StrayLogError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "StrayLogError";
  /** The records nobody expected. */
  readonly records: readonly LogRecord[];
  constructor(records: readonly LogRecord[]) {
    super(
      `Unexpected log output (wrap it in expectLog() or captureLogs()):\n${records
        .map((record) => `  ${record.levelName} ${record.name}: ${formatPlain(record)}`)
        .join("\n")}`,
    );
    this.records = records;
  }
}

/**
 * Installs the log guard: from now on, every record at `level` (default WARNING) or above that no
 * {@link captureLogs} or {@link expectLog} consumed is kept as stray instead of printed, and
 * `check()` fails with it. Call `check()` after each test (the project's test runner does, so a
 * stray warning fails the test that caused it, as in Tornado's own suite).
 */
export function installLogGuard(level: number = Level.WARNING): LogGuard {
  if (guard !== undefined) throw new Error("The log guard is already installed");
  const state: LogGuardState = { level, stray: [] };
  guard = state;
  removeDispatcher ??= addLogHandler(dispatch);
  const takeStray = (): LogRecord[] => state.stray.splice(0, state.stray.length);
  return {
    takeStray,
    check: () => {
      const stray = takeStray();
      if (stray.length > 0) throw new StrayLogError(stray);
    },
    uninstall: () => {
      if (guard !== state) return;
      guard = undefined;
      if (consumers.length === 0 && removeDispatcher) {
        removeDispatcher();
        removeDispatcher = undefined;
      }
    },
  };
}

/**
 * One end of an in-memory connection: what one side writes, the other reads. It has the parts of
 * a socket's interface that Node's HTTP client and server use (addresses, timeouts, ref/unref).
 */
class MemorySocket extends Duplex {
  peer: MemorySocket | undefined;
  /** The address the server reports for the client. */
  readonly remoteAddress = "127.0.0.1";
  readonly remoteFamily = "IPv4";
  readonly remotePort: number;
  readonly localAddress = "127.0.0.1";
  readonly localPort: number;
  #timeout = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #refed: boolean;

  /** `refed`: whether a pending timeout keeps the process alive, as a socket in use does. */
  constructor(remotePort: number, localPort: number, refed: boolean) {
    super({ allowHalfOpen: true });
    this.remotePort = remotePort;
    this.localPort = localPort;
    this.#refed = refed;
  }

  override _read(): void {}

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error) => void,
  ): void {
    const peer = this.peer;
    if (peer === undefined) {
      callback(new Error("MemorySocket written before it was paired"));
      return;
    }
    this.#touch();
    peer.#touch();
    peer.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error) => void): void {
    if (this.peer === undefined) {
      callback(new Error("MemorySocket ended before it was paired"));
      return;
    }
    this.peer.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    // Closing one end closes the connection, as a socket's close does for its peer.
    if (this.peer && !this.peer.destroyed) this.peer.destroy();
    callback(error);
  }

  /** As `net.Socket#setTimeout`: emits `timeout` after `ms` without traffic (0 turns it off). */
  setTimeout(ms: number, callback?: () => void): this {
    this.#timeout = ms;
    if (callback) this.once("timeout", callback);
    this.#touch();
    return this;
  }

  #touch(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#timeout > 0 && !this.destroyed) {
      this.#timer = setTimeout(() => this.emit("timeout"), this.#timeout);
      if (!this.#refed) this.#timer.unref();
    }
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    this.#refed = true;
    this.#timer?.ref();
    return this;
  }

  unref(): this {
    this.#refed = false;
    this.#timer?.unref();
    return this;
  }
}

/** Connects the client to the server through in-memory connections, kept alive as TestServer's. */
class InProcessAgent extends Agent {
  readonly #server: HTTPServer;
  readonly #open = new Set<MemorySocket>();
  #nextPort = 40000;

  constructor(server: HTTPServer) {
    super({ keepAlive: true });
    this.#server = server;
  }

  override createConnection(): Duplex {
    const port = this.#nextPort++;
    const client = new MemorySocket(80, port, true);
    const server = new MemorySocket(port, 80, false);
    client.peer = server;
    server.peer = client;
    this.#open.add(client);
    client.once("close", () => this.#open.delete(client));
    // Node's HTTP server accepts any duplex stream handed to it as a connection.
    this.#server.nodeServer.emit("connection", server);
    return client;
  }

  /** Closes every connection still open. */
  closeAll(): void {
    for (const socket of this.#open) socket.destroy();
  }
}

/**
 * Serves an Application's requests in this process without opening a socket: each request goes
 * through Node's HTTP parser and the framework exactly as over the network, on in-memory streams.
 * For fast unit tests; use {@link TestServer} where a real socket matters (raw bytes, TLS,
 * timeouts, other clients).
 *
 * ```ts
 * const client = new InProcessClient(app);
 * const response = await client.fetch("/login", { method: "POST", body: "name=a" });
 * client.close();
 * ```
 *
 * `fetch` takes the same options and gives the same {@link TestResponse} as `TestServer.fetch`;
 * requests arrive from 127.0.0.1 with `Host: 127.0.0.1`. Not in Tornado.
 */
export class InProcessClient {
  /** The server the requests go through (it never listens). */
  readonly server: HTTPServer;
  readonly #agent: InProcessAgent;

  constructor(app: Application, options: HTTPServerOptions = {}) {
    this.server = new HTTPServer(app, options);
    this.#agent = new InProcessAgent(this.server);
  }

  /** Sends a request for `path` and resolves with the response (following redirects if asked). */
  async fetch(path: string, options: TestFetchOptions = {}): Promise<TestResponse> {
    return fetchFollowing(
      new URL(path, "http://127.0.0.1/").toString(),
      path,
      options,
      this.#agent,
    );
  }

  /** Closes any connection still open (a request still in progress fails). */
  close(): void {
    this.#agent.closeAll();
    this.#agent.destroy();
  }
}
