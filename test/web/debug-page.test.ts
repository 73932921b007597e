// The debug error page (`debug` / `serveTraceback` on): what a browser gets for an uncaught error,
// what other clients get (Tornado's plain-text traceback), and that nothing of it leaks with
// debug off.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, createSignedValue, RequestHandler } from "tornado-ts/web";
import ts from "typescript";

const SECRET = "debug-page-test-secret-0123456789";
const HTML = { Accept: "text/html,application/xhtml+xml" };

class BoomHandler extends RequestHandler {
  override get() {
    const detail = this.getQueryArgument("detail", "none");
    throw new Error(`kaboom <b>${detail}</b>`); // the line the page must show
  }
}

class TemplateHandler extends RequestHandler {
  override get() {
    this.render(this.getQueryArgument("name"), { items: null });
  }
}

class WrappedHandler extends RequestHandler {
  override get() {
    try {
      JSON.parse("{not json");
    } catch (error) {
      throw new Error("could not read the settings", { cause: error });
    }
  }
}

let compiledThrower: (() => never) | undefined;

class CompiledHandler extends RequestHandler {
  override get() {
    compiledThrower!();
  }
}

function makeApp(templatePath: string, debug: boolean): Application {
  return new Application(
    [
      ["/boom", BoomHandler],
      ["/template", TemplateHandler],
      ["/wrapped", WrappedHandler],
      ["/compiled", CompiledHandler],
    ],
    { debug, autoreload: false, cookieSecret: SECRET, templatePath },
  );
}

describe("the debug error page", () => {
  let server: TestServer;
  let plain: TestServer;
  let dir: string;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    dir = mkdtempSync(join(tmpdir(), "debug-page-"));
    writeFileSync(
      join(dir, "list.html"),
      ["<ul>", "{% for item in items %}", "  <li>{{ item }}</li>", "{% end %}", "</ul>"].join("\n"),
    );
    writeFileSync(join(dir, "broken.html"), "<p>\n{% if %}\n</p>\n");
    // A module compiled from TypeScript with a source map beside it, as a built app runs.
    const source = [
      "// compiled fixture",
      "export function thrower(): never {",
      "  const reason: string = 'from compiled code';",
      "  throw new RangeError(reason); // TS line 4",
      "}",
      "",
    ].join("\n");
    const out = ts.transpileModule(source, {
      fileName: "thrower.ts",
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES5,
        sourceMap: true,
        removeComments: true,
      },
    });
    writeFileSync(join(dir, "package.json"), '{"type":"module"}');
    writeFileSync(join(dir, "thrower.ts"), source);
    writeFileSync(join(dir, "thrower.js"), out.outputText);
    writeFileSync(join(dir, "thrower.js.map"), out.sourceMapText ?? "");
    const mod = (await import(pathToFileURL(join(dir, "thrower.js")).href)) as {
      thrower: () => never;
    };
    compiledThrower = mod.thrower;
    server = await TestServer.start(makeApp(dir, true));
    plain = await TestServer.start(makeApp(dir, false));
  });

  after(async () => {
    await server?.close();
    await plain?.close();
    rmSync(dir, { recursive: true, force: true });
    logs.stop();
  });

  it("shows a browser the error, the source line that threw and the request", async () => {
    const signed = createSignedValue(SECRET, "user", "alice").toString();
    const response = await fetch(server.url("/boom?detail=x&password=hunter2&q=kept"), {
      headers: {
        ...HTML,
        Cookie: `user="${signed}"; theme=dark; _xsrf=2|abcd|0123|456`,
        Authorization: "Bearer very-secret-token",
        "X-Custom": "shown-header",
      },
    });
    assert.equal(response.status, 500);
    assert.equal(response.headers.get("content-type"), "text/html; charset=UTF-8");
    assert.equal(response.headers.get("cache-control"), "no-store");
    const page = await response.text();
    assert.match(page, /<h1>Error<\/h1>/);
    // The message is escaped, never markup.
    assert.match(page, /kaboom &lt;b&gt;x&lt;\/b&gt;/);
    assert.doesNotMatch(page, /<b>x<\/b>/);
    // The handler's frame with its source line, marked.
    assert.match(page, /<b>BoomHandler.get<\/b> <code>[^<]*debug-page\.test\.ts:\d+<\/code>/);
    assert.match(
      page,
      /<tr class="focus"><td class="n">\d+<\/td><td><code> {4}throw new Error\(`kaboom &lt;b&gt;\$\{detail\}&lt;\/b&gt;`\); \/\/ the line the page must show/,
    );
    // The framework's own frames are folded away.
    assert.match(page, /<details><summary>\d+ frames? of the framework, dependencies and Node/);
    // The request, with credentials, secrets and signed values masked.
    assert.match(page, /<th>Method<\/th><td><code>GET<\/code>/);
    assert.match(page, /<th>X-Custom<\/th><td><code>shown-header<\/code>/);
    assert.match(page, /<th>q<\/th><td><code>kept<\/code>/);
    assert.match(page, /<th>theme<\/th><td><code>dark<\/code>/);
    assert.match(page, /<th>user<\/th><td><code>\(signed value, \d+ bytes, masked\)/);
    assert.match(page, /<th>_xsrf<\/th><td><code>\(secret, \d+ bytes, masked\)/);
    assert.match(page, /<th>password<\/th><td><code>\(secret, 7 bytes, masked\)/);
    assert.match(
      page,
      /<th>URL<\/th><td><code>\/boom\?detail=x&amp;password=\(masked\)&amp;q=kept<\/code>/,
    );
    assert.match(page, /<th>Authorization<\/th><td><code>\(credential, \d+ bytes, masked\)/);
    for (const leaked of [signed, "hunter2", "very-secret-token", SECRET, "0123|456"]) {
      assert.ok(!page.includes(leaked), `the page shows ${leaked}`);
    }
  });

  it("gives other clients Tornado's plain-text traceback", async () => {
    const response = await fetch(server.url("/boom?detail=x"));
    assert.equal(response.status, 500);
    assert.equal(response.headers.get("content-type"), "text/plain");
    const text = await response.text();
    assert.match(text, /^Error: kaboom <b>x<\/b>\n {4}at BoomHandler\.get \(/);
  });

  it("shows a template error's template, line and the lines around it", async () => {
    const response = await fetch(server.url("/template?name=list.html"), { headers: HTML });
    assert.equal(response.status, 500);
    const page = await response.text();
    assert.match(page, /<h2>Template<\/h2>\n<p><code>list\.html:2<\/code><\/p>/);
    assert.match(
      page,
      /<tr class="focus"><td class="n">2<\/td><td><code>\{% for item in items %\}<\/code>/,
    );
    assert.match(page, /<td class="n">3<\/td><td><code> {2}&lt;li&gt;\{\{ item \}\}&lt;\/li&gt;/);
  });

  it("shows a template syntax error's line", async () => {
    const response = await fetch(server.url("/template?name=broken.html"), { headers: HTML });
    const page = await response.text();
    assert.match(page, /<h1>ParseError<\/h1>/);
    assert.match(page, /<p><code>broken\.html:2<\/code><\/p>/);
    assert.match(page, /<tr class="focus"><td class="n">2<\/td><td><code>\{% if %\}<\/code>/);
  });

  it("shows the cause of a wrapped error", async () => {
    const response = await fetch(server.url("/wrapped"), { headers: HTML });
    const page = await response.text();
    assert.match(page, /<pre class="message">could not read the settings<\/pre>/);
    assert.match(page, /<h2>Caused by SyntaxError<\/h2>/);
  });

  it("maps compiled JavaScript back to its TypeScript lines through the source map", async () => {
    const response = await fetch(server.url("/compiled"), { headers: HTML });
    const page = await response.text();
    assert.match(page, /<h1>RangeError<\/h1>/);
    assert.match(page, /<code>[^<]*thrower\.ts:4<\/code>/);
    assert.match(
      page,
      /<tr class="focus"><td class="n">4<\/td><td><code> {2}throw new RangeError\(reason\); \/\/ TS line 4/,
    );
  });

  it("is never sent with debug off: no stack, path, source or secret", async () => {
    for (const path of ["/boom?detail=x", "/template?name=list.html", "/compiled"]) {
      for (const headers of [HTML, {}]) {
        const response = await fetch(plain.url(path), { headers });
        assert.equal(response.status, 500);
        const body = await response.text();
        assert.equal(
          body,
          "<html><title>500: Internal Server Error</title><body>500: Internal Server Error</body></html>",
        );
        assert.ok(!body.includes(dir) && !body.includes(SECRET) && !body.includes(" at "));
      }
    }
  });
});
