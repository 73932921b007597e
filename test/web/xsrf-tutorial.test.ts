// The tutorial's XSRF handlers (应用安全 / XSRF), from examples/security: the forged request the
// chapter starts with, the protected form, and the pages that post by script.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type TestResponse, TestServer } from "tornado-ts/testing";
import { decodeXsrfToken } from "tornado-ts/web";
import { makeSecurityApp } from "../../examples/security/handlers.ts";

function xsrfCookie(response: TestResponse): string {
  const line = response.headers.getList("Set-Cookie").find((l) => l.startsWith("_xsrf="));
  assert.ok(line, "no _xsrf cookie");
  return line.split(";")[0]!;
}

const form = { "Content-Type": "application/x-www-form-urlencoded" };

describe("the tutorial's XSRF handlers", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(makeSecurityApp());
  });
  after(() => server.close());

  it("refuses the forged cross-site POST that changed the counter", async () => {
    const logs = captureLogs();
    try {
      const forged = await server.fetch("/postfile", {
        body: "username=a&passwd=b",
        headers: { ...form, Cookie: "count=8" },
      });
      assert.equal(forged.code, 403);
      assert.deepEqual(forged.headers.getList("Set-Cookie"), []);
      assert.ok(logs.has("'_xsrf' argument missing from POST"));
    } finally {
      logs.stop();
    }
  });

  it("refuses a token copied from another browser's page", async () => {
    const theirPage = await server.fetch("/postfile");
    const token = /name="_xsrf" value="([^"]+)"/.exec(theirPage.text)![1]!;
    const logs = captureLogs();
    try {
      const replayed = await server.fetch("/postfile", {
        body: `_xsrf=${encodeURIComponent(token)}&username=a`,
        headers: { ...form, Cookie: "count=8" },
      });
      assert.equal(replayed.code, 403);
    } finally {
      logs.stop();
    }
  });

  it("accepts the page's own form, which counts and redirects to /cookienum", async () => {
    const page = await server.fetch("/postfile");
    const token = /<input type="hidden" name="_xsrf" value="([^"]+)"\/>/.exec(page.text)![1]!;
    assert.match(token, /^2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d{10}$/);
    const response = await server.fetch("/postfile", {
      body: `_xsrf=${encodeURIComponent(token)}&username=sunck&passwd=1`,
      headers: { ...form, Cookie: `${xsrfCookie(page)}; count=8` },
    });
    assert.equal(response.code, 302);
    assert.equal(response.headers.get("Location"), "/cookienum");
    assert.deepEqual(response.headers.getList("Set-Cookie"), ["count=9; Path=/"]);
  });

  it("sets the _xsrf cookie from self.xsrf_token without a template", async () => {
    const response = await server.fetch("/setxsrfcookie");
    assert.equal(response.text, "ok");
    assert.ok(decodeXsrfToken(xsrfCookie(response).slice("_xsrf=".length)));
  });

  it("sets the cookie on the first page from the handler's constructor", async () => {
    const response = await server.fetch("/xsrf.html");
    assert.match(response.text, /<input id="hi" type="hidden" name="_xsrf" value="">/);
    assert.ok(xsrfCookie(response));
    const again = await server.fetch("/xsrf.html", { headers: { Cookie: xsrfCookie(response) } });
    assert.deepEqual(again.headers.getList("Set-Cookie"), []);
  });

  it("accepts what the three client-side variants send: the cookie value as _xsrf or header", async () => {
    const cookie = xsrfCookie(await server.fetch("/setxsrfcookie"));
    const value = cookie.slice("_xsrf=".length);
    const hidden = await server.fetch("/postfile", {
      body: `_xsrf=${encodeURIComponent(value)}&username=&passwd=`,
      headers: { ...form, Cookie: `${cookie}; count=1` },
    });
    const ajaxBody = await server.fetch("/postfile", {
      body: `_xsrf=${encodeURIComponent(value)}&username=hh&passwd=123456`,
      headers: { ...form, Cookie: `${cookie}; count=2` },
    });
    const ajaxHeader = await server.fetch("/postfile", {
      body: JSON.stringify({ username: "sunck", passwd: "123456" }),
      headers: {
        "Content-Type": "application/json",
        "X-XSRFToken": value,
        Cookie: `${cookie}; count=3`,
      },
    });
    for (const [response, count] of [
      [hidden, 2],
      [ajaxBody, 3],
      [ajaxHeader, 4],
    ] as const) {
      assert.equal(response.code, 302);
      assert.deepEqual(response.headers.getList("Set-Cookie"), [`count=${count}; Path=/`]);
    }
  });
});
