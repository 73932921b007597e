// How a WebSocketHandler treats the frames a peer sends, over raw sockets: replies to the messages
// that came before a close frame or a frame that breaks the protocol go out before the connection
// closes (as Tornado, whose transcripts are compared here), and the message limits
// (websocketMaxFragments, websocketMaxMessageSize, the client's maxFragments) close with the
// RFC 6455 codes. The frames are written by hand so that the bad ones arrive in the same TCP
// segment as the good ones, as Autobahn's cases 3.2-3.4, 4.1.3-4.2.5 and 5.15 send them.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application } from "tornado-ts/web";
import { DEFAULT_MAX_FRAGMENTS, WebSocketHandler, websocketConnect } from "tornado-ts/websocket";
import { startTornado, type TornadoProcess } from "../support/python-tornado.ts";

const TEXT = 0x1;
const BINARY = 0x2;
const CONTINUATION = 0x0;
const CLOSE = 0x8;
const PING = 0x9;
const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/**
 * One client frame, masked as RFC 6455 section 5.3 requires. The mask is fixed: it has to be
 * unpredictable only to keep a browser's script from steering the bytes on the wire.
 */
function frame(
  opcode: number,
  payload: string | Buffer,
  options: { fin?: boolean; rsv?: number } = {},
): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode;
  let head: Buffer;
  if (data.length < 126) {
    head = Buffer.from([first, 0x80 | data.length]);
  } else if (data.length < 65536) {
    head = Buffer.alloc(4);
    head[0] = first;
    head[1] = 0x80 | 126;
    head.writeUInt16BE(data.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(data.length), 2);
  }
  const masked = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) masked[i] = data[i]! ^ MASK[i % 4]!;
  return Buffer.concat([head, MASK, masked]);
}

/**
 * `message` split into frames of `size` bytes (under 126), the last one empty when the sizes
 * divide evenly, as Autobahn sends them. Written straight into one buffer: the limit tests send
 * over 100,000 frames.
 */
function fragments(opcode: number, message: Buffer, size: number): Buffer[] {
  const count = Math.floor(message.length / size) + 1;
  const out = Buffer.alloc(count * 6 + message.length);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const chunk = message.subarray(i * size, Math.min((i + 1) * size, message.length));
    out[at] = (i === count - 1 ? 0x80 : 0) | (i === 0 ? opcode : CONTINUATION);
    out[at + 1] = 0x80 | chunk.length;
    MASK.copy(out, at + 2);
    at += 6;
    for (let j = 0; j < chunk.length; j++) out[at + j] = chunk[j]! ^ MASK[j % 4]!;
    at += chunk.length;
  }
  return [out];
}

/** How many frames {@link fragments} makes. */
function frameCount(message: Buffer, size: number): number {
  return Math.floor(message.length / size) + 1;
}

/** What the server sent after the handshake: data messages, then how it ended. */
interface Transcript {
  messages: string[];
  /** The close frame's code, or `null` when the connection ended without one. */
  closeCode: number | null;
}

/** Reads server frames (unmasked) as bytes arrive: text messages in full, binary ones by length. */
class FrameReader {
  readonly transcript: Transcript = { messages: [], closeCode: null };
  #buffer: Buffer = Buffer.alloc(0);
  #partial: Buffer[] = [];
  #opcode = 0;

  push(bytes: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? bytes : Buffer.concat([this.#buffer, bytes]);
    while (this.transcript.closeCode === null && this.#next()) {}
  }

  #next(): boolean {
    const bytes = this.#buffer;
    if (bytes.length < 2) return false;
    const fin = (bytes[0]! & 0x80) !== 0;
    const opcode = bytes[0]! & 0x0f;
    let length = bytes[1]! & 0x7f;
    let start = 2;
    if (length === 126) {
      if (bytes.length < 4) return false;
      length = bytes.readUInt16BE(2);
      start = 4;
    } else if (length === 127) {
      if (bytes.length < 10) return false;
      length = Number(bytes.readBigUInt64BE(2));
      start = 10;
    }
    if (start + length > bytes.length) return false;
    const payload = bytes.subarray(start, start + length);
    this.#buffer = bytes.subarray(start + length);
    if (opcode === CLOSE) {
      this.transcript.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    } else if (opcode < 0x8) {
      if (opcode !== CONTINUATION) this.#opcode = opcode;
      this.#partial.push(payload);
      if (fin) {
        const message = Buffer.concat(this.#partial);
        this.#partial = [];
        this.transcript.messages.push(
          this.#opcode === TEXT ? message.toString("utf8") : `binary:${message.length} bytes`,
        );
      }
    }
    return true;
  }
}

/**
 * Opens a WebSocket on a raw socket, writes `frames` in one go once the handshake is answered,
 * and resolves with what the server sent until it closed the connection. A close frame from the
 * server is answered, as a client would.
 */
function rawSession(port: number, path: string, frames: Buffer[]): Promise<Transcript> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, "127.0.0.1");
    const reader = new FrameReader();
    let head = Buffer.alloc(0);
    let upgraded = false;
    socket.on("connect", () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on("data", (chunk: Buffer) => {
      if (!upgraded) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        const status = head.subarray(0, head.indexOf("\r\n")).toString("latin1");
        if (!status.includes(" 101 ")) {
          reject(new Error(`handshake refused: ${status}`));
          socket.destroy();
          return;
        }
        upgraded = true;
        chunk = head.subarray(end + 4);
        socket.write(Buffer.concat(frames));
      }
      const closed = reader.transcript.closeCode !== null;
      reader.push(chunk);
      if (!closed && reader.transcript.closeCode !== null) {
        const code = Buffer.alloc(2);
        code.writeUInt16BE(1000);
        socket.end(frame(CLOSE, code));
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (!upgraded) reject(new Error("connection closed before the handshake"));
      else resolve(reader.transcript);
    });
  });
}

/** What handlers saw, for assertions. */
const events: string[] = [];

class EchoHandler extends WebSocketHandler {
  override onMessage(message: string | Buffer): void {
    if (message === "close-now") {
      this.close(4001, "done");
      try {
        this.writeMessage("late");
      } catch (error) {
        events.push(`after close(): ${(error as Error).name}`);
      }
      return;
    }
    this.writeMessage(message);
  }
}

/** Answers each message after an await, so the reply is written on a later turn of the loop. */
class SlowEchoHandler extends WebSocketHandler {
  override async onMessage(message: string | Buffer): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.writeMessage(message);
  }
}

/** Never finishes handling a message (until the test ends). */
class StuckHandler extends WebSocketHandler {
  override onMessage(): Promise<void> {
    return new Promise((resolve) => stuck.push(resolve));
  }
}
const stuck: (() => void)[] = [];

/** Sends `count` binary fragments of one byte each as a single message. */
class FragmentingHandler extends WebSocketHandler {
  override onMessage(message: string | Buffer): void {
    const count = Number(message);
    const ws = this.wsConnection!;
    for (let i = 0; i < count; i++) ws.send(Buffer.from([i & 0xff]), { fin: i === count - 1 });
  }

  override onClose(): void {
    events.push(`fragmenting closed: ${this.closeCode}`);
  }
}

const TORNADO_APP = `
import asyncio, tornado.websocket
class EchoHandler(tornado.websocket.WebSocketHandler):
    def on_message(self, message):
        self.write_message(message, binary=isinstance(message, bytes))
class SlowEchoHandler(tornado.websocket.WebSocketHandler):
    async def on_message(self, message):
        await asyncio.sleep(0.02)
        self.write_message(message, binary=isinstance(message, bytes))
app = tornado.web.Application([(r"/echo", EchoHandler), (r"/slow", SlowEchoHandler)])
`;

function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (condition()) resolve();
      else setTimeout(check, 5);
    };
    check();
  });
}

const CLOSE_NORMAL = Buffer.from([0x03, 0xe8]);

/** Frame sequences from Autobahn's cases: good messages, then a close or a bad frame. */
const SEQUENCES: Record<string, Buffer[]> = {
  // 3.2: a reserved bit set on the second message.
  "a frame with a reserved bit": [
    frame(TEXT, "Hello, world!"),
    frame(TEXT, "Hello, world!", { rsv: 2 }),
    frame(PING, ""),
  ],
  // 4.1.3: a reserved data opcode.
  "a reserved opcode": [frame(TEXT, "first"), frame(0x5, ""), frame(PING, "")],
  // 4.2.3: a reserved control opcode.
  "a reserved control opcode": [frame(TEXT, "first"), frame(0xb, ""), frame(PING, "")],
  // 5.15: a continuation frame with nothing to continue, after a fragmented message.
  "a continuation with nothing to continue": [
    frame(TEXT, "frag", { fin: false }),
    frame(CONTINUATION, "ment1", { fin: true }),
    frame(CONTINUATION, "fragment2", { fin: false }),
    frame(CONTINUATION, "fragment3", { fin: true }),
    frame(TEXT, "fragment4"),
  ],
  "a close frame": [
    frame(TEXT, "one"),
    frame(BINARY, Buffer.alloc(300)),
    frame(CLOSE, CLOSE_NORMAL),
  ],
};

describe("WebSocket frame handling", () => {
  let server: TestServer;
  let small: TestServer;
  let tornado: TornadoProcess;
  let logs: LogCapture;
  before(async () => {
    logs = captureLogs();
    [server, small, tornado] = await Promise.all([
      TestServer.start(
        new Application([
          ["/echo", EchoHandler],
          ["/slow", SlowEchoHandler],
          ["/fragmenting", FragmentingHandler],
          ["/stuck", StuckHandler],
        ]),
      ),
      TestServer.start(
        new Application([["/echo", EchoHandler]], {
          websocketMaxFragments: 4,
          websocketMaxMessageSize: 1000,
        }),
      ),
      startTornado(TORNADO_APP),
    ]);
  });
  after(async () => {
    for (const release of stuck) release();
    await Promise.all([server.close(), small.close(), tornado.close()]);
    logs.stop();
  });

  for (const [name, frames] of Object.entries(SEQUENCES)) {
    it(`answers the messages sent before ${name}, as Tornado`, async () => {
      for (const path of ["/echo", "/slow"]) {
        const [ours, theirs] = await Promise.all([
          rawSession(server.port, path, frames),
          rawSession(tornado.port, path, frames),
        ]);
        assert.ok(theirs.messages.length > 0, `${path}: Tornado answered nothing`);
        assert.deepEqual(ours.messages, theirs.messages, path);
        // Tornado drops the connection without a close frame after a bad frame; tornado-ts sends
        // the RFC's 1002 (protocol error) first. Both answer a close frame with one.
        assert.equal(ours.closeCode, name === "a close frame" ? 1000 : 1002, path);
      }
    });
  }

  it("accepts a 4 MiB message in 64-byte fragments by default (Autobahn 9.3.1)", async () => {
    const message = Buffer.alloc(4 * 1024 * 1024, "*");
    assert.equal(frameCount(message, 64), 65537);
    const frames = fragments(TEXT, message, 64);
    const result = await rawSession(server.port, "/echo", [...frames, frame(CLOSE, CLOSE_NORMAL)]);
    assert.equal(result.messages.length, 1);
    assert.equal(result.messages[0], message.toString());
    assert.equal(result.closeCode, 1000);
  });

  it("closes with 1008 past the default fragment limit, and not at it", async () => {
    assert.equal(DEFAULT_MAX_FRAGMENTS, 131072);
    assert.equal(frameCount(Buffer.alloc(DEFAULT_MAX_FRAGMENTS - 1), 1), DEFAULT_MAX_FRAGMENTS);
    const atLimit = fragments(BINARY, Buffer.alloc(DEFAULT_MAX_FRAGMENTS - 1), 1);
    const ok = await rawSession(server.port, "/echo", [...atLimit, frame(CLOSE, CLOSE_NORMAL)]);
    assert.deepEqual(ok, {
      messages: [`binary:${DEFAULT_MAX_FRAGMENTS - 1} bytes`],
      closeCode: 1000,
    });
    const over = fragments(BINARY, Buffer.alloc(DEFAULT_MAX_FRAGMENTS), 1);
    assert.deepEqual(await rawSession(server.port, "/echo", over), {
      messages: [],
      closeCode: 1008,
    });
  });

  it("websocketMaxFragments sets the limit; earlier messages are still answered", async () => {
    const result = await rawSession(small.port, "/echo", [
      ...fragments(TEXT, Buffer.from("abcdef"), 2),
      ...fragments(TEXT, Buffer.from("abcdefgh"), 2),
    ]);
    // Four frames (the last one empty) pass; five do not.
    assert.deepEqual(result, { messages: ["abcdef"], closeCode: 1008 });
  });

  it("websocketMaxMessageSize counts every fragment of a message", async () => {
    const result = await rawSession(small.port, "/echo", [
      frame(TEXT, "short"),
      frame(TEXT, "x".repeat(500), { fin: false }),
      frame(CONTINUATION, "x".repeat(501)),
    ]);
    assert.deepEqual(result, { messages: ["short"], closeCode: 1009 });
  });

  it("the client's maxFragments closes with 1008 past its limit", async () => {
    const client = await websocketConnect(`ws://127.0.0.1:${server.port}/fragmenting`, {
      maxFragments: 3,
    });
    await client.writeMessage("3");
    assert.deepEqual(await client.readMessage(), Buffer.from([0, 1, 2]));
    client.writeMessage("4");
    assert.equal(await client.readMessage(), null);
    // The server's handler saw the client's close code.
    await until(() => events.includes("fragmenting closed: 1008"));
  });

  it("a handler that never finishes does not keep the connection open past the close timeout", {
    timeout: 30_000,
  }, async () => {
    // The close waits for the handler for 5 seconds at most, then goes out.
    const result = await rawSession(server.port, "/stuck", [
      frame(TEXT, "hang"),
      frame(CLOSE, CLOSE_NORMAL),
    ]);
    assert.deepEqual(result, { messages: [], closeCode: 1000 });
    assert.equal(stuck.length, 1);
  });

  it("a handler's own close() during onMessage takes effect at once", async () => {
    const client = await websocketConnect(`ws://127.0.0.1:${server.port}/echo`);
    await client.writeMessage("before");
    assert.equal(await client.readMessage(), "before");
    await client.writeMessage("close-now");
    assert.equal(await client.readMessage(), null);
    assert.equal(client.closeCode, 4001);
    assert.ok(events.includes("after close(): WebSocketClosedError"), events.join("; "));
  });
});
