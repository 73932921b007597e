// The cookie API's TypeScript-specific surface: option types, bytes values, errors, and what a
// handler sees. Tornado's wire format is compared in test/conformance/security-cookies.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, TestServer } from "tornado-ts/testing";
import {
  Application,
  CookieError,
  formatSetCookie,
  quoteCookieValue,
  RequestHandler,
} from "tornado-ts/web";

class CookieHandler extends RequestHandler {
  override get() {
    const seen = {
      missing: this.getCookie("missing"),
      withDefault: this.getCookie("missing", "fallback"),
      present: this.getCookie("a", null),
    };
    this.setCookie("bytes", Uint8Array.from([0x63, 0x61, 0x66, 0xe9]));
    this.setCookie("dated", "1", { expires: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)) });
    this.setCookie("days", "1", { expiresDays: 2 });
    this.setHeader("Set-Cookie", "manual=1");
    this.write({ seen, outgoing: this.outgoingCookies });
  }
}

class BadHandler extends RequestHandler {
  override get() {
    const which = this.getArgument("which");
    if (which === "maxAge") this.setCookie("a", "1", { maxAge: 1.5 });
    if (which === "domain") this.setCookie("a", "1", { domain: "x.com; Secure" });
    if (which === "path") this.setCookie("a", "1", { path: "/\r\nX-Evil: 1" });
    this.write("unreachable");
  }
}

describe("cookies on a handler", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([
        ["/cookies", CookieHandler],
        ["/bad", BadHandler],
      ]),
    );
  });
  after(() => server.close());

  it("reads request cookies with an optional default", async () => {
    const response = await server.fetch("/cookies", { headers: { Cookie: "a=1" } });
    const { seen } = response.json() as { seen: Record<string, unknown> };
    assert.deepEqual(seen, { withDefault: "fallback", present: "1" });
    const none = (await server.fetch("/cookies")).json() as { seen: Record<string, unknown> };
    assert.equal(none.seen["present"], null);
  });

  it("takes bytes, Date expiries and expiresDays, and lists outgoing cookies in wire order", async () => {
    const response = await server.fetch("/cookies");
    const lines = response.headers.getList("Set-Cookie");
    assert.deepEqual(lines.slice(0, 3), [
      "manual=1",
      'bytes="caf\\351"; Path=/',
      "dated=1; expires=Thu, 02 Jan 2020 03:04:05 GMT; Path=/",
    ]);
    const days = Date.parse(/expires=([^;]+)/.exec(lines[3]!)![1]!);
    assert.ok(Math.abs(days - (Date.now() + 2 * 86400_000)) < 5000);
    assert.deepEqual((response.json() as { outgoing: string[] }).outgoing, lines);
  });

  it("refuses attributes that would inject into the header", async () => {
    for (const which of ["maxAge", "domain", "path"]) {
      const logs = captureLogs();
      try {
        const response = await server.fetch(`/bad?which=${which}`);
        assert.equal(response.code, 500, which);
        assert.ok(
          logs.records.some((r) => r.error instanceof CookieError),
          which,
        );
      } finally {
        logs.stop();
      }
    }
  });
});

describe("formatSetCookie and quoteCookieValue", () => {
  it("quote as Python's SimpleCookie", () => {
    assert.equal(quoteCookieValue("plain-value_1.2"), "plain-value_1.2");
    assert.equal(quoteCookieValue(""), '""');
    assert.equal(quoteCookieValue('x;y"z'), '"x\\073y\\"z"');
    assert.equal(quoteCookieValue("a\u007fb"), '"a\\177b"');
  });

  it("refuse names that are not tokens and values with controls or spaces", () => {
    assert.throws(() => formatSetCookie("a b", "1"), CookieError);
    assert.throws(() => formatSetCookie("", "1"), CookieError);
    assert.throws(() => formatSetCookie("a", "1 2"), /Invalid cookie "a": "1 2"/);
    assert.throws(() => formatSetCookie("a", "x\u2603"), /above U\+00FF/);
  });
});
