// Shared by the ported iostream, tcpserver, tcpclient and netutil tests: connected stream pairs
// over loopback (plain and TLS), a self-signed certificate, and a port that refuses connections.

import { readFileSync } from "node:fs";
import type { AddressInfo, Server } from "node:net";
import { createServer } from "node:net";
import type { IOStream, IOStreamOptions } from "tornado-ts/iostream";
import { TCPClient } from "tornado-ts/tcpclient";
import { type PeerAddress, TCPServer } from "tornado-ts/tcpserver";

const TORNADO_TEST_DIR = "/usr/lib/python3/dist-packages/tornado/test";

/** Tornado's own test certificate and key (shipped with its test suite), as `sslOptions`. */
export function serverSslOptions(): { key: string; cert: string } {
  return {
    key: readFileSync(`${TORNADO_TEST_DIR}/test.key`, "utf8"),
    cert: readFileSync(`${TORNADO_TEST_DIR}/test.crt`, "utf8"),
  };
}

/** A server that queues each accepted stream for the test to take with `next()`. */
export class QueueServer extends TCPServer {
  readonly streams: IOStream[] = [];
  readonly #ready: IOStream[] = [];
  readonly #waiters: ((stream: IOStream) => void)[] = [];

  handleStream(stream: IOStream, _address: PeerAddress): void {
    this.streams.push(stream);
    const waiter = this.#waiters.shift();
    if (waiter) waiter(stream);
    else this.#ready.push(stream);
  }

  /** The next accepted stream. */
  next(): Promise<IOStream> {
    const ready = this.#ready.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Stops listening and closes every accepted stream (as the Python test server's stop()). */
  async stopAll(): Promise<void> {
    await this.stop();
    for (const stream of this.streams) stream.close();
  }
}

/** The two kinds of stream pair Tornado's mixins run against: plain TCP and TLS. */
export const PAIR_KINDS = ["plain", "tls"] as const;
export type PairKind = (typeof PAIR_KINDS)[number];

/**
 * A connected `[serverStream, clientStream]` pair over loopback, of `kind`, both made with
 * `options` (Tornado's `make_iostream_pair`).
 */
export async function makeIOStreamPair(
  kind: PairKind,
  options: IOStreamOptions = {},
): Promise<[IOStream, IOStream]> {
  const server = new QueueServer({
    ...options,
    ...(kind === "tls" ? { sslOptions: serverSslOptions() } : {}),
  });
  await server.listen(0, "127.0.0.1");
  try {
    const accepted = server.next();
    const client = await new TCPClient().connect("127.0.0.1", server.port!, {
      ...options,
      ...(kind === "tls" ? { sslOptions: { rejectUnauthorized: false } } : {}),
    });
    return [await accepted, client];
  } finally {
    await server.stop();
  }
}

/** Runs `body` once per pair kind, closing both streams afterwards. */
export async function withEachPair(
  body: (rs: IOStream, ws: IOStream, kind: PairKind) => Promise<void>,
  options: IOStreamOptions = {},
): Promise<void> {
  for (const kind of PAIR_KINDS) {
    const [rs, ws] = await makeIOStreamPair(kind, options);
    try {
      await body(rs, ws, kind);
    } catch (error) {
      throw new Error(`${kind} pair: ${(error as Error).message}`, { cause: error });
    } finally {
      rs.close();
      ws.close();
    }
  }
}

/**
 * A port on 127.0.0.1 where connections are refused (Tornado's `refusing_port`): bound then
 * released, so nothing listens there.
 */
export async function refusingPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Sends `data` without waiting (Python's un-yielded `stream.write`); a failure is ignored. */
export function send(stream: IOStream, data: string | Uint8Array): void {
  stream.write(data).catch(() => {});
}
