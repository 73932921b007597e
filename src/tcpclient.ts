/**
 * Opening TCP connections as {@link IOStream}s (Tornado's `tornado.tcpclient`).
 *
 * ```ts
 * const stream = await new TCPClient().connect("127.0.0.1", 8888, { timeout: { seconds: 5 } });
 * await stream.write("hello\n");
 * const reply = await stream.readUntil("\n");
 * ```
 * Node's `net.connect` resolves the name and, where it has several addresses, tries IPv6 and IPv4
 * in turn (its `autoSelectFamily`), which is what Tornado's `_Connector` does by hand.
 * @module tornado-ts/tcpclient
 */
import { connect as netConnect, type Socket } from "node:net";
import * as tls from "node:tls";
import { deadlineDelayMs } from "./duration.ts";
import { TimeoutError } from "./gen.ts";
import { IOStream, type IOStreamOptions, SSLIOStream } from "./iostream.ts";
import type { Deadline } from "./waiters.ts";

/** Options of {@link TCPClient.connect}. */
export interface ConnectOptions extends IOStreamOptions {
  /** 4 or 6 to use one address family only (Tornado's `af`). */
  family?: 4 | 6;
  /** TLS settings: the connection is made with TLS and resolves to an {@link SSLIOStream}. */
  sslOptions?: tls.ConnectionOptions;
  /** The local address to connect from. */
  sourceIp?: string;
  /** The local port to connect from. */
  sourcePort?: number;
  /**
   * Give up when this deadline passes (seconds since the epoch, a `Date`, or `{ seconds }` from
   * now), failing with `gen.TimeoutError`; the TLS handshake counts too.
   */
  timeout?: Deadline;
}

/** Opens TCP connections (Tornado's `TCPClient`). */
export class TCPClient {
  /**
   * Connects to `host`:`port` and resolves with the stream once connected (and, with
   * `sslOptions`, once the TLS handshake is done). A refused or unreachable connection fails with
   * Node's error (`ECONNREFUSED`, ...); a passed `timeout`, with `gen.TimeoutError`.
   */
  async connect(host: string, port: number, options: ConnectOptions = {}): Promise<IOStream> {
    const streamOptions: IOStreamOptions = {};
    if (options.maxBufferSize !== undefined) streamOptions.maxBufferSize = options.maxBufferSize;
    if (options.maxWriteBufferSize !== undefined) {
      streamOptions.maxWriteBufferSize = options.maxWriteBufferSize;
    }
    const common = {
      host,
      port,
      ...(options.family === undefined ? {} : { family: options.family }),
      ...(options.sourceIp === undefined ? {} : { localAddress: options.sourceIp }),
      ...(options.sourcePort === undefined ? {} : { localPort: options.sourcePort }),
    };
    let socket: Socket;
    let ready: string;
    if (options.sslOptions) {
      const servername = /^[\d.]+$|:/.test(host) ? undefined : host;
      socket = tls.connect({
        ...(servername === undefined ? {} : { servername }),
        ...options.sslOptions,
        ...common,
      });
      ready = "secureConnect";
    } else {
      socket = netConnect(common);
      ready = "connect";
    }
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (error?: unknown): void => {
        clearTimeout(timer);
        socket.off(ready, onReady);
        socket.off("error", finish);
        if (error === undefined) {
          resolve();
        } else {
          socket.destroy();
          reject(error);
        }
      };
      const onReady = (): void => finish();
      socket.once(ready, onReady);
      socket.once("error", finish);
      if (options.timeout !== undefined) {
        timer = setTimeout(
          () => finish(new TimeoutError()),
          deadlineDelayMs(options.timeout, "connect timeout"),
        );
      }
    });
    return socket instanceof tls.TLSSocket
      ? new SSLIOStream(socket, streamOptions)
      : new IOStream(socket, streamOptions);
  }
}
