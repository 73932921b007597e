import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { exchange } from "../support/raw-http.ts";

class HostHandler extends RequestHandler {
  override get() {
    this.write(`host=${this.request.host}`);
  }
  override post() {
    this.write(`body=${this.request.body.toString()}`);
  }
}

const BAD_REQUEST = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";

describe("malformed requests", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application([["/", HostHandler]]));
  });
  after(() => server.close());

  /** Sends raw bytes; returns what came back and the tornado.general log lines. */
  async function send(request: string): Promise<{ reply: string; logged: string[] }> {
    const logs = captureLogs();
    try {
      const reply = (await exchange(server.port, request)).toString("latin1");
      return { reply, logged: logs.of("tornado.general").map((r) => r.message) };
    } finally {
      logs.stop();
    }
  }

  const cases: [string, string, RegExp][] = [
    ["a garbage request line", "GARBAGE\r\n\r\n", /Invalid method/],
    ["a request line with extra words", "GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", /HPE_/],
    [
      "an HTTP/0.9 request",
      "GET /\r\n\r\n",
      /Malformed HTTP version in HTTP Request-Line: 'HTTP\/0\.9'/,
    ],
    ["HTTP/2.0 in the request line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", /'HTTP\/2\.0'/],
    ["a header line without a colon", "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", /HPE_/],
    ["a first header line starting with whitespace", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", /HPE_/],
    [
      "a control character in a header value",
      "GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n",
      /HPE_/,
    ],
    [
      "a non-numeric Content-Length",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      /Content-Length/,
    ],
    [
      "unequal Content-Lengths",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\nabcd",
      /Content-Length/,
    ],
    [
      "a negative Content-Length",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      /Content-Length/,
    ],
    [
      "a repeated Content-Length in one line",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc",
      /Content-Length/,
    ],
    [
      "a Content-Length with a sign",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc",
      /Content-Length/,
    ],
    ["a bare LF line ending", "GET / HTTP/1.1\nHost: x\n\n", /HPE_/],
    [
      "Content-Length together with Transfer-Encoding",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      /HPE_/,
    ],
    [
      "a Transfer-Encoding other than chunked",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc",
      /HPE_|Unsupported Transfer-Encoding "gzip"/,
    ],
    [
      "an invalid chunk size",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
      /chunk size/,
    ],
    ["a target without a leading slash", "GET hello HTTP/1.1\r\nHost: x\r\n\r\n", /HPE_/],
    ["an HTTP/1.1 request without Host", "GET / HTTP/1.1\r\n\r\n", /Missing Host header/],
    ["two Host headers", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", /Multiple Host headers/],
    ["a Host with a comma", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", /Invalid Host header "a, b"/],
    ["a Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", /Invalid Host header/],
  ];

  for (const [name, request, reason] of cases) {
    it(`answers 400 and closes the connection for ${name}`, async () => {
      const { reply, logged } = await send(request);
      assert.equal(reply, BAD_REQUEST);
      assert.equal(logged.length, 1, logged.join("\n"));
      assert.match(logged[0]!, /^Malformed HTTP message from 127\.0\.0\.1: /);
      assert.match(logged[0]!, reason);
    });
  }

  it("answers 431 and closes the connection for headers over the limit", async () => {
    const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70 * 1024)}\r\n\r\n`;
    const { reply } = await send(big);
    assert.equal(
      reply,
      "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n",
    );
  });

  it("accepts an HTTP/1.0 request without Host", async () => {
    const { reply } = await send("GET / HTTP/1.0\r\n\r\n");
    assert.match(reply, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhost=127\.0\.0\.1$/);
  });

  it("accepts IP literal and port Hosts, and an empty Host", async () => {
    for (const host of ["127.0.0.1:8000", "[::1]:80", "xn--caf-dma.example", ""]) {
      const { reply } = await send(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.match(reply, /^HTTP\/1\.1 200 OK/, host);
    }
  });

  it("answers the good requests before a malformed one on the same connection", async () => {
    const { reply } = await send("GET / HTTP/1.1\r\nHost: a\r\n\r\nGARBAGE\r\n\r\n");
    assert.match(reply, /^HTTP\/1\.1 200 OK\r\n[\s\S]*host=aHTTP\/1\.1 400 Bad Request\r\n/);
  });
});
