// Values from a client reach log lines cut to 200 bytes (with their full length shown) and with
// control characters escaped, so one request can neither fill the log nor forge a line in it.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { clipForLog } from "tornado-ts/log";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler, StaticFileHandler } from "tornado-ts/web";
import { rawFetch } from "../support/raw-http.ts";

class CookieHandler extends RequestHandler {
  override get() {
    this.write({ user: this.getSecureCookie("user") });
  }
}

class JsonHandler extends RequestHandler {
  override post() {
    this.write({ got: this.getJsonBody() });
  }
}

class FailingHandler extends RequestHandler {
  override get() {
    throw new Error("handler failed");
  }
}

/** The longest message logged since `from`. */
function longest(logs: LogCapture, from: number): string {
  return logs.records
    .slice(from)
    .map((record) => record.message)
    .reduce((a, b) => (b.length > a.length ? b : a), "");
}

describe("client values in log lines", () => {
  let dir: string;
  let server: TestServer;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    dir = mkdtempSync(join(tmpdir(), "log-bounds-"));
    const app = new Application(
      [
        ["/cookie", CookieHandler],
        ["/json", JsonHandler],
        ["/fail.*", FailingHandler],
        ["/static/(.*)", StaticFileHandler, { path: dir }],
      ],
      { cookieSecret: "log bounds secret" },
    );
    server = await TestServer.start(app);
  });

  after(async () => {
    await server.close();
    logs.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs a 60 KB bad signed cookie in a bounded line (the reported request)", async () => {
    const cookie = `${"A".repeat(60_000)}|1300000000|${"0".repeat(40)}`;
    const from = logs.records.length;
    const response = await rawFetch(server.port, "/cookie", {
      headers: [["Cookie", `user=${cookie}`]],
    });
    assert.equal(response.code, 200);
    const line = logs.records
      .slice(from)
      .find((record) => record.message.startsWith("Invalid cookie signature"));
    assert.ok(line, "the bad signature is logged");
    assert.equal(line.levelName, "WARNING");
    assert.ok(line.message.length < 300, `the line is ${line.message.length} characters`);
    assert.match(line.message, /\.\.\. \(60055 bytes\)$/);
  });

  it("cuts a 10 KB URI in the access log line", async () => {
    const path = `/nowhere/${"x".repeat(10_000)}`;
    const from = logs.records.length;
    const response = await rawFetch(server.port, path);
    assert.equal(response.code, 404);
    const line = logs.of("tornado.access").find((record) => record.message.startsWith("404 GET"));
    assert.ok(line);
    assert.ok(longest(logs, from).length < 400, `longest line: ${longest(logs, from).length}`);
    assert.match(line.message, /^404 GET \/nowhere\/x+\.\.\. \(10009 bytes\) \(127\.0\.0\.1\)/);
  });

  it("escapes a decoded newline and ESC in a static path, so no line can be forged", async () => {
    const from = logs.records.length;
    const response = await rawFetch(server.port, "/static/..%2f%0a%1b[31mWARNING%20forged%20line");
    assert.equal(response.code, 403);
    const line = logs.records
      .slice(from)
      .find((record) => record.message.includes("is not in root static directory"));
    assert.ok(line);
    assert.ok(!/[\n\x1b]/.test(line.message), JSON.stringify(line.message));
    assert.ok(line.message.includes("\\x0a\\x1b[31mWARNING forged line"), line.message);
  });

  it("cuts the URI and Host in an uncaught exception's request description", async () => {
    const path = `/fail${"y".repeat(5000)}`;
    const from = logs.records.length;
    const response = await rawFetch(server.port, path);
    assert.equal(response.code, 500);
    const line = logs.records
      .slice(from)
      .find((record) => record.message.startsWith("Uncaught exception GET"));
    assert.ok(line);
    assert.ok(line.message.length < 800, `the line is ${line.message.length} characters`);
    assert.match(line.message, /uri='\/fail(y+)\.\.\. \(5005 bytes\)'/);
  });

  it("cuts the Content-Type of a refused JSON body", async () => {
    const from = logs.records.length;
    const response = await rawFetch(server.port, "/json", {
      method: "POST",
      headers: [["Content-Type", `text/${"z".repeat(3000)}`]],
      body: "{}",
    });
    assert.equal(response.code, 415);
    assert.ok(longest(logs, from).length < 400, `longest line: ${longest(logs, from).length}`);
  });

  it("cuts a long, invalid Host in the malformed-request line", async () => {
    const from = logs.records.length;
    const response = await rawFetch(server.port, "/cookie", {
      headers: [["Host", `a b${"c".repeat(4000)}`]],
    });
    assert.equal(response.code, 400);
    const line = logs.records
      .slice(from)
      .find((record) => record.message.startsWith("Malformed HTTP message"));
    assert.ok(line);
    assert.ok(line.message.length < 300, `the line is ${line.message.length} characters`);
  });
});

describe("clipForLog", () => {
  it("keeps short values as they are", () => {
    assert.equal(clipForLog("/path?x=1"), "/path?x=1");
  });

  it("escapes control characters", () => {
    assert.equal(clipForLog("a\r\nb\x1b[0m\x7f\t"), "a\\x0d\\x0ab\\x1b[0m\\x7f\\x09");
  });

  it("cuts at 200 bytes of UTF-8 without splitting a character, and shows the full length", () => {
    const clipped = clipForLog("é".repeat(150));
    assert.equal(clipped, `${"é".repeat(100)}... (300 bytes)`);
    const odd = clipForLog(`x${"é".repeat(150)}`);
    assert.equal(odd, `x${"é".repeat(99)}... (301 bytes)`);
  });

  it("takes another limit", () => {
    assert.equal(clipForLog("abcdef", 3), "abc... (6 bytes)");
  });
});
