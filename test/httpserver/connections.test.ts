import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { exchange, parseResponse } from "../support/raw-http.ts";

class EchoHandler extends RequestHandler {
  override get() {
    this.write(`get ${this.request.uri}`);
  }
  override post() {
    this.write(`post ${this.request.body.toString()}`);
  }
}

class LengthHandler extends RequestHandler {
  override get() {
    this.setHeader("Content-Length", Number(this.getQueryArgument("declared")));
    this.write("abc");
  }
}

class FlushTooLongHandler extends RequestHandler {
  override async get() {
    this.setHeader("Content-Length", 2);
    this.write("a");
    await this.flush();
    this.write("bc");
  }
}

function routes() {
  return new Application([
    ["/echo", EchoHandler],
    ["/length", LengthHandler],
    ["/flush-too-long", FlushTooLongHandler],
  ]);
}

/** Opens a connection, sends `request`, and reports what arrived and whether the server closed. */
function converse(
  port: number,
  request: string | Buffer,
  idleMs = 500,
): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    const chunks: Buffer[] = [];
    let timer = setTimeout(() => finish(false), idleMs);
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString("latin1"), closedByServer: closed });
    };
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), idleMs);
    });
    socket.on("end", () => finish(true));
    socket.on("error", reject);
  });
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe("connections", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(routes());
  });
  after(() => server.close());

  it("keeps an HTTP/1.1 connection open and answers pipelined requests in order", async () => {
    const { text, closedByServer } = await converse(
      server.port,
      "GET /echo?1 HTTP/1.1\r\nHost: x\r\n\r\nGET /echo?2 HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert.equal(closedByServer, false);
    assert.equal(count(text, "HTTP/1.1 200 OK"), 2);
    assert.ok(text.indexOf("get /echo?1") < text.indexOf("get /echo?2"));
  });

  it("closes after a request with Connection: close, and says so", async () => {
    const { text, closedByServer } = await converse(
      server.port,
      "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.equal(closedByServer, true);
    assert.match(text, /\r\nConnection: close\r\n/);
  });

  it("closes an HTTP/1.0 connection by default", async () => {
    const { closedByServer } = await converse(server.port, "GET /echo HTTP/1.0\r\n\r\n");
    assert.equal(closedByServer, true);
  });

  it("keeps an HTTP/1.0 connection open with Connection: keep-alive", async () => {
    const { text, closedByServer } = await converse(
      server.port,
      "GET /echo?1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /echo?2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    );
    assert.equal(closedByServer, false);
    assert.equal(count(text, "HTTP/1.1 200 OK"), 2);
    assert.match(text, /\r\nConnection: keep-alive\r\n/i);
  });

  it("reads a chunked request body", async () => {
    const reply = await exchange(
      server.port,
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n",
    );
    assert.equal(parseResponse(reply).body.toString(), "post abcdefg");
  });

  it("answers Expect: 100-continue with 100 before reading the body", async () => {
    const socket = connect(server.port, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
    );
    await new Promise((resolve) => socket.once("data", resolve));
    assert.equal(Buffer.concat(received).toString(), "HTTP/1.1 100 Continue\r\n\r\n");
    socket.write("hello");
    await new Promise((resolve) => socket.once("end", resolve));
    socket.destroy();
    const response = parseResponse(Buffer.concat(received));
    assert.deepEqual(response.interim, ["HTTP/1.1 100 Continue"]);
    assert.equal(response.body.toString(), "post hello");
  });

  it("refuses an announced body over maxBodySize with 413, without inviting the upload", async () => {
    const small = await TestServer.start(routes(), { maxBodySize: 10 });
    try {
      const reply = await expectLog(["Request body too large", "413 POST /echo"], () =>
        exchange(
          small.port,
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n",
        ),
      );
      const response = parseResponse(reply);
      assert.deepEqual(response.interim, []);
      assert.equal(`${response.code} ${response.reason}`, "413 Request Entity Too Large");
    } finally {
      await small.close();
    }
  });

  it("refuses a chunked body that grows over maxBodySize with 413 and closes", async () => {
    const small = await TestServer.start(routes(), { maxBodySize: 10 });
    try {
      const { text, closedByServer } = await expectLog(["Request body too large", "413 POST"], () =>
        converse(
          small.port,
          `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nc\r\n${"x".repeat(12)}\r\n0\r\n\r\n`,
        ),
      );
      assert.match(text, /^HTTP\/1\.1 413 Request Entity Too Large\r\n/);
      assert.equal(closedByServer, true);
    } finally {
      await small.close();
    }
  });

  it("closes the connection after fewer bytes than the handler's Content-Length", async () => {
    const { text, closedByServer } = await expectLog(
      [
        "Uncaught exception GET /length?declared=10",
        "Cannot send error response after headers written",
        "200 GET /length?declared=10",
      ],
      () => converse(server.port, "GET /length?declared=10 HTTP/1.1\r\nHost: x\r\n\r\n", 2000),
    );
    assert.equal(closedByServer, true);
    assert.match(text, /\r\nContent-Length: 10\r\n[\s\S]*\r\n\r\nabc$/);
  });

  it("sends nothing and closes for more bytes than the handler's Content-Length", async () => {
    const { text, closedByServer } = await expectLog(
      [
        "Uncaught exception GET /length?declared=2",
        "Cannot send error response after headers written",
        "200 GET /length?declared=2",
      ],
      () => converse(server.port, "GET /length?declared=2 HTTP/1.1\r\nHost: x\r\n\r\n", 2000),
    );
    assert.equal(closedByServer, true);
    assert.equal(text, "");
  });

  it("stops a flushed body at its Content-Length and closes", async () => {
    const { text, closedByServer } = await expectLog(
      [
        "Uncaught exception GET /flush-too-long",
        "Cannot send error response after headers written",
        "200 GET /flush-too-long",
      ],
      () => converse(server.port, "GET /flush-too-long HTTP/1.1\r\nHost: x\r\n\r\n", 2000),
    );
    assert.equal(closedByServer, true);
    assert.match(text, /\r\nContent-Length: 2\r\n[\s\S]*\r\n\r\na$/);
  });

  it("keeps a Content-Length that matches", async () => {
    const { text } = await converse(
      server.port,
      "GET /length?declared=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.match(text, /\r\nContent-Length: 3\r\n[\s\S]*\r\n\r\nabc$/);
  });
});

describe("connections with noKeepAlive", () => {
  it("closes every connection after one response", async () => {
    const server = await TestServer.start(routes(), { noKeepAlive: true });
    try {
      const { text, closedByServer } = await converse(
        server.port,
        "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n",
      );
      assert.equal(closedByServer, true);
      assert.match(text, /\r\nConnection: close\r\n/);
    } finally {
      await server.close();
    }
  });
});
