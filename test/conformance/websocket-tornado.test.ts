// WebSocket conformance against real Tornado 6.2: Tornado's own client talks to a tornado-ts
// server, the tornado-ts client talks to a Tornado server, and both servers are driven through the
// same session; the transcripts must match. Handshake refusals are compared on raw sockets.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application } from "tornado-ts/web";
import { WebSocketHandler, websocketConnect } from "tornado-ts/websocket";
import { runPython, startTornado, type TornadoProcess } from "../support/python-tornado.ts";

/** The same handler in both languages. */
class SessionHandler extends WebSocketHandler {
  override open(name: string) {
    this.writeMessage(`open:${name}`);
  }
  override onMessage(message: string | Buffer) {
    if (typeof message !== "string") this.writeMessage(message, true);
    else if (message === "json") this.writeMessage({ a: "</b>", b: [1, 2] });
    else if (message === "ping") this.ping("pp");
    else if (message === "close") this.close(4000, "bye");
    else this.writeMessage(`text:${message}`);
  }
  override onPong(data: Buffer) {
    this.writeMessage(`pong:${data.toString()}`);
  }
  override selectSubprotocol(offered: string[]) {
    return offered.includes("b") ? "b" : null;
  }
}

class CompressedHandler extends SessionHandler {
  override getCompressionOptions() {
    return {};
  }
}

const TORNADO_APP = `
import tornado.websocket
class SessionHandler(tornado.websocket.WebSocketHandler):
    def open(self, name):
        self.write_message("open:" + name)
    def on_message(self, message):
        if isinstance(message, bytes):
            self.write_message(message, binary=True)
        elif message == "json":
            self.write_message({"a": "</b>", "b": [1, 2]})
        elif message == "ping":
            self.ping(b"pp")
        elif message == "close":
            self.close(4000, "bye")
        else:
            self.write_message("text:" + message)
    def on_pong(self, data):
        self.write_message("pong:" + data.decode())
    def select_subprotocol(self, offered):
        return "b" if "b" in offered else None
class CompressedHandler(SessionHandler):
    def get_compression_options(self):
        return {}
app = tornado.web.Application([(r"/ws/(.*)", SessionHandler), (r"/zws/(.*)", CompressedHandler)])
`;

/** Tornado's websocket_connect client running the session against `base` (ws://host:port). */
function tornadoClientSession(base: string): Promise<string> {
  return runPython(`
import asyncio, json
from tornado.websocket import websocket_connect
def show(m):
    return {"bytes": list(m)} if isinstance(m, bytes) else m
async def session(url, **kwargs):
    out = []
    c = await websocket_connect(url, **kwargs)
    out.append(c.selected_subprotocol)
    out.append(show(await c.read_message()))
    for m in ["hi", "caf\\u00e9", b"\\x00\\x01\\xff", "json", "ping", "x" * 2000, "close"]:
        await c.write_message(m, binary=isinstance(m, bytes))
        out.append(show(await c.read_message()))
    out.append({"code": c.close_code, "reason": c.close_reason})
    return out
async def main():
    plain = await session("${base}/ws/tornado-client", subprotocols=["a", "b"])
    zipped = await session("${base}/zws/z", compression_options={})
    print(json.dumps([plain, zipped]))
asyncio.run(main())
`);
}

/** The tornado-ts client running the same session. */
async function tsClientSession(base: string): Promise<unknown> {
  const show = (message: string | Buffer | null): unknown =>
    Buffer.isBuffer(message) ? { bytes: [...message] } : message;
  const session = async (url: string, options: Parameters<typeof websocketConnect>[1]) => {
    const out: unknown[] = [];
    const client = await websocketConnect(url, options);
    out.push(client.selectedSubprotocol);
    out.push(show(await client.readMessage()));
    for (const message of [
      "hi",
      "caf\u00e9",
      Buffer.from([0, 1, 255]),
      "json",
      "ping",
      "x".repeat(2000),
      "close",
    ]) {
      await client.writeMessage(message);
      out.push(show(await client.readMessage()));
    }
    out.push({ code: client.closeCode, reason: client.closeReason });
    return out;
  };
  return [
    await session(`${base}/ws/tornado-client`, { subprotocols: ["a", "b"] }),
    await session(`${base}/zws/z`, { compressionOptions: {} }),
  ];
}

/** Status line and body of a raw handshake request. */
function rawHandshake(port: number, headers: string): Promise<{ status: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      const head = text.slice(0, end);
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      resolve({ status: head.split("\r\n")[0]!, body: text.slice(end + 4, end + 4 + length) });
    };
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(done, 200);
    });
    socket.on("end", done);
    socket.on("error", reject);
    socket.write(`GET /ws/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}\r\n`);
  });
}

describe("WebSocket conformance with Tornado 6.2", () => {
  let ours: TestServer;
  let tornado: TornadoProcess;
  let logs: LogCapture;
  before(async () => {
    logs = captureLogs();
    [ours, tornado] = await Promise.all([
      TestServer.start(
        new Application([
          ["/ws/(.*)", SessionHandler],
          ["/zws/(.*)", CompressedHandler],
        ]),
      ),
      startTornado(TORNADO_APP),
    ]);
  });
  after(async () => {
    await Promise.all([ours.close(), tornado.close()]);
    logs.stop();
  });

  it("Tornado's client sees the same session from a tornado-ts server as from Tornado", async () => {
    const [fromOurs, fromTornado] = await Promise.all([
      tornadoClientSession(`ws://127.0.0.1:${ours.port}`),
      tornadoClientSession(`ws://127.0.0.1:${tornado.port}`),
    ]);
    const transcript = JSON.parse(fromOurs);
    assert.deepEqual(transcript, JSON.parse(fromTornado));
    assert.deepEqual(transcript[0].slice(0, 7), [
      "b",
      "open:tornado-client",
      "text:hi",
      "text:caf\u00e9",
      { bytes: [0, 1, 255] },
      '{"a": "<\\/b>", "b": [1, 2]}',
      "pong:pp",
    ]);
    assert.deepEqual(transcript[0].at(-1), { code: 4000, reason: "bye" });
  });

  it("the tornado-ts client sees the same session from Tornado as from tornado-ts", async () => {
    const fromTornado = await tsClientSession(`ws://127.0.0.1:${tornado.port}`);
    const fromOurs = await tsClientSession(`ws://127.0.0.1:${ours.port}`);
    assert.deepEqual(fromOurs, fromTornado);
    const [plain] = fromTornado as unknown[][];
    assert.deepEqual(plain!.slice(-2), [null, { code: 4000, reason: "bye" }]);
    // After the close, reading again still gives null.
    const client = await websocketConnect(`ws://127.0.0.1:${ours.port}/ws/again`);
    await client.readMessage();
    await client.writeMessage("close");
    assert.equal(await client.readMessage(), null);
    assert.equal(await client.readMessage(), null);
  });

  it("refuses bad handshakes with the same status and body as Tornado", async () => {
    const cases = [
      "",
      "Upgrade: websocket\r\nConnection: keep-alive\r\n",
      "Upgrade: websocket\r\nConnection: Upgrade\r\nOrigin: http://evil.example\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 5\r\n",
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n",
    ];
    for (const headers of cases) {
      const [mine, theirs] = await Promise.all([
        rawHandshake(ours.port, headers),
        rawHandshake(tornado.port, headers),
      ]);
      assert.deepEqual(mine, theirs, JSON.stringify(headers));
    }
  });
});
