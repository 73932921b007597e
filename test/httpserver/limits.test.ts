import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deflateSync, gzipSync } from "node:zlib";
import type { HTTPServerOptions } from "tornado-ts/httpserver";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { multipart, openSocket, rawExchange, send } from "../reliability/support/http.ts";

class EchoHandler extends RequestHandler {
  override post() {
    const args: Record<string, string[]> = {};
    for (const name of Object.keys(this.request.bodyArguments))
      args[name] = this.getBodyArguments(name);
    const files: Record<string, number> = {};
    for (const [name, list] of Object.entries(this.request.files)) files[name] = list.length;
    this.write({
      length: this.request.body.length,
      args,
      files,
      encoding: this.request.headers.get("Content-Encoding") ?? null,
      consumed: this.request.headers.get("X-Consumed-Content-Encoding") ?? null,
    });
  }
  override get() {
    this.write("ok");
  }
}

const app = new Application([["/echo", EchoHandler]]);

async function withServer(
  options: HTTPServerOptions,
  run: (server: TestServer) => Promise<void>,
): Promise<void> {
  const server = await TestServer.start(app, options);
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

/** Waits until the socket closes; resolves with what it received. */
function untilClosed(socket: import("node:net").Socket): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    socket.on("data", (c: Buffer) => {
      data += c.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(data));
  });
}

describe("HTTPServer limits and timeouts", () => {
  let logs: LogCapture;
  before(() => {
    logs = captureLogs(20);
  });
  after(() => logs.stop());

  it("answers 413 to a declared Content-Length over maxBodySize, before reading the body", async () => {
    await withServer({ maxBodySize: 1000 }, async (server) => {
      const socket = await openSocket(server.port);
      const closed = untilClosed(socket);
      // Only the headers are sent: the answer cannot depend on the body.
      socket.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n");
      const data = await closed;
      assert.match(data, /^HTTP\/1\.1 413 Request Entity Too Large\r\n/);
      assert.match(data, /Connection: close/);
    });
  });

  it("answers 413 to a chunked body that grows past maxBodySize", async () => {
    await withServer({ maxBodySize: 1000 }, async (server) => {
      const chunk = Buffer.alloc(600, 97);
      const res = await send(server.port, "/echo", {
        headers: { "Transfer-Encoding": "chunked" },
        chunks: [chunk, chunk],
      }).catch((error: Error) => error);
      assert.ok(!(res instanceof Error), String(res));
      assert.equal(res.status, 413);
    });
  });

  it("bounds buffered bodies by maxBufferSize too", async () => {
    await withServer({ maxBufferSize: 500, maxBodySize: 10_000 }, async (server) => {
      const res = await send(server.port, "/echo", {
        headers: { "Content-Length": "600" },
        chunks: [Buffer.alloc(600)],
      });
      assert.equal(res.status, 413);
      const ok = await server.fetch("/echo", { body: "a".repeat(500) });
      assert.equal(ok.code, 200);
    });
  });

  it("answers 431 to a header block over maxHeaderSize and closes the connection", async () => {
    await withServer({ maxHeaderSize: 2048 }, async (server) => {
      const { data, closed } = await rawExchange(
        server.port,
        `GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(3000)}\r\n\r\n`,
      );
      assert.match(data.toString(), /^HTTP\/1\.1 431 /);
      assert.ok(closed);
      const ok = await server.fetch("/echo", { headers: { "X-Small": "a".repeat(1000) } });
      assert.equal(ok.code, 200);
    });
  });

  it("closes an idle keep-alive connection after idleConnectionTimeout", async () => {
    await withServer({ idleConnectionTimeout: 0.3 }, async (server) => {
      const socket = await openSocket(server.port);
      const closed = untilClosed(socket);
      socket.write("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
      const data = await closed;
      assert.match(data, /^HTTP\/1\.1 200 OK/);
    });
  });

  it("answers 408 and closes when headers arrive slower than headerTimeout (slowloris)", async () => {
    await withServer({ headerTimeout: 0.5, requestTimeout: 1 }, async (server) => {
      const socket = await openSocket(server.port);
      const closed = untilClosed(socket);
      socket.write("GET /echo HTTP/1.1\r\nHost: x\r\n");
      const drip = setInterval(() => {
        if (!socket.destroyed) socket.write("X-Drip: 1\r\n");
      }, 100);
      const data = await closed;
      clearInterval(drip);
      assert.match(data, /^HTTP\/1\.1 408 Request Timeout/);
    });
  });

  it("closes without an answer when the body arrives slower than bodyTimeout, and logs it", async () => {
    await withServer({ bodyTimeout: 0.3 }, async (server) => {
      const socket = await openSocket(server.port);
      const closed = untilClosed(socket);
      socket.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
      const data = await closed;
      assert.equal(data, "");
      assert.ok(logs.has("Timeout reading body from 127.0.0.1", "tornado.general"));
      const ok = await server.fetch("/echo");
      assert.equal(ok.code, 200);
    });
  });

  it("never hands a body the client cut short to the handler, and keeps serving", async () => {
    let posts = 0;
    class CountingHandler extends RequestHandler {
      override post() {
        posts++;
        this.write(`${this.request.body.length}`);
      }
    }
    const server = await TestServer.start(new Application([["/count", CountingHandler]]));
    try {
      const socket = await openSocket(server.port);
      const closed = untilClosed(socket);
      socket.write(
        "POST /count HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\na=1&b=",
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      assert.equal(await closed, "");
      await new Promise((resolve) => setTimeout(resolve, 50));
      const whole = await server.fetch("/count", {
        method: "POST",
        body: "a=1",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      assert.equal(whole.code, 200);
      assert.equal(whole.body.toString(), "3");
      assert.equal(posts, 1);
      assert.equal(logs.has("Uncaught exception"), false);
    } finally {
      await server.close();
    }
  });

  it("decompresses gzip and deflate bodies with decompressRequest, as Tornado (headers swapped)", async () => {
    await withServer({ decompressRequest: true }, async (server) => {
      const form = Buffer.from("a=1&b=%C3%A9&a=2");
      for (const [encoding, body] of [
        ["gzip", gzipSync(form)],
        ["deflate", deflateSync(form)],
      ] as const) {
        const res = await server.fetch("/echo", {
          body,
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Encoding": encoding,
          },
        });
        assert.equal(res.code, 200);
        const out = res.json<{
          args: Record<string, string[]>;
          encoding: null;
          consumed: string;
        }>();
        assert.deepEqual(out.args, { a: ["1", "2"], b: ["é"] });
        assert.equal(out.encoding, null);
        assert.equal(out.consumed, encoding);
      }
    });
  });

  it("refuses a gzip bomb with 413 once the inflated size passes the limit", async () => {
    await withServer({ decompressRequest: true, maxBodySize: 1024 * 1024 }, async (server) => {
      // 64 MiB of zeros, about 64 KiB on the wire.
      const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
      assert.ok(bomb.length < 200 * 1024);
      const memoryBefore = process.memoryUsage().rss;
      const res = await send(server.port, "/echo", {
        headers: { "Content-Length": String(bomb.length), "Content-Encoding": "gzip" },
        chunks: [bomb],
      });
      assert.equal(res.status, 413);
      // The server inflated about 1 MiB, not 64: far less than the bomb's size was allocated.
      assert.ok(process.memoryUsage().rss - memoryBefore < 48 * 1024 * 1024);
    });
  });

  it("answers 400 to a body that does not decompress, and passes unknown codings through", async () => {
    await withServer({ decompressRequest: true }, async (server) => {
      const bad = await server.fetch("/echo", {
        body: "this is not gzip",
        headers: { "Content-Encoding": "gzip" },
      });
      assert.equal(bad.code, 400);
      const unknown = await server.fetch("/echo", {
        body: "raw",
        headers: { "Content-Encoding": "compress" },
      });
      assert.equal(unknown.json<{ length: number }>().length, 3);
    });
  });

  it("leaves compressed bodies alone without decompressRequest (the default)", async () => {
    await withServer({}, async (server) => {
      const gz = gzipSync(Buffer.from("hello"));
      const res = await server.fetch("/echo", {
        body: gz,
        headers: { "Content-Encoding": "gzip" },
      });
      const out = res.json<{ length: number; encoding: string }>();
      assert.equal(out.length, gz.length);
      assert.equal(out.encoding, "gzip");
    });
  });

  it("applies multipart limits to buffered bodies: parts, fields, files (400) and sizes (413)", async () => {
    await withServer(
      { multipartLimits: { parts: 4, fields: 2, files: 1, fieldSize: 10, fileSize: 20 } },
      async (server) => {
        const post = async (parts: Parameters<typeof multipart>[0]): Promise<number> => {
          const { body, contentType } = multipart(parts);
          const res = await server.fetch("/echo", {
            body,
            headers: { "Content-Type": contentType },
          });
          return res.code;
        };
        assert.equal(
          await post([
            { name: "a", data: "1" },
            { name: "f", filename: "x", data: "y" },
          ]),
          200,
        );
        assert.equal(
          await post(Array.from({ length: 5 }, (_, i) => ({ name: `a${i}`, data: "1" }))),
          400,
        );
        assert.equal(
          await post([
            { name: "a", data: "1" },
            { name: "b", data: "1" },
            { name: "c", data: "1" },
          ]),
          400,
        );
        assert.equal(
          await post([
            { name: "f", filename: "1", data: "y" },
            { name: "g", filename: "2", data: "y" },
          ]),
          400,
        );
        assert.equal(await post([{ name: "a", data: "x".repeat(11) }]), 413);
        assert.equal(await post([{ name: "f", filename: "x", data: "x".repeat(21) }]), 413);
      },
    );
  });

  it("keeps Tornado 6.5.5's default of at most 100 parts", async () => {
    await withServer({}, async (server) => {
      const { body, contentType } = multipart(
        Array.from({ length: 101 }, (_, i) => ({ name: `a${i}`, data: "1" })),
      );
      const res = await server.fetch("/echo", { body, headers: { "Content-Type": contentType } });
      assert.equal(res.code, 400);
    });
  });
});
