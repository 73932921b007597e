// tornado-ts/iostream, tcpserver, tcpclient and netutil over real loopback sockets: each read
// kind, limits, close handling, backpressure, TLS and STARTTLS.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { TimeoutError } from "tornado-ts/gen";
import {
  type IOStream,
  SSLIOStream,
  StreamClosedError,
  UnsatisfiableReadError,
} from "tornado-ts/iostream";
import { bindSockets, bindUnixSocket } from "tornado-ts/netutil";
import { TCPClient } from "tornado-ts/tcpclient";
import { type PeerAddress, TCPServer } from "tornado-ts/tcpserver";
import { captureLogs } from "tornado-ts/testing";
import { selfSignedCertificate } from "../support/tls.ts";

/** A server that hands each accepted stream to the test. */
class HandOver extends TCPServer {
  readonly accepted: { stream: IOStream; address: PeerAddress }[] = [];
  #waiters: ((value: IOStream) => void)[] = [];

  handleStream(stream: IOStream, address: PeerAddress): void {
    this.accepted.push({ stream, address });
    this.#waiters.shift()?.(stream);
  }

  next(): Promise<IOStream> {
    const ready = this.accepted.length;
    return new Promise((resolve) => {
      if (this.accepted.length > ready) resolve(this.accepted.at(-1)!.stream);
      else this.#waiters.push(resolve);
    });
  }
}

async function rawClient(port: number): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return socket;
}

describe("IOStream on TCPServer and TCPClient", () => {
  let server: HandOver;

  before(async () => {
    server = await new HandOver().listen(0, "127.0.0.1");
  });

  after(async () => {
    server.closeAllStreams();
    await server.stop();
  });

  async function pair(): Promise<{ client: Socket; stream: IOStream }> {
    const accepted = server.next();
    const client = await rawClient(server.port!);
    return { client, stream: await accepted };
  }

  it("gives the peer's address and reads until a delimiter split across packets", async () => {
    const { client, stream } = await pair();
    assert.deepEqual(server.accepted.at(-1)!.address, ["127.0.0.1", client.localPort]);
    const line = stream.readUntil("\r\n");
    client.write("GET / HT");
    client.write("TP/1.1\r");
    client.write("\nrest");
    assert.equal((await line).toString(), "GET / HTTP/1.1\r\n");
    assert.equal((await stream.readBytes(4)).toString(), "rest");
    client.destroy();
  });

  it("reads exact byte counts, partial reads, regex matches and into a buffer", async () => {
    const { client, stream } = await pair();
    client.write("abcdefgh");
    assert.equal((await stream.readBytes(3)).toString(), "abc");
    assert.equal((await stream.readBytes(100, true)).toString(), "defgh");
    client.write("size: 42;tail");
    assert.equal((await stream.readUntilRegex(/\d+;/)).toString(), "size: 42;");
    const target = new Uint8Array(6);
    const filled = stream.readIntoBuffer(target);
    client.write("ta");
    assert.equal(await filled, 6);
    assert.equal(Buffer.from(target).toString(), "tailta");
    client.end("the end");
    assert.equal((await stream.readUntilClose()).toString(), "the end");
    assert.equal(stream.closed(), true);
  });

  it("refuses a second read while one is pending", async () => {
    const { client, stream } = await pair();
    const first = stream.readBytes(1);
    assert.throws(() => stream.readBytes(1), /Already reading/);
    client.write("x");
    await first;
    client.destroy();
  });

  it("fails a read whose delimiter is not within maxBytes, and closes the stream", async () => {
    const { client, stream } = await pair();
    const line = stream.readUntil("\n", 16);
    client.write("x".repeat(40));
    await assert.rejects(line, UnsatisfiableReadError);
    assert.equal(stream.closed(), true);
    client.destroy();
  });

  it("fails a pending read with StreamClosedError when the peer closes, after what was buffered", async () => {
    const { client, stream } = await pair();
    client.end("partial line");
    const closed = new Promise<void>((resolve) => stream.setCloseCallback(resolve));
    await assert.rejects(stream.readUntil("\n"), StreamClosedError);
    await closed;
    await assert.rejects(stream.write("late"), StreamClosedError);
  });

  it("closes with StreamBufferFullError past maxBufferSize", async () => {
    const logs = captureLogs();
    const small = await new HandOver({ maxBufferSize: 1024 }).listen(0, "127.0.0.1");
    try {
      const accepted = small.next();
      const client = await rawClient(small.port!);
      const stream = await accepted;
      const read = stream.readUntil("\n");
      client.write("y".repeat(5000));
      const error = await read.then(
        () => assert.fail("read resolved"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof StreamClosedError);
      assert.equal((error.realError as Error).name, "StreamBufferFullError");
      assert.ok(logs.has(/Reached maximum read buffer size/));
      client.destroy();
    } finally {
      await small.stop();
      logs.stop();
    }
  });

  it("serves small reads from a packet larger than maxBufferSize without failing", async () => {
    // One 5000-byte packet reaches a stream holding at most 1024 bytes before any read, then
    // is read 100 bytes at a time:
    // every read can be satisfied, so the stream must not close (Tornado reads no more than
    // the pending read needs).
    const small = await new HandOver({ maxBufferSize: 1024 }).listen(0, "127.0.0.1");
    try {
      const accepted = small.next();
      const client = await rawClient(small.port!);
      const stream = await accepted;
      client.write("z".repeat(5000));
      // The packet arrives while no read is pending.
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (let i = 0; i < 50; i += 1) {
        assert.equal((await stream.readBytes(100)).toString(), "z".repeat(100));
      }
      client.destroy();
    } finally {
      await small.stop();
    }
  });

  it("fails an unsatisfiable read at once when the buffer is already past maxBufferSize", async () => {
    const logs = captureLogs();
    const small = await new HandOver({ maxBufferSize: 1024 }).listen(0, "127.0.0.1");
    try {
      const accepted = small.next();
      const client = await rawClient(small.port!);
      const stream = await accepted;
      client.write("z".repeat(5000));
      await stream.readBytes(10);
      await assert.rejects(stream.readUntil("\n"), StreamClosedError);
      assert.ok(logs.has(/Reached maximum read buffer size/));
      client.destroy();
    } finally {
      await small.stop();
      logs.stop();
    }
  });

  it("pauses a sender while nobody reads (backpressure), and catches up when read", async () => {
    const { client, stream } = await pair();
    const total = 8 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    let blocked = false;
    while (sent < total) {
      sent += chunk.length;
      if (!client.write(chunk)) {
        blocked = true;
        break;
      }
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 100));
    assert.equal(blocked, true, "the client's writes were held back");
    assert.ok(client.writableLength > 0, "bytes wait on the client side");
    const rest = (async () => {
      while (sent < total) {
        sent += chunk.length;
        if (!client.write(chunk)) await new Promise((resolve) => client.once("drain", resolve));
      }
    })();
    let received = 0;
    while (received < total) received += (await stream.readBytes(1024 * 1024, true)).length;
    await rest;
    assert.equal(received, total);
    client.destroy();
  });

  it("connects with TCPClient and talks both ways", async () => {
    const accepted = server.next();
    const client = await new TCPClient().connect("127.0.0.1", server.port!);
    const stream = await accepted;
    await client.write("ping\n");
    assert.equal((await stream.readUntil("\n")).toString(), "ping\n");
    await stream.write(new Uint8Array([0x70, 0x6f, 0x6e, 0x67, 0x0a]));
    assert.equal((await client.readUntil(new Uint8Array([0x0a]))).toString(), "pong\n");
    client.close();
    await assert.rejects(stream.readBytes(1), StreamClosedError);
  });

  it("connects from a chosen source port", async () => {
    const free = await bindSockets(0, "127.0.0.1");
    const sourcePort = (free[0]!.address() as { port: number }).port;
    await new Promise((resolve) => free[0]!.close(resolve));
    const accepted = server.next();
    const client = await new TCPClient().connect("127.0.0.1", server.port!, {
      sourceIp: "127.0.0.1",
      sourcePort,
    });
    await accepted;
    assert.deepEqual(server.accepted.at(-1)!.address, ["127.0.0.1", sourcePort]);
    client.close();
  });

  it("fails to connect to a closed port with Node's error", async () => {
    const free = await bindSockets(0, "127.0.0.1");
    const port = (free[0]!.address() as { port: number }).port;
    await new Promise((resolve) => free[0]!.close(resolve));
    await assert.rejects(new TCPClient().connect("127.0.0.1", port), { code: "ECONNREFUSED" });
  });

  it("gives up connecting at the deadline with TimeoutError", async () => {
    // A server that accepts the connection but never answers the TLS handshake.
    const silent = await bindSockets(0, "127.0.0.1");
    silent[0]!.on("connection", (socket: Socket) => socket.resume());
    const port = (silent[0]!.address() as { port: number }).port;
    try {
      await assert.rejects(
        new TCPClient().connect("127.0.0.1", port, {
          sslOptions: { rejectUnauthorized: false },
          timeout: { seconds: 0.2 },
        }),
        TimeoutError,
      );
    } finally {
      await new Promise((resolve) => silent[0]!.close(resolve));
    }
  });
});

describe("TLS", () => {
  let pair: { key: string; cert: string };

  before(() => {
    pair = selfSignedCertificate();
  });

  it("serves SSLIOStreams and connects with sslOptions", async () => {
    const server = await new HandOver({ sslOptions: pair }).listen(0, "127.0.0.1");
    try {
      const accepted = server.next();
      const client = await new TCPClient().connect("127.0.0.1", server.port!, {
        sslOptions: { ca: pair.cert },
      });
      assert.ok(client instanceof SSLIOStream);
      const stream = await accepted;
      assert.ok(stream instanceof SSLIOStream);
      await client.write("secret\n");
      assert.equal((await stream.readUntil("\n")).toString(), "secret\n");
      client.close();
    } finally {
      server.closeAllStreams();
      await server.stop();
    }
  });

  it("upgrades a plain connection with startTls on both sides (STARTTLS)", async () => {
    const server = await new HandOver().listen(0, "127.0.0.1");
    try {
      const accepted = server.next();
      const plainClient = await new TCPClient().connect("127.0.0.1", server.port!);
      const plainServer = await accepted;
      await plainClient.write("STARTTLS\n");
      assert.equal((await plainServer.readUntil("\n")).toString(), "STARTTLS\n");
      const [serverTls, clientTls] = await Promise.all([
        plainServer.startTls(true, pair),
        plainClient.startTls(false, { ca: pair.cert }, "127.0.0.1"),
      ]);
      await clientTls.write("over tls\n");
      assert.equal((await serverTls.readUntil("\n")).toString(), "over tls\n");
      assert.equal(clientTls.socket.getProtocol()?.startsWith("TLS"), true);
      clientTls.close();
    } finally {
      server.closeAllStreams();
      await server.stop();
    }
  });
});

describe("netutil", () => {
  it("binds every address of localhost on one port, served by addSockets", async () => {
    const servers = await bindSockets(0, "localhost");
    const ports = new Set(servers.map((s) => (s.address() as { port: number }).port));
    assert.equal(ports.size, 1);
    const tcp = new HandOver();
    tcp.addSockets(servers);
    const accepted = tcp.next();
    const client = await rawClient([...ports][0]!);
    await accepted;
    client.destroy();
    tcp.closeAllStreams();
    await tcp.stop();
  });

  it("binds a Unix socket with private permissions, replacing a stale one only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "unix-"));
    const path = join(dir, "s.sock");
    try {
      const first = await bindUnixSocket(path);
      assert.equal(execFileSync("stat", ["-c", "%a", path]).toString().trim(), "600");
      first.close();
      // A socket file left behind is replaced.
      const second = await bindUnixSocket(path);
      second.close();
      await assert.rejects(bindUnixSocket(join(dir)), /not a socket/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
