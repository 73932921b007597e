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
