/**
 * A server for protocols other than HTTP (Tornado's `tornado.tcpserver`): subclass
 * {@link TCPServer}, implement `handleStream(stream, address)`, and `listen()`.
 *
 * ```ts
 * class EchoServer extends TCPServer {
 *   async handleStream(stream: IOStream) {
 *     for (;;) await stream.write(await stream.readUntil("\n"));
 *   }
 * }
 * await new EchoServer().listen(8888, "127.0.0.1");
 * ```
 * A `StreamClosedError` thrown by `handleStream` (the client went away) is expected and not
 * logged; any other error is logged ("Exception in callback handleStream", on
 * `tornado.application`, as Tornado) and closes that connection.
 * @module tornado-ts/tcpserver
 */
import { createServer, type Server, type Socket } from "node:net";
import * as tls from "node:tls";
import { IOStream, type IOStreamOptions, SSLIOStream, StreamClosedError } from "./iostream.ts";
import { appLog } from "./log.ts";
import { drainOnSignals, type ForkOptions, forkProcesses, onDrain, taskId } from "./process.ts";
import { isPromise } from "./promise.ts";

/** Options of a {@link TCPServer}. */
export interface TCPServerOptions extends IOStreamOptions {
  /** TLS settings (`key`, `cert`, ...): each connection is an {@link SSLIOStream}. */
  sslOptions?: tls.TlsOptions;
}

/** The peer's address as Tornado gives it: `[host, port]`. */
export type PeerAddress = [host: string, port: number];

/**
 * A TCP server that hands each connection, as an {@link IOStream}, to `handleStream` (Tornado's
 * `TCPServer`). Listen in one process with `listen(port, address)`, or `bind()` then
 * `start(n)` to serve from `n` processes, as `HTTPServer` does.
 */
export abstract class TCPServer {
  /** The options in force. */
  readonly options: Readonly<TCPServerOptions>;
  readonly #servers: Server[] = [];
  readonly #streams = new Set<IOStream>();
  #bound: { port: number; address: string | undefined } | undefined;
  #unregisterDrain: (() => void) | undefined;

  constructor(options: TCPServerOptions = {}) {
    this.options = { ...options };
  }

  /**
   * Serves one connection; `address` is the peer's `[host, port]`. May be async: the connection
   * stays open until the stream is closed (by either side), not when the promise settles.
   */
  abstract handleStream(stream: IOStream, address: PeerAddress): void | Promise<void>;

  /**
   * Listens on `port` (0: a free port) and `address` in this process; resolves once listening.
   * Without `address` it listens on every interface, as Tornado (and `HTTPServer`) do: pass
   * `"127.0.0.1"` to stay on this machine.
   */
  async listen(port: number, address?: string): Promise<this> {
    const server = this.#makeServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, address, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.#servers.push(server);
    this.#unregisterDrain ??= onDrain((timeoutMs) => this.#drain(timeoutMs));
    return this;
  }

  /**
   * Serves connections accepted by servers already listening (from `netutil.bindSockets` or
   * `bindUnixSocket`), as Tornado's `add_sockets`.
   */
  addSockets(servers: readonly Server[]): void {
    for (const server of servers) {
      server.on("connection", (socket: Socket) => this.#accept(socket));
      this.#servers.push(server);
    }
  }

  /** Remembers the port (and address) to serve on; `start()` opens it. */
  bind(port: number, address?: string): void {
    this.#bound = { port, address };
  }

  /**
   * Starts serving on the bound port, in this process (`start()`, `start(1)`) or in `n` worker
   * processes through Node's cluster module (`null` or 0: one per CPU). As `HTTPServer.start`: in
   * the primary the promise never resolves (it supervises the workers); in a worker it resolves
   * once listening; SIGTERM and SIGINT stop accepting and close the connections after
   * `drainTimeout` seconds (default 10).
   */
  async start(numProcesses: number | null = 1, options: ForkOptions = {}): Promise<void> {
    const bound = this.#bound;
    if (!bound) throw new Error("TCPServer.start() needs bind(port) first");
    if (numProcesses !== 1 || taskId() !== null) await forkProcesses(numProcesses, options);
    drainOnSignals(options.drainTimeout ?? 10);
    await this.listen(bound.port, bound.address);
  }

  /** The port of the first listening server, once listening. */
  get port(): number | undefined {
    const address = this.#servers[0]?.address();
    return address !== null && typeof address === "object" ? address.port : undefined;
  }

  /**
   * Stops accepting connections (Tornado's `stop`); connections already open stay open until
   * they close. The listening sockets are closed at once; the promise resolves on the next turn
   * (not when the open connections end, as Node's `server.close` callback would). Calling it
   * again does nothing.
   */
  async stop(): Promise<void> {
    this.#unregisterDrain?.();
    this.#unregisterDrain = undefined;
    for (const server of this.#servers.splice(0)) {
      if (server.listening) server.close();
    }
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Closes every open connection at once. */
  closeAllStreams(): void {
    for (const stream of this.#streams) stream.close();
  }

  async #drain(timeoutMs: number): Promise<void> {
    const stopped = this.stop();
    const timer = setTimeout(() => this.closeAllStreams(), timeoutMs);
    try {
      await stopped;
      while (this.#streams.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      clearTimeout(timer);
    }
  }

  #makeServer(): Server {
    const sslOptions = this.options.sslOptions;
    if (sslOptions) {
      return tls.createServer(sslOptions, (socket) => this.#accept(socket));
    }
    return createServer((socket) => this.#accept(socket));
  }

  #accept(socket: Socket): void {
    const streamOptions: IOStreamOptions = {};
    if (this.options.maxBufferSize !== undefined) {
      streamOptions.maxBufferSize = this.options.maxBufferSize;
    }
    if (this.options.maxWriteBufferSize !== undefined) {
      streamOptions.maxWriteBufferSize = this.options.maxWriteBufferSize;
    }
    const stream =
      socket instanceof tls.TLSSocket
        ? new SSLIOStream(socket, streamOptions)
        : new IOStream(socket, streamOptions);
    this.#streams.add(stream);
    socket.once("close", () => this.#streams.delete(stream));
    const address: PeerAddress = [socket.remoteAddress ?? "", socket.remotePort ?? 0];
    const fail = (error: unknown): void => {
      // Tornado's IOLoop logs a failed handle_stream as "Exception in callback ...".
      if (!(error instanceof StreamClosedError)) {
        appLog.error("Exception in callback handleStream", error);
      }
      stream.close();
    };
    try {
      const result = this.handleStream(stream, address);
      if (isPromise(result)) result.then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  }
}
