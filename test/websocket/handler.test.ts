import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, HTTPError } from "tornado-ts/web";
import { WebSocketClosedError, WebSocketHandler, websocketConnect } from "tornado-ts/websocket";

/** Events seen by server-side handlers, for assertions. */
const events: string[] = [];

class EchoHandler extends WebSocketHandler {
  override open(...args: string[]) {
    this.writeMessage(`open:${args.join(",")}`);
  }
  override onMessage(message: string | Buffer) {
    if (message === "close-me") {
      this.close(4000, "bye");
      return;
    }
    if (message === "ping-me") {
      this.ping("srv");
      return;
    }
    if (message === "json") {
      this.writeMessage({ a: "</b>", n: [1, 2] });
      return;
    }
    this.writeMessage(message);
  }
  override onPing(data: Buffer) {
    this.writeMessage(`ping:${data.toString()}`);
  }
  override onPong(data: Buffer) {
    this.writeMessage(`pong:${data.toString()}`);
  }
  override onClose() {
    events.push(`close:${this.closeCode}:${this.closeReason}`);
  }
}

/** open() is slow; messages must wait for it and run one at a time. */
class OrderedHandler extends WebSocketHandler {
  #log: string[] = [];
  override async open() {
    this.#log.push("open-start");
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.#log.push("open-end");
  }
  override async onMessage(message: string | Buffer) {
    this.#log.push(`start:${message}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    this.#log.push(`end:${message}`);
    if (message === "3") this.writeMessage(this.#log.join(" "));
  }
}

/** Authenticated sockets: cookies and an async getCurrentUser are ready in open(). */
class UserHandler extends WebSocketHandler {
  override async getCurrentUser() {
    await new Promise((resolve) => setImmediate(resolve));
    const name = this.getCookie("user");
    return name ? { name } : null;
  }
  override prepare() {
    if (!this.currentUser) throw new HTTPError(403);
  }
  override open() {
    this.writeMessage(`hello ${(this.currentUser as { name: string }).name}`);
  }
}

class AfterCloseHandler extends WebSocketHandler {
  override onMessage() {
    this.close();
  }
  override onClose() {
    const outcomes: string[] = [];
    try {
      this.writeMessage("late");
    } catch (error) {
      outcomes.push((error as Error).name);
    }
    try {
      this.ping();
    } catch (error) {
      outcomes.push((error as Error).name);
    }
    try {
      this.write("x");
    } catch (error) {
      outcomes.push((error as Error).message);
    }
    events.push(`after-close:${outcomes.join("|")}`);
  }
}

class SubprotocolHandler extends WebSocketHandler {
  override selectSubprotocol(offered: string[]) {
    return offered.includes("chat.v2") ? "chat.v2" : null;
  }
  override open() {
    this.writeMessage(`proto:${this.selectedSubprotocol}`);
  }
}

class CompressedHandler extends WebSocketHandler {
  override getCompressionOptions() {
    return {};
  }
  override onMessage(message: string | Buffer) {
    this.writeMessage(message);
  }
}

class FailingOpenHandler extends WebSocketHandler {
  override async open() {
    throw new Error("open failed");
  }
}

function wsUrl(server: TestServer, path: string): string {
  return server.url(path).replace(/^http/, "ws");
}

function handshake(server: TestServer, path: string, extra: string): Promise<Buffer> {
  return server.rawRequest(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${extra}\r\n`,
    { idleMs: 300 },
  );
}

const UPGRADE =
  "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

function untilEvent(pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const check = (): void => {
      const found = events.find((event) => pattern.test(event));
      if (found) resolve(found);
      else setTimeout(check, 5);
    };
    check();
  });
}

describe("WebSocketHandler", () => {
  let server: TestServer;
  let logs: LogCapture;
  before(async () => {
    logs = captureLogs();
    server = await TestServer.start(
      new Application(
        [
          ["/echo/(.*)", EchoHandler],
          ["/ordered", OrderedHandler],
          ["/user", UserHandler],
          ["/after-close", AfterCloseHandler],
          ["/proto", SubprotocolHandler],
          ["/compressed", CompressedHandler],
          ["/failing-open", FailingOpenHandler],
        ],
        { websocketMaxMessageSize: 1024 },
      ),
    );
  });
  after(async () => {
    await server.close();
    logs.stop();
  });

  it("echoes text, binary and JSON messages, with the path groups in open()", async () => {
    const client = await websocketConnect(wsUrl(server, "/echo/room1"));
    assert.equal(await client.readMessage(), "open:room1");
    await client.writeMessage("hi");
    assert.equal(await client.readMessage(), "hi");
    await client.writeMessage(Buffer.from([0, 1, 255]));
    const binary = await client.readMessage();
    assert.ok(Buffer.isBuffer(binary));
    assert.deepEqual([...(binary as Buffer)], [0, 1, 255]);
    await client.writeMessage("json");
    assert.equal(await client.readMessage(), '{"a": "<\\/b>", "n": [1, 2]}');
    await client.writeMessage("caf\u00e9 \u20ac");
    assert.equal(await client.readMessage(), "caf\u00e9 \u20ac");
    client.close();
    assert.equal(await client.readMessage(), null);
  });

  it("sends Tornado's 101 response: default and handler headers, accept key from RFC 6455", async () => {
    const raw = (await handshake(server, "/echo/x", UPGRADE)).toString("latin1");
    const head = raw.slice(0, raw.indexOf("\r\n\r\n"));
    const lines = head.split("\r\n");
    assert.equal(lines[0], "HTTP/1.1 101 Switching Protocols");
    assert.deepEqual(
      lines.slice(1).map((line) => line.split(":")[0]),
      ["Server", "Date", "Upgrade", "Connection", "Sec-Websocket-Accept"],
    );
    assert.ok(lines.includes("Sec-Websocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    // The first server frame follows the headers, unmasked: FIN + text opcode, length 6.
    const frame = Buffer.from(raw.slice(head.length + 4), "latin1");
    assert.deepEqual([...frame.subarray(0, 2)], [0x81, 6]);
    assert.equal(frame.subarray(2, 8).toString(), "open:x");
  });

  it("refuses bad handshakes with Tornado's statuses and bodies", async () => {
    const cases: [string, string, string][] = [
      ["", "400 Bad Request", 'Can "Upgrade" only to "WebSocket".'],
      [
        "Upgrade: websocket\r\nConnection: keep-alive\r\n",
        "400 Bad Request",
        '"Connection" must be "Upgrade".',
      ],
      [
        `${UPGRADE}Origin: http://evil.example\r\n`,
        "403 Forbidden",
        "Cross origin websockets not allowed",
      ],
      [
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 5\r\n",
        "426 Upgrade Required",
        "",
      ],
      [
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n",
        "400 Bad Request",
        "Missing/Invalid WebSocket headers",
      ],
    ];
    for (const [headers, status, body] of cases) {
      const raw = (await handshake(server, "/echo/x", headers)).toString("latin1");
      assert.ok(raw.startsWith(`HTTP/1.1 ${status}\r\n`), raw);
      assert.equal(raw.slice(raw.indexOf("\r\n\r\n") + 4), body);
      if (status.startsWith("426")) assert.match(raw, /\r\nSec-Websocket-Version: 7, 8, 13\r\n/);
    }
  });

  it("accepts the same origin (path ignored) and refuses another host or port", async () => {
    const same = await handshake(
      server,
      "/echo/x",
      `${UPGRADE}Origin: http://127.0.0.1:${server.port}/page\r\n`,
    );
    assert.match(same.toString("latin1"), /^HTTP\/1\.1 101 /);
    const otherPort = await handshake(
      server,
      "/echo/x",
      `${UPGRADE}Origin: http://127.0.0.1:1\r\n`,
    );
    assert.match(otherPort.toString("latin1"), /^HTTP\/1\.1 403 /);
    await assert.rejects(
      websocketConnect(wsUrl(server, "/echo/x"), { headers: { Origin: "https://evil.example" } }),
      (error: Error & { code?: number }) => error.name === "HTTPClientError" && error.code === 403,
    );
  });

  it("answers other methods with 405", async () => {
    const response = await server.fetch("/echo/x", { method: "POST", body: "" });
    assert.equal(response.code, 405);
  });

  it("waits for an async open() and runs onMessage calls one at a time, in order", async () => {
    const client = await websocketConnect(wsUrl(server, "/ordered"));
    client.writeMessage("1");
    client.writeMessage("2");
    client.writeMessage("3");
    assert.equal(
      await client.readMessage(),
      "open-start open-end start:1 end:1 start:2 end:2 start:3 end:3",
    );
    client.close();
  });

  it("has cookies and an async currentUser ready in prepare() and open()", async () => {
    const client = await websocketConnect(wsUrl(server, "/user"), {
      headers: { Cookie: "user=ann" },
    });
    assert.equal(await client.readMessage(), "hello ann");
    client.close();
    await assert.rejects(
      websocketConnect(wsUrl(server, "/user")),
      (error: Error & { code?: number }) => error.name === "HTTPClientError" && error.code === 403,
    );
  });

  it("passes close codes both ways: the server's code and reason reach the client", async () => {
    const client = await websocketConnect(wsUrl(server, "/echo/a"));
    await client.readMessage();
    await client.writeMessage("close-me");
    assert.equal(await client.readMessage(), null);
    assert.equal(client.closeCode, 4000);
    assert.equal(client.closeReason, "bye");
    assert.match(await untilEvent(/^close:4000:/), /^close:4000:/);
  });

  it("records the client's close code and reason in closeCode / closeReason", async () => {
    const client = await websocketConnect(wsUrl(server, "/echo/b"));
    await client.readMessage();
    client.close(4321, "client says bye");
    await client.closed();
    assert.equal(await untilEvent(/^close:4321:/), "close:4321:client says bye");
    const silent = await websocketConnect(wsUrl(server, "/echo/c"));
    await silent.readMessage();
    silent.close();
    await silent.closed();
    assert.equal(await untilEvent(/^close:null:/), "close:null:null");
  });

  it("answers pings with pongs and reports both to the handler", async () => {
    const pongs: string[] = [];
    const client = await websocketConnect(wsUrl(server, "/echo/p"), {
      onPong: (data) => pongs.push(data.toString()),
    });
    await client.readMessage();
    client.ping("cli");
    assert.equal(await client.readMessage(), "ping:cli");
    await client.writeMessage("ping-me");
    // The client answered the server's ping; the server reports the pong.
    assert.equal(await client.readMessage(), "pong:srv");
    assert.deepEqual(pongs, ["cli"]);
    client.close();
  });

  it("closes with 1009 when a message exceeds websocketMaxMessageSize", async () => {
    const client = await websocketConnect(wsUrl(server, "/echo/big"));
    await client.readMessage();
    await client.writeMessage("x".repeat(1024));
    assert.equal((await client.readMessage())?.length, 1024);
    client.writeMessage("x".repeat(1025));
    assert.equal(await client.readMessage(), null);
    assert.equal(client.closeCode, 1009);
  });

  it("throws WebSocketClosedError on writes after close, and refuses HTTP methods", async () => {
    const client = await websocketConnect(wsUrl(server, "/after-close"));
    await client.writeMessage("go");
    assert.equal(await client.readMessage(), null);
    assert.equal(
      await untilEvent(/^after-close:/),
      "after-close:WebSocketClosedError|WebSocketClosedError|Method not supported for Web Sockets",
    );
    assert.throws(() => client.writeMessage("late"), WebSocketClosedError);
  });

  it("selects a subprotocol among those offered", async () => {
    const client = await websocketConnect(wsUrl(server, "/proto"), {
      subprotocols: ["chat.v1", "chat.v2"],
    });
    assert.equal(client.selectedSubprotocol, "chat.v2");
    assert.equal(await client.readMessage(), "proto:chat.v2");
    client.close();
    const none = await websocketConnect(wsUrl(server, "/proto"), { subprotocols: ["other"] });
    assert.equal(none.selectedSubprotocol, null);
    assert.equal(await none.readMessage(), "proto:null");
    none.close();
  });

  it("negotiates permessage-deflate when getCompressionOptions() returns options", async () => {
    const raw = (
      await handshake(
        server,
        "/compressed",
        `${UPGRADE}Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n`,
      )
    ).toString("latin1");
    assert.match(raw, /\r\nSec-Websocket-Extensions: permessage-deflate/);
    const plain = (
      await handshake(
        server,
        "/echo/x",
        `${UPGRADE}Sec-WebSocket-Extensions: permessage-deflate\r\n`,
      )
    ).toString("latin1");
    assert.doesNotMatch(plain, /Sec-Websocket-Extensions/);
    const client = await websocketConnect(wsUrl(server, "/compressed"), { compressionOptions: {} });
    const text = "compress me ".repeat(50);
    await client.writeMessage(text);
    assert.equal(await client.readMessage(), text);
    assert.match(
      (client.wsConnection as unknown as { extensions: string }).extensions,
      /permessage-deflate/,
    );
    client.close();
  });

  it("logs an exception in open() and drops the connection", async () => {
    const client = await websocketConnect(wsUrl(server, "/failing-open"));
    assert.equal(await client.readMessage(), null);
    assert.ok(
      logs.has(/Uncaught exception in WebSocket open GET \/failing-open/, "tornado.application"),
    );
  });
});

describe("WebSocket pings from the server", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([["/echo/(.*)", EchoHandler]], {
        websocketPingInterval: 0.05,
        websocketPingTimeout: 0.2,
      }),
    );
  });
  after(() => server.close());

  it("pings every websocketPingInterval; a client that answers stays connected", async () => {
    const client = await websocketConnect(wsUrl(server, "/echo/k"));
    await client.readMessage();
    // Each server ping is answered by the client; the handler echoes the pong's arrival.
    assert.equal(await client.readMessage(), "pong:");
    assert.equal(await client.readMessage(), "pong:");
    client.close();
  });

  it("closes a connection whose peer stops answering pings", async () => {
    // A raw client that completes the handshake and then never answers anything.
    const raw = await server.rawRequest(
      `GET /echo/q HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${UPGRADE}\r\n`,
      { idleMs: 1000 },
    );
    const frames = raw.subarray(raw.indexOf("\r\n\r\n") + 4);
    const opcodes: number[] = [];
    for (let i = 0; i + 1 < frames.length; ) {
      opcodes.push(frames[i]! & 0x0f);
      i += 2 + (frames[i + 1]! & 0x7f);
    }
    assert.equal(opcodes[0], 0x1, "the open message");
    assert.ok(opcodes.includes(0x9), "at least one ping");
    assert.equal(opcodes.at(-1), 0x8, "a close frame ends the stream");
  });
});
