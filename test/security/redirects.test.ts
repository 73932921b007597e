// Every place that builds a Location from request data, sent every spelling a browser reads as
// another host (or as a script) over a raw socket: no Location that leaves the site comes back.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import {
  Application,
  addslash,
  RedirectHandler,
  RequestHandler,
  removeslash,
  StaticFileHandler,
} from "tornado-ts/web";
import { type RawResponse, rawFetch } from "../support/raw-http.ts";

class AddSlash extends RequestHandler {
  @addslash
  override get() {
    this.write("page");
  }
}

class RemoveSlash extends RequestHandler {
  @removeslash
  override get() {
    this.write("page");
  }
}

class RedirectTo extends RequestHandler {
  override get() {
    // A header can carry a tab, which arguments turn into a space.
    this.redirect(this.request.headers.get("X-To") ?? "/");
  }
}

// Paths a browser reads as "//evil.example" (another host) once it has parsed a Location, raw or
// percent-encoded in the request.
const HOSTILE_DIRECTORY_PATHS = [
  "/\\evil.example/..",
  "/\\evil.example/%2e%2e",
  "//evil.example/..",
  "/\\/evil.example/..",
  "/%2f%2fevil.example/..",
  "/%5cevil.example/..",
  "/%5c%5cevil.example/..",
  "/%2f%5cevil.example/..",
  "/%09/evil.example/..",
];

describe("Locations built from the request never name another host", () => {
  let root: string;
  let server: TestServer;
  let logs: LogCapture;
  let base: URL;

  before(async () => {
    logs = captureLogs();
    root = mkdtempSync(join(tmpdir(), "redirects-"));
    mkdirSync(join(root, "docs"));
    writeFileSync(join(root, "index.html"), "root index");
    writeFileSync(join(root, "docs", "index.html"), "docs index");
    const app = new Application([
      ["/add(.*)", AddSlash],
      ["/remove(.*)", RemoveSlash],
      ["/go/(.*)", RedirectHandler, { url: "/{0}" }],
      ["/open/(.*)", RedirectHandler, { url: "{0}" }],
      ["/to", RedirectTo],
      ["/(.*)", StaticFileHandler, { path: root, defaultFilename: "index.html" }],
    ]);
    server = await TestServer.start(app);
    base = new URL(`http://127.0.0.1:${server.port}/`);
  });

  after(async () => {
    await server.close();
    logs.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** Fails when the response's Location, read as a browser reads it, leaves the server's origin. */
  function assertStaysOnSite(response: RawResponse, sent: string): void {
    const location = response.header("location");
    if (location === undefined) return;
    const target = new URL(location, base);
    assert.ok(
      target.origin === base.origin,
      `${sent} was redirected to ${JSON.stringify(location)}, which a browser reads as ${target.href}`,
    );
  }

  it("StaticFileHandler refuses the directory redirect for a backslash path (the reported request)", async () => {
    const response = await rawFetch(server.port, "/\\evil.example/..");
    assert.equal(response.code, 403);
    assert.equal(response.header("location"), undefined);
    const encoded = await rawFetch(server.port, "/\\evil.example/%2e%2e");
    assert.equal(encoded.code, 403);
    assert.equal(encoded.header("location"), undefined);
  });

  it("StaticFileHandler still redirects a directory URL on this host", async () => {
    const response = await rawFetch(server.port, "/docs");
    assert.equal(response.code, 301);
    assert.equal(response.header("location"), "/docs/");
  });

  for (const path of HOSTILE_DIRECTORY_PATHS) {
    it(`StaticFileHandler: ${JSON.stringify(path)} gets no Location off the site`, async () => {
      const response = await rawFetch(server.port, path);
      assert.ok(response.code < 500, `${path}: ${response.code}`);
      assertStaysOnSite(response, path);
    });
  }

  for (const path of ["/add/\\evil.example", "/add\\\\evil.example", "/add/%5cevil.example"]) {
    it(`@addslash: ${JSON.stringify(path)} gets no Location off the site`, async () => {
      const response = await rawFetch(server.port, path);
      assert.ok(response.code < 500, `${path}: ${response.code}`);
      assertStaysOnSite(response, path);
    });
  }

  it("@addslash and @removeslash refuse a path that would become //host", async () => {
    // The route groups start after "/add" and "/remove"; the whole request path is redirected.
    const add = await rawFetch(server.port, "//evil.example");
    assert.equal(add.header("location"), undefined);
    for (const path of ["/remove/\\evil.example/", "/remove\\/evil.example/"]) {
      const response = await rawFetch(server.port, path);
      assertStaysOnSite(response, path);
    }
  });

  for (const [group, description] of [
    ["%2fevil.example", "an encoded slash"],
    ["%5cevil.example", "an encoded backslash"],
    ["%09/evil.example", "an encoded tab"],
    ["%2f%09evil.example", "a slash and a tab"],
  ]) {
    it(`RedirectHandler "/{0}" refuses a group with ${description}`, async () => {
      const response = await rawFetch(server.port, `/go/${group}`);
      assert.equal(response.code, 403);
      assert.equal(response.header("location"), undefined);
    });
  }

  it("RedirectHandler still fills in ordinary groups", async () => {
    const response = await rawFetch(server.port, "/go/docs?x=1");
    assert.equal(response.code, 301);
    assert.equal(response.header("location"), "/docs?x=1");
  });

  it('RedirectHandler "{0}" refuses a script scheme from the path', async () => {
    const response = await rawFetch(server.port, "/open/javascript:alert(1)");
    assert.equal(response.code, 403);
    assert.equal(response.header("location"), undefined);
  });

  for (const to of [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example",
    "\t//evil.example",
  ]) {
    it(`redirect() refuses ${JSON.stringify(to)} with a 500 and no Location`, async () => {
      const response = await rawFetch(server.port, "/to", { headers: [["X-To", to]] });
      assert.equal(response.code, 500);
      assert.equal(response.header("location"), undefined);
      assert.ok(
        logs.has(/Uncaught exception GET \/to[\s\S]*/, "tornado.application"),
        "the refusal is logged as an uncaught exception",
      );
    });
  }

  for (const to of [
    "/login",
    "/login?next=%2F",
    "../up",
    "?page=2",
    "https://example.com/x",
    "/%2f%2fevil.example",
  ]) {
    it(`redirect() still sends ${JSON.stringify(to)}`, async () => {
      const response = await rawFetch(server.port, "/to", { headers: [["X-To", to]] });
      assert.equal(response.code, 302);
      assert.equal(response.header("location"), to);
    });
  }
});
