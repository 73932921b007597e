// MultipartUploadHandler's upload folder: by default a fresh private folder (mkdtemp, 0700), never
// the fixed name in the temp folder that another user could create or link first; a configured
// folder must be a real directory owned by the server's user.
import assert from "node:assert/strict";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, type MultipartStreamOptions, MultipartUploadHandler } from "tornado-ts/web";
import { multipart } from "../reliability/support/http.ts";

let configured: string | undefined;

class Upload extends MultipartUploadHandler {
  override multipartOptions(): MultipartStreamOptions {
    return configured === undefined ? {} : { uploadDir: configured };
  }
  override async post() {
    const files = await this.receiveUploads();
    const file = files["file"]![0]!;
    const folder = statSync(dirname(file.path));
    this.write({
      folder: dirname(file.path),
      mode: folder.mode & 0o777,
      uid: folder.uid,
      isDirectory: folder.isDirectory(),
    });
  }
}

function upload(server: TestServer) {
  const { body, contentType } = multipart([
    { name: "file", filename: "a.txt", contentType: "text/plain", data: "uploaded bytes" },
  ]);
  return server.fetch("/upload", {
    method: "POST",
    body,
    headers: { "Content-Type": contentType },
  });
}

describe("the upload folder", () => {
  let dir: string;
  let server: TestServer;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    dir = mkdtempSync(join(tmpdir(), "upload-folder-"));
    server = await TestServer.start(new Application([["/upload", Upload]]));
  });

  after(async () => {
    await server.close();
    logs.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("defaults to a fresh mkdtemp folder, mode 0700, owned by this user (not tornado-ts-uploads)", async () => {
    configured = undefined;
    const response = await upload(server);
    assert.equal(response.code, 200);
    const seen = response.json<{ folder: string; mode: number; uid: number }>();
    assert.equal(dirname(seen.folder), tmpdir());
    assert.notEqual(basename(seen.folder), "tornado-ts-uploads");
    assert.match(basename(seen.folder), /^tornado-ts-uploads-[A-Za-z0-9]{6}$/);
    assert.equal(seen.mode, 0o700);
    assert.equal(seen.uid, process.getuid!());
    // The same folder for the next upload of the process, and the finished upload is gone.
    const again = await upload(server);
    assert.equal(again.json<{ folder: string }>().folder, seen.folder);
    // Files the handler left are removed just after the response is sent: wait for that.
    for (let i = 0; i < 100 && readdirSync(seen.folder).length > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(readdirSync(seen.folder), []);
  });

  it("creates a configured folder that is missing, mode 0700", async () => {
    configured = join(dir, "new", "incoming");
    const response = await upload(server);
    assert.equal(response.code, 200);
    const seen = response.json<{ folder: string; mode: number }>();
    assert.equal(seen.folder, configured);
    assert.equal(seen.mode, 0o700);
  });

  it("refuses a configured folder that is a symbolic link, writing nothing through it", async () => {
    const target = join(dir, "elsewhere");
    mkdirSync(target);
    configured = join(dir, "link");
    symlinkSync(target, configured);
    const response = await upload(server);
    assert.equal(response.code, 500);
    assert.deepEqual(readdirSync(target), []);
    assert.ok(logs.has(/upload folder .*link is a symbolic link/));
  });

  it("refuses a configured folder that is a file", async () => {
    configured = join(dir, "a-file");
    writeFileSync(configured, "not a folder");
    const response = await upload(server);
    assert.equal(response.code, 500);
  });

  it("refuses a configured folder owned by another user", async () => {
    if (process.getuid!() === 0) {
      configured = join(dir, "theirs");
      mkdirSync(configured, { mode: 0o777 });
      chownSync(configured, 65534, 65534);
    } else {
      // Without root no folder can be given away: a root-owned one is someone else's.
      configured = "/";
    }
    const before = existsSync(configured) ? readdirSync(configured).length : 0;
    const response = await upload(server);
    assert.equal(response.code, 500);
    assert.equal(readdirSync(configured).length, before, "nothing was written there");
    assert.ok(logs.has(/is owned by user \d+, not by this server's user/));
  });
});
