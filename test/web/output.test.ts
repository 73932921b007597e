import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, expectLog, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { loggedError } from "../support/logs.ts";
import { rawFetch } from "../support/raw-http.ts";

class TextHandler extends RequestHandler {
  override get() {
    this.write("good");
    this.write("nice");
    this.write(Buffer.from("handsome"));
    this.write(new Uint8Array([0x6d, 0x61, 0x6e]));
  }
}

class JsonHandler extends RequestHandler {
  override get() {
    this.write({ a: 1, b: "</script>", c: [1, 2], d: "é", e: null, f: true, g: { h: 1.5 } });
  }
}

class ListHandler extends RequestHandler {
  override get() {
    this.write([1, 2] as unknown as Record<string, unknown>);
  }
}

class NumberHandler extends RequestHandler {
  override get() {
    this.write(5 as unknown as string);
  }
}

class AfterFinishHandler extends RequestHandler {
  override get() {
    this.write("goodnicehandsomeman");
    this.finish();
    this.write("right");
  }
}

class FinishTwiceHandler extends RequestHandler {
  override get() {
    this.finish("once");
    this.finish();
  }
}

class FinishAwaitHandler extends RequestHandler {
  override async get() {
    await this.finish("awaited");
    assert.ok(this.finished);
  }
}

class FlushHandler extends RequestHandler {
  override async get() {
    this.write("part1");
    await this.flush();
    assert.ok(this.headersWritten);
    this.write("part2");
  }
}

class FlushHeadHandler extends RequestHandler {
  override async head() {
    this.write("part1");
    await this.flush();
    this.write("part2");
  }
}

describe("output: write, finish, flush", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([
        ["/text", TextHandler],
        ["/json", JsonHandler],
        ["/list", ListHandler],
        ["/number", NumberHandler],
        ["/after-finish", AfterFinishHandler],
        ["/finish-twice", FinishTwiceHandler],
        ["/finish-await", FinishAwaitHandler],
        ["/flush", FlushHandler],
        ["/flush-head", FlushHeadHandler],
      ]),
    );
  });
  after(() => server.close());

  it("buffers strings and bytes and sends them in one body with Content-Length", async () => {
    const response = await server.fetch("/text");
    assert.equal(response.text, "goodnicehandsomeman");
    assert.equal(response.headers.get("Content-Type"), "text/html; charset=UTF-8");
    assert.equal(response.headers.get("Content-Length"), "19");
    assert.equal(response.headers.get("Transfer-Encoding"), undefined);
  });

  it("sends an object as JSON with Tornado's layout, escaping and content type", async () => {
    const response = await server.fetch("/json");
    assert.equal(response.headers.get("Content-Type"), "application/json; charset=UTF-8");
    assert.equal(
      response.text,
      '{"a": 1, "b": "<\\/script>", "c": [1, 2], "d": "\\u00e9", "e": null, "f": true, "g": {"h": 1.5}}',
    );
  });

  it("refuses an array with a 500, naming the security reason in the log", async () => {
    const logs = captureLogs();
    try {
      const response = await server.fetch("/list");
      assert.equal(response.code, 500);
      assert.match(
        loggedError(logs, "Uncaught exception GET /list").message,
        /^write\(\) only accepts bytes, unicode, and dict objects\. Lists not accepted for security reasons/,
      );
    } finally {
      logs.stop();
    }
  });

  it("refuses other types with a 500", async () => {
    const response = await expectLog(["Uncaught exception GET /number", "500 GET"], () =>
      server.fetch("/number"),
    );
    assert.equal(response.code, 500);
  });

  it("keeps the response when write() follows finish(), and logs the error", async () => {
    const logs = captureLogs();
    try {
      const response = await server.fetch("/after-finish");
      assert.equal(response.code, 200);
      assert.equal(response.text, "goodnicehandsomeman");
      assert.equal(
        loggedError(logs, "Uncaught exception GET /after-finish").message,
        "Cannot write() after finish()",
      );
    } finally {
      logs.stop();
    }
  });

  it("logs finish() called twice", async () => {
    const logs = captureLogs();
    try {
      assert.equal((await server.fetch("/finish-twice")).text, "once");
      assert.equal(
        loggedError(logs, "Uncaught exception GET /finish-twice").message,
        "finish() called twice",
      );
    } finally {
      logs.stop();
    }
  });

  it("resolves finish() once the response is sent", async () => {
    assert.equal((await server.fetch("/finish-await")).text, "awaited");
  });

  it("streams a flushed body chunked over HTTP/1.1", async () => {
    const response = await rawFetch(server.port, "/flush");
    assert.equal(response.header("Transfer-Encoding"), "chunked");
    assert.equal(response.header("Content-Length"), undefined);
    assert.equal(response.header("Etag"), undefined);
    assert.equal(response.rawBody.toString(), "5\r\npart1\r\n5\r\npart2\r\n0\r\n\r\n");
  });

  it("sends a flushed body raw over HTTP/1.0 and closes the connection", async () => {
    const response = await rawFetch(server.port, "/flush", { version: "HTTP/1.0" });
    assert.equal(response.header("Transfer-Encoding"), undefined);
    assert.equal(response.rawBody.toString(), "part1part2");
  });

  it("sends no body for a flushed HEAD", async () => {
    const response = await rawFetch(server.port, "/flush-head", { method: "HEAD" });
    assert.equal(response.code, 200);
    assert.equal(response.rawBody.length, 0);
  });
});
