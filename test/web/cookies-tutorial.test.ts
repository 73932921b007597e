// The tutorial's cookie handlers (应用安全 / cookie), from examples/security.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type TestResponse, TestServer } from "tornado-ts/testing";
import { decodeSignedValue } from "tornado-ts/web";
import { makeSecurityApp, securitySettings } from "../../examples/security/handlers.ts";

function setCookies(response: TestResponse): string[] {
  return response.headers.getList("Set-Cookie");
}

/** The `name=value` pair a browser sends back for a Set-Cookie line. */
function pair(line: string): string {
  return line.split(";")[0]!;
}

describe("the tutorial's cookie handlers", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(makeSecurityApp());
  });
  after(() => server.close());

  it("sets a plain cookie with set_cookie", async () => {
    const response = await server.fetch("/pcookie");
    assert.equal(response.text, "ok");
    assert.deepEqual(setCookies(response), ["sunck=good; Path=/"]);
  });

  it("sets the same cookie with the Set-Cookie header by hand", async () => {
    const response = await server.fetch("/pcookie-header");
    assert.equal(response.text, "ok");
    assert.deepEqual(setCookies(response), ["sunck=good1; Path=/"]);
  });

  it("reads a cookie, or the default when there is none", async () => {
    assert.equal((await server.fetch("/getpcookie")).text, "ok: 未登录");
    const cookie = pair(setCookies(await server.fetch("/pcookie"))[0]!);
    assert.equal(
      (await server.fetch("/getpcookie", { headers: { Cookie: cookie } })).text,
      "ok: good",
    );
  });

  it("clears one cookie with an expiry a year ago", async () => {
    const response = await server.fetch("/clearpcookie", { headers: { Cookie: "sunck=good" } });
    const [line] = setCookies(response);
    assert.match(line!, /^sunck=""; expires=[^;]+ GMT; Path=\/$/);
    const expires = Date.parse(/expires=([^;]+)/.exec(line!)![1]!);
    assert.ok(Math.abs(expires - (Date.now() - 365 * 86400_000)) < 5000);
  });

  it("clears every cookie the request brought", async () => {
    const response = await server.fetch("/clearallpcookie", {
      headers: { Cookie: "sunck=good; count=3; zhangmanyu=x" },
    });
    assert.deepEqual(
      setCookies(response).map((line) => line.replace(/expires=[^;]+/, "expires=X")),
      [
        'sunck=""; expires=X; Path=/',
        'count=""; expires=X; Path=/',
        'zhangmanyu=""; expires=X; Path=/',
      ],
    );
  });

  it("sets a signed cookie laid out as the tutorial dissects it, and reads it back", async () => {
    const response = await server.fetch("/scookie");
    const [line] = setCookies(response);
    const match =
      /^zhangmanyu="(2\|1:0\|10:(\d{10})\|10:zhangmanyu\|8:bmljZQ==\|[0-9a-f]{64})";/.exec(line!);
    assert.ok(match, line);
    assert.equal(
      decodeSignedValue(securitySettings.cookieSecret!, "zhangmanyu", match[1]!),
      "nice",
    );
    const back = await server.fetch("/getscookie", { headers: { Cookie: pair(line!) } });
    assert.equal(back.text, "ok: nice");
  });

  it("reads a forged signed cookie as nothing", async () => {
    const forged =
      'zhangmanyu="2|1:0|10:1795563600|10:zhangmanyu|8:YWRtaW4=|659e093c6cbd55912f1382eb1e5c59e55ecbea883146cc581a517d114ad627cd"';
    assert.equal(
      (await server.fetch("/getscookie", { headers: { Cookie: forged } })).text,
      "ok: null",
    );
    assert.equal((await server.fetch("/getscookie")).text, "ok: null");
  });

  it("counts visits in a cookie", async () => {
    let cookie = "";
    for (let visit = 1; visit <= 3; visit++) {
      const response = await server.fetch(
        "/cookienum",
        cookie ? { headers: { Cookie: cookie } } : {},
      );
      assert.match(response.text, new RegExp(`<p id="count">第${visit}次访问</p>`));
      cookie = pair(setCookies(response)[0]!);
      assert.equal(cookie, `count=${visit}`);
    }
    const logs = captureLogs();
    try {
      const junk = await server.fetch("/cookienum", { headers: { Cookie: "count=abc" } });
      assert.match(junk.text, /第1次访问/);
    } finally {
      logs.stop();
    }
  });
});
