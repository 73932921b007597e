// Every route of the tutorial application over a real socket, with what the tutorial says each
// one does: routing, the request, output, call order, templates, the database, cookies, XSRF,
// login, uploads and static files.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { captureLogs, type LogCapture } from "tornado-ts/testing";
import { decodeSignedValue } from "tornado-ts/web";
import { BASE_DIRS } from "../../examples/tutorial-app/config.ts";
import { Browser, shown } from "./client.ts";
import { startTutorialApp, TEST_COOKIE_SECRET, type TutorialFixture } from "./support.ts";

describe("the tutorial application's routes", () => {
  let fixture: TutorialFixture;
  let browser: Browser;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    fixture = await startTutorialApp();
  });
  after(async () => {
    await fixture.close();
    logs.stop();
  });
  beforeEach(() => {
    browser = new Browser(fixture.server);
  });

  /** Waits (bounded) until a log line matching `pattern` has been emitted. */
  async function logged(pattern: RegExp): Promise<void> {
    for (let i = 0; i < 100 && !logs.has(pattern); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(logs.has(pattern), `log line ${pattern}`);
  }

  describe("请求与响应: routes and the request", () => {
    it("GET / links to the kaige route through reverseUrl and has the chapter navigation", async () => {
      const response = await browser.get("/");
      assert.equal(response.code, 200);
      assert.match(response.text, /<a id="kaige" href="\/kaige">Go to another page<\/a>/);
      for (const href of ["/sunck", "/zhuyin", "/postfile", "/upfile", "/output"]) {
        assert.ok(response.text.includes(`<a href="${href}"`), href);
      }
      for (const href of ["/home-template", "/students", "/cookienum", "/home", "/index.html"]) {
        assert.ok(response.text.includes(`<a href="${href}"`), href);
      }
      assert.match(response.text, /<a href="\/" class="active" aria-current="page">Home<\/a>/);
      assert.equal(response.text.match(/class="active" aria-current="page"/g)?.length, 1);
    });

    it("GET /sunck hands the route's init args to initialize", async () => {
      const response = await browser.get("/sunck");
      const lines = shown(response.text);
      assert.deepEqual(
        [lines[0], ...lines.slice(2, 5)],
        ["Init args", "sunck is a nice man", "word1good", "word2nice"],
      );
      assert.match(lines[1]!, /reaches initialize\(\) before get\(\) runs/);
      assert.match(response.text, /<a href="\/sunck" class="active" aria-current="page">Routing/);
    });

    it("GET /kaige is the named route with word3 and word4", async () => {
      const lines = shown((await browser.get("/kaige")).text);
      assert.equal(lines[2], "kaige is a handsome man");
      assert.ok(lines.includes("word3handsome"));
      assert.ok(lines.includes("word4cool"));
      assert.ok(lines.includes('reverseUrl("kaige")/kaige'));
    });

    it("GET /liuyifei/(\\w+)/(\\w+)/(\\w+) passes the three groups in order", async () => {
      const response = await browser.get("/liuyifei/sunck/good/nice");
      const lines = shown(response.text);
      assert.equal(lines[2], "liuyifei is a nice women");
      assert.deepEqual(lines.slice(3, 6), ["h1sunck", "h2good", "h3nice"]);
      assert.ok(logs.has(/^sunck-good-nice$/));
      assert.equal((await browser.get("/liuyifei/sunck/good")).code, 404);
    });

    it("GET /zhangmanyu reads query arguments, stripped, the last of a repeated name", async () => {
      const lines = shown((await browser.get("/zhangmanyu?a=0&a=1&b=1&c=%20%201%20")).text);
      assert.equal(lines[2], "zhangmanyu is good women");
      assert.deepEqual(lines.slice(3, 7), ["a1", "b1", "c*1*", 'getQueryArguments("a")["0","1"]']);
    });

    it("GET /zhangmanyu without an argument is a 400 in the site's layout", async () => {
      const response = await browser.get("/zhangmanyu?a=1&b=2");
      assert.equal(response.code, 400);
      assert.equal(shown(response.text)[0], "400: Bad Request");
      assert.ok(logs.has(/Missing argument c/));
    });

    it("GET /zhuyin shows the request's attributes on a page of the site", async () => {
      const response = await browser.get("/zhuyin?a=1&b=2", {
        "X-Test": "yes",
        Accept: "text/html,application/xhtml+xml,*/*;q=0.8",
      });
      assert.match(response.headers.get("Content-Type") ?? "", /^text\/html/);
      assert.equal(response.headers.get("Vary"), "Accept");
      const lines = shown(response.text);
      assert.equal(lines[0], "The request object");
      for (const line of ["request.methodGET", "request.uri/zhuyin?a=1&b=2", "X-Testyes"]) {
        assert.ok(lines.includes(line), line);
      }
      assert.match(response.text, /<a href="\/zhuyin" class="active" aria-current="page">Request/);
    });

    it("GET /zhuyin answers the request's attributes as JSON to a client that asks for it", async () => {
      const response = await browser.get("/zhuyin?a=1&b=2", {
        "X-Test": "yes",
        Accept: "application/json",
      });
      assert.match(response.headers.get("Content-Type") ?? "", /^application\/json/);
      const info = response.json<Record<string, unknown>>();
      assert.deepEqual(
        { ...info, headers: undefined },
        {
          method: "GET",
          host: `127.0.0.1:${fixture.server.port}`,
          uri: "/zhuyin?a=1&b=2",
          path: "/zhuyin",
          query: "a=1&b=2",
          version: "HTTP/1.1",
          remoteIp: "127.0.0.1",
          headers: undefined,
        },
      );
      assert.equal((info["headers"] as Record<string, string>)["X-Test"], "yes");
      // Cookie values are not echoed: a script could read the HttpOnly login cookie that way.
      await browser.get("/pcookie");
      const again = await browser.get("/zhuyin", { Accept: "application/json" });
      const headers = again.json<{ headers: Record<string, string> }>().headers;
      assert.equal(headers["Cookie"], "sunck=<hidden>");
    });

    it("GET /postfile is the form with its _xsrf field and the hobby check boxes", async () => {
      const response = await browser.get("/postfile");
      assert.match(response.text, /<input type="hidden" name="_xsrf" value="2\|[0-9a-f]{8}\|/);
      for (const hobby of ["power", "money", "book"]) {
        assert.ok(response.text.includes(`value="${hobby}" name="hobby"`), hobby);
      }
    });

    it("POST /postfile reads the fields, counts in the cookie and redirects to /cookienum", async () => {
      const first = await browser.postForm("/postfile", {
        username: "dahaigu",
        passwd: "jibuzhu555",
        hobby: ["power", "money"],
      });
      assert.equal(first.code, 302);
      assert.equal(first.headers.get("Location"), "/cookienum");
      assert.equal(browser.cookies.get("count"), "1");
      assert.ok(logs.has('postfile: dahaigu ********** ["power","money"]'));
      await browser.postForm("/postfile", { username: "x", passwd: "y" });
      assert.equal(browser.cookies.get("count"), "2");
      const page = await browser.get("/cookienum");
      assert.ok(shown(page.text).includes("第3次访问"));
    });

    it("POST /postfile without the _xsrf token is refused with a 403", async () => {
      const response = await browser.postForm("/postfile", { username: "x" }, false);
      assert.equal(response.code, 403);
      assert.equal(browser.cookies.get("count"), undefined);
      assert.ok(logs.has(/'_xsrf' argument missing from POST/));
    });

    it("GET /upfile is the multipart form with two file fields and img", async () => {
      const response = await browser.get("/upfile");
      assert.match(response.text, /enctype="multipart\/form-data"/);
      assert.equal(response.text.match(/type="file" name="file"/g)?.length, 2);
      assert.match(response.text, /type="file" name="img"/);
    });

    it("POST /upfile saves every file under upfile/ with a safe name and shows them", async () => {
      const response = await browser.postFiles("/upfile", [
        { field: "file", filename: "1.txt", contentType: "text/plain", body: "hhahhaa\n" },
        { field: "file", filename: "1 2.txt", contentType: "text/plain", body: "" },
        { field: "img", filename: "../../escape.png", contentType: "image/png", body: "png" },
        { field: "img", filename: "..\\..\\win.txt", contentType: "text/plain", body: "w" },
        { field: "img", filename: ".hidden", contentType: "text/plain", body: "h" },
      ]);
      assert.equal(response.code, 200);
      const lines = shown(response.text);
      assert.deepEqual(lines.slice(0, 1).concat(lines.slice(2, 3)), ["Uploaded", "ok"]);
      for (const row of [
        "file1.txt1.txt8",
        "img../../escape.pngescape.png3",
        "img.hiddenhidden1",
      ]) {
        assert.ok(lines.includes(row), row);
      }
      assert.match(response.text, /<a href="\/upfile" class="active" aria-current="page">Upload/);
      assert.deepEqual(readdirSync(fixture.uploadDir).sort(), [
        "1 2.txt",
        "1.txt",
        "escape.png",
        "hidden",
        "win.txt",
      ]);
      assert.equal(readFileSync(join(fixture.uploadDir, "1.txt"), "utf8"), "hhahhaa\n");
      assert.equal(existsSync(join(fixture.dir, "escape.png")), false);
      assert.deepEqual(readdirSync(fixture.dir).sort().includes("escape.png"), false);
    });
  });

  describe("请求与响应: an upload without files", () => {
    it("POST /upfile with no file chosen says so", async () => {
      const response = await browser.postFiles("/upfile", []);
      assert.equal(response.code, 200);
      assert.ok(shown(response.text).includes("No file was chosen."));
    });
  });

  describe("响应: output", () => {
    it("GET /write sends every write as one body; the write after finish is refused", async () => {
      const response = await browser.get("/write");
      assert.equal(response.text, "goodnicehandsomeman");
      await logged(/write after finish: Cannot write\(\) after finish\(\)/);
    });

    it("GET /json1 sends hand-made JSON with its own Content-Type and header", async () => {
      const response = await browser.get("/json1");
      assert.equal(response.headers.get("Content-Type"), "application/json;charset=utf-8");
      assert.equal(response.headers.get("sunck"), "hhgood");
      assert.equal(response.text, '{"name":"sunck","age":18,"height":175,"weight":70}');
    });

    it("GET /json2 lets write(object) serialise and set application/json", async () => {
      const response = await browser.get("/json2");
      assert.equal(response.headers.get("Content-Type"), "application/json; charset=UTF-8");
      assert.deepEqual(response.json(), { name: "sunck", age: 18, height: 175, weight: 70 });
    });

    it("GET /header: the method's setHeader wins over setDefaultHeaders", async () => {
      const response = await browser.get("/header");
      assert.equal(response.headers.get("kaige"), "handsome");
      assert.equal(response.headers.get("Content-Type"), "text/html;charset=utf-8");
      assert.equal(response.text, "good nice");
    });

    it("GET /status sets a custom reason; a non-Latin-1 one becomes Unknown as in Tornado 6.5", async () => {
      const chinese = await browser.get("/status");
      assert.equal(chinese.code, 200);
      assert.equal(chinese.reason, "Unknown");
      const lines = shown(chinese.text);
      assert.equal(lines[0], "Status and reason phrase");
      assert.ok(lines.includes('The handler called: setStatus(200, "我是谁，我在哪里")'));
      // The page shows the status line it was sent with.
      assert.match(
        chinese.text,
        /<pre class="status-line" id="status-line">HTTP\/1\.1 200 Unknown<\/pre>/,
      );
      assert.match(chinese.text, /<a href="\/output" class="active" aria-current="page">Output/);
      const custom = await browser.get("/status?reason=Who%20am%20I");
      assert.equal(custom.reason, "Who am I");
      assert.match(custom.text, /id="status-line">HTTP\/1\.1 200 Who am I<\/pre>/);
    });

    it("GET /output is the chapter's page, with a box for what each bare route sends", async () => {
      const response = await browser.get("/output");
      assert.equal(response.code, 200);
      const probes = [...response.text.matchAll(/data-probe="([^"]+)" data-headers="([^"]*)"/g)];
      assert.deepEqual(
        probes.map((m) => m[1]),
        ["/write", "/json1", "/json2", "/header", "/error?flag=0", "/error?flag=1", "/order"],
      );
      for (const [, path] of probes) {
        assert.ok(response.text.includes(`<a href="${path}" class="raw">raw</a>`), path);
      }
      const ids = [...response.text.matchAll(/<section class="probe" id="([^"]+)">/g)].map(
        (m) => m[1],
      );
      assert.deepEqual(ids, [
        "write",
        "json1",
        "json2",
        "header",
        "error-flag-0",
        "error-flag-1",
        "order",
        "redirect",
      ]);
      assert.match(response.text, /<script src="\/static\/js\/output\.js\?v=[0-9a-f]+"><\/script>/);
      assert.match(response.text, /<a href="\/output" class="active" aria-current="page">Output/);
    });

    it("GET /redirect redirects to /", async () => {
      const response = await browser.get("/redirect");
      assert.equal(response.code, 302);
      assert.equal(response.headers.get("Location"), "/");
    });

    it("GET /error?flag=0 sends a 500 that writeError words; other flags are right", async () => {
      const error = await browser.get("/error?flag=0");
      assert.equal(error.code, 500);
      assert.equal(error.text, "服务器内部错误");
      const right = await browser.get("/error?flag=1");
      assert.equal(right.code, 200);
      assert.equal(right.text, "you are right");
      assert.equal((await browser.get("/error")).code, 400);
    });

    it("GET /order runs setDefaultHeaders, initialize, prepare, get, onFinish in that order", async () => {
      const before = logs.records.length;
      const response = await browser.get("/order");
      assert.equal(response.text, "very very mangood man");
      await logged(/^order: onFinish$/);
      const order = logs.records
        .slice(before)
        .map((r) => r.message)
        .filter((m) => m.startsWith("order: "));
      assert.deepEqual(order, [
        "order: setDefaultHeaders",
        "order: initialize",
        "order: prepare",
        "order: get",
        "order: onFinish",
      ]);
    });

    it("GET /order?error=1 runs setDefaultHeaders again, then writeError, before onFinish", async () => {
      const before = logs.records.length;
      const response = await browser.get("/order?error=1");
      assert.equal(response.code, 500);
      assert.equal(response.text, "服务器内部错误");
      await logged(/^order: onFinish$/);
      const order = logs.records
        .slice(before)
        .map((r) => r.message)
        .filter((m) => m.startsWith("order: "));
      assert.deepEqual(order, [
        "order: setDefaultHeaders",
        "order: initialize",
        "order: prepare",
        "order: get",
        "order: setDefaultHeaders",
        "order: writeError",
        "order: onFinish",
      ]);
    });
  });

  describe("模板: templates", () => {
    it("GET /home-template renders variables, expressions, if and for", async () => {
      const lines = shown((await browser.get("/home-template")).text);
      assert.ok(lines.includes("这里是home页面"));
      for (const line of ["num:100", "num+10:110", "name:tom", "num is at least 100"]) {
        assert.ok(lines.includes(line), line);
      }
      const stus = lines.slice(lines.indexOf("num is at least 100") + 1);
      assert.deepEqual(stus.slice(0, 3), ["tom", "lily", "lucy"]);
    });

    it("GET /function calls the handler's mySum from the template", async () => {
      const response = await browser.get("/function");
      assert.match(response.text, /<p class="result" id="result">189<\/p>/);
    });

    it("GET /trans escapes {{ str }} and keeps {% raw str %} as HTML", async () => {
      const response = await browser.get("/trans");
      assert.match(
        response.text,
        /<div class="sample" id="escaped">&lt;h1&gt;sunck is a good man &lt;\/h1&gt;<\/div>/,
      );
      assert.match(
        response.text,
        /<div class="sample" id="raw"><h1>sunck is a good man <\/h1><\/div>/,
      );
      assert.match(response.text, /id="escape-fn">&lt;h1&gt;sunck is a good man &lt;\/h1&gt;</);
    });

    it("GET /cart extends base.html and fills its main block", async () => {
      const response = await browser.get("/cart");
      assert.match(response.text, /^<!DOCTYPE html>/);
      assert.match(response.text, /<main>\s*<h1>这里是购物车页面<\/h1>/);
      assert.match(response.text, /<nav aria-label="chapters">/);
    });
  });

  describe("数据库: students", () => {
    it("GET /students lists the seeded students from the database", async () => {
      const response = await browser.get("/students");
      assert.equal(response.code, 200);
      const rows = [
        ...response.text.matchAll(/<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td>(\d+)<\/td><\/tr>/g),
      ];
      assert.deepEqual(
        rows.slice(0, 3).map((m) => [m[2], m[3]]),
        [
          ["sunck", "18"],
          ["kaige", "20"],
          ["dahaigui", "30"],
        ],
      );
    });

    it("POST /students adds a student (bound parameters: quotes and markup stay data)", async () => {
      const name = "Robert'); DROP TABLE students;-- <b>";
      const response = await browser.postForm("/students", { name, age: "12" });
      assert.equal(response.code, 302);
      assert.equal(response.headers.get("Location"), "/students");
      const page = await browser.get("/students");
      assert.ok(
        page.text.includes("<td>Robert&#39;); DROP TABLE students;-- &lt;b&gt;</td><td>12</td>"),
      );
      const rows = await fixture.db.all<{ name: string }>(
        "SELECT name FROM students WHERE age = ?",
        [12],
      );
      assert.deepEqual(rows, [{ name }]);
    });

    it("POST /students refuses a missing name or a bad age with a 400", async () => {
      assert.equal((await browser.postForm("/students", { name: "", age: "3" })).code, 400);
      assert.equal((await browser.postForm("/students", { name: "a", age: "-3" })).code, 400);
      assert.equal((await browser.postForm("/students", { name: "a", age: "200" })).code, 400);
      assert.equal((await browser.postForm("/students", { age: "3" })).code, 400);
      assert.equal((await browser.postForm("/students", { name: "a", age: "3" }, false)).code, 403);
    });
  });

  describe("应用安全: cookies, XSRF and login", () => {
    it("GET /pcookie sets the plain cookie sunck=good", async () => {
      const response = await browser.get("/pcookie");
      assert.deepEqual(response.headers.getList("Set-Cookie"), ["sunck=good; Path=/"]);
      assert.equal(shown(response.text)[2], "ok");
    });

    it("GET /getpcookie reads it, or shows the default 未登录", async () => {
      assert.ok(shown((await browser.get("/getpcookie")).text).includes("sunck未登录"));
      await browser.get("/pcookie");
      assert.ok(shown((await browser.get("/getpcookie")).text).includes("sunckgood"));
    });

    it("GET /clearpcookie expires the cookie", async () => {
      await browser.get("/pcookie");
      const response = await browser.get("/clearpcookie");
      const line = response.headers.getList("Set-Cookie")[0] ?? "";
      const expires = /^sunck=""; expires=([^;]+ GMT); Path=\/$/.exec(line)?.[1];
      assert.ok(expires !== undefined && Date.parse(expires) < Date.now(), line);
      assert.equal(browser.cookies.has("sunck"), false);
    });

    it("GET /scookie signs zhangmanyu=nice; /getscookie reads it back and refuses a forgery", async () => {
      await browser.get("/scookie");
      const signed = browser.cookies.get("zhangmanyu")!;
      assert.match(signed, /^2\|1:0\|10:\d{10}\|10:zhangmanyu\|8:bmljZQ==\|[0-9a-f]{64}$/);
      assert.equal(decodeSignedValue(TEST_COOKIE_SECRET, "zhangmanyu", signed), "nice");
      assert.ok(shown((await browser.get("/getscookie")).text).includes("zhangmanyunice"));
      browser.cookies.set("zhangmanyu", signed.replace("8:bmljZQ==", "8:ZXZpbA=="));
      assert.ok(shown((await browser.get("/getscookie")).text).includes("zhangmanyuNone"));
    });

    it("GET /cookienum counts visits in the count cookie", async () => {
      assert.ok(shown((await browser.get("/cookienum")).text).includes("第1次访问"));
      assert.ok(shown((await browser.get("/cookienum")).text).includes("第2次访问"));
      browser.cookies.set("count", "7");
      assert.ok(shown((await browser.get("/cookienum")).text).includes("第8次访问"));
    });

    it("GET /setxsrfcookie sets the _xsrf cookie and shows it", async () => {
      const response = await browser.get("/setxsrfcookie");
      const token = browser.cookies.get("_xsrf") ?? "";
      assert.match(token, /^2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d{10}$/);
      const lines = shown(response.text);
      assert.deepEqual([lines[0], lines[2]], ["The _xsrf cookie", "ok"]);
      assert.ok(lines.includes(`_xsrf${token}`));
    });

    it("GET /home sends an anonymous user to /login?next=%2Fhome", async () => {
      const response = await browser.get("/home");
      assert.equal(response.code, 302);
      assert.equal(response.headers.get("Location"), "/login?next=%2Fhome");
    });

    it("GET /login shows the form posting back with next", async () => {
      const response = await browser.get("/login?next=%2Fhome");
      assert.match(
        response.text,
        /<form class="card" id="login" action="\/login\?next=%2Fhome" method="post">/,
      );
      assert.match(response.text, /name="_xsrf"/);
    });

    it("POST /login with the tutorial's account goes on to next, and /home then opens", async () => {
      const response = await browser.postForm("/login?next=%2Fhome", {
        username: "1",
        passwd: "1",
      });
      assert.equal(response.code, 302);
      assert.equal(response.headers.get("Location"), "/home");
      const home = await browser.get("/home");
      assert.equal(home.code, 200);
      assert.match(home.text, /<h1 id="welcome">欢迎回家, 1<\/h1>/);
      await browser.postForm("/logout", {});
      assert.equal((await browser.get("/home")).code, 302);
    });

    it("POST /login with a wrong password goes back to the form, keeping next", async () => {
      const response = await browser.postForm("/login?next=%2Fhome", {
        username: "1",
        passwd: "2",
      });
      assert.equal(response.headers.get("Location"), "/login?next=%2Fhome&failed=1");
      assert.equal(browser.cookies.has("user"), false);
      const form = await browser.get("/login?next=%2Fhome&failed=1");
      assert.match(form.text, /id="failed"/);
    });

    it("POST /login never sends the user to another site", async () => {
      const response = await browser.postForm("/login?next=https%3A%2F%2Fevil.example%2F", {
        username: "1",
        passwd: "1",
      });
      assert.equal(response.headers.get("Location"), "/");
    });

    it("GET /home refuses a forged user cookie", async () => {
      browser.cookies.set("user", "1");
      assert.equal((await browser.get("/home")).code, 302);
    });
  });

  describe("静态文件: static files", () => {
    it("pages link the stylesheet through static_url, and /static/ serves it", async () => {
      const css = readFileSync(join(BASE_DIRS, "static/css/site.css"));
      const version = createHash("sha512").update(css).digest("hex");
      const page = await browser.get("/cart");
      assert.ok(page.text.includes(`href="/static/css/site.css?v=${version}"`));
      const response = await browser.get(`/static/css/site.css?v=${version}`);
      assert.equal(response.code, 200);
      assert.match(response.headers.get("Content-Type") ?? "", /^text\/css/);
      assert.deepEqual(response.body, css);
      assert.equal((await browser.get("/static/js/counter.js")).code, 200);
    });

    it("GET /index.html and other paths fall through to static/html, which sets _xsrf", async () => {
      const response = await browser.get("/index.html");
      assert.equal(response.code, 200);
      assert.match(response.text, /<h1>这里是静态首页<\/h1>/);
      assert.ok(browser.cookies.has("_xsrf"));
    });

    it("an unknown path is a 404 page in the site's layout", async () => {
      const response = await browser.get("/no/such/page");
      assert.equal(response.code, 404);
      assert.deepEqual(shown(response.text).slice(0, 2), [
        "404: Not Found",
        "There is no page here.",
      ]);
    });
  });
});
