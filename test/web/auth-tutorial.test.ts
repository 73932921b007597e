// The tutorial's login flow (应用安全 / 用户验证), from examples/security.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type TestResponse, TestServer } from "tornado-ts/testing";
import { makeSecurityApp } from "../../examples/security/handlers.ts";

const form = { "Content-Type": "application/x-www-form-urlencoded" };

function xsrf(page: TestResponse): { cookie: string; token: string } {
  const cookie = page.headers.getList("Set-Cookie").find((l) => l.startsWith("_xsrf="))!;
  const token = /name="_xsrf" value="([^"]+)"/.exec(page.text)![1]!;
  return { cookie: cookie.split(";")[0]!, token: encodeURIComponent(token) };
}

describe("the tutorial's login with next", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(makeSecurityApp());
  });
  after(() => server.close());

  it("sends an anonymous visitor of /home to /login?next=%2Fhome", async () => {
    const response = await server.fetch("/home");
    assert.equal(response.code, 302);
    assert.equal(response.headers.get("Location"), "/login?next=%2Fhome");
  });

  it("shows the login form posting back with next", async () => {
    const page = await server.fetch("/login?next=%2Fhome");
    assert.match(page.text, /<form action="\/login\?next=%2Fhome" method="post">/);
    assert.match(page.text, /<input type="hidden" name="_xsrf" value="2\|/);
  });

  it("logs in with 1/1 and goes on to /home?flag=logined, which then opens", async () => {
    const page = await server.fetch("/login?next=%2Fhome");
    const { cookie, token } = xsrf(page);
    const response = await server.fetch("/login?next=%2Fhome", {
      body: `_xsrf=${token}&username=1&passwd=1`,
      headers: { ...form, Cookie: cookie },
    });
    assert.equal(response.code, 302);
    assert.equal(response.headers.get("Location"), "/home?flag=logined");
    const home = await server.fetch("/home?flag=logined");
    assert.equal(home.code, 200);
    assert.match(home.text, /<h1 id="welcome">欢迎回家 \(logined\)<\/h1>/);
  });

  it("sends a failed login back to the form, keeping next", async () => {
    const page = await server.fetch("/login?next=%2Fhome");
    const { cookie, token } = xsrf(page);
    const response = await server.fetch("/login?next=%2Fhome", {
      body: `_xsrf=${token}&username=1&passwd=wrong`,
      headers: { ...form, Cookie: cookie },
    });
    assert.equal(response.headers.get("Location"), "/login?next=%2Fhome");
  });

  it("does not follow a next that leaves the site", async () => {
    const page = await server.fetch("/login?next=https%3A%2F%2Fevil.example%2F");
    assert.match(page.text, /action="\/login\?next=%2F"/);
    const { cookie, token } = xsrf(page);
    const response = await server.fetch("/login?next=%2F%2Fevil.example", {
      body: `_xsrf=${token}&username=1&passwd=1`,
      headers: { ...form, Cookie: cookie },
    });
    assert.equal(response.headers.get("Location"), "/?flag=logined");
  });

  it("refuses a login POST without the XSRF token", async () => {
    const logs = captureLogs();
    try {
      const response = await server.fetch("/login", { body: "username=1&passwd=1", headers: form });
      assert.equal(response.code, 403);
    } finally {
      logs.stop();
    }
  });
});
