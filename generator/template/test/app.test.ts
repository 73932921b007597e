// The application over a real socket: the home page, a static file, signing in, an upload.
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { expectLog, TestServer } from "tornado-ts/testing";
import { makeApp } from "../application.ts";
import { allowedHostsFor, UPLOAD_DIR } from "../config.ts";

describe("the application", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(makeApp({ cookieSecret: "a secret for tests" }));
  });
  after(async () => {
    await server.close();
    await rm(join(UPLOAD_DIR, "hello.txt"), { force: true });
  });

  it("renders the home page from the template", async () => {
    const response = await server.fetch("/?name=<you>");
    assert.equal(response.code, 200);
    assert.match(response.text, /<h1>Hello, &lt;you&gt;<\/h1>/);
  });

  it("serves the stylesheet linked with static_url", async () => {
    const page = await server.fetch("/");
    const href = /href="(\/static\/css\/site\.css\?v=[0-9a-f]+)"/.exec(page.text)?.[1];
    assert.ok(href);
    const css = await server.fetch(href);
    assert.equal(css.code, 200);
    assert.match(css.headers.get("Content-Type") ?? "", /^text\/css/);
  });

  it("signs in with a cookie scripts cannot read and other sites do not send", async () => {
    const page = await server.fetch("/login");
    const cookie = page.headers.getList("Set-Cookie").find((c) => c.startsWith("_xsrf="));
    const token = cookie?.split(";")[0]?.slice("_xsrf=".length) ?? "";
    const login = await server.fetch("/login?next=%2F%3Fname%3Dme", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `_xsrf=${token}` },
      body: new URLSearchParams({ _xsrf: token, name: "Ada" }).toString(),
      followRedirects: false,
    });
    assert.equal(login.code, 302);
    assert.equal(login.headers.get("Location"), "/?name=me");
    const user = login.headers.getList("Set-Cookie").find((c) => c.startsWith("user="));
    assert.ok(user);
    assert.match(user, /; HttpOnly/i);
    assert.match(user, /; SameSite=Lax/i);
    const home = await server.fetch("/", { headers: { Cookie: user.split(";")[0] ?? "" } });
    assert.match(home.text, /Signed in as <strong id="user">Ada<\/strong>/);
  });

  it("saves an upload in upfile/ under its plain name", async () => {
    // The form's page sets the _xsrf cookie; the POST sends it back in the X-XSRFToken header.
    const page = await server.fetch("/");
    const cookie = page.headers.getList("Set-Cookie").find((c) => c.startsWith("_xsrf="));
    const token = cookie?.split(";")[0]?.slice("_xsrf=".length) ?? "";
    const boundary = "b0undary";
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="../hello.txt"',
      "Content-Type: text/plain",
      "",
      "hello",
      `--${boundary}--`,
      "",
    ].join("\r\n");
    const response = await server.fetch("/upfile", {
      method: "POST",
      headers: {
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
        Cookie: `_xsrf=${token}`,
        "X-XSRFToken": token,
      },
      body,
    });
    assert.equal(response.text, "ok");
    assert.equal(await readFile(join(UPLOAD_DIR, "hello.txt"), "utf8"), "hello");
  });
});

describe("the Host names it answers", () => {
  it("answers this machine's names on 127.0.0.1 and refuses others with a 400", async () => {
    const app = makeApp({
      cookieSecret: "a secret for tests",
      allowedHosts: allowedHostsFor("127.0.0.1"),
    });
    const server = await TestServer.start(app);
    try {
      assert.equal((await server.fetch("/")).code, 200);
      const other = await expectLog([/Invalid Host header evil\.example/, /400 GET \//], () =>
        server.rawRequest("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"),
      );
      assert.match(other.toString(), /^HTTP\/1\.1 400 /);
    } finally {
      await server.close();
    }
  });
});
