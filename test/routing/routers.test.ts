// tornado-ts/routing: routers in front of Applications, Node listeners and handler classes, over
// real sockets.
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, it } from "node:test";
import type { HTTPServerDelegate } from "tornado-ts/httpserver";
import type { HTTPServerRequest } from "tornado-ts/httputil";
import {
  AnyMatches,
  DefaultHostMatches,
  HostMatches,
  PathMatches,
  type RequestDelegate,
  ReversibleRouter,
  ReversibleRuleRouter,
  Router,
  Rule,
  RuleRouter,
} from "tornado-ts/routing";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, type InitArgs, RequestHandler, RouteError } from "tornado-ts/web";

async function serving(app: HTTPServerDelegate, body: (server: TestServer) => Promise<void>) {
  const server = await TestServer.start(app);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** Answers with its label, the path it saw, and its path arguments. */
class LabelHandler extends RequestHandler {
  label = "";
  override initialize(initArgs: InitArgs): void {
    this.label = String(initArgs["label"] ?? "none");
  }
  override get(...args: string[]) {
    this.write(`${this.label} ${this.request.path} [${args.join(",")}]`);
  }
  override post() {
    this.write(`${this.label} got ${this.request.body.length} bytes: ${this.getBodyArgument("v")}`);
  }
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

/** A Node request listener that reads the body itself. */
function nodeEcho(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(`node ${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`);
  });
}

describe("RuleRouter in front of Applications and Node listeners", () => {
  const api = new Application([
    ["/api/items/([0-9]+)", LabelHandler, { label: "api" }],
    ["/api/form", LabelHandler, { label: "api" }],
  ]);
  const router = new RuleRouter([
    [new PathMatches("/api/.*"), api],
    [new PathMatches("/node/.*"), nodeEcho],
    [new AnyMatches(), new Application([["/", LabelHandler, { label: "site" }]])],
  ]);

  it("routes a path prefix to a second Application, which sees the whole path", async () => {
    await serving(router, async (server) => {
      const response = await server.fetch("/api/items/42");
      assert.equal(response.code, 200);
      assert.equal(response.text, "api /api/items/42 [42]");
    });
  });

  it("hands the request to the target before its body is read", async () => {
    await serving(router, async (server) => {
      const form = await server.fetch("/api/form", {
        method: "POST",
        body: "v=hello",
        headers: FORM,
      });
      assert.equal(form.text, "api got 7 bytes: hello");
      const node = await server.fetch("/node/x?q=1", { method: "POST", body: "raw body" });
      assert.equal(node.text, "node POST /node/x?q=1 raw body");
    });
  });

  it("falls through to a later rule, whose Application answers 404 itself", async () => {
    await serving(router, async (server) => {
      const home = await server.fetch("/");
      assert.equal(home.text, "site / []");
      // /api/nope matches the api rule: the api Application's own 404 answers.
      const missing = await expectLog("404 GET /api/nope", () => server.fetch("/api/nope"));
      assert.equal(missing.code, 404);
    });
  });
});

describe("a router with no matching rule", () => {
  it("answers 404 with an HTML page, and keeps the connection usable", async () => {
    const router = new RuleRouter([[new PathMatches("/only"), nodeEcho]]);
    await serving(router, async (server) => {
      const response = await server.fetch("/elsewhere");
      assert.equal(response.code, 404);
      assert.match(response.text, /404: Not Found/);
      const again = await server.fetch("/only");
      assert.equal(again.text, "node GET /only ");
    });
  });

  it("lets the next rule try when a nested router finds nothing", async () => {
    const nested = new RuleRouter([[new PathMatches("/a/one"), nodeEcho]]);
    const router = new RuleRouter([
      [new PathMatches("/a/.*"), nested],
      [new PathMatches("/a/two"), (_req: IncomingMessage, res: ServerResponse) => res.end("two")],
    ]);
    await serving(router, async (server) => {
      assert.equal((await server.fetch("/a/one")).text, "node GET /a/one ");
      assert.equal((await server.fetch("/a/two")).text, "two");
      assert.equal((await server.fetch("/a/three")).code, 404);
    });
  });

  it("answers 500 and logs when findHandler throws", async () => {
    class Broken extends Router {
      findHandler(): RequestDelegate | null {
        throw new Error("router bug");
      }
    }
    await serving(new Broken(), async (server) => {
      const response = await expectLog("Uncaught exception routing GET /x", () =>
        server.fetch("/x"),
      );
      assert.equal(response.code, 500);
    });
  });
});

describe("host matching", () => {
  const router = new RuleRouter([
    [
      new HostMatches("admin\\.example\\.com"),
      (_q: IncomingMessage, s: ServerResponse) => s.end("admin"),
    ],
    [new HostMatches(/.*\.example\.com/), (_q: IncomingMessage, s: ServerResponse) => s.end("sub")],
    [new AnyMatches(), (_q: IncomingMessage, s: ServerResponse) => s.end("other")],
  ]);

  it("matches the host name without its port, anchored at both ends", async () => {
    await serving(router, async (server) => {
      const host = (h: string) => server.fetch("/", { headers: { Host: h } });
      assert.equal((await host("admin.example.com:8080")).text, "admin");
      assert.equal((await host("ADMIN.example.com")).text, "admin");
      assert.equal((await host("www.example.com")).text, "sub");
      assert.equal((await host("admin.example.com.evil.org")).text, "other");
      assert.equal((await host("xadmin.example.org")).text, "other");
    });
  });

  it("DefaultHostMatches follows the application's defaultHost unless X-Real-Ip is sent", async () => {
    const app = new Application([], { defaultHost: "www.example.com" });
    const hosted = new RuleRouter([
      [
        new DefaultHostMatches(app, "www\\.example\\.com"),
        (_q: IncomingMessage, s: ServerResponse) => s.end("default"),
      ],
    ]);
    await serving(hosted, async (server) => {
      assert.equal((await server.fetch("/")).text, "default");
      const proxied = await server.fetch("/", { headers: { "X-Real-Ip": "10.0.0.1" } });
      assert.equal(proxied.code, 404);
    });
  });
});

describe("rules inside an Application", () => {
  it("serves handler classes with init args, nested rule lists and host rules", async () => {
    const other = new Application([["/other/(.*)", LabelHandler, { label: "other" }]]);
    const app = new Application([
      new Rule(new PathMatches("/items/([a-z]+)"), LabelHandler, { label: "rule" }, "item"),
      [
        new HostMatches("api\\.test"),
        [[new PathMatches("/"), LabelHandler, { label: "api-host" }]],
      ],
      ["/other/.*", other],
      ["/listener", nodeEcho],
      ["/", LabelHandler, { label: "plain" }],
    ]);
    await serving(app, async (server) => {
      assert.equal((await server.fetch("/items/abc")).text, "rule /items/abc [abc]");
      assert.equal((await server.fetch("/other/x%20y")).text, "other /other/x%20y [x y]");
      assert.equal((await server.fetch("/listener")).text, "node GET /listener ");
      assert.equal(
        (await server.fetch("/", { headers: { Host: "api.test" } })).text,
        "api-host / []",
      );
      assert.equal((await server.fetch("/")).text, "plain / []");
      assert.equal(app.reverseUrl("item", "xyz"), "/items/xyz");
      const missing = await expectLog("404 GET /items/123", () => server.fetch("/items/123"));
      assert.equal(missing.code, 404);
    });
  });

  it("refuses a handler class in a bare RuleRouter and a class that is no handler, naming it", () => {
    assert.throws(
      () => new RuleRouter([[new PathMatches("/"), LabelHandler]]),
      (error: unknown) =>
        error instanceof RouteError && /LabelHandler is a RequestHandler class/.test(error.message),
    );
    class NotAHandler {}
    assert.throws(
      () => new Application([[new PathMatches("/"), NotAHandler as never]]),
      /NotAHandler is a class but not a RequestHandler/,
    );
    assert.throws(() => new Rule(42 as never, nodeEcho), /matcher must be a Matcher/);
  });
});

describe("reverseUrl through ReversibleRuleRouter", () => {
  const inner = new Application([["/shop/item/([0-9]+)", LabelHandler, {}, "item"]]);
  const router = new ReversibleRuleRouter([
    new Rule(new PathMatches("/about"), nodeEcho, {}, "about"),
    new Rule(new PathMatches("/users/(?P<name>[a-z]+)"), nodeEcho, {}, "user"),
    new Rule(new PathMatches("/shop/.*"), inner),
    new Rule(new HostMatches("x"), nodeEcho, {}, "hostOnly"),
    [new PathMatches("/docs/.*"), [new Rule(new PathMatches("/docs/(\\w+)"), nodeEcho, {}, "doc")]],
  ]);

  it("builds paths of its own named rules, then asks nested routers and Applications", () => {
    assert.equal(router.reverseUrl("about"), "/about");
    assert.equal(router.reverseUrl("user", "ann"), "/users/ann");
    assert.equal(router.reverseUrl("item", 7), "/shop/item/7");
    assert.equal(router.reverseUrl("doc", "intro"), "/docs/intro");
    assert.equal(router.reverseUrl("unknown"), null);
    assert.equal(router.reverseUrl("hostOnly"), null);
    assert.ok(router instanceof ReversibleRouter);
    assert.ok(router instanceof RuleRouter);
    assert.ok(!(new RuleRouter() instanceof ReversibleRouter));
  });

  it("serves through the same router", async () => {
    await serving(router, async (server) => {
      assert.equal((await server.fetch("/users/ann")).text, "node GET /users/ann ");
      assert.equal((await server.fetch("/shop/item/7")).text, "none /shop/item/7 [7]");
      assert.equal((await server.fetch("/docs/intro")).text, "node GET /docs/intro ");
    });
  });
});

describe("Application.getHandlerDelegate", () => {
  it("serves a request with the given handler, init args and path arguments", async () => {
    const app = new Application();
    class ByMethod extends Router {
      findHandler(request: HTTPServerRequest): RequestDelegate {
        return app.getHandlerDelegate(LabelHandler, {
          initArgs: { label: request.method.toLowerCase() },
          pathArgs: [request.path.slice(1)],
        });
      }
    }
    await serving(new ByMethod(), async (server) => {
      assert.equal((await server.fetch("/anything")).text, "get /anything [anything]");
      const post = await server.fetch("/x", { method: "POST", body: "v=1", headers: FORM });
      assert.equal(post.text, "post got 3 bytes: 1");
    });
  });
});
