/**
 * WebSockets (Tornado's `tornado.websocket`), on the `ws` library: {@link WebSocketHandler} for
 * the server side, routed like any other handler, and {@link websocketConnect} for the client.
 *
 * ```ts
 * class EchoHandler extends WebSocketHandler {
 *   override onMessage(message: string | Buffer) {
 *     this.writeMessage(message);
 *   }
 * }
 * new Application([["/echo", EchoHandler]]).listen(8000);
 * ```
 * @module tornado-ts/websocket
 */
import WebSocket, { WebSocketServer } from "ws";
import { jsonEncode } from "./escape.ts";
import {
  type HeadersInit,
  HTTPClientError,
  HTTPRequest,
  HTTPResponse,
  HTTPTimeoutError,
} from "./httpclient.ts";
import { HTTPHeaders } from "./httputil/headers.ts";
import { appLog, genLog } from "./log.ts";
import type { CookieOptions } from "./web/cookies.ts";
import { type HeaderValue, RequestHandler, type WriteChunk } from "./web/request-handler.ts";

/** What `writeMessage` sends: text, bytes, or an object sent as JSON text. */
export type WebSocketMessage = string | Uint8Array | Record<string, unknown> | unknown[];

/**
 * permessage-deflate settings (RFC 7692), from `getCompressionOptions()` or the client's
 * `compressionOptions`. An empty object turns compression on with the defaults.
 */
export interface CompressionOptions {
  /** zlib compression level, 0 to 9. */
  compressionLevel?: number;
  /** zlib memory level, 1 to 9. */
  memLevel?: number;
  /** Messages smaller than this many bytes are sent uncompressed (default 0: all are compressed). */
  threshold?: number;
}

/** A WebSocket error (Tornado's `WebSocketError`). */
export class WebSocketError extends Error {
  /** The error class name, as in stack traces and logs. */
  override name = "WebSocketError";
}

/** Writing to, or pinging, a WebSocket that is closed or closing (Tornado's `WebSocketClosedError`). */
export class WebSocketClosedError extends WebSocketError {
  /** The error class name, as in stack traces and logs. */
  override name = "WebSocketClosedError";
  constructor(message = "WebSocket is closed", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The default largest message: 10 MiB, as Tornado. */
export const DEFAULT_MAX_MESSAGE_SIZE = 10 * 1024 * 1024;
/**
 * The default largest number of frames one message may come in: 131,072, enough for a 4 MiB
 * message in 64-byte fragments (Autobahn's cases 9.3.1 and 9.4.1, 65,537 frames). Each frame of an
 * unfinished message costs about 110 bytes of memory (measured on Node 20), so a peer sending
 * 1-byte frames holds at most about 14 MB per connection, in the range of the 10 MiB message limit.
 * `ws`'s own default, 16,384, refuses those Autobahn cases. Not in Tornado, which has no such limit.
 */
export const DEFAULT_MAX_FRAGMENTS = 128 * 1024;
/** Seconds to wait for the peer's close frame before dropping the connection, as Tornado. */
const CLOSE_TIMEOUT_MS = 5000;
/** Queued incoming messages above which reading from the socket pauses until the handler catches up. */
const QUEUE_HIGH_WATER = 64;
// RFC 6455 section 4.1: the key is a base64-encoded 16-byte nonce.
const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;
const SUPPORTED_VERSIONS = new Set(["7", "8", "13"]);
const EMPTY = Buffer.alloc(0);

function deflateOptions(options: CompressionOptions | null | undefined): false | object {
  if (options === null || options === undefined) return false;
  return {
    threshold: options.threshold ?? 0,
    zlibDeflateOptions: {
      ...(options.compressionLevel !== undefined ? { level: options.compressionLevel } : {}),
      ...(options.memLevel !== undefined ? { memLevel: options.memLevel } : {}),
    },
  };
}

/** Turns a message and the `binary` flag into what `ws` sends. */
function encodeMessage(
  message: WebSocketMessage,
  binary: boolean | undefined,
): { data: string | Buffer; binary: boolean } {
  if (typeof message === "string") {
    return binary
      ? { data: Buffer.from(message, "utf8"), binary: true }
      : { data: message, binary: false };
  }
  if (message instanceof Uint8Array) {
    return {
      data: Buffer.from(message.buffer, message.byteOffset, message.byteLength),
      binary: binary ?? true,
    };
  }
  if (message !== null && typeof message === "object") {
    return { data: jsonEncode(message), binary: false };
  }
  throw new TypeError(`writeMessage() takes a string, bytes or an object, not ${typeof message}`);
}

/** Sends on `ws`; the promise settles once the frame is written (it never goes unhandled). */
function send(ws: WebSocket, data: string | Buffer, binary: boolean): Promise<void> {
  const sent = new Promise<void>((resolve, reject) => {
    ws.send(data, { binary }, (error) => {
      if (error)
        reject(new WebSocketClosedError("WebSocket closed while writing", { cause: error }));
      else resolve();
    });
  });
  sent.catch(() => undefined);
  return sent;
}

function toText(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * The server side of a connection. `ws` starts the closing handshake itself when the peer's close
 * frame arrives or a frame breaks the protocol; that close waits here until the messages received
 * before it have been handled, so their replies go out first. Tornado reads no further frame until
 * `on_message` has returned, so its replies always come before the close; RFC 6455 section 5.5.1
 * lets an endpoint finish sending its current message before it answers a close frame. A handler
 * that takes longer than the close timeout (5 seconds) does not keep the connection open.
 */
class ServerConnection extends WebSocket {
  /** Returns a promise for the handling of the messages received so far, or nothing when idle. */
  pendingWork: (() => Promise<void> | undefined) | undefined;

  override close(code?: number, data?: string | Buffer): void {
    const pending = this.pendingWork?.();
    if (pending === undefined) {
      super.close(code, data);
      return;
    }
    let closed = false;
    const closeOnce = (): void => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      super.close(code, data);
    };
    const timer = setTimeout(closeOnce, CLOSE_TIMEOUT_MS);
    timer.unref();
    void pending.then(closeOnce);
  }

  /** Starts the closing handshake now, even while messages are being handled. */
  closeNow(code?: number, data?: string | Buffer): void {
    super.close(code, data);
  }
}

/**
 * Sends a ping every `interval` seconds and closes the connection when no pong has come for
 * `timeout` seconds after one (Tornado 6.2's rule). Returns the function that stops it.
 */
function startPinger(ws: WebSocket, interval: number, timeout: number): () => void {
  let lastPing = Date.now();
  let lastPong = Date.now();
  const onPong = (): void => {
    lastPong = Date.now();
  };
  ws.on("pong", onPong);
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - lastPing < 2 * interval * 1000 && now - lastPong > timeout * 1000) {
      // A dead peer is let go at once, even while a handler is still busy with its messages.
      if (ws instanceof ServerConnection) ws.closeNow();
      else ws.close();
      return;
    }
    if (ws.readyState === WebSocket.OPEN) ws.ping();
    lastPing = now;
  }, interval * 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    ws.off("pong", onPong);
  };
}

/**
 * A handler for WebSocket connections (Tornado's `WebSocketHandler`), routed like any handler:
 * `[["/chat", ChatHandler]]`.
 *
 * The handshake happens in `get()`, after `prepare` (so cookies, `currentUser` and headers set in
 * `prepare` work as usual; headers and cookies set there go out on the 101 response). Refusals
 * follow Tornado: 400 `Can "Upgrade" only to "WebSocket".`, 400 `"Connection" must be
 * "Upgrade".`, 403 `Cross origin websockets not allowed` when `checkOrigin` says no, 426 with
 * `Sec-WebSocket-Version: 7, 8, 13`, 400 `Missing/Invalid WebSocket headers`. Other methods get
 * 405.
 *
 * Then `open(...pathArgs)` runs (it may be async; messages wait until it finishes), each message
 * goes to `onMessage` one at a time (each call awaited), and `onClose` runs once at the end.
 * Settings: `websocketPingInterval`, `websocketPingTimeout` (default max(3 x interval, 30), as
 * Tornado 6.2), `websocketMaxMessageSize` (default 10 MiB; a larger message closes with 1009),
 * `websocketMaxFragments` (default 131,072 frames per message; more closes with 1008).
 *
 * When the peer sends a close frame, or a frame that breaks the protocol, the messages that came
 * before it are still handled and their replies sent before the connection closes (as Tornado).
 *
 * Differs from Tornado: bytes passed to `writeMessage` go out as a binary frame unless `binary`
 * is `false`; the draft protocol version 7 is refused by `ws` with a 400; the 1009 close frame
 * carries no reason text.
 */
export class WebSocketHandler extends RequestHandler {
  #ws: ServerConnection | null = null;
  #upgraded = false;
  #closeCode: number | null = null;
  #closeReason: string | null = null;
  #closeHandled = false;
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  #selectedSubprotocol: string | null = null;
  #stopPinger: (() => void) | undefined;

  // ---- hooks -------------------------------------------------------------------------------

  /** Runs once the connection is open, with the path groups; may be async (messages wait). */
  open(..._args: string[]): void | Promise<void> {}

  /** Receives each message: a string for text frames, a Buffer for binary ones. May be async. */
  onMessage(_message: string | Buffer): void | Promise<void> {}

  /** Runs once when the connection has closed; `closeCode` and `closeReason` say how. */
  onClose(): void | Promise<void> {}

  /** Receives the payload of each ping (the pong is sent automatically). */
  onPing(_data: Buffer): void {}

  /** Receives the payload of each pong. */
  onPong(_data: Buffer): void {}

  /**
   * Whether to accept a connection from `origin` (the `Origin` header). The default accepts only
   * the same host: the origin's host and port must equal the request's `Host` header exactly.
   * Override to allow other sites; a request with no `Origin` (not from a browser) is always let
   * through.
   */
  checkOrigin(origin: string): boolean {
    const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(origin);
    const netloc = (match?.[1] ?? "").toLowerCase();
    return netloc === this.request.headerValue("host");
  }

  /**
   * Picks one of the subprotocols the client offered (`Sec-WebSocket-Protocol`), or `null` for
   * none (the default). Called on every handshake, with `[]` when none is offered; the choice must
   * be one of those offered.
   */
  selectSubprotocol(_subprotocols: string[]): string | null {
    return null;
  }

  /** permessage-deflate settings, or `null` (the default) to turn compression off. */
  getCompressionOptions(): CompressionOptions | null {
    return null;
  }

  // ---- state -------------------------------------------------------------------------------

  /** The subprotocol chosen by `selectSubprotocol`, or `null`. */
  get selectedSubprotocol(): string | null {
    return this.#selectedSubprotocol;
  }

  /** The close code the peer sent, or `null` (none yet, or none in its close frame). */
  get closeCode(): number | null {
    return this.#closeCode;
  }

  /** The close reason the peer sent, or `null`. */
  get closeReason(): string | null {
    return this.#closeReason;
  }

  /** The `ws` connection while it is open, else `null` (Tornado's `ws_connection`). */
  get wsConnection(): WebSocket | null {
    return this.#ws;
  }

  /** True once the handshake is done: the HTTP response is over. */
  override get finished(): boolean {
    return this.#upgraded || super.finished;
  }

  // ---- sending -----------------------------------------------------------------------------

  /**
   * Sends a message: a string as a text frame, bytes as a binary frame, an object as JSON text
   * (Tornado's encoding, `</` escaped). `binary: true` sends a string as binary; `binary: false`
   * sends bytes as a text frame. Throws {@link WebSocketClosedError} when the connection is closed
   * or closing. The promise resolves once the frame is written (awaiting it is optional).
   */
  writeMessage(message: WebSocketMessage, binary?: boolean): Promise<void> {
    const ws = this.#ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) throw new WebSocketClosedError();
    const encoded = encodeMessage(message, binary);
    return send(ws, encoded.data, encoded.binary);
  }

  /** Sends a ping (at most 125 bytes of data). Throws {@link WebSocketClosedError} when closed. */
  ping(data: string | Uint8Array = EMPTY): void {
    const ws = this.#ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) throw new WebSocketClosedError();
    ws.ping(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  }

  /**
   * Starts the closing handshake with `code` and `reason` (a reason alone uses 1000). The
   * connection is dropped if the peer has not answered within 5 seconds. Does nothing once closing.
   */
  close(code?: number, reason?: string): void {
    const ws = this.#ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return;
    ws.closeNow(code ?? (reason !== undefined ? 1000 : undefined), reason);
  }

  /** Turns Nagle's algorithm off (`true`) or on for this connection. */
  setNodelay(value: boolean): void {
    this.request.socket.setNoDelay(value);
  }

  // ---- HTTP methods that make no sense after the handshake ---------------------------------

  static #refuseAfterUpgrade(handler: WebSocketHandler): void {
    // `#upgraded in handler` is false while RequestHandler's constructor runs `setDefaultHeaders`,
    // before this class's fields exist; headers set there are allowed, as in Tornado.
    if (#upgraded in handler && handler.#upgraded) {
      throw new Error("Method not supported for Web Sockets");
    }
  }

  override write(chunk: WriteChunk): void {
    WebSocketHandler.#refuseAfterUpgrade(this);
    super.write(chunk);
  }

  override finish(chunk?: WriteChunk): Promise<void> {
    WebSocketHandler.#refuseAfterUpgrade(this);
    return super.finish(chunk);
  }

  override flush(): Promise<void> {
    WebSocketHandler.#refuseAfterUpgrade(this);
    return super.flush();
  }

  override redirect(url: string, permanent?: boolean, status?: number): void {
    WebSocketHandler.#refuseAfterUpgrade(this);
    super.redirect(url, permanent, status);
  }

  override setHeader(name: string, value: HeaderValue): void {
    WebSocketHandler.#refuseAfterUpgrade(this);
    super.setHeader(name, value);
  }

  override setCookie(name: string, value: string | Uint8Array, options?: CookieOptions): void {
    WebSocketHandler.#refuseAfterUpgrade(this);
    super.setCookie(name, value, options);
  }

  override setStatus(statusCode: number, reason?: string): void {
    WebSocketHandler.#refuseAfterUpgrade(this);
    super.setStatus(statusCode, reason);
  }

  // ---- the handshake -----------------------------------------------------------------------

  #refuse(status: number, body = ""): void {
    this.setStatus(status);
    this.finish(body);
    genLog.debug(`WebSocket handshake refused: ${status} ${body}`);
  }

  /** The WebSocket handshake (RFC 6455 section 4.2), with Tornado's checks and refusals. */
  override async get(...args: string[]): Promise<void> {
    const request = this.request;
    if ((request.headerValue("upgrade") ?? "").toLowerCase() !== "websocket") {
      this.#refuse(400, 'Can "Upgrade" only to "WebSocket".');
      return;
    }
    const connection = (request.headerValue("connection") ?? "")
      .split(",")
      .map((part) => part.trim().toLowerCase());
    if (!connection.includes("upgrade")) {
      this.#refuse(400, '"Connection" must be "Upgrade".');
      return;
    }
    const origin = request.headerValue("origin") ?? request.headerValue("sec-websocket-origin");
    if (origin !== undefined && !this.checkOrigin(origin)) {
      this.#refuse(403, "Cross origin websockets not allowed");
      return;
    }
    if (!SUPPORTED_VERSIONS.has(request.headerValue("sec-websocket-version") ?? "")) {
      this.setHeader("Sec-WebSocket-Version", "7, 8, 13");
      this.#refuse(426);
      return;
    }
    if (
      !request.headerValue("host") ||
      !WEBSOCKET_KEY.test(request.headerValue("sec-websocket-key") ?? "")
    ) {
      this.#refuse(400, "Missing/Invalid WebSocket headers");
      return;
    }
    const res = request.rawResponse;
    // Node marks a request `upgrade` only when the server has an 'upgrade' listener (HTTPServer does).
    const raw = request.raw;
    if (!("upgrade" in raw && raw.upgrade) || !res) {
      genLog.error(
        "WebSocket request reached a server without upgrade support: serve the Application with HTTPServer or app.listen()",
      );
      this.#refuse(500);
      return;
    }
    const offered = (request.headerValue("sec-websocket-protocol") ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "");
    // Called even when none is offered (with []), as Tornado.
    const chosen = this.selectSubprotocol(offered);
    if (chosen !== null && !offered.includes(chosen)) {
      throw new Error(
        `selectSubprotocol() returned ${JSON.stringify(chosen)}, which was not offered`,
      );
    }
    const settings = this.settings;
    // ws takes `closeTimeout` (lib/websocket-server.js); @types/ws does not declare it.
    const serverOptions: WebSocket.ServerOptions<typeof ServerConnection> & {
      closeTimeout: number;
    } = {
      noServer: true,
      clientTracking: false,
      maxPayload: settings.websocketMaxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      maxFragments: settings.websocketMaxFragments ?? DEFAULT_MAX_FRAGMENTS,
      WebSocket: ServerConnection,
      perMessageDeflate: deflateOptions(this.getCompressionOptions()),
      handleProtocols: () => chosen ?? false,
      autoPong: true,
      closeTimeout: CLOSE_TIMEOUT_MS,
    };
    const server = new WebSocketServer(serverOptions);
    server.on("headers", (lines: string[]) => this.#handshakeHeaders(lines));
    const socket = request.socket;
    this.detach();
    res.detachSocket(socket);
    let opened: ServerConnection | undefined;
    server.handleUpgrade(raw, socket, EMPTY, (ws) => {
      opened = ws;
    });
    if (!opened) {
      // ws refused the request (and answered it) or the client had already hung up.
      this.setStatus(400);
      this.#upgraded = true;
      this.application.logRequest(this);
      return;
    }
    this.#selectedSubprotocol = chosen;
    this.#accept(opened, args);
    await this.#queue;
  }

  /** Writes Tornado's 101 header block: default and handler headers, the handshake, cookies last. */
  #handshakeHeaders(lines: string[]): void {
    const fromWs = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      fromWs.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const protocol = fromWs.get("sec-websocket-protocol");
    if (protocol !== undefined) this.setHeader("Sec-WebSocket-Protocol", protocol);
    const extensions = fromWs.get("sec-websocket-extensions");
    if (extensions !== undefined) this.setHeader("Sec-WebSocket-Extensions", extensions);
    this.clearHeader("Content-Type");
    this.setStatus(101);
    this.setHeader("Upgrade", "websocket");
    this.setHeader("Connection", "Upgrade");
    this.setHeader("Sec-WebSocket-Accept", fromWs.get("sec-websocket-accept") ?? "");
    lines.length = 0;
    lines.push("HTTP/1.1 101 Switching Protocols");
    for (const [name, value] of this.responseHeaders) lines.push(`${name}: ${value}`);
    for (const cookie of this.outgoingCookies) lines.push(`Set-Cookie: ${cookie}`);
  }

  #accept(ws: ServerConnection, args: string[]): void {
    this.#ws = ws;
    ws.pendingWork = () => (this.#queued > 0 ? this.#queue : undefined);
    this.#upgraded = true;
    this.application.logRequest(this);
    try {
      const finished = this.onFinish();
      if (finished !== undefined) {
        Promise.resolve(finished).catch((error: unknown) =>
          appLog.error("Exception in onFinish", error),
        );
      }
    } catch (error) {
      appLog.error("Exception in onFinish", error);
    }
    ws.on("message", (data, isBinary) => {
      const bytes = toText(data);
      this.#enqueue(() => this.onMessage(isBinary ? bytes : bytes.toString("utf8")), "onMessage");
    });
    ws.on("ping", (data: Buffer) => this.#callback(() => this.onPing(data), "onPing"));
    ws.on("pong", (data: Buffer) => this.#callback(() => this.onPong(data), "onPong"));
    ws.on("error", (error: Error) => {
      genLog.info(`WebSocket error from ${this.request.remoteIp}: ${error.message}`);
    });
    ws.on("close", (code: number, reason: Buffer) => {
      this.#closeCode = code === 1005 || code === 1006 ? null : code;
      this.#closeReason = reason.length > 0 ? reason.toString("utf8") : null;
      this.#ws = null;
      this.#stopPinger?.();
      this.#enqueue(() => this.#runOnClose(), "onClose");
    });
    const interval = this.settings.websocketPingInterval ?? 0;
    if (interval > 0) {
      const timeout = this.settings.websocketPingTimeout ?? Math.max(3 * interval, 30);
      this.#stopPinger = startPinger(ws, interval, timeout);
    }
    this.#enqueue(() => this.open(...args), "open");
  }

  #runOnClose(): void | Promise<void> {
    if (this.#closeHandled) return;
    this.#closeHandled = true;
    return this.onClose();
  }

  #callback(fn: () => unknown, name: string): void {
    try {
      fn();
    } catch (error) {
      appLog.error(`Uncaught exception in WebSocket ${name} ${this.requestSummary()}`, error);
    }
  }

  /**
   * Runs `task` after everything queued before it, so `open`, each `onMessage` and `onClose` run
   * one at a time in order. Reading pauses while too many messages wait.
   */
  #enqueue(task: () => unknown, name: string): void {
    this.#queued++;
    if (this.#queued > QUEUE_HIGH_WATER) this.#ws?.pause();
    this.#queue = this.#queue.then(async () => {
      try {
        await task();
      } catch (error) {
        appLog.error(`Uncaught exception in WebSocket ${name} ${this.requestSummary()}`, error);
        // As Tornado: an exception in a callback drops the connection.
        this.#ws?.terminate();
      } finally {
        this.#queued--;
        if (this.#queued <= QUEUE_HIGH_WATER / 2) this.#ws?.resume();
      }
    });
  }
}

/** Options of {@link websocketConnect} (Tornado's `websocket_connect` arguments). */
export interface WebSocketConnectOptions {
  /** Seconds allowed for the connection and handshake (default 20). */
  connectTimeout?: number;
  /** Receives every message instead of `readMessage()`, then `null` once on close. */
  onMessage?: (message: string | Buffer | null) => void;
  /** Receives the payload of each pong. */
  onPong?: (data: Buffer) => void;
  /** Receives the payload of each ping (answered automatically). */
  onPing?: (data: Buffer) => void;
  /** Offer permessage-deflate with these settings (off when unset). */
  compressionOptions?: CompressionOptions | null;
  /** Seconds between pings (0 or unset: none). */
  pingInterval?: number;
  /** Seconds without a pong before closing (default max(3 x interval, 30)). */
  pingTimeout?: number;
  /** The largest message accepted, in bytes (default 10 MiB); a larger one closes with 1009. */
  maxMessageSize?: number;
  /** The most frames one message may come in (default 131,072); more closes with 1008. */
  maxFragments?: number;
  /** Subprotocols to offer, in order of preference. */
  subprotocols?: string[];
  /** Extra request headers (cookies, `Origin`, authorization). */
  headers?: HeadersInit;
  /** Check the server's TLS certificate for `wss://` (default true). */
  validateCert?: boolean;
}

/**
 * A client connection made by {@link websocketConnect} (Tornado's `WebSocketClientConnection`).
 * Read with `readMessage()` (or `for await`), or give an `onMessage` callback instead.
 */
export class WebSocketClientConnection implements AsyncIterable<string | Buffer> {
  readonly #ws: WebSocket;
  readonly #callback: ((message: string | Buffer | null) => void) | undefined;
  readonly #messages: (string | Buffer)[] = [];
  readonly #waiters: ((message: string | Buffer | null) => void)[] = [];
  #closed = false;
  #closeCode: number | null = null;
  #closeReason: string | null = null;
  readonly #stopPinger: (() => void) | undefined;
  readonly #subprotocol: string | null;
  /** The headers of the server's 101 handshake response (Tornado's `headers`). */
  readonly headers: HTTPHeaders;

  /** @internal Made by {@link websocketConnect}. */
  constructor(
    ws: WebSocket,
    options: WebSocketConnectOptions,
    subprotocol: string | null = null,
    headers: HTTPHeaders = new HTTPHeaders(),
  ) {
    this.#ws = ws;
    this.#subprotocol = subprotocol;
    this.headers = headers;
    this.#callback = options.onMessage;
    ws.on("message", (data, isBinary) => {
      const bytes = toText(data);
      this.#deliver(isBinary ? bytes : bytes.toString("utf8"));
    });
    if (options.onPong) ws.on("pong", options.onPong);
    if (options.onPing) ws.on("ping", options.onPing);
    ws.on("error", (error: Error) => genLog.info(`WebSocket client error: ${error.message}`));
    ws.on("close", (code: number, reason: Buffer) => {
      this.#closed = true;
      this.#closeCode = code === 1005 || code === 1006 ? null : code;
      this.#closeReason = reason.length > 0 ? reason.toString("utf8") : null;
      this.#stopPinger?.();
      this.#deliver(null);
    });
    const interval = options.pingInterval ?? 0;
    if (interval > 0) {
      this.#stopPinger = startPinger(
        ws,
        interval,
        options.pingTimeout ?? Math.max(3 * interval, 30),
      );
    }
  }

  #deliver(message: string | Buffer | null): void {
    if (this.#callback) {
      try {
        this.#callback(message);
      } catch (error) {
        appLog.error("Uncaught exception in WebSocket onMessage callback", error);
      }
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter(message);
      if (message === null) for (const other of this.#waiters.splice(0)) other(null);
    } else if (message !== null) {
      this.#messages.push(message);
    }
  }

  /**
   * The next message: a string for text, a Buffer for binary, or `null` once the connection is
   * closed and every earlier message has been read.
   */
  readMessage(): Promise<string | Buffer | null> {
    if (this.#callback) throw new Error("readMessage() cannot be used with an onMessage callback");
    const message = this.#messages.shift();
    if (message !== undefined) return Promise.resolve(message);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Reads messages until the connection closes. */
  async *[Symbol.asyncIterator](): AsyncIterator<string | Buffer> {
    for (;;) {
      const message = await this.readMessage();
      if (message === null) return;
      yield message;
    }
  }

  /**
   * Sends a message (as {@link WebSocketHandler.writeMessage}; client frames are masked). Throws
   * {@link WebSocketClosedError} when the connection is closed or closing.
   */
  writeMessage(message: WebSocketMessage, binary?: boolean): Promise<void> {
    if (this.#ws.readyState !== WebSocket.OPEN) {
      throw new WebSocketClosedError("Client connection has been closed");
    }
    const encoded = encodeMessage(message, binary);
    return send(this.#ws, encoded.data, encoded.binary);
  }

  /** Sends a ping (at most 125 bytes). Throws {@link WebSocketClosedError} when closed. */
  ping(data: string | Uint8Array = EMPTY): void {
    if (this.#ws.readyState !== WebSocket.OPEN) {
      throw new WebSocketClosedError("Client connection has been closed");
    }
    this.#ws.ping(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  }

  /** Starts the closing handshake (a reason alone uses code 1000). Does nothing once closing. */
  close(code?: number, reason?: string): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#ws.close(code ?? (reason !== undefined ? 1000 : undefined), reason);
  }

  /** Resolves once the connection has closed. */
  closed(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.#ws.once("close", () => resolve()));
  }

  /** The subprotocol the server chose, or `null`. */
  get selectedSubprotocol(): string | null {
    return this.#subprotocol;
  }

  /** The close code the server sent, or `null`. */
  get closeCode(): number | null {
    return this.#closeCode;
  }

  /** The close reason the server sent, or `null`. */
  get closeReason(): string | null {
    return this.#closeReason;
  }

  /** The underlying `ws` connection. */
  get wsConnection(): WebSocket {
    return this.#ws;
  }
}

/**
 * Opens a WebSocket connection (Tornado's `websocket_connect`). `url` is `ws://`, `wss://` (or
 * `http://`, `https://`, mapped to them), or an `HTTPRequest` whose headers are sent. Redirects
 * are not followed. Resolves once the handshake is done.
 *
 * A non-101 answer rejects with `HTTPClientError` (its `response` holds the body), e.g.
 * `HTTP 404: Not Found`; a connection failure with a 599 `HTTPClientError` and a timeout with
 * `HTTPTimeoutError`.
 */
export function websocketConnect(
  url: string | HTTPRequest,
  options: WebSocketConnectOptions = {},
): Promise<WebSocketClientConnection> {
  const target = typeof url === "string" ? url : url.url;
  const headers = new HTTPHeaders();
  if (typeof url !== "string") for (const [name, value] of url.headers) headers.add(name, value);
  if (options.headers) {
    const extra =
      options.headers instanceof HTTPHeaders ? options.headers : new HTTPHeaders(options.headers);
    for (const [name, value] of extra) headers.add(name, value);
  }
  const offered = options.subprotocols ?? [];
  // Offered by header rather than through ws, which fails a handshake where the server picks none
  // of them; Tornado's client accepts that (RFC 6455 section 4.1 lets the server choose none).
  if (offered.length > 0) headers.set("Sec-WebSocket-Protocol", offered.join(","));
  const wsUrl = target.replace(/^http(s?):/i, "ws$1:");
  const connectTimeout = options.connectTimeout ?? 20;
  // ws takes `closeTimeout` (lib/websocket.js); @types/ws does not declare it.
  const clientOptions: WebSocket.ClientOptions & { closeTimeout: number } = {
    headers: headers.toJSON(),
    handshakeTimeout: connectTimeout > 0 ? connectTimeout * 1000 : undefined,
    perMessageDeflate: deflateOptions(options.compressionOptions),
    maxPayload: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    maxFragments: options.maxFragments ?? DEFAULT_MAX_FRAGMENTS,
    followRedirects: false,
    rejectUnauthorized: options.validateCert ?? true,
    autoPong: true,
    closeTimeout: CLOSE_TIMEOUT_MS,
  };
  const ws = new WebSocket(wsUrl, [], clientOptions);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    ws.once("unexpected-response", (req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const response = new HTTPResponse({
          request: typeof url === "string" ? new HTTPRequest(url) : url,
          code: res.statusCode ?? 599,
          reason: res.statusMessage ?? "",
          headers: HTTPHeaders.fromRaw(res.rawHeaders),
          body: Buffer.concat(chunks),
          effectiveUrl: target,
        });
        fail(
          response.error ??
            new WebSocketError(`Non-websocket response: ${response.code} ${response.reason}`),
        );
        req.destroy();
      });
    });
    let selected: string | null = null;
    let responseHeaders: HTTPHeaders | undefined;
    ws.once("upgrade", (res) => {
      responseHeaders = HTTPHeaders.fromRaw(res.rawHeaders);
      const chosen = res.headers["sec-websocket-protocol"];
      delete res.headers["sec-websocket-protocol"];
      if (chosen === undefined) return;
      if (!offered.includes(chosen)) {
        // RFC 6455 section 4.1: a subprotocol the client did not offer fails the connection.
        fail(new WebSocketError(`Server selected a subprotocol that was not offered: ${chosen}`));
        ws.terminate();
        return;
      }
      selected = chosen;
    });
    ws.once("error", (error: Error) => {
      if (/handshake has timed out/i.test(error.message)) {
        fail(new HTTPTimeoutError("Timeout while connecting", { cause: error }));
      } else {
        fail(new HTTPClientError(599, error.message, undefined, { cause: error }));
      }
    });
    ws.once("open", () => {
      if (settled) return;
      settled = true;
      resolve(new WebSocketClientConnection(ws, options, selected, responseHeaders));
    });
  });
}
