/**
 * The HTTP server (Tornado's `tornado.httpserver`), on Node's `node:http` and `node:https`.
 * @module tornado-ts/httpserver
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  ServerResponse,
} from "node:http";
import {
  createServer as createHttpsServer,
  type ServerOptions as TlsServerOptions,
} from "node:https";
import { isIP, Server as NetServer, type Socket } from "node:net";
import { createHttp2Server } from "./http2.ts";
import { refuseConnection, refuseMalformed } from "./httpserver-framing.ts";
import { deferContinue } from "./httpserver-limits.ts";
import type { HTTPServerOptions } from "./httpserver-options.ts";
import type { RequestConnectionInfo } from "./httputil/request.ts";
import { runCloseHook, watchResponseClose } from "./httputil/response-close.ts";
import { genLog } from "./log.ts";
import {
  drainOnSignals,
  type ForkOptions,
  forkProcesses,
  onDrain,
  requestEnded,
  requestStarted,
  taskId,
} from "./process.ts";

/** What an HTTPServer serves: an Application, or anything else that makes Node request listeners. */
export interface HTTPServerDelegate {
  /** Makes the listener for requests arriving through a server with these options. */
  createListener(options: HTTPServerOptions): (req: IncomingMessage, res: ServerResponse) => void;
}

export {
  BodyAbortedError,
  BodyTimeoutError,
  DEFAULT_MAX_BUFFER_SIZE,
  RequestBodyTooLargeError,
  RequestDecompressionError,
  setBodyTimeout,
  setMaxBodySize,
} from "./httpserver-limits.ts";
export type { HTTPServerOptions, MultipartLimits } from "./httpserver-options.ts";

/**
 * Options of {@link HTTPServer.start}: how workers are supervised (see `forkProcesses` in
 * `tornado-ts/process`).
 */
export interface StartOptions extends ForkOptions {}

/** How long a draining server leaves an idle connection open before closing it, in milliseconds. */
const DRAIN_IDLE_MS = 1000;

/**
 * Refuses TLS options that cannot serve a handshake, at once rather than at the first client
 * (Tornado checks its `ssl_options` when the server is made): a certificate needs its key.
 */
function checkSslOptions(options: TlsServerOptions): void {
  if (options.pfx || options.secureContext || options.SNICallback) return;
  if (!options.cert || !options.key) {
    throw new TypeError(
      "sslOptions needs a certificate and its key (cert and key, pfx, secureContext or SNICallback)",
    );
  }
}

/**
 * Logs a failed TLS handshake as Tornado does (`SSL Error on <peer>: <reason>`, a warning without
 * a stack trace); a client that only went away (a reset, an early end) is not logged.
 */
function logTlsError(error: Error & { code?: string }, socket: Socket): void {
  if (!error.code?.startsWith("ERR_SSL_")) return;
  const peer = socket.remoteAddress
    ? `${socket.remoteAddress}:${socket.remotePort}`
    : "(not connected)";
  genLog.warning(`SSL Error on ${peer}: ${error.message.slice(0, 200)}`);
}

/** Strips the IPv4-mapped prefix Node reports on dual-stack sockets (`::ffff:127.0.0.1`). */
function plainAddress(address: string | undefined): string {
  if (!address) return "0.0.0.0";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

// Without xheaders a request's connection info depends on its socket's address and protocol alone:
// one frozen object per protocol and address, shared by every connection from there (a per-socket
// cache would cost each idle keep-alive connection about 100 bytes). Bounded: past the limit the
// address seen first is forgotten.
const MAX_SHARED_INFOS = 1024;
const sharedInfos = new Map<string, Map<string, RequestConnectionInfo>>();

function sharedInfo(remoteIp: string, protocol: string): RequestConnectionInfo {
  let byAddress = sharedInfos.get(protocol);
  if (byAddress === undefined) {
    byAddress = new Map();
    sharedInfos.set(protocol, byAddress);
  }
  let info = byAddress.get(remoteIp);
  if (info === undefined) {
    info = Object.freeze({ remoteIp, protocol });
    if (byAddress.size >= MAX_SHARED_INFOS) {
      const oldest = byAddress.keys().next();
      if (!oldest.done) byAddress.delete(oldest.value);
    }
    byAddress.set(remoteIp, info);
  }
  return info;
}

/**
 * The client address and protocol of a request, with Tornado's `xheaders` rules when turned on:
 * the right-most `X-Forwarded-For` entry that is not a trusted proxy, overridden by `X-Real-Ip`,
 * used only when it is a valid IP; the last `X-Scheme` (or `X-Forwarded-Proto`) entry, only when
 * it is `http` or `https`.
 */
export function connectionInfo(
  req: IncomingMessage,
  options: HTTPServerOptions,
): RequestConnectionInfo {
  const socket = req.socket;
  // A TLS socket says so with `encrypted: true` (node:tls's TLSSocket).
  const encrypted = "encrypted" in socket && socket.encrypted === true;
  if (!options.xheaders) {
    return sharedInfo(
      plainAddress(socket.remoteAddress),
      options.protocol ?? (encrypted ? "https" : "http"),
    );
  }
  let remoteIp = plainAddress(socket.remoteAddress);
  let protocol = options.protocol ?? (encrypted ? "https" : "http");
  if (options.xheaders) {
    const trusted = new Set(options.trustedDownstream ?? []);
    let candidate = remoteIp;
    const forwarded = req.headers["x-forwarded-for"];
    if (forwarded !== undefined) {
      const hops = (Array.isArray(forwarded) ? forwarded.join(",") : forwarded)
        .split(",")
        .map((h) => h.trim());
      while (hops.length > 1 && trusted.has(hops.at(-1) ?? "")) hops.pop();
      candidate = hops.at(-1) ?? candidate;
    }
    const realIp = req.headers["x-real-ip"];
    if (typeof realIp === "string") candidate = realIp.trim();
    if (isIP(candidate)) remoteIp = candidate;
    const scheme = req.headers["x-scheme"] ?? req.headers["x-forwarded-proto"];
    if (typeof scheme === "string") {
      const last = scheme.split(",").at(-1)?.trim().toLowerCase();
      if (last === "http" || last === "https") protocol = last;
    }
  }
  return { remoteIp, protocol };
}

/** What the server keeps per connection: its responses in progress, and since when it is idle. */
interface ConnectionState {
  /** The response in progress (the first, when requests are pipelined); `null` while idle. */
  response: ServerResponse | null;
  /**
   * Responses behind `response` on a pipelining connection, else `null` (an emptied array would
   * keep its room for 17 responses on every idle connection).
   */
  queued: ServerResponse[] | null;
  idleSince: number;
}

const connectionOf = Symbol("tornado-ts.connection");
type TrackedResponse = ServerResponse & { [connectionOf]?: ConnectionState };

/**
 * The server's `close` listener of every response (`this`): counts the request as ended and drops
 * the response from its connection's list. One function for all: a closure per response is
 * allocation on every request (about 55 ns against 61 ns to add and emit the listener; Node 20,
 * bench/micro/optimisations.mjs server-listener).
 */
function onTrackedResponseClose(this: ServerResponse): void {
  requestEnded(this);
  const connection = (this as TrackedResponse)[connectionOf];
  if (connection !== undefined) {
    const queued = connection.queued;
    if (connection.response === this) {
      connection.response = queued === null ? null : (queued.shift() ?? null);
    } else if (queued !== null) {
      const index = queued.indexOf(this);
      if (index >= 0) queued.splice(index, 1);
    }
    if (queued !== null && queued.length === 0) connection.queued = null;
    if (connection.response === null) connection.idleSince = Date.now();
  }
  runCloseHook(this);
}

/** A `close` listener that drops its socket (`this`) from `connections`. */
function forgetConnection(connections: Map<Socket, ConnectionState>): (this: Socket) => void {
  return function (this: Socket) {
    connections.delete(this);
  };
}

/**
 * An HTTP/1.1 server around an Application (Tornado's `HTTPServer`).
 *
 * `listen(port)` serves in this process; `bind(port)` then `start(1)` does the same in two steps.
 * Requests that Node's parser refuses get `400 Bad Request` (431 for oversized headers) and the
 * connection is closed, as Tornado does; so do requests Tornado 6.5 refuses that Node's parser
 * lets through: an HTTP version other than 1.x, and an HTTP/1.1 request with no Host header, several,
 * or an invalid one. Differs from Tornado: the refusal carries a `Connection: close` line.
 */
export class HTTPServer {
  /** The options in force. */
  readonly options: Readonly<HTTPServerOptions>;
  /** Node's server, for what this class does not cover. */
  readonly nodeServer: Server;
  #bound: { port: number; address: string | undefined } | undefined;
  #listening = false;
  /** Sockets handed over by an `upgrade` (WebSockets): Node no longer tracks them as HTTP connections. */
  readonly #upgraded = new Set<Socket>();
  readonly #connections = new Map<Socket, ConnectionState>();
  readonly #forgetConnection = forgetConnection(this.#connections);
  #draining = false;
  #unregisterDrain: (() => void) | undefined;

  constructor(delegate: HTTPServerDelegate, options: HTTPServerOptions = {}) {
    this.options = { ...options };
    const handle = refuseMalformed(delegate.createListener(this.options));
    const noKeepAlive = options.noKeepAlive === true;
    const idleMs = (options.idleConnectionTimeout ?? 5) * 1000;
    // Tracking inside the one request listener: a second listener would make Node copy the
    // listener list on every request.
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      // The first request on a connection ends the wait for it (see "connection" below); Node
      // clears its own keep-alive wait before later ones.
      if (req.socket.timeout === idleMs && !options.http2) req.socket.setTimeout(0);
      this.#track(req, res);
      if (noKeepAlive) res.shouldKeepAlive = false;
      handle(req, res);
    };
    const nodeOptions = {
      maxHeaderSize: options.maxHeaderSize ?? 64 * 1024,
      keepAliveTimeout: (options.idleConnectionTimeout ?? 5) * 1000,
      headersTimeout: (options.headerTimeout ?? 60) * 1000,
      requestTimeout: (options.requestTimeout ?? 300) * 1000,
      // The Host rules are checked in framingProblem(), so the refusal looks like every other
      // malformed request (Node's own check answers with an empty chunked 400).
      requireHostHeader: false,
      // Node checks those two timeouts on an interval (30 s by default): check at least four times
      // per shorter timeout, so a slow client is cut off close to the limit.
      connectionsCheckingInterval: Math.max(
        100,
        Math.min(
          30_000,
          (Math.min(options.headerTimeout ?? 60, options.requestTimeout ?? 300) * 1000) / 4,
        ),
      ),
    };
    if (options.sslOptions) checkSslOptions(options.sslOptions);
    this.nodeServer = options.http2
      ? createHttp2Server(nodeOptions, options.sslOptions, listener)
      : options.sslOptions
        ? createHttpsServer({ ...nodeOptions, ...options.sslOptions }, listener)
        : createHttpServer(nodeOptions, listener);
    // RFC 9110 section 10.1.1: a server may answer `Expect: 100-continue` with the final status
    // instead; the application sends `100 Continue` only once it is going to read the body, so a
    // body refused unread (too large, an unlisted host, a failing XSRF check, over the memory
    // budget) gets its final status without inviting the upload.
    this.nodeServer.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
      deferContinue(req);
      this.nodeServer.emit("request", req, res);
    });
    this.nodeServer.on("clientError", (error: Error & { code?: string }, socket: Socket) => {
      handleClientError(error, socket);
    });
    if (options.sslOptions) {
      this.nodeServer.on("tlsClientError", (error: Error & { code?: string }, socket: Socket) => {
        logTlsError(error, socket);
        // With a listener for this event, closing the socket is left to it.
        socket.destroy();
      });
    }
    this.nodeServer.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
      this.#serveUpgrade(handle, req, socket, head);
    });
    this.nodeServer.on(
      options.sslOptions ? "secureConnection" : "connection",
      (socket: Socket): void => {
        this.#connection(socket);
        // A connection that never sends a request is closed after idleConnectionTimeout, as
        // Tornado does (Node would wait for headerTimeout); Node's socket timeout handler closes it.
        if (!options.http2) socket.setTimeout(idleMs);
      },
    );
  }

  /**
   * Serves a request that asks to switch protocols (`Upgrade:`, as a WebSocket handshake does)
   * through the same listener as any request, so the route's handler decides: a WebSocketHandler
   * takes the socket over; any other handler answers over HTTP and the connection is closed.
   * Upgrade requests that carry a body are refused with 400 (Node hands their body over unread).
   */
  #serveUpgrade(
    listener: (req: IncomingMessage, res: ServerResponse) => void,
    req: IncomingMessage,
    socket: Socket,
    head: Buffer,
  ): void {
    // The upgraded connection is the handler's now: the wait for a first request (see
    // "connection" in the constructor) ends, so its timer does not keep firing on an idle
    // WebSocket (Node stops closing sockets on timeout once they are upgraded).
    if (!this.options.http2) socket.setTimeout(0);
    this.#upgraded.add(socket);
    socket.once("close", () => this.#upgraded.delete(socket));
    const length = req.headers["content-length"];
    if ((length !== undefined && length !== "0") || req.headers["transfer-encoding"]) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    // Bytes that arrived after the headers belong to the new protocol: give them back to the socket.
    if (head.length > 0) socket.unshift(head);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once("finish", () => socket.destroySoon());
    listener(req, res);
  }

  #connection(socket: Socket): ConnectionState {
    let state = this.#connections.get(socket);
    if (!state) {
      state = { response: null, queued: null, idleSince: Date.now() };
      this.#connections.set(socket, state);
      // One listener function for every socket ("close" comes once): a closure per connection,
      // and once()'s wrapper, would cost each idle connection about 200 bytes.
      socket.on("close", this.#forgetConnection);
    }
    return state;
  }

  /** Counts a request, and keeps what `drain()` needs: responses and connections in use. */
  #track(req: IncomingMessage, res: ServerResponse): void {
    requestStarted();
    const connection = this.#connection(req.socket);
    // A field per connection rather than a Set per server: a Set would give every response an
    // identity hash (about 5% of a small request's cost). Responses on one connection come and go
    // in order; almost always there is one at a time.
    if (connection.response === null) connection.response = res;
    else if (connection.queued === null) connection.queued = [res];
    else connection.queued.push(res);
    (res as TrackedResponse)[connectionOf] = connection;
    if (this.#draining) res.shouldKeepAlive = false;
    watchResponseClose(res, onTrackedResponseClose);
  }

  /** Starts listening on `port` (0 for any free port) in this process; resolves once listening. */
  listen(port: number, address?: string): Promise<this> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.nodeServer.once("error", onError);
      this.nodeServer.listen(port, address, () => {
        this.nodeServer.off("error", onError);
        this.#listening = true;
        this.#unregisterDrain ??= onDrain((timeoutMs) => this.drain(timeoutMs / 1000));
        resolve(this);
      });
    });
  }

  /** Remembers the port (and address) to serve on; `start()` opens it. */
  bind(port: number, address?: string): void {
    this.#bound = { port, address };
  }

  /**
   * Starts serving on the bound port, in this process or in worker processes (Tornado's
   * `start(num_processes)`). `start()` and `start(1)` serve in this process; `start(n)` starts `n`
   * workers through Node's cluster module (`null`, 0 or a negative number: one per CPU), each
   * serving the same port; a number as `options` is `maxRestarts`, as in Tornado. In the primary
   * process the returned promise never resolves: the primary supervises (restarts crashed workers,
   * SIGHUP rolling restart, SIGTERM/SIGINT drain, SIGUSR2 and `statsPort` counters; see
   * `tornado-ts/process`). In a worker, and with one process, it resolves once listening.
   *
   * Every process started this way drains on SIGTERM and SIGINT: it stops accepting, lets in-flight
   * requests finish within `drainTimeout` seconds (default 10), and exits with status 0.
   *
   * Differs from Tornado: workers are new runs of the script, not forks, so code before `start()`
   * runs in every process; `await` the call so code after it runs only in workers.
   */
  async start(numProcesses: number | null = 1, options: StartOptions | number = {}): Promise<void> {
    const bound = this.#bound;
    if (!bound) throw new Error("HTTPServer.start() needs bind(port) first");
    const settings = typeof options === "number" ? { maxRestarts: options } : options;
    if (numProcesses !== 1 || taskId() !== null) await forkProcesses(numProcesses, settings);
    drainOnSignals(settings.drainTimeout ?? 10);
    await this.listen(bound.port, bound.address);
  }

  /**
   * Stops accepting connections and lets the requests in progress finish: every response from now
   * on is sent with `Connection: close`, so a client using a keep-alive connection gets its answer
   * and then the close. A connection is closed by the server only once it has been idle for a
   * second, so that a client never sends a request on a connection the server is closing at that
   * moment (Node's `server.close()` closes idle keep-alive connections at once, which drops such
   * requests). After `timeoutSeconds` (default 10) the connections still open are closed. Resolves
   * when every connection has closed.
   */
  async drain(timeoutSeconds = 10): Promise<void> {
    this.#draining = true;
    this.#listening = false;
    this.#unregisterDrain?.();
    this.#unregisterDrain = undefined;
    for (const { response, queued } of this.#connections.values()) {
      if (response !== null && !response.headersSent) response.shouldKeepAlive = false;
      for (const res of queued ?? []) if (!res.headersSent) res.shouldKeepAlive = false;
    }
    const closed = new Promise<void>((resolve) => {
      // net.Server's close, not http.Server's: stop accepting without closing idle connections.
      NetServer.prototype.close.call(this.nodeServer, () => resolve());
    });
    const sweep = setInterval(() => this.#closeIdleConnections(DRAIN_IDLE_MS), DRAIN_IDLE_MS / 4);
    const timer = setTimeout(() => this.closeAllConnections(), timeoutSeconds * 1000);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
      clearTimeout(timer);
    }
  }

  #closeIdleConnections(idleMs: number): void {
    const now = Date.now();
    for (const [socket, state] of this.#connections) {
      if (state.response === null && now - state.idleSince >= idleMs) socket.destroySoon();
    }
  }

  /** The port the server listens on, once listening. */
  get port(): number | undefined {
    const address = this.nodeServer.address();
    return address !== null && typeof address === "object" ? address.port : undefined;
  }

  /** Whether the server is listening. */
  get listening(): boolean {
    return this.#listening && this.nodeServer.listening;
  }

  /** Stops accepting connections; resolves when every open connection has closed. */
  stop(): Promise<void> {
    this.#unregisterDrain?.();
    this.#unregisterDrain = undefined;
    return new Promise((resolve) => {
      this.#listening = false;
      if (!this.nodeServer.listening) {
        resolve();
        return;
      }
      this.nodeServer.close(() => resolve());
      this.nodeServer.closeIdleConnections();
    });
  }

  /** Closes every connection at once, including those with requests in progress and WebSockets. */
  closeAllConnections(): void {
    this.nodeServer.closeAllConnections();
    for (const socket of this.#upgraded) socket.destroy();
    this.#upgraded.clear();
  }
}

function handleClientError(
  error: Error & { code?: string; reason?: string },
  socket: Socket,
): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === "HPE_HEADER_OVERFLOW"
      ? "431 Request Header Fields Too Large"
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? "408 Request Timeout"
        : "400 Bad Request";
  // Node's parse errors carry a readable `reason` ("Invalid method encountered") and a code.
  const reason = error.reason ? `${error.reason} (${error.code})` : (error.code ?? error.message);
  refuseConnection(socket, reason, status);
}
