import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Loader, TemplatePathError } from "tornado-ts/template";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, HTTPError, RequestHandler, safeFilename, safeJoin } from "tornado-ts/web";
import { makeUploadApp } from "../../examples/upload/app.ts";
import { representativeApp } from "./support/app.ts";
import { multipart, rawExchange } from "./support/http.ts";

class InjectingHandler extends RequestHandler {
  override get(kind: string) {
    const value = this.getQueryArgument("v");
    if (kind === "header") this.setHeader("X-Echo", value);
    else if (kind === "add-header") this.addHeader("X-Echo", value);
    else if (kind === "redirect") this.redirect(`/next?${value}`);
    else if (kind === "cookie") this.setCookie("c", value);
    else if (kind === "cookie-name") this.setCookie(value, "v");
    else if (kind === "reason") this.setStatus(200, value);
    this.write("done");
  }
}

const PROTO_NAMES = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
];

function prototypeIsClean(): void {
  const probe = {} as Record<string, unknown>;
  assert.equal(probe["polluted"], undefined);
  assert.equal(Object.prototype.toString.call(probe), "[object Object]");
  assert.equal(typeof probe.hasOwnProperty, "function");
}

describe("bad input: pollution, header injection, path traversal", () => {
  let server: TestServer;
  let inject: TestServer;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    server = await TestServer.start(representativeApp());
    inject = await TestServer.start(new Application([["/inject/(.*)", InjectingHandler]]));
  });
  after(async () => {
    await server.close();
    await inject.close();
    logs.stop();
  });

  it("takes __proto__, constructor and friends as plain query and form argument names", async () => {
    const qs = PROTO_NAMES.map((n, i) => `${n}=q${i}`).join("&");
    const res = await server.fetch(`/args?${qs}&__proto__[polluted]=1&a[__proto__][polluted]=1`, {
      body: PROTO_NAMES.map((n, i) => `${n}=b${i}`).join("&"),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.code, 200);
    const { args } = res.json<{ args: Record<string, string[]> }>();
    PROTO_NAMES.forEach((name, i) => {
      assert.deepEqual(args[name], [`q${i}`, `b${i}`], name);
    });
    assert.deepEqual(args["__proto__[polluted]"], ["1"]);
    prototypeIsClean();
  });

  it("takes them as multipart field and file names", async () => {
    const { body, contentType } = multipart([
      { name: "__proto__", data: "field" },
      { name: "constructor", filename: "x.txt", data: "file" },
      { name: "title", data: "t" },
    ]);
    const res = await server.fetch("/upload", { body, headers: { "Content-Type": contentType } });
    assert.equal(res.code, 200);
    assert.deepEqual(res.json(), { files: ["x.txt"], title: "t" });
    const streamed = await server.fetch("/stream-upload", {
      body,
      headers: { "Content-Type": contentType },
    });
    assert.equal(streamed.code, 200);
    assert.equal(streamed.json<{ files: { field: string }[] }>().files[0]!.field, "constructor");
    prototypeIsClean();
  });

  it("takes them as cookie names", async () => {
    const res = await server.fetch("/cookie", {
      headers: { Cookie: "__proto__=a; constructor=b; toString=c; session=s" },
    });
    assert.equal(res.code, 200);
    assert.deepEqual(res.json(), {
      names: ["__proto__", "constructor", "toString", "session"],
      session: "s",
    });
    prototypeIsClean();
  });

  it("parses JSON bodies without letting __proto__ through", async () => {
    const res = await server.fetch("/json", {
      body: '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "a": {"__proto__": {"polluted": 1}}}',
      headers: { "Content-Type": "application/json" },
    });
    assert.equal(res.code, 200);
    assert.deepEqual(res.json(), { keys: ["constructor", "a"], polluted: false });
    prototypeIsClean();
  });

  it("refuses header values with CR or LF on output (a 500, no injected header)", async () => {
    for (const kind of ["header", "add-header", "redirect", "cookie", "cookie-name"]) {
      const { data } = await rawExchange(
        inject.port,
        `GET /inject/${kind}?v=a%0D%0AX-Injected:%20yes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      const text = data.toString("latin1");
      assert.match(text, /^HTTP\/1\.1 500 /, kind);
      assert.doesNotMatch(text, /X-Injected/i, kind);
    }
    // (NUL and the other controls are already replaced by spaces when arguments are decoded.)
    for (const v of ["a%0Ab", "a%0Db", "a%0D%0Ab"]) {
      const res = await inject.fetch(`/inject/header?v=${v}`);
      assert.equal(res.code, 500);
      assert.equal(res.headers.get("X-Echo"), undefined);
    }
  });

  it("replaces a reason phrase with CR/LF by Unknown, as Tornado", async () => {
    const { data } = await rawExchange(
      inject.port,
      "GET /inject/reason?v=OK%0D%0AX-Injected:%20yes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.match(data.toString("latin1"), /^HTTP\/1\.1 200 Unknown\r\n/);
    assert.doesNotMatch(data.toString("latin1"), /X-Injected/i);
  });

  it("refuses every path that climbs out of the static-like folder", async () => {
    assert.equal((await server.fetch("/static/hello.txt")).text, "static hello\n");
    for (const path of [
      "../../../../etc/passwd",
      "..%2F..%2F..%2Fetc%2Fpasswd",
      "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/etc/passwd",
      "%2Fetc%2Fpasswd",
      "hello.txt%00",
    ]) {
      const { data } = await rawExchange(
        server.port,
        `GET /static/${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data.toString("latin1"))?.[1]);
      assert.ok(status === 403 || status === 400 || status === 404, `${path}: ${status}`);
      assert.doesNotMatch(data.toString("latin1"), /root:/);
    }
  });

  it("StaticFileHandler refuses every spelling of a climb out of staticPath", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tornado-ts-static-root-"));
    mkdirSync(join(dir, "static"));
    writeFileSync(join(dir, "static", "ok.txt"), "fine");
    writeFileSync(join(dir, "secret.txt"), "SECRET");
    const app = new Application([], { staticPath: join(dir, "static") });
    const staticServer = await TestServer.start(app);
    try {
      assert.equal((await staticServer.fetch("/static/ok.txt")).text, "fine");
      for (const path of [
        "../secret.txt",
        "..%2Fsecret.txt",
        "%2e%2e/secret.txt",
        "%2e%2e%2fsecret.txt",
        "..%5Csecret.txt",
        "ok.txt/../../secret.txt",
        "%2F..%2Fsecret.txt",
        "/../secret.txt",
        "..%00/secret.txt",
        "%c0%ae%c0%ae/secret.txt",
      ]) {
        const { data } = await rawExchange(
          staticServer.port,
          `GET /static/${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        );
        const text = data.toString("latin1");
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
        assert.ok(status >= 400 && status < 500, `${path}: ${status}`);
        assert.doesNotMatch(text, /SECRET/, path);
      }
    } finally {
      await staticServer.close();
    }
  });

  it("the template Loader refuses names that leave its root", () => {
    const dir = mkdtempSync(join(tmpdir(), "tornado-ts-templates-"));
    mkdirSync(join(dir, "views"));
    writeFileSync(join(dir, "views", "page.html"), "page");
    writeFileSync(join(dir, "secret.html"), "SECRET");
    const loader = new Loader(join(dir, "views"));
    assert.equal(loader.load("page.html").generate({}), "page");
    for (const name of ["../secret.html", "a/../../secret.html", "../views/../secret.html"]) {
      assert.throws(() => loader.load(name), TemplatePathError, name);
    }
    // Absolute names are taken inside the root (so these are simply not found there).
    for (const name of ["/etc/passwd", join(dir, "secret.html")]) {
      assert.throws(() => loader.load(name), /ENOENT/, name);
    }
  });

  it("safeJoin refuses climbing out of the root and keeps paths inside it", () => {
    const root = "/srv/files";
    assert.equal(safeJoin(root, "a/b.txt"), "/srv/files/a/b.txt");
    assert.equal(safeJoin(root, "/a.txt"), "/srv/files/a.txt");
    assert.equal(safeJoin(root, "a/../b.txt"), "/srv/files/b.txt");
    assert.equal(safeJoin(root, ""), "/srv/files");
    for (const bad of [
      "..",
      "../x",
      "a/../../x",
      "a/../../../etc/passwd",
      "x\0.txt",
      "../files2/x",
    ]) {
      assert.throws(
        () => safeJoin(root, bad),
        (e: unknown) => e instanceof HTTPError && e.statusCode === 403,
        bad,
      );
    }
  });

  it("safeFilename makes client file names safe as one path segment", () => {
    const cases: [string, string][] = [
      ["report.pdf", "report.pdf"],
      ["../../etc/passwd", "passwd"],
      ["C:\\Users\\me\\photo.png", "photo.png"],
      ["..", "upload"],
      [".htaccess", "htaccess"],
      ["a\0b.txt", "ab.txt"],
      ["a\r\nb.txt", "ab.txt"],
      ['we<i>rd:na*me?"|.txt', "weirdname.txt"],
      ["con.txt", "_con.txt"],
      ["NUL", "_NUL"],
      ["trailing. . ", "trailing"],
      ["简历.docx", "简历.docx"],
      ["", "upload"],
      ["/", "upload"],
    ];
    for (const [input, expected] of cases) assert.equal(safeFilename(input), expected, input);
    const long = `${"é".repeat(300)}.tar.gz`;
    const cut = safeFilename(long);
    assert.ok(Buffer.byteLength(cut) <= 255);
    assert.ok(cut.endsWith(".gz"));
    assert.equal(safeFilename("e\u0301.txt"), "\u00e9.txt");
  });

  it("the upload example saves files under safe names inside its folder only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tornado-ts-upfile-"));
    const upload = await TestServer.start(makeUploadApp(join(dir, "upfile")));
    try {
      const { body, contentType } = multipart([
        { name: "file", filename: "../../escape.txt", data: "one" },
        { name: "file", filename: "1 2.txt", data: "two" },
        { name: "img", filename: "..\\..\\evil.png", contentType: "image/png", data: "PNG" },
      ]);
      const res = await upload.fetch("/upfile", { body, headers: { "Content-Type": contentType } });
      assert.equal(res.code, 200, res.text);
      assert.deepEqual(res.json(), { saved: ["escape.txt", "1 2.txt", "evil.png"] });
      assert.deepEqual(readdirSync(dir), ["upfile"]);
      assert.equal(readFileSync(join(dir, "upfile", "escape.txt"), "utf8"), "one");
      const big = Buffer.alloc(2 * 1024 * 1024, 65);
      const streamed = multipart([
        { name: "note", data: "big one" },
        { name: "file", filename: "../big.bin", data: big },
      ]);
      const res2 = await upload.fetch("/bigupfile", {
        body: streamed.body,
        headers: { "Content-Type": streamed.contentType },
      });
      assert.deepEqual(res2.json(), { saved: ["big.bin"], note: "big one" });
      assert.equal(readFileSync(join(dir, "upfile", "big.bin")).length, big.length);
      assert.deepEqual(readdirSync(dir), ["upfile"]);
    } finally {
      await upload.close();
    }
  });
});
