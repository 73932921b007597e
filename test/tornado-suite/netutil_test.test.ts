// Tornado's tornado/test/netutil_test.py, ported: one test per Python test function, named
// Class.test_name. Only the port-allocation tests have a tornado-ts counterpart (bindSockets);
// the Resolver classes and is_valid_ip are Python-only (see the ledger).
import assert from "node:assert/strict";
import type { AddressInfo, Server } from "node:net";
import { test } from "node:test";
import { bindSockets } from "tornado-ts/netutil";

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
}

test("TestPortAllocation.test_same_port_allocation", async () => {
  const sockets = await bindSockets(0, "localhost");
  try {
    assert.ok(sockets.length >= 1);
    const port = portOf(sockets[0]!);
    assert.ok(sockets.every((server) => portOf(server) === port));
  } finally {
    await closeAll(sockets);
  }
});

test("TestPortAllocation.test_reuse_port", async () => {
  // bindSockets' reusePort needs Node 22.12 or later (SO_REUSEPORT through net.Server's
  // listen); on older Node the option is ignored, so a second bind of the port fails
  // (docs/name-map.md). Tornado skips the test where SO_REUSEPORT does not exist.
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const supported = major > 22 || (major === 22 && minor >= 12);
  const [first] = await bindSockets(0, "127.0.0.1", { reusePort: true });
  const port = portOf(first!);
  try {
    if (supported) {
      const sockets = await bindSockets(port, "127.0.0.1", { reusePort: true });
      assert.ok(sockets.every((server) => portOf(server) === port));
      await closeAll(sockets);
    } else {
      await assert.rejects(bindSockets(port, "127.0.0.1", { reusePort: true }), {
        code: "EADDRINUSE",
      });
    }
  } finally {
    await closeAll([first!]);
  }
});
