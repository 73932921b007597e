// Port of Tornado 6.2's tornado/test/websocket_test.py: the same handlers and expectations,
// over real sockets, through tornado-ts/websocket.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { HTTPClientError, HTTPRequest } from "tornado-ts/httpclient";
import { DictLoader } from "tornado-ts/template";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import {
  type CompressionOptions,
  type WebSocketClientConnection,
  WebSocketClosedError,
  type WebSocketConnectOptions,
  WebSocketError,
  WebSocketHandler,
  websocketConnect,
} from "tornado-ts/websocket";
import {
  closedPort,
  type Deferred,
  deferred,
  moment,
  quietAccessLog,
} from "./support/suite-b-util.ts";

quietAccessLog();

type CloseInfo = [number | null, string | null];

/** Where handlers report their close code and reason (the Python tests' `close_future`). */
class CloseSink {
  current: Deferred<CloseInfo> = deferred();
  next(): Promise<CloseInfo> {
    this.current = deferred();
    return this.current.promise;
  }
}

interface TestInitArgs {
  closeSink?: CloseSink;
  compressionOptions?: CompressionOptions | null;
}

/** Exposes the close code and reason to the test, as Python's TestWebSocketHandler. */
class TestWebSocketHandler extends WebSocketHandler {
  closeSink: CloseSink | undefined;
  compressionOptions: CompressionOptions | null = null;
  override initialize(args: TestInitArgs): void {
    this.closeSink = args.closeSink;
    this.compressionOptions = args.compressionOptions ?? null;
  }
  override getCompressionOptions(): CompressionOptions | null {
    return this.compressionOptions;
  }
  override onClose(): void {
    this.closeSink?.current.resolve([this.closeCode, this.closeReason]);
  }
}

class EchoHandler extends TestWebSocketHandler {
  override async onMessage(message: string | Buffer): Promise<void> {
    try {
      await this.writeMessage(message, typeof message !== "string");
    } catch (error) {
      if (!(error instanceof WebSocketClosedError)) throw error;
    }
  }
}

class ErrorInOnMessageHandler extends TestWebSocketHandler {
  override onMessage(): void {
    throw new Error("division by zero");
  }
}

class HeaderHandler extends TestWebSocketHandler {
  override open(): void {
    const methods: (() => unknown)[] = [
      () => this.write("This should not work"),
      () => this.redirect("http://localhost/elsewhere"),
      () => this.setHeader("X-Test", ""),
      () => this.setCookie("Chocolate", "Chip"),
      () => this.setStatus(503),
      () => this.flush(),
      () => this.finish(),
    ];
    for (const method of methods) {
      let threw = false;
      try {
        method();
      } catch {
        threw = true;
      }
      if (!threw) throw new Error("did not get expected exception");
    }
    this.writeMessage(this.request.headers.get("X-Test") ?? "");
  }
}

class HeaderEchoHandler extends TestWebSocketHandler {
  override setDefaultHeaders(): void {
    this.setHeader("X-Extra-Response-Header", "Extra-Response-Value");
  }
  override prepare(): void {
    for (const [name, value] of this.request.headers) {
      if (name.toLowerCase().startsWith("x-test")) this.setHeader(name, value);
    }
  }
}

class NonWebSocketHandler extends RequestHandler {
  override get(): void {
    this.write("ok");
  }
}

class RedirectHandler extends RequestHandler {
  override get(): void {
    this.redirect("/echo");
  }
}

class CloseReasonHandler extends TestWebSocketHandler {
  override open(): void {
    this.close(1001, "goodbye");
  }
}

class AsyncPrepareHandler extends TestWebSocketHandler {
  override async prepare(): Promise<void> {
    await moment();
  }
  override onMessage(message: string | Buffer): void {
    this.writeMessage(message);
  }
}

class PathArgsHandler extends TestWebSocketHandler {
  override open(arg: string): void {
    this.writeMessage(arg);
  }
}

/** Python's CoroutineOnMessageHandler and NativeCoroutineOnMessageHandler. */
class CoroutineOnMessageHandler extends TestWebSocketHandler {
  sleeping = 0;
  override async onMessage(message: string | Buffer): Promise<void> {
    if (this.sleeping > 0) this.writeMessage("another coroutine is already sleeping");
    this.sleeping++;
    await new Promise((resolve) => setTimeout(resolve, 10));
    this.sleeping--;
    this.writeMessage(message);
  }
}

class RenderMessageHandler extends TestWebSocketHandler {
  override onMessage(message: string | Buffer): void {
    this.writeMessage(this.renderString("message.html", { message }));
  }
}

class SubprotocolHandler extends TestWebSocketHandler {
  selectCalled = false;
  override selectSubprotocol(subprotocols: string[]): string | null {
    if (this.selectCalled) throw new Error("select_subprotocol called twice");
    this.selectCalled = true;
    return subprotocols.includes("goodproto") ? "goodproto" : null;
  }
  override open(): void {
    if (!this.selectCalled) throw new Error("select_subprotocol not called");
    this.writeMessage(`subprotocol=${this.selectedSubprotocol ?? "None"}`);
  }
}

let messageSent: Deferred<void> = deferred();

class OpenCoroutineHandler extends TestWebSocketHandler {
  openFinished = false;
  override async open(): Promise<void> {
    await messageSent.promise;
    await new Promise((resolve) => setTimeout(resolve, 10));
    this.openFinished = true;
  }
  override onMessage(): void {
    if (!this.openFinished) throw new Error("on_message called before open finished");
    this.writeMessage("ok");
  }
}

class ErrorInOpenHandler extends TestWebSocketHandler {
  override open(): void {
    throw new Error("boom");
  }
}

class ErrorInAsyncOpenHandler extends TestWebSocketHandler {
  override async open(): Promise<void> {
    await moment();
    throw new Error("boom");
  }
}

class NoDelayHandler extends TestWebSocketHandler {
  override open(): void {
    this.setNodelay(true);
    this.writeMessage("hello");
  }
}

const sink = new CloseSink();
const withSink = { closeSink: sink };

const servers: TestServer[] = [];
let server: TestServer;
let nativeServer: TestServer;
let serverPingServer: TestServer;
let clientPingServer: TestServer;
let maxSizeServer: TestServer;
const compressionServers = new Map<string, TestServer>();

class ServerPingHandler extends TestWebSocketHandler {
  override onPong(): void {
    this.writeMessage("got pong");
  }
}

class ClientPingHandler extends TestWebSocketHandler {
  override onPing(): void {
    this.writeMessage("got ping");
  }
}

class ManualPingHandler extends TestWebSocketHandler {
  override onPing(data: Buffer): void {
    this.writeMessage(data, true);
  }
}

/** Python's LimitedHandler; the 1024-byte limit comes from the application's setting here. */
class LimitedHandler extends TestWebSocketHandler {
  override onMessage(message: string | Buffer): void {
    this.writeMessage(String(message.length));
  }
}

async function start(app: Application): Promise<TestServer> {
  const started = await TestServer.start(app);
  servers.push(started);
  return started;
}

before(async () => {
  server = await start(
    new Application(
      [
        ["/echo", EchoHandler, withSink],
        ["/non_ws", NonWebSocketHandler],
        ["/redirect", RedirectHandler],
        ["/header", HeaderHandler, withSink],
        ["/header_echo", HeaderEchoHandler, withSink],
        ["/close_reason", CloseReasonHandler, withSink],
        ["/error_in_on_message", ErrorInOnMessageHandler, withSink],
        ["/async_prepare", AsyncPrepareHandler, withSink],
        ["/path_args/(.*)", PathArgsHandler, withSink],
        ["/coroutine", CoroutineOnMessageHandler, withSink],
        ["/render", RenderMessageHandler, withSink],
        ["/subprotocol", SubprotocolHandler, withSink],
        ["/open_coroutine", OpenCoroutineHandler, withSink],
        ["/error_in_open", ErrorInOpenHandler],
        ["/error_in_async_open", ErrorInAsyncOpenHandler],
        ["/nodelay", NoDelayHandler],
      ],
      { templateLoader: new DictLoader({ "message.html": "<b>{{ message }}</b>" }) },
    ),
  );
  nativeServer = await start(new Application([["/native", CoroutineOnMessageHandler]]));
  serverPingServer = await start(
    new Application([["/", ServerPingHandler]], { websocketPingInterval: 0.01 }),
  );
  clientPingServer = await start(
    new Application([
      ["/", ClientPingHandler],
      ["/manual", ManualPingHandler],
    ]),
  );
  maxSizeServer = await start(
    new Application([["/", EchoHandler]], { websocketMaxMessageSize: 1024 }),
  );
  for (const [name, options] of [
    ["none", null],
    ["server", {}],
  ] as const) {
    const compressed = { compressionOptions: options };
    const echo = await start(new Application([["/echo", EchoHandler, compressed]]));
    const limited = await start(
      new Application([["/limited", LimitedHandler, compressed]], {
        websocketMaxMessageSize: 1024,
      }),
    );
    compressionServers.set(`${name}:echo`, echo);
    compressionServers.set(`${name}:limited`, limited);
  }
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** Connects to `path` on `on` (default: the main test application). */
function wsConnect(
  path: string,
  options: WebSocketConnectOptions = {},
  on: TestServer = server,
): Promise<WebSocketClientConnection> {
  return websocketConnect(`ws://127.0.0.1:${on.port}${path}`, options);
}

/** Closes the client and waits for the connection to end (the test's cleanup). */
async function done(ws: WebSocketClientConnection): Promise<void> {
  ws.close();
  await ws.closed();
}

test("WebSocketTest.test_http_request", async () => {
  const response = await server.fetch("/echo");
  assert.equal(response.code, 400);
});

test("WebSocketTest.test_missing_websocket_key", async () => {
  const response = await server.fetch("/echo", {
    headers: { Connection: "Upgrade", Upgrade: "WebSocket", "Sec-WebSocket-Version": "13" },
  });
  assert.equal(response.code, 400);
});

test("WebSocketTest.test_bad_websocket_version", async () => {
  const response = await server.fetch("/echo", {
    headers: { Connection: "Upgrade", Upgrade: "WebSocket", "Sec-WebSocket-Version": "12" },
  });
  assert.equal(response.code, 426);
});

test("WebSocketTest.test_websocket_gen", async () => {
  const ws = await wsConnect("/echo");
  await ws.writeMessage("hello");
  assert.equal(await ws.readMessage(), "hello");
  await done(ws);
});

test("WebSocketTest.test_websocket_callbacks", async () => {
  // Python passes callbacks to websocket_connect and read_message; the promise API's `then` is
  // the same chain.
  const closed = sink.next();
  const response = await new Promise<string | Buffer | null>((resolve, reject) => {
    websocketConnect(`ws://127.0.0.1:${server.port}/echo`).then((ws) => {
      ws.writeMessage("hello");
      ws.readMessage().then((message) => {
        resolve(message);
        ws.close();
      }, reject);
    }, reject);
  });
  assert.equal(response, "hello");
  await closed;
});

test("WebSocketTest.test_binary_message", async () => {
  const ws = await wsConnect("/echo");
  ws.writeMessage(Buffer.from("hello \xe9", "latin1"), true);
  assert.deepEqual(await ws.readMessage(), Buffer.from("hello \xe9", "latin1"));
  await done(ws);
});

test("WebSocketTest.test_unicode_message", async () => {
  const ws = await wsConnect("/echo");
  ws.writeMessage("hello \u00e9");
  assert.equal(await ws.readMessage(), "hello \u00e9");
  await done(ws);
});

test("WebSocketTest.test_error_in_closed_client_write_message", async () => {
  const ws = await wsConnect("/echo");
  ws.close();
  assert.throws(() => ws.writeMessage("hello \u00e9"), WebSocketClosedError);
  await ws.closed();
});

test("WebSocketTest.test_render_message", async () => {
  const ws = await wsConnect("/render");
  ws.writeMessage("hello");
  assert.equal(await ws.readMessage(), "<b>hello</b>");
  await done(ws);
});

test("WebSocketTest.test_error_in_on_message", async () => {
  const ws = await wsConnect("/error_in_on_message");
  ws.writeMessage("hello");
  const response = await expectLog("Uncaught exception", () => ws.readMessage(), {
    logger: "tornado.application",
  });
  assert.equal(response, null);
});

test("WebSocketTest.test_websocket_http_fail", async () => {
  await assert.rejects(wsConnect("/notfound"), (error: unknown) => {
    assert.ok(error instanceof HTTPClientError);
    assert.equal(error.code, 404);
    return true;
  });
});

test("WebSocketTest.test_websocket_http_success", async () => {
  await assert.rejects(wsConnect("/non_ws"), WebSocketError);
});

test("WebSocketTest.test_websocket_http_redirect", async () => {
  await assert.rejects(wsConnect("/redirect"), HTTPClientError);
});

test("WebSocketTest.test_websocket_network_fail", async () => {
  const port = await closedPort();
  await assert.rejects(
    websocketConnect(`ws://127.0.0.1:${port}/`, { connectTimeout: 3600 }),
    (error: unknown) => {
      assert.ok(error instanceof HTTPClientError);
      assert.equal(error.code, 599);
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    },
  );
});

test("WebSocketTest.test_websocket_close_buffered_data", async () => {
  const ws = await wsConnect("/echo");
  const closed = sink.next();
  ws.writeMessage("hello");
  ws.writeMessage("world");
  // Close the underlying stream with data still buffered.
  ws.wsConnection.terminate();
  await ws.closed();
  // The server sees the connection end without a close frame.
  assert.deepEqual(await closed, [null, null]);
});

test("WebSocketTest.test_websocket_headers", async () => {
  const ws = await websocketConnect(
    new HTTPRequest(`ws://127.0.0.1:${server.port}/header`, { headers: { "X-Test": "hello" } }),
  );
  assert.equal(await ws.readMessage(), "hello");
  await done(ws);
});

test("WebSocketTest.test_websocket_header_echo", async () => {
  const ws = await websocketConnect(
    new HTTPRequest(`ws://127.0.0.1:${server.port}/header_echo`, {
      headers: { "X-Test-Hello": "hello" },
    }),
  );
  assert.equal(ws.headers.get("X-Test-Hello"), "hello");
  assert.equal(ws.headers.get("X-Extra-Response-Header"), "Extra-Response-Value");
  await done(ws);
});

test("WebSocketTest.test_server_close_reason", async () => {
  const closed = sink.next();
  const ws = await wsConnect("/close_reason");
  assert.equal(await ws.readMessage(), null);
  assert.equal(ws.closeCode, 1001);
  assert.equal(ws.closeReason, "goodbye");
  // The client echoed the close code, so the server saw the same one.
  const [code] = await closed;
  assert.equal(code, 1001);
});

test("WebSocketTest.test_client_close_reason", async () => {
  const closed = sink.next();
  const ws = await wsConnect("/echo");
  ws.close(1001, "goodbye");
  assert.deepEqual(await closed, [1001, "goodbye"]);
  await ws.closed();
});

test("WebSocketTest.test_write_after_close", async () => {
  const ws = await wsConnect("/close_reason");
  assert.equal(await ws.readMessage(), null);
  assert.throws(() => ws.writeMessage("hello"), WebSocketClosedError);
});

test("WebSocketTest.test_async_prepare", async () => {
  const ws = await wsConnect("/async_prepare");
  ws.writeMessage("hello");
  assert.equal(await ws.readMessage(), "hello");
  await done(ws);
});

test("WebSocketTest.test_path_args", async () => {
  const ws = await wsConnect("/path_args/hello");
  assert.equal(await ws.readMessage(), "hello");
  await done(ws);
});

test("WebSocketTest.test_coroutine", async () => {
  const ws = await wsConnect("/coroutine");
  // Both messages go out at once; the handler must process them one at a time.
  await ws.writeMessage("hello1");
  await ws.writeMessage("hello2");
  assert.equal(await ws.readMessage(), "hello1");
  assert.equal(await ws.readMessage(), "hello2");
  await done(ws);
});

async function originAccepted(host: string, origin: string): Promise<void> {
  const ws = await websocketConnect(
    new HTTPRequest(`ws://${host}:${server.port}/echo`, { headers: { Origin: origin } }),
  );
  ws.writeMessage("hello");
  assert.equal(await ws.readMessage(), "hello");
  await done(ws);
}

async function originRefused(host: string, origin: string): Promise<void> {
  await assert.rejects(
    websocketConnect(
      new HTTPRequest(`ws://${host}:${server.port}/echo`, { headers: { Origin: origin } }),
    ),
    (error: unknown) => {
      assert.ok(error instanceof HTTPClientError);
      assert.equal(error.code, 403);
      return true;
    },
  );
}

test("WebSocketTest.test_check_origin_valid_no_path", async () => {
  await originAccepted("127.0.0.1", `http://127.0.0.1:${server.port}`);
});

test("WebSocketTest.test_check_origin_valid_with_path", async () => {
  await originAccepted("127.0.0.1", `http://127.0.0.1:${server.port}/something`);
});

test("WebSocketTest.test_check_origin_invalid_partial_url", async () => {
  await originRefused("127.0.0.1", `127.0.0.1:${server.port}`);
});

test("WebSocketTest.test_check_origin_invalid", async () => {
  // The host is 127.0.0.1, which another domain must not reach.
  await originRefused("127.0.0.1", "http://somewhereelse.com");
});

test("WebSocketTest.test_check_origin_invalid_subdomains", async () => {
  // Subdomains are refused by default. The server listens on 127.0.0.1 only, so the request is
  // sent there with the Host header Python's test sends through "localhost".
  await assert.rejects(
    websocketConnect(
      new HTTPRequest(`ws://127.0.0.1:${server.port}/echo`, {
        headers: { Host: `localhost:${server.port}`, Origin: "http://subtenant.localhost" },
      }),
    ),
    (error: unknown) => {
      assert.ok(error instanceof HTTPClientError);
      assert.equal(error.code, 403);
      return true;
    },
  );
});

test("WebSocketTest.test_subprotocols", async () => {
  const ws = await wsConnect("/subprotocol", { subprotocols: ["badproto", "goodproto"] });
  assert.equal(ws.selectedSubprotocol, "goodproto");
  assert.equal(await ws.readMessage(), "subprotocol=goodproto");
  await done(ws);
});

test("WebSocketTest.test_subprotocols_not_offered", async () => {
  const ws = await wsConnect("/subprotocol");
  assert.equal(ws.selectedSubprotocol, null);
  assert.equal(await ws.readMessage(), "subprotocol=None");
  await done(ws);
});

test("WebSocketTest.test_open_coroutine", async () => {
  messageSent = deferred();
  const ws = await wsConnect("/open_coroutine");
  await ws.writeMessage("hello");
  messageSent.resolve();
  assert.equal(await ws.readMessage(), "ok");
  await done(ws);
});

test("WebSocketTest.test_error_in_open", async () => {
  const response = await expectLog(
    "Uncaught exception",
    async () => {
      const ws = await wsConnect("/error_in_open");
      return ws.readMessage();
    },
    { logger: "tornado.application" },
  );
  assert.equal(response, null);
});

test("WebSocketTest.test_error_in_async_open", async () => {
  const response = await expectLog(
    "Uncaught exception",
    async () => {
      const ws = await wsConnect("/error_in_async_open");
      return ws.readMessage();
    },
    { logger: "tornado.application" },
  );
  assert.equal(response, null);
});

test("WebSocketTest.test_nodelay", async () => {
  const ws = await wsConnect("/nodelay");
  assert.equal(await ws.readMessage(), "hello");
  await done(ws);
});

test("WebSocketNativeCoroutineTest.test_native_coroutine", async () => {
  const ws = await wsConnect("/native", {}, nativeServer);
  await ws.writeMessage("hello1");
  await ws.writeMessage("hello2");
  assert.equal(await ws.readMessage(), "hello1");
  assert.equal(await ws.readMessage(), "hello2");
  await done(ws);
});

const MESSAGE = "Hello world. Testing 123 123";

/** The four compression variants of Python's CompressionTestMixin subclasses. */
const compressionVariants = [
  { name: "NoCompressionTest", server: "none", client: null, compressed: false },
  { name: "ServerOnlyCompressionTest", server: "server", client: null, compressed: false },
  { name: "ClientOnlyCompressionTest", server: "none", client: {}, compressed: false },
  { name: "DefaultCompressionTest", server: "server", client: {}, compressed: true },
] as const;

function socketOf(ws: WebSocketClientConnection): Socket {
  return (ws.wsConnection as unknown as { _socket: Socket })._socket;
}

test("CompressionTestMixin.test_message_sizes", async (t) => {
  for (const variant of compressionVariants) {
    await t.test(variant.name, async () => {
      const ws = await wsConnect(
        "/echo",
        { compressionOptions: variant.client },
        compressionServers.get(`${variant.server}:echo`)!,
      );
      // Wire bytes counted on the socket from after the handshake.
      const socket = socketOf(ws);
      const startIn = socket.bytesRead;
      const startOut = socket.bytesWritten;
      let messageBytesIn = 0;
      let messageBytesOut = 0;
      // The same message three times, to see the effect of context takeover.
      for (let i = 0; i < 3; i++) {
        ws.writeMessage(MESSAGE);
        messageBytesOut += MESSAGE.length;
        const response = await ws.readMessage();
        assert.equal(response, MESSAGE);
        messageBytesIn += (response as string).length;
      }
      assert.equal(messageBytesOut, MESSAGE.length * 3);
      assert.equal(messageBytesIn, MESSAGE.length * 3);
      const wireIn = socket.bytesRead - startIn;
      const wireOut = socket.bytesWritten - startOut;
      if (variant.compressed) {
        assert.ok(wireOut < 3 * (MESSAGE.length + 6), `${wireOut} bytes out`);
        assert.ok(wireIn < 3 * (MESSAGE.length + 2), `${wireIn} bytes in`);
        // Each client frame carries a 4-byte mask key.
        assert.equal(wireOut, wireIn + 12);
      } else {
        assert.equal(wireOut, 3 * (MESSAGE.length + 6));
        assert.equal(wireIn, 3 * (MESSAGE.length + 2));
      }
      await done(ws);
    });
  }
});

test("CompressionTestMixin.test_size_limit", async (t) => {
  for (const variant of compressionVariants) {
    await t.test(variant.name, async () => {
      const ws = await wsConnect(
        "/limited",
        { compressionOptions: variant.client },
        compressionServers.get(`${variant.server}:limited`)!,
      );
      // Small messages pass through.
      ws.writeMessage("a".repeat(128));
      assert.equal(await ws.readMessage(), "128");
      // Too big once decompressed, though it compresses below the limit.
      ws.writeMessage("a".repeat(2048));
      assert.equal(await ws.readMessage(), null);
    });
  }
});

test("MaskFunctionMixin.test_mask", async () => {
  // tornado-ts masks frames through ws; its mask function must give Tornado's results.
  // ws does not export it, so it is loaded from the installed package's file.
  const wsDir = dirname(createRequire(import.meta.url).resolve("ws"));
  const { mask } = createRequire(import.meta.url)(join(wsDir, "lib", "buffer-util.js")) as {
    mask: (source: Buffer, mask: Buffer, output: Buffer, offset: number, length: number) => void;
  };
  const masked = (key: string, data: string): Buffer => {
    const source = Buffer.from(data, "latin1");
    const output = Buffer.alloc(source.length);
    mask(source, Buffer.from(key, "latin1"), output, 0, source.length);
    return output;
  };
  const bytes = (text: string): Buffer => Buffer.from(text, "latin1");
  assert.deepEqual(masked("abcd", ""), bytes(""));
  assert.deepEqual(masked("abcd", "b"), bytes("\x03"));
  assert.deepEqual(masked("abcd", "54321"), bytes("TVPVP"));
  assert.deepEqual(masked("ZXCV", "98765432"), bytes("c`t`olpd"));
  assert.deepEqual(
    masked("\x00\x01\x02\x03", "\xff\xfb\xfd\xfc\xfe\xfa"),
    bytes("\xff\xfa\xff\xff\xfe\xfb"),
  );
  assert.deepEqual(
    masked("\xff\xfb\xfd\xfc", "\x00\x01\x02\x03\x04\x05"),
    bytes("\xff\xfa\xff\xff\xfb\xfe"),
  );
});

test("ServerPeriodicPingTest.test_server_ping", async () => {
  const ws = await wsConnect("/", {}, serverPingServer);
  for (let i = 0; i < 3; i++) assert.equal(await ws.readMessage(), "got pong");
  await done(ws);
});

test("ClientPeriodicPingTest.test_client_ping", async () => {
  const ws = await wsConnect("/", { pingInterval: 0.01 }, clientPingServer);
  for (let i = 0; i < 3; i++) assert.equal(await ws.readMessage(), "got ping");
  await done(ws);
});

test("ManualPingTest.test_manual_ping", async () => {
  const ws = await wsConnect("/manual", {}, clientPingServer);
  assert.throws(() => ws.ping("a".repeat(126)), RangeError);
  ws.ping("hello");
  // onPing always sees bytes.
  assert.deepEqual(await ws.readMessage(), Buffer.from("hello"));
  ws.ping(Buffer.from("binary hello"));
  assert.deepEqual(await ws.readMessage(), Buffer.from("binary hello"));
  await done(ws);
});

test("MaxMessageSizeTest.test_large_message", async () => {
  const ws = await wsConnect("/", {}, maxSizeServer);
  const msg = "a".repeat(1024);
  ws.writeMessage(msg);
  assert.equal(await ws.readMessage(), msg);
  ws.writeMessage(`${msg}b`);
  // null: the server closed the connection.
  assert.equal(await ws.readMessage(), null);
  assert.equal(ws.closeCode, 1009);
  // Tornado sends the reason "message too big"; ws's 1009 close frame carries none.
  assert.equal(ws.closeReason, null);
});
