// Bodies read into memory: a request the XSRF check must refuse is answered before its body is
// read, and all buffered bodies of a server together stay within bufferedBodyBudget (503 with
// Retry-After past it, while the bodies already accepted are served in full).
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import type { HTTPServerOptions } from "tornado-ts/httpserver";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { openSocket } from "../reliability/support/http.ts";

class FormHandler extends RequestHandler {
  override get() {
    this.write(this.xsrfToken);
  }
  override post() {
    this.write(`read ${this.request.body.length}`);
  }
}

class ExemptHandler extends RequestHandler {
  override checkXsrfCookie(): void {}
  override post() {
    this.write(`read ${this.request.body.length}`);
  }
}

class BodyHandler extends RequestHandler {
  override post() {
    this.write(`read ${this.request.body.length}`);
  }
}

/** Collects what the server sends until it closes the connection, or `ms` pass. */
function answer(socket: Socket, ms = 5000): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(data);
    }, ms);
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

describe("XSRF refused before the body is read", () => {
  let server: TestServer;
  let logs: LogCapture;
  let cookie: string;
  let token: string;

  before(async () => {
    logs = captureLogs();
    const app = new Application(
      [
        ["/form", FormHandler],
        ["/exempt", ExemptHandler],
      ],
      { xsrfCookies: true },
    );
    server = await TestServer.start(app);
    const page = await server.fetch("/form");
    token = page.text;
    cookie = page.headers.get("Set-Cookie")!.split(";")[0]!;
  });

  after(async () => {
    await server.close();
    logs.stop();
  });

  it("answers a 95 MiB POST without an _xsrf cookie with 403 before any of the body (the reported request)", async () => {
    const socket = await openSocket(server.port);
    const received = answer(socket);
    socket.write(
      `POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${95 * 1024 * 1024}\r\n\r\n`,
    );
    const data = await received;
    assert.match(data, /^HTTP\/1\.1 403 Forbidden\r\n/);
    assert.match(data, /\r\nConnection: close\r\n/i);
    assert.ok(logs.has("403 POST /form (127.0.0.1): XSRF cookie missing or not matching"));
  });

  it("still reads a small body first, so the log message is Tornado's", async () => {
    const response = await server.fetch("/form", {
      method: "POST",
      body: `_xsrf=${encodeURIComponent(token)}`,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(response.code, 403);
    assert.ok(logs.has("403 POST /form (127.0.0.1): XSRF cookie does not match POST argument"));
  });

  it("answers a header token that does not match the cookie with 403 before the body", async () => {
    const socket = await openSocket(server.port);
    const received = answer(socket);
    socket.write(
      `POST /form HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nX-Xsrftoken: 2|00000000|00000000000000000000000000000000|1\r\nContent-Length: 50000000\r\n\r\n`,
    );
    assert.match(await received, /^HTTP\/1\.1 403 Forbidden\r\n/);
  });

  it("answers a large POST to no route with 404 before its body", async () => {
    const socket = await openSocket(server.port);
    const received = answer(socket);
    socket.write("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n");
    const data = await received;
    assert.match(data, /^HTTP\/1\.1 404 Not Found\r\n/);
    assert.match(data, /\r\nConnection: close\r\n/i);
  });

  it("reads and serves the body when the header token matches", async () => {
    const response = await server.fetch("/form", {
      method: "POST",
      body: "x".repeat(10_000),
      headers: { Cookie: cookie, "X-Xsrftoken": token },
    });
    assert.equal(response.code, 200);
    assert.equal(response.text, "read 10000");
  });

  it("reads the body when the token may be in it (cookie sent, no header)", async () => {
    const response = await server.fetch("/form", {
      method: "POST",
      body: `_xsrf=${encodeURIComponent(token)}`,
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(response.code, 200);
  });

  it("reads the body for a handler that overrides checkXsrfCookie", async () => {
    const response = await server.fetch("/exempt", { method: "POST", body: "abc" });
    assert.equal(response.code, 200);
    assert.equal(response.text, "read 3");
  });
});

describe("bufferedBodyBudget", () => {
  let logs: LogCapture;
  before(() => {
    logs = captureLogs();
  });
  after(() => logs.stop());

  async function withServer(
    options: HTTPServerOptions,
    run: (server: TestServer) => Promise<void>,
  ) {
    const server = await TestServer.start(new Application([["/body", BodyHandler]]), options);
    try {
      await run(server);
    } finally {
      await server.close();
    }
  }

  it("answers 503 with Retry-After to a body past the budget, and serves the one in flight in full", async () => {
    await withServer({ bufferedBodyBudget: 1024 * 1024 }, async (server) => {
      const size = 700 * 1024;
      const first = await openSocket(server.port);
      const firstAnswer = answer(first, 10_000);
      first.write(`POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`);
      first.write(Buffer.alloc(size / 2, 97));
      // The first body is accepted and half read; a second one would pass the budget.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = await openSocket(server.port);
      const secondAnswer = answer(second);
      second.write(`POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`);
      const refused = await secondAnswer;
      assert.match(refused, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
      assert.match(refused, /\r\nRetry-After: 5\r\n/);
      assert.match(refused, /\r\nConnection: close\r\n/);
      first.end(Buffer.alloc(size / 2, 97));
      const served = await firstAnswer;
      assert.match(served, /^HTTP\/1\.1 200 OK\r\n/);
      assert.ok(served.endsWith(`read ${size}`), served);
      // The claim was given back: the same body is now accepted.
      const again = await server.fetch("/body", { method: "POST", body: Buffer.alloc(size, 98) });
      assert.equal(again.code, 200);
      assert.equal(again.text, `read ${size}`);
      assert.ok(logs.has(/^503 POST \/body/, "tornado.access"));
      assert.ok(logs.has(/bufferedBodyBudget/, "tornado.general"));
    });
  });

  it("counts a chunked body as the whole body limit", async () => {
    await withServer(
      { bufferedBodyBudget: 1024 * 1024, maxBodySize: 600 * 1024 },
      async (server) => {
        const first = await openSocket(server.port);
        const firstAnswer = answer(first, 10_000);
        first.write(
          "POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        const second = await openSocket(server.port);
        const secondAnswer = answer(second);
        second.write("POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        assert.match(await secondAnswer, /^HTTP\/1\.1 503 /);
        first.end("0\r\n\r\n");
        assert.ok((await firstAnswer).endsWith("read 5"));
      },
    );
  });

  it("does not count bodies that were answered, so many small ones in a row all pass", async () => {
    await withServer({ bufferedBodyBudget: 64 * 1024 }, async (server) => {
      for (let i = 0; i < 20; i++) {
        const response = await server.fetch("/body", {
          method: "POST",
          body: Buffer.alloc(40_000),
        });
        assert.equal(response.code, 200, `request ${i}`);
      }
    });
  });
});
