import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Level } from "tornado-ts/log";
import { captureLogs, TestServer } from "tornado-ts/testing";
import { Application, HTTPError, RequestHandler } from "tornado-ts/web";

class StatusHandler extends RequestHandler {
  override get() {
    const code = Number(this.getQueryArgument("code", "200"));
    if (code >= 400) throw new HTTPError(code);
    this.setStatus(code);
  }
}

describe("the access log", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application([["/s", StatusHandler]]));
  });
  after(() => server.close());

  async function logLine(path: string, options = {}) {
    const logs = captureLogs();
    try {
      await server.fetch(path, options);
      const access = logs.of("tornado.access");
      assert.equal(access.length, 1);
      return access[0]!;
    } finally {
      logs.stop();
    }
  }

  it("writes one line per request in Tornado's format", async () => {
    const record = await logLine("/s?code=200&x=%20");
    assert.match(record.message, /^200 GET \/s\?code=200&x=%20 \(127\.0\.0\.1\) \d+\.\d{2}ms$/);
  });

  it("logs below 400 at INFO, 4xx at WARNING and 5xx at ERROR", async () => {
    assert.equal((await logLine("/s?code=302")).level, Level.INFO);
    assert.equal((await logLine("/s?code=404")).level, Level.WARNING);
    assert.equal((await logLine("/s?code=499")).level, Level.WARNING);
    assert.equal((await logLine("/s?code=500")).level, Level.ERROR);
    assert.equal((await logLine("/s?code=503")).level, Level.ERROR);
  });

  it("names the method", async () => {
    const record = await logLine("/nowhere", { method: "DELETE" });
    assert.match(record.message, /^404 DELETE \/nowhere \(127\.0\.0\.1\) /);
  });

  it("shows the forwarded address with xheaders", async () => {
    const proxied = await TestServer.start(new Application([["/s", StatusHandler]]), {
      xheaders: true,
    });
    const logs = captureLogs();
    try {
      await proxied.fetch("/s", { headers: { "X-Real-Ip": "4.4.4.4" } });
      assert.match(logs.of("tornado.access")[0]!.message, /^200 GET \/s \(4\.4\.4\.4\) /);
    } finally {
      logs.stop();
      await proxied.close();
    }
  });
});

describe("the logFunction setting", () => {
  it("replaces the access log line, called with each finished handler", async () => {
    const seen: string[] = [];
    const server = await TestServer.start(
      new Application([["/s", StatusHandler]], {
        logFunction: (handler) => {
          seen.push(`${handler.getStatus()} ${handler.request.method} ${handler.request.uri}`);
        },
      }),
    );
    const logs = captureLogs();
    try {
      await server.fetch("/s");
      await server.fetch("/s?code=404");
      await server.fetch("/missing");
      assert.deepEqual(seen, ["200 GET /s", "404 GET /s?code=404", "404 GET /missing"]);
      assert.deepEqual(logs.of("tornado.access"), []);
    } finally {
      logs.stop();
      await server.close();
    }
  });
});
