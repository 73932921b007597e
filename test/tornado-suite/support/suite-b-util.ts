import { createServer, type Socket } from "node:net";
import { accessLog, Level } from "tornado-ts/log";
import { freePort } from "../../support/node-process.ts";

/** A promise with its resolve/reject exposed (Tornado's `Future` as the tests use it). */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Makes a {@link Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A port that was free a moment ago and is closed now (Tornado's `bind_unused_port` + close). */
export const closedPort: () => Promise<number> = freePort;

/** Waits for the next turn of the event loop after pending I/O (Tornado's `gen.moment`). */
export function moment(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Silences the access log for the rest of the test file, as Tornado's own test runner does
 * (runtests.py sets `tornado.access` to CRITICAL): the ported tests assert responses, not logs.
 */
export function quietAccessLog(): void {
  accessLog.level = Level.CRITICAL;
}

/**
 * A bare TCP server on 127.0.0.1 that answers each connection with `response` once the request's
 * header block has arrived, then closes it (Python's tests use an IOStream on an accepted socket).
 */
export async function rawResponseServer(
  response: string | Buffer | ((head: string) => string | Buffer),
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let seen = "";
    socket.on("data", (chunk: Buffer) => {
      seen += chunk.toString("latin1");
      if (seen.includes("\r\n\r\n")) {
        socket.end(typeof response === "function" ? response(seen) : response);
        seen = "";
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `condition()` holds, checking every few milliseconds (Tornado's `wait(condition=...)`). */
export async function until(condition: () => boolean, what = "condition"): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export { selfSignedCertificate } from "../../support/tls.ts";
