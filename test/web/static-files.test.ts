import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, HTTPError, RequestHandler, StaticFileHandler } from "tornado-ts/web";

const CONTENT = "hello static\n";
const SHA512 = createHash("sha512").update(CONTENT).digest("hex");
const MTIME = Date.UTC(2020, 0, 2, 3, 4, 5) / 1000 + 0.75;
const SECRET = "top secret, outside the root";

/** Sends the path exactly as written (fetch() would normalise "/a/../b" before sending). */
async function rawGet(server: TestServer, path: string): Promise<{ code: number; text: string }> {
  const reply = await server.rawRequest(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
  );
  const text = reply.toString("latin1");
  return { code: Number(text.slice(9, 12)), text };
}

describe("StaticFileHandler", () => {
  let dir: string;
  let root: string;
  let server: TestServer;
  let logs: LogCapture;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "static-"));
    root = join(dir, "root");
    mkdirSync(join(root, "sub", "deeper"), { recursive: true });
    mkdirSync(join(root, "site"));
    mkdirSync(join(dir, "root-evil"));
    writeFileSync(join(root, "foo.txt"), CONTENT);
    utimesSync(join(root, "foo.txt"), MTIME, MTIME);
    writeFileSync(join(root, "style.css"), "a{}");
    writeFileSync(join(root, "data.json"), "{}");
    writeFileSync(join(root, "pic.png"), Buffer.from([0x89, 0x50]));
    writeFileSync(join(root, "notes.txt.gz"), "gz");
    writeFileSync(join(root, "archive.bz2"), "bz");
    writeFileSync(join(root, "unknown.zzq"), "?");
    writeFileSync(join(root, "empty.txt"), "");
    writeFileSync(join(root, "site", "index.html"), "<p>index</p>");
    writeFileSync(join(root, "sub", "deeper", "x.txt"), "x");
    writeFileSync(join(dir, "secret.txt"), SECRET);
    writeFileSync(join(dir, "root-evil", "x.txt"), SECRET);
    symlinkSync(join(dir, "secret.txt"), join(root, "link-out.txt"));
    symlinkSync(dir, join(root, "linkdir"));
    symlinkSync(join(root, "foo.txt"), join(root, "link-in.txt"));
    symlinkSync(join(root, "sub"), join(root, "link-sub"));
    symlinkSync(join(root, "missing.txt"), join(root, "link-broken.txt"));
    mkdirSync(join(root, "index-out"));
    symlinkSync(join(dir, "secret.txt"), join(root, "index-out", "index.html"));
    const app = new Application([
      ["/content/(.*)", StaticFileHandler, { path: root, defaultFilename: "index.html" }],
      ["/nodefault/(.*)", StaticFileHandler, { path: root }],
      ["/+(.*)", StaticFileHandler, { path: root, defaultFilename: "index.html" }],
    ]);
    server = await TestServer.start(app);
    logs = captureLogs();
  });
  after(async () => {
    logs.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves a file with Tornado's headers in Tornado's order", async () => {
    const response = await server.fetch("/content/foo.txt");
    assert.equal(response.code, 200);
    assert.equal(response.text, CONTENT);
    assert.deepEqual(
      response.rawHeaders.slice(0, 7).map(([name]) => name),
      [
        "Server",
        "Content-Type",
        "Date",
        "Accept-Ranges",
        "Etag",
        "Last-Modified",
        "Content-Length",
      ],
    );
    assert.equal(response.headers.get("Content-Type"), "text/plain");
    assert.equal(response.headers.get("Accept-Ranges"), "bytes");
    assert.equal(response.headers.get("Etag"), `"${SHA512}"`);
    assert.equal(response.headers.get("Etag")!.length, 130);
    assert.equal(response.headers.get("Last-Modified"), "Thu, 02 Jan 2020 03:04:05 GMT");
    assert.equal(response.headers.get("Content-Length"), "13");
    assert.equal(response.headers.get("Cache-Control"), undefined);
    assert.equal(response.headers.get("Expires"), undefined);
  });

  it("sends ten years of caching when the URL has a v argument", async () => {
    for (const query of ["?v=abc", "?v="]) {
      const response = await server.fetch(`/content/foo.txt${query}`);
      assert.equal(response.headers.get("Cache-Control"), "max-age=315360000");
      const expires = Date.parse(response.headers.get("Expires")!);
      assert.ok(Math.abs(expires - (Date.now() + 315360000 * 1000)) < 5000);
    }
  });

  it("chooses the content type from the file name, without a charset", async () => {
    const cases: [string, string][] = [
      ["style.css", "text/css"],
      ["data.json", "application/json"],
      ["pic.png", "image/png"],
      ["site/index.html", "text/html"],
      ["notes.txt.gz", "application/gzip"],
      ["archive.bz2", "application/octet-stream"],
      ["unknown.zzq", "application/octet-stream"],
    ];
    for (const [file, type] of cases) {
      const response = await server.fetch(`/content/${file}`);
      assert.equal(response.headers.get("Content-Type"), type, file);
    }
  });

  it("answers 304 to a matching If-None-Match, keeping the validators", async () => {
    const response = await server.fetch("/content/foo.txt?v=1", {
      headers: { "If-None-Match": `"${SHA512}"` },
    });
    assert.equal(response.code, 304);
    assert.equal(response.body.length, 0);
    assert.equal(response.headers.get("Etag"), `"${SHA512}"`);
    assert.equal(response.headers.get("Accept-Ranges"), "bytes");
    assert.equal(response.headers.get("Last-Modified"), "Thu, 02 Jan 2020 03:04:05 GMT");
    assert.equal(response.headers.get("Cache-Control"), "max-age=315360000");
    assert.equal(response.headers.get("Content-Type"), undefined);
    assert.equal(response.headers.get("Content-Length"), undefined);
  });

  it("lets If-None-Match decide over If-Modified-Since", async () => {
    const response = await server.fetch("/content/foo.txt", {
      headers: { "If-None-Match": '"other"', "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT" },
    });
    assert.equal(response.code, 200);
  });

  it("answers 304 when If-Modified-Since is at or after the modification time", async () => {
    const cases: [string, number][] = [
      ["Thu, 02 Jan 2020 03:04:05 GMT", 304],
      ["Fri, 03 Jan 2020 00:00:00 GMT", 304],
      ["Thu, 02 Jan 2020 03:04:04 GMT", 200],
      ["not a date", 200],
    ];
    for (const [ims, code] of cases) {
      const response = await server.fetch("/content/foo.txt", {
        headers: { "If-Modified-Since": ims },
      });
      assert.equal(response.code, code, ims);
    }
  });

  it("serves ranges exactly as Tornado does", async () => {
    const cases: [string, number, string | undefined, string][] = [
      ["bytes=0-4", 206, "bytes 0-4/13", "hello"],
      ["bytes=2-", 206, "bytes 2-12/13", "llo static\n"],
      ["bytes=-3", 206, "bytes 10-12/13", "ic\n"],
      ["bytes=0-11", 206, "bytes 0-11/13", "hello static"],
      ["bytes=0-12", 200, undefined, CONTENT],
      ["bytes=0-100", 200, undefined, CONTENT],
      ["bytes=-100", 200, undefined, CONTENT],
      ["bytes=0-", 200, undefined, CONTENT],
      ["bytes=1-2,4-5", 200, undefined, CONTENT],
      ["items=0-1", 200, undefined, CONTENT],
      ["bytes=x-y", 200, undefined, CONTENT],
    ];
    for (const [range, code, contentRange, body] of cases) {
      const response = await server.fetch("/content/foo.txt", { headers: { Range: range } });
      assert.equal(response.code, code, range);
      assert.equal(response.headers.get("Content-Range"), contentRange, range);
      assert.equal(response.text, body, range);
      assert.equal(response.headers.get("Content-Length"), String(Buffer.byteLength(body)), range);
      assert.equal(response.headers.get("Etag"), `"${SHA512}"`, range);
    }
  });

  it("answers 416 to unsatisfiable ranges", async () => {
    for (const range of ["bytes=13-", "bytes=5-2", "bytes=-0", "bytes=100-200"]) {
      const response = await server.fetch("/content/foo.txt", { headers: { Range: range } });
      assert.equal(response.code, 416, range);
      assert.equal(response.reason, "Requested Range Not Satisfiable");
      assert.equal(response.headers.get("Content-Type"), "text/plain");
      assert.equal(response.headers.get("Content-Range"), "bytes */13");
      assert.equal(response.headers.get("Content-Length"), "0");
      assert.equal(response.body.length, 0);
    }
  });

  it("answers HEAD with the same headers and no body", async () => {
    const get = await server.fetch("/content/foo.txt");
    const head = await server.fetch("/content/foo.txt", { method: "HEAD" });
    assert.equal(head.code, 200);
    assert.equal(head.body.length, 0);
    for (const name of [
      "Content-Type",
      "Etag",
      "Last-Modified",
      "Content-Length",
      "Accept-Ranges",
    ]) {
      assert.equal(head.headers.get(name), get.headers.get(name), name);
    }
  });

  it("serves an empty file", async () => {
    const response = await server.fetch("/content/empty.txt");
    assert.equal(response.code, 200);
    assert.equal(response.headers.get("Content-Length"), "0");
    assert.equal(response.body.length, 0);
  });

  it("answers 404 for missing files", async () => {
    const response = await server.fetch("/content/missing.txt");
    assert.equal(response.code, 404);
    assert.equal(
      response.text,
      "<html><title>404: Not Found</title><body>404: Not Found</body></html>",
    );
  });

  it("answers 403 for a directory without a default file", async () => {
    const response = await server.fetch("/nodefault/sub");
    assert.equal(response.code, 403);
    assert.ok(logs.has("sub is not a file"));
  });

  it("serves the default file of a directory, redirecting to the trailing slash first", async () => {
    const redirect = await server.fetch("/content/site?x=1");
    assert.equal(redirect.code, 301);
    assert.equal(redirect.headers.get("Location"), "/content/site/");
    assert.equal(redirect.headers.get("Content-Length"), "0");
    const page = await server.fetch("/content/site/");
    assert.equal(page.code, 200);
    assert.equal(page.text, "<p>index</p>");
    assert.equal(page.headers.get("Content-Type"), "text/html");
  });

  it("refuses to redirect a path with two initial slashes", async () => {
    const response = await rawGet(server, "//site");
    assert.equal(response.code, 403);
    assert.ok(logs.has("cannot redirect path with two initial slashes"));
  });

  it("follows a symbolic link that stays inside the root", async () => {
    const response = await server.fetch("/content/link-in.txt");
    assert.equal(response.code, 200);
    assert.equal(response.text, CONTENT);
  });

  it("serves files below subdirectories and through a directory link inside the root", async () => {
    for (const path of ["/content/sub/deeper/x.txt", "/content/link-sub/deeper/x.txt"]) {
      const response = await server.fetch(path);
      assert.equal(response.code, 200, path);
      assert.equal(response.text, "x", path);
    }
  });

  it("answers 404 for a broken link and for a path below a file", async () => {
    for (const path of ["/content/link-broken.txt", "/content/foo.txt/x", "/content/nope/x.txt"]) {
      const response = await server.fetch(path);
      assert.equal(response.code, 404, path);
    }
  });

  it("refuses a default file that links outside the root, as a missing file", async () => {
    const response = await server.fetch("/content/index-out/");
    assert.equal(response.code, 404);
    assert.ok(!response.text.includes(SECRET));
  });

  const traversals = [
    "/content/../secret.txt",
    "/content/..%2fsecret.txt",
    "/content/..%2Fsecret.txt",
    "/content/%2e%2e/secret.txt",
    "/content/%2e%2e%2fsecret.txt",
    "/content/%2E%2E%2Fsecret.txt",
    "/content/.%2e/secret.txt",
    "/content/%2e./secret.txt",
    "/content/.%2e%2fsecret.txt",
    "/content/sub/../../secret.txt",
    "/content/sub/..%2f..%2fsecret.txt",
    "/content/sub%2f..%2f..%2fsecret.txt",
    "/content/sub/%2e%2e/%2e%2e/secret.txt",
    "/content/sub/deeper/../../../secret.txt",
    "/content/./../secret.txt",
    "/content/sub/./../../secret.txt",
    "/content/%2fetc%2fpasswd",
    "/content//etc/passwd",
    "/content/%2f..%2fsecret.txt",
    "/content/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/content/..%2f..%2f..%2f..%2fetc/passwd",
    "/content/..",
    "/content/%2e%2e",
    "/content/../",
    "/content/../root-evil/x.txt",
    "/content/%2e%2e%2froot-evil%2fx.txt",
    "/content/link-out.txt",
    "/content/linkdir/secret.txt",
    "/content/linkdir/root-evil/x.txt",
    "/content/..%5csecret.txt",
    "/content/%2e%2e%5c%2e%2e%5csecret.txt",
    "/content/%252e%252e%252fsecret.txt",
    "/content/..%00/secret.txt",
    "/content/%2e%2e%00%2fsecret.txt",
    "/content/....//secret.txt",
    "/content/..;/secret.txt",
    "/content/%c0%ae%c0%ae/secret.txt",
    "/content/%c0%ae%c0%ae%c0%afsecret.txt",
    "/content/..%u2215secret.txt",
    "/%2e%2e/secret.txt",
    "//etc/passwd",
    "/..%2fsecret.txt",
  ];

  it(`refuses ${traversals.length} path traversal attempts`, async () => {
    assert.ok(traversals.length >= 30);
    for (const path of traversals) {
      const response = await rawGet(server, path);
      assert.ok([400, 403, 404].includes(response.code), `${path} gave ${response.code}`);
      assert.ok(!response.text.includes(SECRET), `${path} leaked the file`);
      assert.ok(!response.text.includes("root:"), `${path} leaked /etc/passwd`);
    }
  });

  it("answers 403 (not 404) for paths that leave the root by their spelling", async () => {
    for (const path of [
      "/content/../secret.txt",
      "/content/%2e%2e%2fsecret.txt",
      "/content//etc/passwd",
    ]) {
      const response = await rawGet(server, path);
      assert.equal(response.code, 403, path);
    }
    assert.ok(logs.has("is not in root static directory"));
  });

  it("answers 404, as for a missing file, for links that leave the root", async () => {
    for (const path of ["/content/link-out.txt", "/content/linkdir/secret.txt"]) {
      const response = await rawGet(server, path);
      assert.equal(response.code, 404, path);
    }
  });
});

describe("StaticFileHandler with large files", () => {
  let dir: string;
  let server: TestServer;
  const size = 5 * 64 * 1024 + 123;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "static-large-"));
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i++) data[i] = i % 251;
    writeFileSync(join(dir, "big.bin"), data);
    server = await TestServer.start(new Application([["/(.*)", StaticFileHandler, { path: dir }]]));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("streams a file of several 64 KiB chunks intact, with its Content-Length", async () => {
    const response = await server.fetch("/big.bin");
    assert.equal(response.code, 200);
    assert.equal(response.headers.get("Content-Length"), String(size));
    assert.equal(response.headers.get("Transfer-Encoding"), undefined);
    assert.equal(response.body.length, size);
    assert.ok(response.body.every((byte, i) => byte === i % 251));
  });

  it("reads ranges across chunk boundaries", async () => {
    const start = 64 * 1024 - 10;
    const response = await server.fetch("/big.bin", {
      headers: { Range: `bytes=${start}-${start + 70000}` },
    });
    assert.equal(response.code, 206);
    assert.equal(response.body.length, 70001);
    assert.ok(response.body.every((byte, i) => byte === (start + i) % 251));
  });

  it("reads the file in 64 KiB chunks, one flush each", async () => {
    const chunks: number[] = [];
    for await (const chunk of StaticFileHandler.getContent(join(dir, "big.bin")))
      chunks.push(chunk.length);
    assert.deepEqual(chunks, [65536, 65536, 65536, 65536, 65536, 123]);
    let flushes = 0;
    class Counting extends StaticFileHandler {
      override flush(): Promise<void> {
        flushes++;
        return super.flush();
      }
    }
    const counting = await TestServer.start(new Application([["/(.*)", Counting, { path: dir }]]));
    try {
      const response = await counting.fetch("/big.bin");
      assert.equal(response.body.length, size);
      assert.equal(flushes, 6);
    } finally {
      await counting.close();
    }
  });

  it("serves files just under and over 64 KiB intact: up to 64 KiB with the headers, unflushed", async () => {
    let flushes = 0;
    class Counting extends StaticFileHandler {
      override flush(): Promise<void> {
        flushes++;
        return super.flush();
      }
    }
    const counting = await TestServer.start(new Application([["/(.*)", Counting, { path: dir }]]));
    try {
      for (const [length, chunks] of [
        [65535, 0],
        [65536, 0],
        [65537, 2],
      ] as const) {
        const data = Buffer.alloc(length, length % 256);
        writeFileSync(join(dir, `edge${length}.bin`), data);
        flushes = 0;
        const response = await counting.fetch(`/edge${length}.bin`);
        assert.equal(response.headers.get("Content-Length"), String(length));
        assert.ok(response.body.equals(data), String(length));
        assert.equal(flushes, chunks, String(length));
        const range = await counting.fetch(`/edge${length}.bin`, {
          headers: { Range: "bytes=-10" },
        });
        assert.equal(range.code, 206);
        assert.ok(range.body.equals(data.subarray(length - 10)));
      }
    } finally {
      await counting.close();
    }
  });

  it("serves a changed file's new bytes on the next request, small or large", async () => {
    for (const length of [100, 200 * 1024]) {
      const file = join(dir, `changing${length}.bin`);
      writeFileSync(file, Buffer.alloc(length, "a"));
      assert.ok(
        (await server.fetch(`/changing${length}.bin`)).body.equals(Buffer.alloc(length, "a")),
      );
      // Same size, same modification time: only the bytes differ.
      const { mtime } = statSync(file);
      writeFileSync(file, Buffer.alloc(length, "b"));
      utimesSync(file, mtime, mtime);
      assert.ok(
        (await server.fetch(`/changing${length}.bin`)).body.equals(Buffer.alloc(length, "b")),
      );
      writeFileSync(file, "shorter");
      const response = await server.fetch(`/changing${length}.bin`);
      assert.equal(response.text, "shorter");
      assert.equal(response.headers.get("Content-Length"), "7");
    }
  });

  it("reads small files through an overridden getContent", async () => {
    writeFileSync(join(dir, "small.txt"), "small");
    class Upper extends StaticFileHandler {
      static override async *getContent(path: string, start: number | null, end: number | null) {
        for await (const chunk of StaticFileHandler.getContent(path, start, end))
          yield Buffer.from(chunk.toString().toUpperCase());
      }
    }
    const upper = await TestServer.start(new Application([["/(.*)", Upper, { path: dir }]]));
    try {
      assert.equal((await upper.fetch("/small.txt")).text, "SMALL");
    } finally {
      await upper.close();
    }
  });
  it("waits for an async validateAbsolutePath and an async cachedVersion", async () => {
    writeFileSync(join(dir, "later.txt"), "later");
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    class Slow extends StaticFileHandler {
      override async validateAbsolutePath(root: string, absolutePath: string) {
        await pause();
        if (absolutePath.endsWith("hidden.txt")) throw new HTTPError(404);
        return super.validateAbsolutePath(root, absolutePath);
      }
      static override async cachedVersion(absolutePath: string) {
        await pause();
        return `v-${absolutePath.length}`;
      }
    }
    writeFileSync(join(dir, "hidden.txt"), "hidden");
    const slow = await TestServer.start(new Application([["/(.*)", Slow, { path: dir }]]));
    const logs = captureLogs();
    try {
      const response = await slow.fetch("/later.txt");
      assert.equal(response.code, 200);
      assert.equal(response.text, "later");
      const etag = response.headers.get("Etag");
      assert.equal(etag, `"v-${join(dir, "later.txt").length}"`);
      const again = await slow.fetch("/later.txt", { headers: { "If-None-Match": etag! } });
      assert.equal(again.code, 304);
      assert.equal((await slow.fetch("/hidden.txt")).code, 404);
      assert.ok(logs.has("404 GET /hidden.txt"));
    } finally {
      logs.stop();
      await slow.close();
    }
  });
});

describe("static_url and the staticPath setting", () => {
  let dir: string;
  let server: TestServer;
  let logs: LogCapture;

  class UrlHandler extends RequestHandler {
    override get() {
      this.write(
        [
          this.staticUrl("foo.txt"),
          this.staticUrl("foo.txt", { includeVersion: false }),
          this.staticUrl("foo.txt", true),
          this.staticUrl("missing.txt"),
        ].join("\n"),
      );
    }
  }
  class Mine extends RequestHandler {
    override get() {
      this.write("mine");
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "static-url-"));
    writeFileSync(join(dir, "foo.txt"), CONTENT);
    writeFileSync(join(dir, "robots.txt"), "User-agent: *");
    writeFileSync(join(dir, "favicon.ico"), "icon");
    server = await TestServer.start(
      new Application(
        [
          ["/urls", UrlHandler],
          ["/robots.txt", Mine],
          ["/static/foo.txt", Mine],
        ],
        { staticPath: dir },
      ),
    );
    logs = captureLogs();
  });
  after(async () => {
    logs.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("builds versioned URLs with the full SHA-512, as Tornado's static_url", async () => {
    const lines = (await server.fetch("/urls")).text.split("\n");
    assert.equal(lines[0], `/static/foo.txt?v=${SHA512}`);
    assert.equal(lines[1], "/static/foo.txt");
    assert.equal(lines[2], `http://127.0.0.1:${server.port}/static/foo.txt?v=${SHA512}`);
    assert.equal(lines[3], "/static/missing.txt");
    assert.ok(logs.has(`Could not open static file '${join(dir, "missing.txt")}'`));
  });

  it("adds the host when a handler class sets includeHost, as Tornado's include_host", async () => {
    class WithHost extends UrlHandler {
      override includeHost = true;
    }
    const app = new Application(
      [
        ["/host", WithHost],
        ["/urls", UrlHandler],
      ],
      { staticPath: dir },
    );
    const other = await TestServer.start(app);
    try {
      const withHost = (await other.fetch("/host")).text.split("\n");
      assert.equal(withHost[0], `http://127.0.0.1:${other.port}/static/foo.txt?v=${SHA512}`);
      assert.equal(withHost[2], `http://127.0.0.1:${other.port}/static/foo.txt?v=${SHA512}`);
      const plain = (await other.fetch("/urls")).text.split("\n");
      assert.equal(plain[0], `/static/foo.txt?v=${SHA512}`);
    } finally {
      await other.close();
    }
  });

  it("serves /static/, /robots.txt and /favicon.ico before the application's routes", async () => {
    assert.equal((await server.fetch("/static/foo.txt")).text, CONTENT);
    assert.equal((await server.fetch("/robots.txt")).text, "User-agent: *");
    assert.equal((await server.fetch("/favicon.ico")).text, "icon");
  });

  it("uses staticUrlPrefix for both the routes and the URLs", async () => {
    const app = new Application([["/urls", UrlHandler]], {
      staticPath: dir,
      staticUrlPrefix: "/assets/",
    });
    const other = await TestServer.start(app);
    try {
      assert.equal((await other.fetch("/urls")).text.split("\n")[0], `/assets/foo.txt?v=${SHA512}`);
      assert.equal((await other.fetch("/assets/foo.txt")).text, CONTENT);
      assert.equal((await other.fetch("/static/foo.txt")).code, 404);
    } finally {
      await other.close();
    }
  });

  it("caches hashes unless staticHashCache is off", async () => {
    const file = join(dir, "changing.txt");
    writeFileSync(file, "one");
    class Changing extends RequestHandler {
      override get() {
        this.write(this.staticUrl("changing.txt"));
      }
    }
    const cached = await TestServer.start(new Application([["/", Changing]], { staticPath: dir }));
    const fresh = await TestServer.start(
      new Application([["/", Changing]], { staticPath: dir, debug: true }),
    );
    try {
      const first = (await cached.fetch("/")).text;
      writeFileSync(file, "two");
      assert.equal((await cached.fetch("/")).text, first);
      const hashTwo = createHash("sha512").update("two").digest("hex");
      assert.equal((await fresh.fetch("/")).text, `/static/changing.txt?v=${hashTwo}`);
    } finally {
      await cached.close();
      await fresh.close();
      StaticFileHandler.reset();
    }
  });

  it("says which setting is missing without staticPath", async () => {
    class NoStatic extends RequestHandler {
      override get() {
        try {
          this.staticUrl("x.css");
        } catch (error) {
          this.write((error as Error).message);
        }
      }
    }
    const other = await TestServer.start(new Application([["/", NoStatic]]));
    try {
      assert.equal(
        (await other.fetch("/")).text,
        "You must define the 'staticPath' setting in your application to use staticUrl",
      );
    } finally {
      await other.close();
    }
  });
});
