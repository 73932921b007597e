import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { HTTPRequest } from "tornado-ts/httpclient";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { WebSocketHandler, websocketConnect } from "tornado-ts/websocket";

/** Every open connection of the room, for broadcasting. */
const room = new Set<RoomHandler>();

class RoomHandler extends WebSocketHandler {
  override open() {
    room.add(this);
    for (const peer of room) peer.writeMessage(`joined:${room.size}`);
  }
  override onMessage(message: string | Buffer) {
    for (const peer of room) peer.writeMessage(message);
  }
  override onClose() {
    room.delete(this);
  }
}

class HeaderEchoHandler extends WebSocketHandler {
  override open() {
    this.writeMessage(this.request.headers.get("X-Token") ?? "none");
    this.close();
  }
}

class PlainHandler extends RequestHandler {
  override get() {
    this.setStatus(418);
    this.finish("teapot");
  }
}

function wsUrl(server: TestServer, path: string): string {
  return server.url(path).replace(/^http/, "ws");
}

describe("websocketConnect", () => {
  let server: TestServer;
  let logs: LogCapture;
  before(async () => {
    logs = captureLogs();
    server = await TestServer.start(
      new Application([
        ["/room", RoomHandler],
        ["/headers", HeaderEchoHandler],
        ["/plain", PlainHandler],
      ]),
    );
  });
  after(async () => {
    await server.close();
    logs.stop();
  });

  it("broadcasts a message to every connected client", async () => {
    const clients = [];
    for (let i = 1; i <= 5; i++) {
      const client = await websocketConnect(wsUrl(server, "/room"));
      clients.push(client);
      // Every client already in the room hears about the newcomer.
      for (const member of clients) assert.equal(await member.readMessage(), `joined:${i}`);
    }
    await clients[2]!.writeMessage("hello all");
    for (const client of clients) assert.equal(await client.readMessage(), "hello all");
    await clients[0]!.writeMessage(Buffer.from([7, 8, 9]));
    for (const client of clients)
      assert.deepEqual([...((await client.readMessage()) as Buffer)], [7, 8, 9]);
    for (const client of clients) client.close();
    await Promise.all(clients.map((client) => client.closed()));
  });

  it("delivers messages to an onMessage callback, then null once on close", async () => {
    const received: (string | Buffer | null)[] = [];
    const closed = new Promise<void>((resolve) => {
      void websocketConnect(wsUrl(server, "/headers"), {
        headers: { "X-Token": "abc" },
        onMessage: (message) => {
          received.push(message);
          if (message === null) resolve();
        },
      }).then((client) => {
        assert.throws(() => client.readMessage(), /onMessage callback/);
      });
    });
    await closed;
    assert.deepEqual(received, ["abc", null]);
  });

  it("takes an HTTPRequest and sends its headers; iterates messages with for await", async () => {
    const client = await websocketConnect(
      new HTTPRequest(wsUrl(server, "/headers"), { headers: { "X-Token": "from-request" } }),
    );
    const messages: (string | Buffer)[] = [];
    for await (const message of client) messages.push(message);
    assert.deepEqual(messages, ["from-request"]);
    assert.equal(await client.readMessage(), null);
  });

  it("rejects with HTTPClientError on a non-101 answer, with the response attached", async () => {
    await assert.rejects(
      websocketConnect(wsUrl(server, "/plain")),
      (error: Error & { code?: number; response?: { text(): string } }) => {
        assert.equal(error.name, "HTTPClientError");
        assert.equal(error.message, "HTTP 418: I'm a Teapot");
        assert.equal(error.response?.text(), "teapot");
        return true;
      },
    );
    await assert.rejects(websocketConnect(wsUrl(server, "/missing")), /HTTP 404: Not Found/);
  });

  it("serves other Upgrade requests through their route over HTTP, then closes", async () => {
    const raw = await server.rawRequest(
      "GET /plain HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n",
    );
    const text = raw.toString("latin1");
    assert.match(text, /^HTTP\/1\.1 418 I'm a Teapot\r\n/);
    assert.match(text, /\r\nConnection: close\r\n/);
    assert.ok(text.endsWith("\r\n\r\nteapot"));
    const withBody = await server.rawRequest(
      "POST /plain HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 3\r\n\r\nabc",
    );
    assert.match(withBody.toString("latin1"), /^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it("rejects with a 599 HTTPClientError when nothing listens", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await assert.rejects(
      websocketConnect(`ws://127.0.0.1:${port}/`),
      (error: Error & { code?: number }) => {
        assert.equal(error.name, "HTTPClientError");
        assert.equal(error.code, 599);
        return true;
      },
    );
  });

  it("times out a handshake the server never answers", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      await assert.rejects(
        websocketConnect(`ws://127.0.0.1:${port}/`, { connectTimeout: 0.2 }),
        (error: Error & { code?: number }) => {
          assert.equal(error.name, "HTTPTimeoutError");
          assert.equal(error.message, "HTTP 599: Timeout while connecting");
          return true;
        },
      );
    } finally {
      silent.close();
      silent.unref();
    }
  });
});
