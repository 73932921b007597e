import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DictLoader, templateErrorLocation } from "tornado-ts/template";
import { captureLogs, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler, UIModule, url } from "tornado-ts/web";

class Entry extends UIModule {
  override render(title: string): string {
    return `<div class="entry">${title}</div>`;
  }
  override embeddedJavascript(): string {
    return "var a=1;";
  }
  override javascriptFiles(): string[] {
    return ["a.js", "http://cdn/x.js", "/abs.js", "a.js"];
  }
  override embeddedCss(): string {
    return ".a{}";
  }
  override cssFiles(): string {
    return "a.css";
  }
  override htmlHead(): string {
    return "<link rel=x>";
  }
  override htmlBody(): string {
    return "<p>tail</p>";
  }
}

function upper(handler: RequestHandler, text: string): string {
  return `${text.toUpperCase()}@${handler.request.path}`;
}

describe("RequestHandler.render", () => {
  let dir: string;
  let templates: string;
  let server: TestServer;

  function page(name: string, source: string): void {
    writeFileSync(join(templates, name), source);
  }

  class Page extends RequestHandler {
    override get(name: string) {
      const vars = JSON.parse(this.getArgument("vars", "{}")) as Record<string, unknown>;
      return this.render(`${name}.html`, { ...vars, mySum: (a: number, b: number) => a + b });
    }
    override getCurrentUser(): unknown {
      return "alice";
    }
  }
  class Named extends RequestHandler {
    override get(_id: string) {}
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "render-"));
    templates = join(dir, "templates");
    mkdirSync(templates);
    mkdirSync(join(dir, "static"));
    writeFileSync(join(dir, "static", "a.css"), "a{}");
    writeFileSync(join(dir, "static", "item.js"), "");
    page(
      "names.html",
      [
        "{{ current_user }}|{{ currentUser }}|{{ request.path }}|{{ handler.request.method }}",
        "{{ static_url('a.css', {includeVersion: false}) }}|{{ staticUrl('a.css', {includeVersion: false}) }}",
        "{{ reverse_url('item', 7) }}|{{ reverseUrl('item', 8) }}",
        "{{ _('apple') }}|{{ _('apple', 'apples', 2) }}",
        "{{ xhtml_escape('<') }}|{{ xhtmlEscape('<') }}|{% raw escape('<') %}|{{ url_escape('a b') }}|{{ urlEscape('a/b') }}",
        "{% raw json_encode({'a': 1}) %}|{% raw jsonEncode([1]) %}|{{ squeeze(' a  b ') }}|{% raw linkify('x http://a.b') %}",
        "{{ datetime.date(2020, 1, 2) }}|{{ mySum(100, 89) }}|{{ upper('hi') }}|{{ modules.linkify('http://a.b') }}",
      ].join("\n"),
    );
    page(
      "modules.html",
      "<html><head><title>{{ title }}</title></head><body>{% module Entry('x<y') %}{% module Entry('again') %}<div>end</div></body></html>",
    );
    page("nohead.html", "{% module Entry('x') %}");
    page(
      "template_module.html",
      "<html><head></head><body>{% module Template('item.html', {item: 'one'}) %}{% module Template('item.html', {item: 'two'}) %}</body></html>",
    );
    page(
      "item.html",
      "{{ set_resources({embedded_css: '.item{}', javascript_files: ['item.js']}) }}<li>{{ item }}</li>{{ current_user }}",
    );
    page("bad_runtime.html", "line one\n{{ missing_variable }}");
    page("outside.html", "{% include '../secret.html' %}");
    page("xsrf.html", "<form>{% module xsrf_form_html() %}{{ xsrf_form_html() }}</form>");
    writeFileSync(join(dir, "secret.html"), "secret");
    const app = new Application(
      [["/page/(\\w+)", Page], url("/item/(\\d+)", Named, undefined, "item")],
      {
        templatePath: templates,
        staticPath: join(dir, "static"),
        uiModules: { Entry, notAModule: 42 },
        uiMethods: { upper, _private: upper, Capitalised: upper },
      },
    );
    server = await TestServer.start(app);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives templates Tornado's namespace under both naming styles", async () => {
    const response = await server.fetch("/page/names");
    assert.equal(response.code, 200);
    assert.equal(response.headers.get("Content-Type"), "text/html; charset=UTF-8");
    assert.deepEqual(response.text.split("\n"), [
      "alice|alice|/page/names|GET",
      "/static/a.css|/static/a.css",
      "/item/7|/item/8",
      "apple|apples",
      "&amp;lt;|&amp;lt;|&lt;|a+b|a%2Fb",
      '{"a": 1}|[1]|a b|x <a href="http://a.b">http://a.b</a>',
      "2020-01-02|189|HI@/page/names|&lt;a href=&quot;http://a.b&quot;&gt;http://a.b&lt;/a&gt;",
    ]);
  });

  it("lets render() variables win over the handler's names", async () => {
    page("override.html", "{{ current_user }}");
    const vars = encodeURIComponent(JSON.stringify({ current_user: "bob" }));
    assert.equal((await server.fetch(`/page/override?vars=${vars}`)).text, "bob");
  });

  it("places UI module resources before </head> and </body> as Tornado does", async () => {
    const vars = encodeURIComponent(JSON.stringify({ title: "<T>" }));
    const logs = captureLogs();
    const response = await server.fetch(`/page/modules?vars=${vars}`);
    logs.stop();
    assert.ok(logs.has(`Could not open static file '${join(dir, "static", "a.js")}'`));
    const css = createHash("sha512").update("a{}").digest("hex");
    assert.equal(
      response.text,
      `<html><head><title>&lt;T&gt;</title><link href="/static/a.css?v=${css}" type="text/css" rel="stylesheet"/>\n` +
        '<style type="text/css">\n.a{}\n</style>\n<link rel=x>\n</head><body>' +
        '<div class="entry">x<y</div><div class="entry">again</div><div>end</div>' +
        '<script src="/static/a.js" type="text/javascript"></script><script src="http://cdn/x.js" type="text/javascript"></script><script src="/abs.js" type="text/javascript"></script>\n' +
        '<script type="text/javascript">\n//<![CDATA[\nvar a=1;\n//]]>\n</script>\n<p>tail</p>\n</body></html>',
    );
  });

  it("fails with a 500 when module resources have no </head> to go before", async () => {
    const logs = captureLogs();
    const response = await server.fetch("/page/nohead");
    logs.stop();
    assert.equal(response.code, 500);
    assert.ok(logs.has("Uncaught exception"));
  });

  it("renders Template modules with their own namespace and collects their resources once", async () => {
    const response = await server.fetch("/page/template_module");
    assert.equal(
      response.text,
      '<html><head><style type="text/css">\n.item{}\n</style>\n</head><body><li>one</li>alice<li>two</li>alice' +
        `<script src="/static/item.js?v=${createHash("sha512").digest("hex")}" type="text/javascript"></script>\n</body></html>`,
    );
  });

  it("renders the XSRF field through the handler's xsrfFormHtml()", async () => {
    class WithXsrf extends RequestHandler {
      constructor(...args: ConstructorParameters<typeof RequestHandler>) {
        super(...args);
        // Stands in for the security layer's method, so this test needs only the template side.
        Object.defineProperty(this, "xsrfFormHtml", {
          value: () => '<input type="hidden" name="_xsrf" value="t"/>',
        });
      }
      override get() {
        return this.render("xsrf.html");
      }
    }
    const app = new Application([["/", WithXsrf]], { templatePath: templates });
    const other = await TestServer.start(app);
    try {
      const field = '<input type="hidden" name="_xsrf" value="t"/>';
      const escaped =
        "&lt;input type=&quot;hidden&quot; name=&quot;_xsrf&quot; value=&quot;t&quot;/&gt;";
      assert.equal((await other.fetch("/")).text, `<form>${field}${escaped}</form>`);
    } finally {
      await other.close();
    }
  });

  it("answers 500 for a runtime error, logging the template and line", async () => {
    const logs = captureLogs();
    const response = await server.fetch("/page/bad_runtime");
    logs.stop();
    assert.equal(response.code, 500);
    const record = logs.records.find((r) => r.message.startsWith("Uncaught exception"));
    assert.ok(record);
    assert.ok(record.error instanceof ReferenceError);
    assert.deepEqual(templateErrorLocation(record.error), {
      template: "bad_runtime.html",
      line: 2,
      via: [],
    });
    assert.match(String((record.error as Error).stack), /at template bad_runtime\.html:2/);
  });

  it("refuses templates outside the template path", async () => {
    const logs = captureLogs();
    const response = await server.fetch("/page/outside");
    logs.stop();
    assert.equal(response.code, 500);
    assert.ok(!response.text.includes("secret"));
    assert.ok(
      logs.records.some((r) => (r.error as Error | undefined)?.name === "TemplatePathError"),
    );
  });

  it("keeps compiled templates unless compiledTemplateCache is off", async () => {
    class Changing extends RequestHandler {
      override get() {
        return this.render("changing.html");
      }
    }
    page("changing.html", "one");
    const cached = await TestServer.start(
      new Application([["/", Changing]], { templatePath: templates }),
    );
    const debug = await TestServer.start(
      new Application([["/", Changing]], { templatePath: templates, compiledTemplateCache: false }),
    );
    try {
      assert.equal((await cached.fetch("/")).text, "one");
      assert.equal((await debug.fetch("/")).text, "one");
      page("changing.html", "two");
      assert.equal((await cached.fetch("/")).text, "one");
      assert.equal((await debug.fetch("/")).text, "two");
    } finally {
      await cached.close();
      await debug.close();
    }
  });

  it("applies the autoescape and templateWhitespace settings", async () => {
    class Plain extends RequestHandler {
      override get() {
        return this.render("plain.html", { html: "<b>" });
      }
    }
    page("plain.html", "{{ html }}\n\n   x");
    const app = new Application([["/", Plain]], {
      templatePath: templates,
      autoescape: null,
      templateWhitespace: "oneline",
    });
    const other = await TestServer.start(app);
    try {
      assert.equal((await other.fetch("/")).text, "<b> x");
    } finally {
      await other.close();
    }
  });

  it("uses the templateLoader setting and getTemplateNamespace overrides", async () => {
    class Custom extends RequestHandler {
      override get() {
        return this.render("x.html");
      }
      override getTemplateNamespace(): Record<string, unknown> {
        return { ...super.getTemplateNamespace(), extra: "more" };
      }
    }
    const loader = new DictLoader(
      { "x.html": "{{ extra }} {{ greeting }}" },
      { namespace: { greeting: "hi" } },
    );
    const other = await TestServer.start(
      new Application([["/", Custom]], { templateLoader: loader }),
    );
    try {
      assert.equal((await other.fetch("/")).text, "more hi");
    } finally {
      await other.close();
    }
  });

  it("returns the page from renderString without finishing", async () => {
    class Twice extends RequestHandler {
      override get() {
        const once = this.renderString("item.html", { item: 1, set_resources: () => "" });
        this.write(`${once}|${once}`);
      }
    }
    const other = await TestServer.start(
      new Application([["/", Twice]], { templatePath: templates }),
    );
    try {
      assert.equal((await other.fetch("/")).text, "<li>1</li>None|<li>1</li>None");
    } finally {
      await other.close();
    }
  });

  it("finds templates next to the calling file without templatePath", async () => {
    class Local extends RequestHandler {
      override get() {
        return this.render("render-fixtures/local.html", { who: "here" });
      }
    }
    const other = await TestServer.start(new Application([["/", Local]]));
    try {
      assert.equal((await other.fetch("/")).text, "local template: here\n");
    } finally {
      await other.close();
    }
  });
});
