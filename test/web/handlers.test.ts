// RedirectHandler, ErrorHandler, @addslash and @removeslash, compared with Tornado 6.2 serving the
// same routes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import {
  Application,
  addslash,
  ErrorHandler,
  RedirectHandler,
  RequestHandler,
  RouteError,
  removeslash,
} from "tornado-ts/web";
import { startTornado, type TornadoProcess } from "../support/python-tornado.ts";

class RemoveSlashHandler extends RequestHandler {
  @removeslash
  override get(name: string) {
    this.write(`rs ${name}`);
  }
  @removeslash
  override post(name: string) {
    this.write(`rs-post ${name}`);
  }
}

class AddSlashHandler extends RequestHandler {
  @addslash
  override get(name: string) {
    this.write(`as ${name}`);
  }
  @addslash
  override async post(name: string) {
    await Promise.resolve();
    this.write(`as-post ${name}`);
  }
}

class RootHandler extends RequestHandler {
  @removeslash
  override get() {
    this.write("root");
  }
}

// JavaScript users without decorator syntax wrap the function instead.
class PlainFunctionHandler extends RequestHandler {}
Object.assign(PlainFunctionHandler.prototype, {
  get: addslash(function (this: RequestHandler) {
    this.write("plain");
  }),
});

const ROUTES_PY = `
class RemoveSlashHandler(tornado.web.RequestHandler):
    @tornado.web.removeslash
    def get(self, name):
        self.write("rs " + name)
    @tornado.web.removeslash
    def post(self, name):
        self.write("rs-post " + name)

class AddSlashHandler(tornado.web.RequestHandler):
    @tornado.web.addslash
    def get(self, name):
        self.write("as " + name)
    @tornado.web.addslash
    async def post(self, name):
        self.write("as-post " + name)

class RootHandler(tornado.web.RequestHandler):
    @tornado.web.removeslash
    def get(self):
        self.write("root")

app = tornado.web.Application([
    (r"/", RootHandler),
    (r"/redir_handler/(.*)", tornado.web.RedirectHandler, {"url": "/hello/{0}"}),
    (r"/named/(?P<a>\\w+)/(?P<b>\\w+)", tornado.web.RedirectHandler, {"url": "/x/{b}/{a}", "permanent": False}),
    (r"/withquery/(.*)", tornado.web.RedirectHandler, {"url": "/t/{0}?keep=a+b&z=%C3%A9&blank=#frag"}),
    (r"/braces/(.*)/(.*)", tornado.web.RedirectHandler, {"url": "/{{lit}}/{}/{}"}),
    (r"/gone", tornado.web.ErrorHandler, {"status_code": 410}),
    (r"/rs/(.*)", RemoveSlashHandler),
    (r"/as/(.*)", AddSlashHandler),
])
`;

const REQUESTS: [string, string][] = [
  ["GET", "/redir_handler/abc?q=1&q=2"],
  ["GET", "/redir_handler/a%20b/c?x=%C3%A9&y=&z&sp=a+b&amp=%26"],
  ["GET", "/redir_handler/?b=2&a=1&b=3"],
  ["HEAD", "/redir_handler/abc"],
  ["POST", "/redir_handler/abc"],
  ["GET", "/named/one/two?k=v"],
  ["GET", "/withquery/p?n=1"],
  ["GET", "/withquery/p"],
  ["GET", "/braces/a/b?c=d"],
  ["GET", "/gone"],
  ["POST", "/gone"],
  ["GET", "/"],
  ["GET", "/rs/foo/"],
  ["GET", "/rs/foo//?a=1&b=%20"],
  ["HEAD", "/rs/foo/"],
  ["GET", "/rs/foo"],
  ["POST", "/rs/foo/"],
  ["POST", "/rs/foo"],
  ["GET", "/as/foo"],
  ["GET", "/as/foo?a=1"],
  ["HEAD", "/as/foo"],
  ["GET", "/as/foo/"],
  ["POST", "/as/foo"],
  ["POST", "/as/foo/"],
];

describe("RedirectHandler, ErrorHandler and the slash decorators", () => {
  let server: TestServer;
  let tornado: TornadoProcess;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    const app = new Application([
      ["/", RootHandler],
      ["/redir_handler/(.*)", RedirectHandler, { url: "/hello/{0}" }],
      ["/named/(?P<a>\\w+)/(?P<b>\\w+)", RedirectHandler, { url: "/x/{b}/{a}", permanent: false }],
      ["/withquery/(.*)", RedirectHandler, { url: "/t/{0}?keep=a+b&z=%C3%A9&blank=#frag" }],
      ["/braces/(.*)/(.*)", RedirectHandler, { url: "/{{lit}}/{}/{}" }],
      ["/gone", ErrorHandler, { statusCode: 410 }],
      ["/rs/(.*)", RemoveSlashHandler],
      ["/as/(.*)", AddSlashHandler],
      ["/plain(.*)", PlainFunctionHandler],
      ["/bad-template", RedirectHandler, { url: "/{0:>5}" }],
      ["/too-few/(.*)", RedirectHandler, { url: "/{1}" }],
    ]);
    server = await TestServer.start(app);
    tornado = await startTornado(ROUTES_PY);
  });
  after(async () => {
    await server.close();
    await tornado.close();
    logs.stop();
  });

  it("answer every request with Tornado's status, Location and body", async () => {
    for (const [method, path] of REQUESTS) {
      const ours = await server.fetch(path, { method, ...(method === "POST" ? { body: "" } : {}) });
      const theirs = await fetch(tornado.url(path), {
        method,
        redirect: "manual",
        ...(method === "POST" ? { body: "" } : {}),
      });
      const label = `${method} ${path}`;
      assert.equal(ours.code, theirs.status, label);
      assert.equal(
        ours.headers.get("Location"),
        theirs.headers.get("Location") ?? undefined,
        label,
      );
      assert.equal(ours.text, await theirs.text(), label);
    }
  });

  it("redirect as the examples say", async () => {
    const response = await server.fetch("/redir_handler/abc?q=1&q=2");
    assert.equal(response.code, 301);
    assert.equal(response.headers.get("Location"), "/hello/abc?q=1&q=2");
    assert.equal((await server.fetch("/rs/foo/?a=1")).headers.get("Location"), "/rs/foo?a=1");
    assert.equal((await server.fetch("/as/foo")).headers.get("Location"), "/as/foo/");
  });

  it("work as plain function wrappers too", async () => {
    const redirected = await server.fetch("/plain");
    assert.equal(redirected.code, 301);
    assert.equal(redirected.headers.get("Location"), "/plain/");
    assert.equal((await server.fetch("/plain/")).text, "plain");
  });

  it("refuse to redirect to a path that names another host", async () => {
    const app = new Application([["/(.*)", RemoveSlashHandler]]);
    const other = await TestServer.start(app);
    try {
      const response = await other.fetch("//evil.example/");
      assert.equal(response.code, 403);
      assert.equal(response.headers.get("Location"), undefined);
      assert.ok(logs.has("cannot redirect path with two initial slashes"));
    } finally {
      await other.close();
    }
  });

  it("report a bad url template or a missing group as a server error naming the problem", async () => {
    const routeErrors = (): string[] =>
      logs.records.flatMap((record) =>
        record.error instanceof RouteError ? [record.error.message] : [],
      );
    assert.equal((await server.fetch("/bad-template")).code, 500);
    assert.ok(
      routeErrors().includes(
        'RedirectHandler url "/{0:>5}": unsupported field {0:>5} (only {}, {0} and {name} are supported)',
      ),
    );
    assert.equal((await server.fetch("/too-few/x")).code, 500);
    assert.ok(routeErrors().includes("RedirectHandler url has {1} but the path gave 1 groups"));
  });
});
