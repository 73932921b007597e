import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, expectLog, TestServer } from "tornado-ts/testing";
import {
  Application,
  type InitArgs,
  RequestHandler,
  RouteError,
  URLSpec,
  url,
} from "tornado-ts/web";

/** Echoes what routing gave the handler: init args, positional and named path groups. */
class EchoHandler extends RequestHandler {
  init: InitArgs = {};
  override initialize(initArgs: InitArgs): void {
    this.init = initArgs;
  }
  override get(...args: (string | undefined)[]) {
    this.write({
      init: this.init,
      args: args.map((a) => (a === undefined ? "<undefined>" : a)),
      kwargs: this.pathKwargs,
    });
  }
}

class TextHandler extends RequestHandler {
  text = "";
  override initialize(initArgs: InitArgs): void {
    this.text = String(initArgs["text"]);
  }
  override get() {
    this.write(this.text);
  }
}

describe("routing: patterns, groups and init args", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([
        ["/plain", EchoHandler],
        ["/init", EchoHandler, { word1: "good", word2: "nice" }],
        url("/url-init", EchoHandler, { word3: "handsome" }, "urlInit"),
        [String.raw`/pos/(\d+)/([a-z]+)?`, EchoHandler],
        [String.raw`/py/(?P<p1>\w+)/(?P<p2>\w+)`, EchoHandler],
        [String.raw`/js/(?<a>[^/]+)/(?<b>\d+)`, EchoHandler],
        ["/unq/(.*)", EchoHandler],
        [/^\/regexp\/(\d+)$/, EchoHandler],
        ["/first", TextHandler, { text: "first" }],
        ["/first", TextHandler, { text: "second" }],
        [String.raw`/dot\.html`, TextHandler, { text: "escaped dot" }],
      ]),
    );
  });
  after(() => server.close());

  it("matches a tuple route and passes empty init args", async () => {
    const response = await server.fetch("/plain");
    assert.deepEqual(response.json(), { init: {}, args: [], kwargs: {} });
  });

  it("passes a tuple's init args to initialize()", async () => {
    const response = await server.fetch("/init");
    assert.deepEqual(response.json<{ init: InitArgs }>().init, { word1: "good", word2: "nice" });
  });

  it("passes url()'s init args to initialize()", async () => {
    const response = await server.fetch("/url-init");
    assert.deepEqual(response.json<{ init: InitArgs }>().init, { word3: "handsome" });
  });

  it("anchors patterns at the end, so a longer path does not match", async () => {
    const response = await expectLog("404 GET /plain/more", () => server.fetch("/plain/more"));
    assert.equal(response.code, 404);
  });

  it("anchors patterns at the start, so a prefix does not match", async () => {
    const response = await expectLog("404 GET /x/plain", () => server.fetch("/x/plain"));
    assert.equal(response.code, 404);
  });

  it("is case-sensitive and ignores the query string", async () => {
    assert.equal((await server.fetch("/plain?x=1")).code, 200);
    const upper = await expectLog("404 GET /PLAIN", () => server.fetch("/PLAIN"));
    assert.equal(upper.code, 404);
  });

  it("passes positional groups in order, an optional group that did not match as undefined", async () => {
    assert.deepEqual((await server.fetch("/pos/12/ab")).json<{ args: string[] }>().args, [
      "12",
      "ab",
    ]);
    assert.deepEqual((await server.fetch("/pos/12/")).json<{ args: string[] }>().args, [
      "12",
      "<undefined>",
    ]);
  });

  it("accepts Python's (?P<name>...) groups: positional arguments and pathKwargs", async () => {
    const response = await server.fetch("/py/sunck/good");
    assert.deepEqual(response.json(), {
      init: {},
      args: ["sunck", "good"],
      kwargs: { p1: "sunck", p2: "good" },
    });
  });

  it("accepts JavaScript's (?<name>...) groups, URL-decoded", async () => {
    const response = await server.fetch("/js/x%20y%2Fz/5");
    assert.deepEqual(response.json<{ kwargs: unknown }>().kwargs, { a: "x y/z", b: "5" });
  });

  it("URL-decodes groups without turning + into a space", async () => {
    const response = await server.fetch("/unq/a%2Fb%20c+d%25%C3%A9");
    assert.deepEqual(response.json<{ args: string[] }>().args, ["a/b c+d%é"]);
  });

  it("answers 400 for a group that is not valid UTF-8", async () => {
    const response = await expectLog(["Invalid unicode in url", "400 GET /unq/%FF"], () =>
      server.fetch("/unq/%FF"),
    );
    assert.equal(response.code, 400);
  });

  it("passes plain ASCII groups through unchanged, + and all", async () => {
    const response = await server.fetch("/unq/a-b_c.d~e+f!g'h(i)*j,k;l=m:n@o$p");
    assert.deepEqual(response.json<{ args: string[] }>().args, [
      "a-b_c.d~e+f!g'h(i)*j,k;l=m:n@o$p",
    ]);
  });

  it("calls an overridden decodeArgument for every group, plain ASCII ones too", async () => {
    class Latin1Handler extends EchoHandler {
      override decodeArgument(value: Uint8Array, name?: string): string {
        return `${name}:${Buffer.from(value).toString("latin1")}`;
      }
    }
    const local = await TestServer.start(
      new Application([
        [String.raw`/l1/([^/]+)/([^/]+)`, Latin1Handler],
        [String.raw`/l2/(?<word>[^/]+)`, Latin1Handler],
      ]),
    );
    try {
      const response = await local.fetch("/l1/plain/caf%E9");
      assert.deepEqual(response.json<{ args: string[] }>().args, ["url:plain", "url:café"]);
      const named = await local.fetch("/l2/x");
      assert.deepEqual(named.json<{ kwargs: unknown }>().kwargs, { word: "word:x" });
    } finally {
      await local.close();
    }
  });

  it("accepts a RegExp object as the pattern", async () => {
    assert.deepEqual((await server.fetch("/regexp/7")).json<{ args: string[] }>().args, ["7"]);
  });

  it("tries routes in order: the first match wins", async () => {
    assert.equal((await server.fetch("/first")).text, "first");
  });

  it("treats an escaped dot literally", async () => {
    assert.equal((await server.fetch("/dot.html")).text, "escaped dot");
    const other = await expectLog("404 GET /dotxhtml", () => server.fetch("/dotxhtml"));
    assert.equal(other.code, 404);
  });
});

describe("routing: building the Application", () => {
  it("refuses a pattern that mixes named and unnamed groups", () => {
    assert.throws(
      () => new Application([[String.raw`/(?P<a>\d+)/(\d+)`, EchoHandler]]),
      (error: unknown) =>
        error instanceof RouteError &&
        /groups in url regexes must either be all named or all positional/.test(error.message),
    );
  });

  it("does not count non-capturing groups", () => {
    const spec = new URLSpec(String.raw`/(?:a|b)/(\d+)`, EchoHandler);
    assert.equal(spec.groupCount, 1);
    assert.deepEqual(spec.match("/b/3")?.args, ["3"]);
  });

  it("refuses an invalid regular expression, naming the pattern", () => {
    assert.throws(
      () => new Application([["/(unclosed", EchoHandler]]),
      /Invalid route pattern "\/\(unclosed"/,
    );
  });

  it("refuses a route without a handler class", () => {
    assert.throws(
      () => new Application([["/x", "NotAClass" as unknown as typeof EchoHandler]]),
      /needs a RequestHandler class/,
    );
  });

  it("warns when two routes have the same name; the later one wins", () => {
    const app = expectLogSync(
      "Multiple handlers named dup; replacing previous value",
      () => new Application([url("/a", EchoHandler, {}, "dup"), url("/b", EchoHandler, {}, "dup")]),
    );
    assert.equal(app.reverseUrl("dup"), "/b");
  });
});

/** A synchronous expectLog for code that logs while it runs. */
function expectLogSync<T>(pattern: string, fn: () => T): T {
  const logs = captureLogs();
  try {
    const result = fn();
    assert.ok(logs.has(pattern), `expected a log line containing ${pattern}`);
    return result;
  } finally {
    logs.stop();
  }
}

describe("routing: reverseUrl", () => {
  const app = new Application([
    url(String.raw`/a/(\d+)/b`, EchoHandler, {}, "a"),
    url("/static", EchoHandler, {}, "s"),
    url(String.raw`/e/([a-z]+)\.html$`, EchoHandler, {}, "e"),
    url(String.raw`^/f/(?P<x>\d+)$`, EchoHandler, {}, "f"),
    url(String.raw`/x/(?:a|b)/(\d+)`, EchoHandler, {}, "unreversible"),
    url("/kaige", EchoHandler, { word3: "handsome", word4: "cool" }, "kaige"),
  ]);

  it("fills groups with the arguments", () => {
    assert.equal(app.reverseUrl("a", 5), "/a/5/b");
    assert.equal(app.reverseUrl("kaige"), "/kaige");
    assert.equal(app.reverseUrl("s"), "/static");
  });

  it("URL-escapes arguments, keeping /", () => {
    assert.equal(app.reverseUrl("a", "x y/é"), "/a/x%20y/%C3%A9/b");
  });

  it("unescapes literal text and drops the anchors", () => {
    assert.equal(app.reverseUrl("e", "p"), "/e/p.html");
    assert.equal(app.reverseUrl("f", 9), "/f/9");
  });

  it("throws a RouteError for an unknown name", () => {
    assert.throws(
      () => app.reverseUrl("nope"),
      (error: unknown) =>
        error instanceof RouteError && error.message === "nope not found in named urls",
    );
  });

  it("throws a RouteError for the wrong number of arguments", () => {
    assert.throws(
      () => app.reverseUrl("a"),
      /required number of arguments not found: a takes 1, got 0/,
    );
    assert.throws(() => app.reverseUrl("a", 1, 2), /takes 1, got 2/);
  });

  it("throws a RouteError for a pattern it cannot reverse", () => {
    assert.throws(() => app.reverseUrl("unreversible", 1), /Cannot reverse url regex/);
  });

  it("is available on the handler", async () => {
    class LinkHandler extends RequestHandler {
      override get() {
        this.write(`<a href="${this.reverseUrl("kaige")}">go</a>`);
      }
    }
    const server = await TestServer.start(
      new Application([["/", LinkHandler], url("/kaige", EchoHandler, {}, "kaige")]),
    );
    try {
      assert.equal((await server.fetch("/")).text, '<a href="/kaige">go</a>');
    } finally {
      await server.close();
    }
  });
});

describe("routing: host groups (addHandlers) and defaultHost", () => {
  let server: TestServer;
  before(async () => {
    const app = new Application([["/x", TextHandler, { text: "wildcard" }]], {
      defaultHost: "www.example.com",
    });
    app.addHandlers(String.raw`www\.example\.com`, [
      ["/y", TextHandler, { text: "www-y" }],
      ["/x", TextHandler, { text: "www-x" }],
    ]);
    app.addHandlers(String.raw`api\..*`, [["/y", TextHandler, { text: "api-y" }]]);
    server = await TestServer.start(app);
  });
  after(() => server.close());

  const get = (path: string, host: string, extra: Record<string, string> = {}) =>
    server.fetch(path, { headers: { Host: host, ...extra } });

  it("serves a host group's routes for its host, whatever the case and port", async () => {
    for (const host of ["www.example.com", "www.example.com:99", "WWW.EXAMPLE.COM"]) {
      assert.equal((await get("/x", host)).text, "www-x", host);
      assert.equal((await get("/y", host)).text, "www-y", host);
    }
  });

  it("falls through to the constructor's routes when the group has no match", async () => {
    assert.equal((await get("/x", "api.foo")).text, "wildcard");
    assert.equal((await get("/y", "api.foo")).text, "api-y");
  });

  it("uses the defaultHost group for unknown hosts, after the constructor's routes", async () => {
    assert.equal((await get("/x", "other")).text, "wildcard");
    assert.equal((await get("/y", "other")).text, "www-y");
  });

  it("does not use the defaultHost group when X-Real-Ip is present", async () => {
    const response = await expectLog("404 GET /y", () =>
      get("/y", "other", { "X-Real-Ip": "1.2.3.4" }),
    );
    assert.equal(response.code, 404);
  });

  it("anchors host patterns at both ends", async () => {
    const app = new Application([]);
    app.addHandlers(String.raw`www\.example\.com`, [["/y", TextHandler, { text: "www-y" }]]);
    const local = await TestServer.start(app);
    try {
      for (const host of ["www.example.com.evil", "evil.www.example.com"]) {
        const response = await expectLog("404 GET /y", () =>
          local.fetch("/y", { headers: { Host: host } }),
        );
        assert.equal(response.code, 404, host);
      }
      assert.equal(
        (await local.fetch("/y", { headers: { Host: "www.example.com" } })).text,
        "www-y",
      );
    } finally {
      await local.close();
    }
  });
});

describe("routing: no match", () => {
  it("answers Tornado's 404 page and logs a warning", async () => {
    const server = await TestServer.start(new Application([]));
    try {
      const response = await expectLog(/^404 GET \/nonexistent \(127\.0\.0\.1\) \d+\.\d\dms$/, () =>
        server.fetch("/nonexistent"),
      );
      assert.equal(response.code, 404);
      assert.equal(response.reason, "Not Found");
      assert.equal(
        response.text,
        "<html><title>404: Not Found</title><body>404: Not Found</body></html>",
      );
      assert.equal(response.headers.get("Content-Length"), "69");
    } finally {
      await server.close();
    }
  });

  it("uses defaultHandlerClass with defaultHandlerArgs", async () => {
    const server = await TestServer.start(
      new Application([], {
        defaultHandlerClass: TextHandler,
        defaultHandlerArgs: { text: "fallback page" },
      }),
    );
    try {
      const response = await server.fetch("/anything/at/all");
      assert.equal(response.code, 200);
      assert.equal(response.text, "fallback page");
    } finally {
      await server.close();
    }
  });
});

describe("routing: many routes keep the first-match order", () => {
  // Enough routes for the first-segment index: literal starts (indexed) and patterns whose first
  // segment is open (tried for every path) are interleaved, so order decides between them.
  let server: TestServer;
  before(async () => {
    const text = (label: string) => ({ text: label });
    server = await TestServer.start(
      new Application([
        ["/a/one", TextHandler, text("a/one")],
        ["/(a|b)/two", TextHandler, text("open before b/two")],
        ["/b/two", TextHandler, text("b/two")],
        ["/b/(.*)", TextHandler, text("b/any")],
        [String.raw`/c\d/x`, TextHandler, text("c digit")],
        ["/json", TextHandler, text("json")],
        ["/json/(.*)", TextHandler, text("json/any")],
        ...Array.from(
          { length: 20 },
          (_, i) => [`/r${i}/(\\d+)`, TextHandler, text(`r${i}`)] as const,
        ),
        ["/(.*)/tail", TextHandler, text("open tail")],
        ["/d/tail", TextHandler, text("d/tail")],
        ["/(.*)", TextHandler, text("catch-all")],
      ]),
    );
  });
  after(() => server.close());

  const expect = async (path: string, body: string) => {
    const response = await server.fetch(path);
    assert.equal(response.text, body, path);
  };

  it("lets an earlier open pattern win over a later literal route", async () => {
    await expect("/b/two", "open before b/two");
    await expect("/d/tail", "open tail");
  });

  it("lets an earlier literal route win over a later open pattern", async () => {
    await expect("/a/one", "a/one");
    await expect("/b/three", "b/any");
    await expect("/r7/42", "r7");
    await expect("/r17/42", "r17");
  });

  it("matches a literal route exactly and a longer path by its pattern", async () => {
    await expect("/json", "json");
    await expect("/json/x", "json/any");
  });

  it("falls back to the open patterns for a first segment no route names", async () => {
    await expect("/c1/x", "c digit");
    await expect("/zzz", "catch-all");
    await expect("/r7/notdigits", "catch-all");
    await expect("/", "catch-all");
  });
});

describe("routing: patterns without groups that are not literal", () => {
  it("matches a class escape or an escaped character under a quantifier", async () => {
    const server = await TestServer.start(
      new Application([
        [String.raw`/item\d+`, TextHandler, { text: "item" }],
        [String.raw`/dots\.?x`, TextHandler, { text: "dots" }],
      ]),
    );
    try {
      assert.equal((await server.fetch("/item42")).text, "item");
      assert.equal((await server.fetch("/dotsx")).text, "dots");
      assert.equal((await server.fetch("/dots.x")).text, "dots");
      const missing = await expectLog(/^404 GET \/item /, () => server.fetch("/item"));
      assert.equal(missing.code, 404);
    } finally {
      await server.close();
    }
  });
});
