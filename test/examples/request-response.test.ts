// The tutorial's chapter 请求与响应, in examples/request-response/: each test checks what the
// tutorial says its sample shows (responses, and the lines it prints on the console).
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { captureLogs, expectLog, TestServer } from "tornado-ts/testing";
import { makeApp } from "../../examples/request-response/app.ts";
import { safeFileName, setPrinter } from "../../examples/request-response/handlers.ts";
import { loggedError } from "../support/logs.ts";
import { rawFetch } from "../support/raw-http.ts";

describe("examples/request-response (请求与响应)", () => {
  let server: TestServer;
  let uploadDir: string;
  let printed: string[] = [];
  before(async () => {
    uploadDir = await mkdtemp(join(tmpdir(), "upfile-"));
    setPrinter((line) => printed.push(line));
    server = await TestServer.start(makeApp({ uploadDir }));
  });
  after(async () => {
    await server.close();
    await rm(uploadDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    printed = [];
  });

  describe("路由 (routes)", () => {
    it("passes the route's init args to initialize (SunckHandler)", async () => {
      assert.equal((await server.fetch("/sunck")).text, "sunck is a nice man");
      assert.deepEqual(printed, ["good nice"]);
    });

    it("links the home page to the route named kaige (reverse URL)", async () => {
      assert.equal((await server.fetch("/")).text, '<a href="/kaige">去另一个界面</a>');
      assert.equal((await server.fetch("/kaige")).text, "kaige is a handsome man");
      assert.deepEqual(printed, ["handsome cool"]);
    });
  });

  describe("RequestHandler: reading the request", () => {
    it("takes sunck, good, nice from the URL with positional groups", async () => {
      const response = await server.fetch("/liuyifei/sunck/good/nice/");
      assert.equal(response.text, "liuyifei is a nice women");
      assert.deepEqual(printed, ["sunck-good-nice"]);
    });

    it("takes them with named groups too", async () => {
      assert.equal(
        (await server.fetch("/liuyifei2/sunck/good/nice")).text,
        "liuyifei is a nice women",
      );
      assert.deepEqual(printed, ["sunck-good-nice"]);
    });

    it("reads query arguments with strip: a b *c*", async () => {
      const response = await server.fetch("/zhangmanyu?a=1&b=1&c=%20%201");
      assert.equal(response.text, "zhangmanyu is good women");
      assert.deepEqual(printed, ["1 1 *1*", '["1"]']);
    });

    it("returns the last of repeated query arguments, and all with getQueryArguments", async () => {
      await server.fetch("/zhangmanyu?a=1&a=2&b=x&c=y");
      assert.deepEqual(printed, ["2 x *y*", '["1","2"]']);
    });

    it("answers 400 when a query argument is missing (MissingArgumentError)", async () => {
      const response = await expectLog(["Missing argument a", "400 GET /zhangmanyu"], () =>
        server.fetch("/zhangmanyu"),
      );
      assert.equal(response.code, 400);
    });

    it("serves the postfile form and reads its body arguments, checkboxes as a list", async () => {
      const form = await server.fetch("/postfile");
      assert.match(form.text, /<form action="\/postfile" method="post">/);
      const response = await server.fetch("/postfile", {
        method: "POST",
        body: "username=dahaigu&passwd=jibuzhu555&hobby=power&hobby=money",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      assert.equal(response.text, "sunck is a handsome man");
      assert.deepEqual(printed, ['dahaigu jibuzhu555 ["power","money"]']);
    });

    it("reads an argument from either source, with a default", async () => {
      assert.equal((await server.fetch("/next")).text, "next is /");
      assert.equal((await server.fetch("/next?next=/home")).text, "next is /home");
      const posted = await server.fetch("/next", {
        method: "POST",
        body: "next=/from-body",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      assert.equal(posted.text, "next is /from-body");
    });

    it("prints the request's attributes as the zhuyin example does", async () => {
      const response = await rawFetch(server.port, "/zhuyin?a=1&b=2", {
        headers: [
          ["Host", `127.0.0.1:${server.port}`],
          ["Accept-Language", "zh-CN,zh;q=0.9"],
        ],
      });
      assert.equal(response.body.toString(), "zhuyin is a good women");
      assert.deepEqual(printed, [
        "method GET",
        `host 127.0.0.1:${server.port}`,
        "url /zhuyin?a=1&b=2",
        "path /zhuyin",
        "query a=1&b=2",
        "version HTTP/1.1",
        `headers Host: 127.0.0.1:${server.port}\r\nAccept-Language: zh-CN,zh;q=0.9\r\nConnection: close\r\n`,
        'body ""',
        "remote_ip 127.0.0.1",
        "files {}",
      ]);
    });
  });

  describe("file upload (HTTPFile)", () => {
    it("serves the upload form", async () => {
      assert.match((await server.fetch("/upfile")).text, /enctype="multipart\/form-data"/);
    });

    it("saves every file of every field in the upload folder", async () => {
      const form = new FormData();
      form.append("file", new Blob(["hhahhaa\n"], { type: "text/plain" }), "1.txt");
      form.append("file", new Blob([""], { type: "text/plain" }), "1 2.txt");
      form.append(
        "img",
        new Blob([new Uint8Array([0x89, 0x50])], { type: "image/png" }),
        "1 3.png",
      );
      const response = await fetch(server.url("/upfile"), { method: "POST", body: form });
      assert.equal(await response.text(), "ok");
      assert.deepEqual((await readdir(uploadDir)).sort(), ["1 2.txt", "1 3.png", "1.txt"]);
      assert.equal(await readFile(join(uploadDir, "1.txt"), "utf8"), "hhahhaa\n");
      assert.deepEqual([...(await readFile(join(uploadDir, "1 3.png")))], [0x89, 0x50]);
      assert.deepEqual(printed, [
        "saved file 1.txt text/plain 8",
        "saved file 1 2.txt text/plain 0",
        "saved img 1 3.png image/png 2",
      ]);
    });

    it("writes nothing outside the upload folder, whatever the file name", async () => {
      const parent = join(uploadDir, "..");
      const before = await readdir(parent);
      const body = ["../escape.txt", "..\\..\\win.txt", "/etc/abs.txt", "..", "a\x01b.txt"]
        .map(
          (name) =>
            `--B\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\nx\r\n`,
        )
        .join("");
      const response = await server.fetch("/upfile", {
        method: "POST",
        body: `${body}--B--\r\n`,
        headers: { "Content-Type": "multipart/form-data; boundary=B" },
      });
      assert.equal(response.text, "ok");
      assert.deepEqual(await readdir(parent), before);
      const saved = await readdir(uploadDir);
      for (const name of ["escape.txt", "win.txt", "abs.txt", "upload", "ab.txt"]) {
        assert.ok(saved.includes(name), `${name} in ${saved.join(", ")}`);
      }
    });

    it("makes file names safe", () => {
      assert.equal(safeFileName("../../etc/passwd"), "passwd");
      assert.equal(safeFileName("C:\\Users\\x\\evil.exe"), "evil.exe");
      assert.equal(safeFileName(".."), "upload");
      assert.equal(safeFileName(""), "upload");
      assert.equal(safeFileName("ok name.txt"), "ok name.txt");
    });
  });

  describe("响应 (responses)", () => {
    it("write() buffers, finish() sends, and writing after finish is a logged error", async () => {
      const logs = captureLogs();
      try {
        const response = await server.fetch("/write");
        assert.equal(response.text, "goodnicehandsomeman");
        assert.equal(
          loggedError(logs, "Uncaught exception GET /write").message,
          "Cannot write() after finish()",
        );
      } finally {
        logs.stop();
      }
    });

    it("sends hand-made JSON as text/html (Json1)", async () => {
      const response = await server.fetch("/json1");
      assert.equal(response.headers.get("Content-Type"), "text/html; charset=UTF-8");
      assert.deepEqual(response.json(), { name: "sunck", age: 18, height: 175, weight: 70 });
    });

    it("sends write(object) as application/json (Json2)", async () => {
      const response = await server.fetch("/json2");
      assert.equal(response.headers.get("Content-Type"), "application/json; charset=UTF-8");
      assert.equal(response.text, '{"name": "sunck", "age": 18, "height": 175, "weight": 70}');
    });

    it("changes and adds headers with setHeader", async () => {
      const response = await server.fetch("/setheader");
      assert.equal(response.headers.get("Content-Type"), "application/json;charset=utf-8");
      assert.equal(response.headers.get("sunck"), "hhgood");
    });

    it("lets the method override setDefaultHeaders", async () => {
      const get = await server.fetch("/header");
      assert.equal(get.text, "good nice");
      assert.equal(get.headers.get("kaige"), "handsome");
      assert.equal(get.headers.get("Content-Type"), "text/html;charset=utf-8");
      const post = await server.fetch("/header", { method: "POST", body: "" });
      assert.equal(post.code, 200);
      assert.equal(post.headers.get("kaige"), "nice");
    });

    it("sets the status; the Chinese reason becomes Unknown, an ASCII one is kept", async () => {
      const tutorial = await rawFetch(server.port, "/status");
      assert.equal(`${tutorial.code} ${tutorial.reason}`, "200 Unknown");
      assert.equal(tutorial.body.toString(), "88888888888888888888888888");
      const ascii = await rawFetch(server.port, "/status?reason=Who%20Am%20I");
      assert.equal(`${ascii.code} ${ascii.reason}`, "200 Who Am I");
    });

    it("redirects to the home page", async () => {
      const response = await server.fetch("/redirect");
      assert.equal(response.code, 302);
      assert.equal(response.headers.get("Location"), "/");
      const followed = await server.fetch("/redirect", { followRedirects: true });
      assert.equal(followed.text, '<a href="/kaige">去另一个界面</a>');
    });

    it("shows the custom 500 page with flag=0 and the normal page otherwise", async () => {
      const error = await expectLog("500 GET /error?flag=0", () => server.fetch("/error?flag=0"));
      assert.equal(error.code, 500);
      assert.equal(error.text, "服务器内部错误");
      assert.equal((await server.fetch("/error?flag=1")).text, "you are right");
      const missing = await expectLog(["Missing argument flag", "400 GET /error"], () =>
        server.fetch("/error"),
      );
      assert.equal(missing.code, 400);
    });
  });

  describe("接口调用顺序 (the call order)", () => {
    it("prints the hooks in the tutorial's order and sends both writes", async () => {
      const response = await server.fetch("/order");
      assert.equal(response.text, "very very mangood man");
      assert.deepEqual(printed, [
        "set_default_headers",
        "initialize",
        "prepare",
        "http方法",
        "on_finish",
      ]);
    });

    it("prints set_default_headers again, then write error, on an error", async () => {
      const response = await expectLog("500 GET /order?error=1", () =>
        server.fetch("/order?error=1"),
      );
      assert.equal(response.text, "服务器内部错误");
      assert.deepEqual(printed, [
        "set_default_headers",
        "initialize",
        "prepare",
        "http方法",
        "set_default_headers",
        "write error",
        "on_finish",
      ]);
    });
  });
});
