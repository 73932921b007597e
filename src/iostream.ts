/**
 * Reading and writing a TCP connection as a stream of bytes (Tornado's `tornado.iostream`):
 * {@link IOStream} over a `node:net` socket and {@link SSLIOStream} over a `node:tls` one.
 *
 * A stream has at most one read pending at a time (`readUntil`, `readUntilRegex`, `readBytes`,
 * `readIntoBuffer`, `readUntilClose`), each resolving with a `Uint8Array` (a `Buffer`) once
 * enough bytes arrived; `write()` resolves once its bytes are handed to the operating system.
 * Bytes the application has not asked for yet wait in a buffer. A read that needs more than
 * `maxBufferSize` bytes buffered closes the stream with {@link StreamBufferFullError}. While no
 * read is pending and the buffer holds more than 64 KiB (or `maxBufferSize`, if smaller), the
 * socket is paused, so a slow reader slows the sender.
 * @module tornado-ts/iostream
 */
import type { Socket } from "node:net";
import * as tls from "node:tls";
import { genLog } from "./log.ts";

/** A read or write on a closed stream (Tornado's `iostream.StreamClosedError`). */
export class StreamClosedError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name: string = "StreamClosedError";
  /** The error that closed the stream, if one did (a socket error, a full buffer, ...). */
  readonly realError: unknown;

  constructor(realError?: unknown) {
    const detail = realError instanceof Error ? `: ${realError.message}` : "";
    super(`Stream is closed${detail}`, realError === undefined ? undefined : { cause: realError });
    this.realError = realError ?? null;
  }
}

/** A read that cannot be done: its delimiter was not found within `maxBytes`. */
export class UnsatisfiableReadError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "UnsatisfiableReadError";
}

/** More bytes than `maxBufferSize` (reading) or `maxWriteBufferSize` (writing) would be buffered. */
export class StreamBufferFullError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "StreamBufferFullError";
}

/** Options of an {@link IOStream}. */
export interface IOStreamOptions {
  /** The most bytes buffered for reading (default 100 MiB, as Tornado). */
  maxBufferSize?: number;
  /** The most bytes waiting to be sent before `write()` fails (default: no limit, as Tornado). */
  maxWriteBufferSize?: number;
}

const DEFAULT_MAX_BUFFER_SIZE = 100 * 1024 * 1024;
// Above this many unread bytes with no read pending, the socket is paused (backpressure).
const PAUSE_ABOVE = 64 * 1024;

type ReadRequest =
  | { kind: "until"; delimiter: Buffer; maxBytes: number | undefined; scanned: number }
  | { kind: "regex"; regex: RegExp; maxBytes: number | undefined }
  | { kind: "bytes"; count: number; partial: boolean }
  | { kind: "into"; target: Uint8Array; partial: boolean; filled: number }
  | { kind: "close" };

interface PendingRead {
  request: ReadRequest;
  resolve: (value: Buffer | number) => void;
  reject: (error: unknown) => void;
}

/**
 * A TCP connection as a stream of bytes (Tornado's `iostream.IOStream`). Made by `TCPServer`
 * for each connection it accepts and by `TCPClient.connect`, or around a connected socket.
 */
export class IOStream {
  /** The socket underneath. */
  readonly socket: Socket;
  /** The most bytes buffered for reading. */
  readonly maxBufferSize: number;
  /** The most bytes waiting to be sent, if limited. */
  readonly maxWriteBufferSize: number | undefined;
  /** The error that closed the stream, or `null`. */
  error: unknown = null;

  // Unread bytes live in #data[#start, #end); the array grows by doubling and is compacted.
  #data = Buffer.alloc(0);
  #start = 0;
  #end = 0;
  #pending: PendingRead | null = null;
  #closed = false;
  #detached = false;
  #closeCallback: (() => void) | null = null;
  #closeCallbackRan = false;
  readonly #onData = (chunk: Buffer): void => this.#received(chunk);
  readonly #onEnd = (): void => this.close();
  readonly #onError = (error: Error): void => this.close(error);
  readonly #onClose = (): void => this.close();

  constructor(socket: Socket, options: IOStreamOptions = {}) {
    this.socket = socket;
    this.maxBufferSize = options.maxBufferSize ?? DEFAULT_MAX_BUFFER_SIZE;
    this.maxWriteBufferSize = options.maxWriteBufferSize;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    if (socket.destroyed) this.close();
  }

  /**
   * Reads up to and including `delimiter` (a string is its UTF-8 bytes). With `maxBytes`, fails
   * with {@link UnsatisfiableReadError} and closes the stream when the delimiter is not within
   * that many bytes.
   */
  readUntil(delimiter: string | Uint8Array, maxBytes?: number): Promise<Buffer> {
    const bytes = typeof delimiter === "string" ? Buffer.from(delimiter) : Buffer.from(delimiter);
    if (bytes.length === 0) throw new RangeError("readUntil() needs a non-empty delimiter");
    return this.#read({ kind: "until", delimiter: bytes, maxBytes, scanned: 0 });
  }

  /**
   * Reads up to and including the first match of `regex`. The pattern runs on the bytes read as
   * Latin-1 (one character per byte, as a Python bytes pattern sees them). With `maxBytes`, fails
   * with {@link UnsatisfiableReadError} and closes the stream when no match ends within it.
   */
  readUntilRegex(regex: RegExp | string, maxBytes?: number): Promise<Buffer> {
    const source = typeof regex === "string" ? new RegExp(regex) : regex;
    // A copy without the g and y flags, so that exec() always searches from the start.
    const pattern = new RegExp(source.source, source.flags.replace(/[gy]/g, ""));
    return this.#read({ kind: "regex", regex: pattern, maxBytes });
  }

  /**
   * Reads `count` bytes; with `partial`, resolves as soon as any bytes (at most `count`) arrived.
   */
  readBytes(count: number, partial = false): Promise<Buffer> {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`readBytes() needs a whole number of bytes, got ${count}`);
    }
    return this.#read({ kind: "bytes", count, partial });
  }

  /**
   * Fills `target` with the next bytes and resolves with how many were written into it: all of
   * it, or with `partial` as soon as any arrived.
   */
  readIntoBuffer(target: Uint8Array, partial = false): Promise<number> {
    return this.#read({ kind: "into", target, partial, filled: 0 });
  }

  /** Reads everything until the other side closes the connection. */
  readUntilClose(): Promise<Buffer> {
    return this.#read({ kind: "close" });
  }

  /**
   * Sends `data` (a string as UTF-8, a typed array or DataView as its bytes) and resolves when it was handed to the operating
   * system; fails with {@link StreamClosedError} if the stream closes first. Awaiting each write
   * respects the peer's pace. Throws {@link StreamBufferFullError} past `maxWriteBufferSize`.
   */
  write(data: string | ArrayBufferView): Promise<void> {
    if (this.#closed) return Promise.reject(new StreamClosedError(this.error ?? undefined));
    // Any typed array or DataView is sent as its bytes (a Uint32Array of 20 items is 80 bytes).
    const bytes =
      typeof data === "string"
        ? Buffer.from(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (
      this.maxWriteBufferSize !== undefined &&
      this.socket.writableLength + bytes.length > this.maxWriteBufferSize
    ) {
      throw new StreamBufferFullError("Reached maximum write buffer size");
    }
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => {
        if (error) reject(new StreamClosedError(this.error ?? error));
        else resolve();
      });
    });
  }

  /** Whether a read is pending. */
  reading(): boolean {
    return this.#pending !== null;
  }

  /** Whether written bytes are still waiting to be sent. */
  writing(): boolean {
    return this.socket.writableLength > 0;
  }

  /** Whether the stream is closed. */
  closed(): boolean {
    return this.#closed;
  }

  /** Turns Nagle's algorithm off (`true`) or on, for small writes that should leave at once. */
  setNodelay(value: boolean): void {
    this.socket.setNoDelay(value);
  }

  /**
   * Runs `callback` once when the stream closes (at once, on a later turn, if it is closed
   * already); `null` removes it.
   */
  setCloseCallback(callback: (() => void) | null): void {
    this.#closeCallback = callback;
    if (this.#closed) this.#runCloseCallback();
  }

  /**
   * Closes the stream: the socket is destroyed, a pending read fails with
   * {@link StreamClosedError} (unless the bytes it wants are buffered, or it reads until close),
   * and the close callback runs. `error`, when given, is kept in the `error` property.
   */
  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error !== undefined && this.error === null) this.error = error;
    const socket = this.socket;
    socket.off("data", this.#onData);
    socket.off("end", this.#onEnd);
    socket.off("close", this.#onClose);
    // Keep a listener, so that a late socket error is not an uncaught exception.
    socket.off("error", this.#onError);
    socket.on("error", () => {});
    if (!this.#detached) socket.destroy();
    const pending = this.#pending;
    if (pending !== null && !this.#satisfy(pending)) {
      this.#pending = null;
      if (pending.request.kind === "close") pending.resolve(this.#consume(this.#size()));
      else pending.reject(new StreamClosedError(this.error ?? undefined));
    }
    this.#runCloseCallback();
  }

  /**
   * Turns this stream into an {@link SSLIOStream} speaking TLS over the same connection
   * (Tornado's `start_tls`), for protocols that upgrade (SMTP's STARTTLS). No read or write may be
   * pending, and this stream is unusable afterwards. Resolves once the handshake is done.
   */
  async startTls(
    serverSide: boolean,
    sslOptions: tls.SecureContextOptions & tls.CommonConnectionOptions = {},
    serverHostname?: string,
  ): Promise<SSLIOStream> {
    if (this.#pending !== null || this.writing() || this.#size() > 0) {
      throw new Error("IOStream is not idle; cannot convert to SSL");
    }
    if (this.#closed) throw new StreamClosedError(this.error ?? undefined);
    this.#detached = true;
    this.close();
    const socket = this.socket;
    socket.removeAllListeners("error");
    const tlsSocket = serverSide
      ? new tls.TLSSocket(socket, {
          ...sslOptions,
          isServer: true,
          secureContext: tls.createSecureContext(sslOptions),
        })
      : tls.connect({ ...sslOptions, socket, servername: serverHostname });
    const stream = new SSLIOStream(tlsSocket, {
      maxBufferSize: this.maxBufferSize,
      ...(this.maxWriteBufferSize === undefined
        ? {}
        : { maxWriteBufferSize: this.maxWriteBufferSize }),
    });
    await stream.waitForHandshake();
    return stream;
  }

  #read(request: Extract<ReadRequest, { kind: "into" }>): Promise<number>;
  #read(request: Exclude<ReadRequest, { kind: "into" }>): Promise<Buffer>;
  #read(request: ReadRequest): Promise<Buffer | number> {
    if (this.#pending !== null) throw new Error("Already reading");
    return new Promise((resolve, reject) => {
      const pending: PendingRead = { request, resolve, reject };
      if (this.#satisfy(pending)) return;
      if (this.#closed) {
        if (request.kind === "close") resolve(this.#consume(this.#size()));
        else reject(new StreamClosedError(this.error ?? undefined));
        return;
      }
      this.#pending = pending;
      // Bytes already buffered past the limit that do not satisfy this read never will.
      if (this.#size() > this.maxBufferSize) {
        this.#bufferFull();
        return;
      }
      if (this.socket.isPaused()) this.socket.resume();
    });
  }

  #received(chunk: Buffer): void {
    this.#append(chunk);
    const pending = this.#pending;
    if (pending !== null) {
      if (this.#satisfy(pending)) {
        this.#pending = null;
      } else if (this.#size() > this.maxBufferSize) {
        this.#bufferFull();
        return;
      }
    }
    // Bytes nobody asked for yet are kept (a packet may be larger than maxBufferSize; the reads
    // that follow may all be satisfiable), but no more are taken from the socket until a read
    // wants them, as Tornado reads only for a pending read.
    if (this.#pending === null && this.#size() > Math.min(PAUSE_ABOVE, this.maxBufferSize)) {
      this.socket.pause();
    }
  }

  /** A pending read needs more than `maxBufferSize` bytes: logged, and the stream closes. */
  #bufferFull(): void {
    genLog.error("Reached maximum read buffer size");
    this.close(new StreamBufferFullError("Reached maximum read buffer size"));
  }

  /** Completes `pending` from the buffer if it can; returns whether it did (or failed it). */
  #satisfy(pending: PendingRead): boolean {
    const request = pending.request;
    const size = this.#size();
    let end = -1;
    switch (request.kind) {
      case "until": {
        const found = this.#view().indexOf(request.delimiter, request.scanned);
        if (found !== -1) end = found + request.delimiter.length;
        else request.scanned = Math.max(0, size - request.delimiter.length + 1);
        if (!this.#withinMax(pending, request.maxBytes, end === -1 ? size : end)) return true;
        break;
      }
      case "regex": {
        const match = request.regex.exec(this.#view().toString("latin1"));
        if (match) end = match.index + match[0].length;
        if (!this.#withinMax(pending, request.maxBytes, end === -1 ? size : end)) return true;
        break;
      }
      case "bytes":
        if (size >= request.count) end = request.count;
        else if (request.partial && size > 0) end = size;
        break;
      case "into": {
        const take = Math.min(size, request.target.length - request.filled);
        if (take > 0) {
          request.target.set(this.#consume(take), request.filled);
          request.filled += take;
        }
        if (request.filled === request.target.length || (request.partial && request.filled > 0)) {
          this.#pending = null;
          pending.resolve(request.filled);
          return true;
        }
        return false;
      }
      case "close":
        return false;
    }
    if (end === -1) return false;
    this.#pending = null;
    pending.resolve(this.#consume(end));
    return true;
  }

  #withinMax(pending: PendingRead, maxBytes: number | undefined, needed: number): boolean {
    if (maxBytes === undefined || needed <= maxBytes) return true;
    this.#pending = null;
    const error = new UnsatisfiableReadError(`delimiter not found within ${maxBytes} bytes`);
    genLog.info(`Unsatisfiable read, closing connection: ${error.message}`);
    pending.reject(error);
    this.close(error);
    return false;
  }

  #size(): number {
    return this.#end - this.#start;
  }

  #view(): Buffer {
    return this.#data.subarray(this.#start, this.#end);
  }

  #append(chunk: Buffer): void {
    const size = this.#size();
    if (this.#end + chunk.length > this.#data.length) {
      const needed = size + chunk.length;
      if (needed <= this.#data.length / 2) {
        this.#data.copy(this.#data, 0, this.#start, this.#end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(needed * 2, 4096));
        this.#data.copy(grown, 0, this.#start, this.#end);
        this.#data = grown;
      }
      this.#start = 0;
      this.#end = size;
    }
    chunk.copy(this.#data, this.#end);
    this.#end += chunk.length;
  }

  /** Removes and returns the next `count` bytes, as a copy the caller owns. */
  #consume(count: number): Buffer {
    const bytes = Buffer.from(this.#data.subarray(this.#start, this.#start + count));
    this.#start += count;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
    return bytes;
  }

  #runCloseCallback(): void {
    const callback = this.#closeCallback;
    if (callback === null || this.#closeCallbackRan) return;
    this.#closeCallbackRan = true;
    setImmediate(callback);
  }
}

/**
 * An {@link IOStream} over TLS (Tornado's `iostream.SSLIOStream`). Reads and writes wait for the
 * handshake; `waitForHandshake()` resolves once it is done.
 */
export class SSLIOStream extends IOStream {
  /** The TLS socket underneath. */
  declare readonly socket: tls.TLSSocket;
  readonly #handshake: Promise<void>;

  constructor(socket: tls.TLSSocket, options: IOStreamOptions = {}) {
    super(socket, options);
    this.#handshake = new Promise<void>((resolve, reject) => {
      // Done when both sides' Finished messages went by. (getProtocol() cannot tell: it names
      // a version before the handshake has even started.) Node checks the peer's certificate
      // in the same turn as the handshake ends, so a socket seen here with both is verified.
      if (
        socket.getFinished() !== undefined &&
        socket.getPeerFinished() !== undefined &&
        !socket.destroyed
      ) {
        resolve();
        return;
      }
      const cleanUp = (): void => {
        socket.off("secureConnect", done);
        socket.off("secure", onSecure);
        socket.off("error", fail);
        socket.off("close", onClose);
      };
      const done = (): void => {
        cleanUp();
        resolve();
      };
      const fail = (error: Error): void => {
        cleanUp();
        reject(new StreamClosedError(error));
      };
      const onClose = (): void => {
        cleanUp();
        reject(new StreamClosedError(new Error("Connection closed during the TLS handshake")));
      };
      // A client socket says "secureConnect" once the server's certificate is accepted. "secure"
      // comes earlier, when the handshake ends: a server-side TLSSocket's only signal, and on a
      // client it comes before the certificate check, whose failure destroys the socket at once
      // (Node's own listener runs first), so a destroyed socket is not done.
      const onSecure = (): void => {
        if (!socket.destroyed) done();
      };
      socket.on("secureConnect", done);
      socket.on("secure", onSecure);
      socket.on("error", fail);
      socket.on("close", onClose);
    });
    this.#handshake.catch(() => {});
  }

  /** Resolves when the TLS handshake is done; fails with {@link StreamClosedError} if it fails. */
  waitForHandshake(): Promise<void> {
    return this.#handshake;
  }
}
