// The 模板 chapter's samples (examples/templates), served over real sockets, with the output the
// tutorial shows; the pages are also rendered by real Tornado from the same template files and
// must be byte-identical.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { captureLogs, TestServer } from "tornado-ts/testing";
import { RequestHandler } from "tornado-ts/web";
import { createApplication } from "../../examples/templates/application.ts";
import { BASE_DIRS } from "../../examples/templates/config.ts";
import { runPython } from "../support/python-tornado.ts";

const STR = "<h1>sunck is a good man </h1>";

/** What a browser shows for an HTML fragment: tags removed, entities decoded, lines trimmed. */
function shown(html: string): string[] {
  return html
    .split("\n")
    .map((line) =>
      line
        .replace(/<[^>]+>/g, "")
        .replaceAll("&lt;", "<")
        .replaceAll("&gt;", ">")
        .trim(),
    )
    .filter((line) => line !== "");
}

describe("the tutorial's template examples", () => {
  let server: TestServer;
  let tornado: Record<string, string>;

  before(async () => {
    server = await TestServer.start(createApplication());
    const templates = join(BASE_DIRS, "templates");
    tornado = JSON.parse(
      await runPython(`
import json
from tornado.template import Loader
loader = Loader(${JSON.stringify(templates)})
s = ${JSON.stringify(STR)}
pages = {
  "home": loader.load("home.html").generate(num=100, per={"name": "tom", "age": 18}),
  "flow": loader.load("flow.html").generate(score=85, stus=["tom", "lily", "lucy"]),
  "func": loader.load("func.html").generate(mySum=lambda n1, n2: n1 + n2),
  "trans": loader.load("trans.html").generate(str=s),
  "trans2": loader.load("trans2.html").generate(str=s),
  "cart": loader.load("cart.html").generate(),
}
print(json.dumps({k: v.decode() for k, v in pages.items()}))
`),
    ) as Record<string, string>;
  });
  after(() => server.close());

  for (const page of ["home", "flow", "func", "trans", "trans2", "cart"]) {
    it(`renders /${page} byte for byte as Tornado renders the same template`, async () => {
      const response = await server.fetch(`/${page}`);
      assert.equal(response.code, 200);
      assert.equal(response.text, tornado[page]);
    });
  }

  it("passes variables and expressions (home.html: num, num + 10, per['name'])", async () => {
    const response = await server.fetch("/home");
    assert.deepEqual(shown(response.text), [
      "这里是home页面",
      "num:100",
      "num+10:110",
      "num:100",
      "name:tom",
    ]);
  });

  it("runs if/elif/else and for", async () => {
    assert.deepEqual(shown((await server.fetch("/flow?score=95")).text), [
      "优秀",
      "tom",
      "lily",
      "lucy",
    ]);
    assert.deepEqual(shown((await server.fetch("/flow?score=70")).text), [
      "及格",
      "tom",
      "lily",
      "lucy",
    ]);
    assert.deepEqual(shown((await server.fetch("/flow?score=10")).text)[0], "不及格");
  });

  it("calls a function passed to render (mySum(100, 89) is 189)", async () => {
    assert.equal((await server.fetch("/func")).text, " <h1>189</h1>\n");
  });

  it("escapes by default and not with raw (情况一)", async () => {
    const html = (await server.fetch("/trans")).text;
    assert.equal(
      html,
      "&lt;h1&gt;sunck is a good man &lt;/h1&gt;\n<h1>sunck is a good man </h1>\n",
    );
    // The browser shows the escaped markup as text, then the raw markup as a heading.
    assert.deepEqual(shown(html), ["<h1>sunck is a good man </h1>", "sunck is a good man"]);
  });

  it("turns escaping off with autoescape None, while escape() still escapes (情况二)", async () => {
    const html = (await server.fetch("/trans2")).text;
    assert.equal(
      html,
      "\n<h1>sunck is a good man </h1>\n&lt;h1&gt;sunck is a good man &lt;/h1&gt;\n<h1>sunck is a good man </h1>\n",
    );
    assert.deepEqual(shown(html), [
      "sunck is a good man",
      "<h1>sunck is a good man </h1>",
      "sunck is a good man",
    ]);
  });

  it("turns escaping off for the whole server with the autoescape setting (情况三)", async () => {
    class Trans extends RequestHandler {
      override get() {
        return this.render("trans.html", { str: STR });
      }
    }
    const { Application } = await import("tornado-ts/web");
    const app = new Application([["/", Trans]], {
      templatePath: join(BASE_DIRS, "templates"),
      autoescape: null,
    });
    const other = await TestServer.start(app);
    try {
      assert.equal((await other.fetch("/")).text, `${STR}\n${STR}\n`);
    } finally {
      await other.close();
    }
  });

  it("renders the child template inside the base (继承: cart.html extends base.html)", async () => {
    assert.equal((await server.fetch("/cart")).text, "\n<h1>这里是购物车页面</h1>\n\n");
  });

  it("links static files with static_url and a content hash", async () => {
    const css = readFileSync(join(BASE_DIRS, "static/css/home.css"));
    const hash = createHash("sha512").update(css).digest("hex");
    const html = (await server.fetch("/static-url")).text;
    assert.ok(html.includes(`href="/static/css/home.css?v=${hash}"`), html);
    const sheet = await server.fetch(`/static/css/home.css?v=${hash}`);
    assert.equal(sheet.code, 200);
    assert.equal(sheet.headers.get("Content-Type"), "text/css");
    assert.equal(sheet.headers.get("Cache-Control"), "max-age=315360000");
  });

  it("serves static/html/index.html at /static/html/index.html (static_path)", async () => {
    const response = await server.fetch("/static/html/index.html");
    assert.equal(response.text, "<h1>这里是静态首页</h1>\n");
  });

  it("serves / and /index.html with StaticFileHandler and defaultFilename (改进方式二)", async () => {
    const root = await server.fetch("/");
    assert.equal(root.code, 200);
    assert.equal(root.text, "<h1>这里是静态首页</h1>\n");
    assert.equal((await server.fetch("/index.html")).text, root.text);
  });

  it("serves /index.html but not / with StaticFileHandler and path only (改进方式一)", async () => {
    const other = await TestServer.start(createApplication("path"));
    const logs = captureLogs();
    try {
      assert.equal((await other.fetch("/index.html")).text, "<h1>这里是静态首页</h1>\n");
      assert.equal((await other.fetch("/")).code, 403);
      assert.ok(logs.has(" is not a file"));
      assert.equal((await other.fetch("/home")).code, 200);
    } finally {
      logs.stop();
      await other.close();
    }
  });

  it("serves static pages through the tutorial's subclass that reads the XSRF token", async () => {
    const other = await TestServer.start(createApplication("xsrf"));
    try {
      const response = await other.fetch("/");
      assert.equal(response.code, 200);
      assert.equal(response.text, "<h1>这里是静态首页</h1>\n");
      assert.match(
        response.headers.get("Set-Cookie") ?? "",
        /^_xsrf=2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d+; Path=\/$/,
      );
    } finally {
      await other.close();
    }
  });
});
