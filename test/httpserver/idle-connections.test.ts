// idleConnectionTimeout also bounds the wait for a connection's first request (as Tornado's
// idle_connection_timeout does), and never cuts a connection upgraded to a WebSocket.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, test } from "node:test";
import { TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { WebSocketHandler, websocketConnect } from "tornado-ts/websocket";

class Slow extends RequestHandler {
  override async get() {
    await new Promise((resolve) => setTimeout(resolve, 400));
    this.write("done");
  }
}

class Echo extends WebSocketHandler {
  override onMessage(message: string | Buffer) {
    void this.writeMessage(message);
  }
}

let server: TestServer;
before(async () => {
  server = await TestServer.start(
    new Application([
      ["/slow", Slow],
      ["/ws", Echo],
    ]),
    { idleConnectionTimeout: 0.1 },
  );
});
after(() => server.close());

test("a connection that sends no request is closed after idleConnectionTimeout", async () => {
  const socket = connect(server.port, "127.0.0.1");
  await new Promise((resolve) => socket.once("close", resolve));
});

test("a request that takes longer than idleConnectionTimeout is answered", async () => {
  const response = await server.fetch("/slow");
  assert.equal(response.body.toString(), "done");
});

test("a WebSocket idle for longer than idleConnectionTimeout stays open", async () => {
  const ws = await websocketConnect(server.url("/ws").replace("http:", "ws:"));
  try {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await ws.writeMessage("still here");
    assert.equal(await ws.readMessage(), "still here");
  } finally {
    ws.close();
  }
});
