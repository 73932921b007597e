// Tornado's tornado/test/tcpclient_test.py, ported: one test per Python test function, named
// Class.test_name. The server binds with netutil.bindSockets and serves with addSockets, as the
// Python TestTCPServer; `socket.AF_INET`/`AF_INET6`/`AF_UNSPEC` are `family` 4, 6 or none.
import assert from "node:assert/strict";
import { lookup } from "node:dns/promises";
import { createServer, type Server, type Socket } from "node:net";
import { type TestContext, test } from "node:test";
import { TimeoutError } from "tornado-ts/gen";
import { bindSockets } from "tornado-ts/netutil";
import { TCPClient } from "tornado-ts/tcpclient";
import { QueueServer, refusingPort } from "./support/suite-tcp-pairs.ts";

type Family = 4 | 6 | undefined;

async function startServer(family: Family, address = "localhost"): Promise<QueueServer> {
  const server = new QueueServer();
  server.addSockets(await bindSockets(0, address, family === undefined ? {} : { family }));
  return server;
}

async function doTestConnect(
  family: Family,
  host: string,
  options: { sourceIp?: string; sourcePort?: number; bindAddress?: string } = {},
): Promise<void> {
  const server = await startServer(family, options.bindAddress);
  try {
    const stream = await new TCPClient().connect(host, server.port!, {
      ...(options.sourceIp === undefined ? {} : { sourceIp: options.sourceIp }),
      ...(options.sourcePort === undefined ? {} : { sourcePort: options.sourcePort }),
    });
    const serverStream = await server.next();
    try {
      await stream.write("hello");
      assert.equal((await serverStream.readBytes(5)).toString(), "hello");
    } finally {
      stream.close();
    }
  } finally {
    await server.stopAll();
  }
}

/** Python's skipIfLocalhostV4: the IPv6 cases with `localhost` need it to resolve to ::1. */
async function skipIfLocalhostV4(t: TestContext): Promise<boolean> {
  const found = await lookup("localhost", { all: true });
  if (found.some((entry) => entry.family === 6)) return false;
  t.skip("localhost does not resolve to ::1 on this machine (skipped in Tornado too)");
  return true;
}

test("TCPClientTest.test_connect_ipv4_ipv4", () => doTestConnect(4, "127.0.0.1"));

test("TCPClientTest.test_connect_ipv4_dual", () => doTestConnect(4, "localhost"));

test("TCPClientTest.test_connect_ipv6_ipv6", () =>
  // Bound on ::1 itself, so that the case runs even where localhost is IPv4 only.
  doTestConnect(6, "::1", { bindAddress: "::1" }));

test("TCPClientTest.test_connect_ipv6_dual", async (t) => {
  if (await skipIfLocalhostV4(t)) return;
  await doTestConnect(6, "localhost");
});

test("TCPClientTest.test_connect_unspec_ipv4", () => doTestConnect(undefined, "127.0.0.1"));

test("TCPClientTest.test_connect_unspec_ipv6", async (t) => {
  if (await skipIfLocalhostV4(t)) return;
  await doTestConnect(undefined, "::1");
});

test("TCPClientTest.test_connect_unspec_dual", () => doTestConnect(undefined, "localhost"));

test("TCPClientTest.test_refused_ipv4", async () => {
  const port = await refusingPort();
  await assert.rejects(new TCPClient().connect("127.0.0.1", port), { code: "ECONNREFUSED" });
});

test("TCPClientTest.test_source_ip_fail", async () => {
  // 8.8.8.8 is not an address of this machine: binding to it fails.
  await assert.rejects(doTestConnect(4, "127.0.0.1", { sourceIp: "8.8.8.8" }), {
    code: "EADDRNOTAVAIL",
  });
});

test("TCPClientTest.test_source_ip_success", () =>
  doTestConnect(4, "127.0.0.1", { sourceIp: "127.0.0.1" }));

test("TCPClientTest.test_source_port_fail", async (t) => {
  if (process.getuid?.() === 0) {
    t.skip("running as root, which may bind port 1 (skipped in Tornado too)");
    return;
  }
  await assert.rejects(doTestConnect(4, "127.0.0.1", { sourcePort: 1 }), { code: "EACCES" });
});

test("TCPClientTest.test_connect_timeout", async () => {
  // Tornado stalls name resolution with a Resolver that never answers; tornado-ts has no
  // resolver to replace, so the stall is a peer that accepts and never answers the TLS
  // handshake (which the timeout covers too).
  const sockets: Socket[] = [];
  const silent: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const { port } = silent.address() as { port: number };
  try {
    await assert.rejects(
      new TCPClient().connect("127.0.0.1", port, {
        sslOptions: { rejectUnauthorized: false },
        timeout: { seconds: 0.05 },
      }),
      TimeoutError,
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
