/**
 * Listening sockets made ahead of a server (Tornado's `tornado.netutil`): {@link bindSockets} and
 * {@link bindUnixSocket} return listening `node:net` servers that `TCPServer.addSockets` (or
 * `HTTPServer`'s Node server) then serves.
 *
 * Differs from Tornado: a "socket" is a listening `net.Server`, since Node accepts connections on
 * the server object. Tornado's `Resolver` classes have no counterpart: Node resolves names in
 * `net.connect` (`dns.lookup`), and `dns.promises` covers the rest.
 * @module tornado-ts/netutil
 */

import { lookup } from "node:dns/promises";
import { chmodSync, lstatSync, unlinkSync } from "node:fs";
import { createServer, type ListenOptions, type Server } from "node:net";

/** Options of {@link bindSockets}. */
export interface BindOptions {
  /** 4 or 6 to bind one family only when `address` is a name such as `localhost`. */
  family?: 4 | 6;
  /** The length of the queue of connections not yet accepted (default 128, as Tornado). */
  backlog?: number;
  /** Let several processes bind the same port, the kernel spreading connections (Linux, Node 22.12 and later; ignored before). */
  reusePort?: boolean;
}

function listening(server: Server, options: ListenOptions): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/**
 * Listens on `port` (0: a free port chosen by the system) and `address`, and resolves with the
 * listening servers, one per address the name resolves to (`localhost` gives 127.0.0.1 and ::1).
 * Without `address` it listens on every interface (IPv6 and IPv4), as Tornado does: pass
 * `"127.0.0.1"` to stay on this machine.
 */
export async function bindSockets(
  port: number,
  address?: string,
  options: BindOptions = {},
): Promise<Server[]> {
  const listenOn = (host: string | undefined, onPort: number): Promise<Server> =>
    listening(createServer(), {
      port: onPort,
      ...(host === undefined ? {} : { host }),
      backlog: options.backlog ?? 128,
      ...(options.reusePort ? { reusePort: true } : {}),
    });
  if (address === undefined || address === "") return [await listenOn(undefined, port)];
  const found = await lookup(address, { all: true, family: options.family ?? 0 });
  const servers: Server[] = [];
  let chosenPort = port;
  try {
    for (const { address: ip } of found) {
      const server = await listenOn(ip, chosenPort);
      servers.push(server);
      // With port 0, every address gets the port the first one was given, as in Tornado.
      const bound = server.address();
      if (chosenPort === 0 && bound !== null && typeof bound === "object") chosenPort = bound.port;
    }
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
  return servers;
}

/**
 * Listens on a Unix socket at `path` (removing a stale socket file left there, never any other
 * file), with the file's permissions set to `mode` (default 0o600: only this user).
 */
export async function bindUnixSocket(path: string, mode = 0o600, backlog = 128): Promise<Server> {
  try {
    const stat = lstatSync(path);
    if (!stat.isSocket()) throw new Error(`File ${path} exists and is not a socket`);
    unlinkSync(path);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
  const server = await listening(createServer(), { path, backlog });
  chmodSync(path, mode);
  return server;
}
