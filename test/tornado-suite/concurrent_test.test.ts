// Port of Tornado's tornado/test/concurrent_test.py: one top-level test per Python test function,
// named after the class that defines it. MiscFutureTest and RunOnExecutorTest.test_call_with_executor
// have no counterpart (see docs/name-map.md#tornadoconcurrent and the ledger). ClientTestMixin's
// capitalizing server and client talk over a real loopback socket through node:net, with promises
// and async functions where Tornado has Futures and coroutines.
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, test } from "node:test";
import { runOnExecutor } from "tornado-ts/concurrent";
import { IOLoop } from "tornado-ts/ioloop";

/** Reads one line (up to and with "\n") from a socket, leaving it open (IOStream.read_until). */
function readLine(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    const onData = (chunk: Buffer): void => {
      data += chunk.toString("utf8");
      if (!data.includes("\n")) return;
      socket.off("data", onData);
      socket.off("error", reject);
      socket.pause();
      resolve(data);
    };
    socket.on("data", onData);
    socket.on("error", reject);
  });
}

/** CapServer: answers "ok\t<LINE>" or "error\talready capitalized" and closes. */
function capServer(): Server {
  return createServer(async (socket) => {
    const data = await readLine(socket);
    if (data === data.toUpperCase()) socket.end("error\talready capitalized\n");
    else socket.end(`ok\t${data.toUpperCase()}`);
  });
}

class CapError extends Error {
  override readonly name = "CapError";
}

class CapClient {
  readonly port: number;
  constructor(port: number) {
    this.port = port;
  }

  processResponse(data: string): string {
    const m = /^(.*)\t(.*)\n/.exec(data);
    if (m === null) throw new Error("did not match");
    const [, status, message] = m;
    if (status === "ok") return message!;
    throw new CapError(message);
  }

  async capitalize(requestData: string): Promise<string> {
    const socket = connect(this.port, "127.0.0.1");
    await once(socket, "connect");
    socket.write(`${requestData}\n`);
    const data = await readLine(socket);
    socket.destroy();
    return this.processResponse(data);
  }
}

let server: Server;
let client: CapClient;
beforeEach(async () => {
  server = capServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  client = new CapClient(typeof address === "object" && address ? address.port : 0);
});
afterEach(async () => {
  server.close();
  await once(server, "close");
});

test("ClientTestMixin.test_future", async () => {
  const future = client.capitalize("hello");
  assert.equal(await future, "HELLO");
});

test("ClientTestMixin.test_future_error", async () => {
  const future = client.capitalize("HELLO");
  await assert.rejects(future, (error: unknown) => {
    return error instanceof CapError && /already capitalized/.test(error.message);
  });
});

test("ClientTestMixin.test_generator", async () => {
  const f = async () => {
    const result = await client.capitalize("hello");
    assert.equal(result, "HELLO");
  };
  await f();
});

test("ClientTestMixin.test_generator_error", async () => {
  const f = async () => {
    await assert.rejects(client.capitalize("HELLO"), (error: unknown) => {
      return error instanceof CapError && /already capitalized/.test(error.message);
    });
  };
  await f();
});

test("RunOnExecutorTest.test_no_calling", async (t) => {
  t.after(() => IOLoop.current().close());
  class TestObject {
    @runOnExecutor
    async f() {
      return 42;
    }
  }
  const o = new TestObject();
  const answer = await o.f();
  assert.equal(answer, 42);
});

test("RunOnExecutorTest.test_call_with_no_args", async (t) => {
  t.after(() => IOLoop.current().close());
  class TestObject {
    @runOnExecutor()
    async f() {
      return 42;
    }
  }
  const o = new TestObject();
  const answer = await o.f();
  assert.equal(answer, 42);
});

test("RunOnExecutorTest.test_async_await", async (t) => {
  t.after(() => IOLoop.current().close());
  class TestObject {
    @runOnExecutor()
    async f() {
      return 42;
    }
  }
  const o = new TestObject();
  const f = async () => {
    const answer = await o.f();
    return answer;
  };
  const result = await f();
  assert.equal(result, 42);
});
