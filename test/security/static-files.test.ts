// StaticFileHandler does not serve dotfiles unless told to, and answers what lies outside its root
// (through a symbolic link) exactly as it answers a missing file.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, StaticFileHandler } from "tornado-ts/web";
import { type RawResponse, rawFetch } from "../support/raw-http.ts";

const SECRET = "DATABASE_PASSWORD=hunter2\n";

/** Status, headers (without Date) and body: what a client can compare between two answers. */
function observable(response: RawResponse): string {
  const headers = response.headers.filter(([name]) => name.toLowerCase() !== "date");
  return JSON.stringify([response.code, headers, response.body.toString("latin1")]);
}

describe("StaticFileHandler dotfiles and links out of the root", () => {
  let dir: string;
  let server: TestServer;
  let logs: LogCapture;

  before(async () => {
    // 404s are logged at WARNING by the access log.
    logs = captureLogs();
    dir = mkdtempSync(join(tmpdir(), "static-security-"));
    const root = join(dir, "public");
    const outside = join(dir, "outside");
    mkdirSync(join(root, ".git"), { recursive: true });
    mkdirSync(join(root, "sub", ".hidden"), { recursive: true });
    mkdirSync(join(root, ".well-known"));
    mkdirSync(outside);
    writeFileSync(join(root, ".env"), SECRET);
    writeFileSync(join(root, ".git", "config"), SECRET);
    writeFileSync(join(root, "sub", ".hidden", "x.txt"), SECRET);
    writeFileSync(join(root, ".well-known", "security.txt"), "Contact: a@example.com\n");
    writeFileSync(join(root, "page.txt"), "public\n");
    writeFileSync(join(root, "index.html"), "index\n");
    writeFileSync(join(outside, "secret.txt"), SECRET);
    mkdirSync(join(outside, "folder"));
    symlinkSync(outside, join(root, "linked"));
    const app = new Application([
      ["/open/(.*)", StaticFileHandler, { path: root, allowDotfiles: true }],
      ["/(.*)", StaticFileHandler, { path: root, defaultFilename: "index.html" }],
    ]);
    server = await TestServer.start(app);
  });

  after(async () => {
    await server.close();
    logs.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers /.env with 404, as a missing file (the reported request)", async () => {
    const env = await rawFetch(server.port, "/.env");
    const missing = await rawFetch(server.port, "/.nothing-here");
    assert.equal(env.code, 404);
    assert.ok(!env.body.toString().includes("hunter2"));
    assert.equal(observable(env), observable(missing));
  });

  for (const path of [
    "/.git/config",
    "/sub/.hidden/x.txt",
    "/%2eenv",
    "/sub/%2Ehidden/x.txt",
    "/sub/../.env",
    "/.well-known/security.txt",
  ]) {
    it(`refuses the dotfile path ${path} with 404`, async () => {
      const response = await rawFetch(server.port, path);
      assert.equal(response.code, 404, path);
      assert.ok(!response.body.toString().includes("hunter2"), path);
    });
  }

  it("serves dotfiles with allowDotfiles", async () => {
    const env = await rawFetch(server.port, "/open/.env");
    assert.equal(env.code, 200);
    assert.equal(env.body.toString(), SECRET);
    const wellKnown = await rawFetch(server.port, "/open/.well-known/security.txt");
    assert.equal(wellKnown.code, 200);
  });

  it("still serves ordinary files and names with dots inside", async () => {
    const response = await rawFetch(server.port, "/page.txt");
    assert.equal(response.code, 200);
    assert.equal(response.body.toString(), "public\n");
  });

  it("answers a file outside the root through a link exactly as a missing one", async () => {
    const existing = await rawFetch(server.port, "/linked/secret.txt");
    const missing = await rawFetch(server.port, "/linked/no-such-file.txt");
    assert.equal(existing.code, 404);
    assert.equal(observable(existing), observable(missing));
  });

  it("answers a folder outside the root through a link exactly as a missing one", async () => {
    // A redirect to "/linked/folder/" would tell that the folder exists.
    const existing = await rawFetch(server.port, "/linked/folder");
    const missing = await rawFetch(server.port, "/linked/no-such-folder");
    assert.equal(existing.code, 404);
    assert.equal(observable(existing), observable(missing));
  });
});
