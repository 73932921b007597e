import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, TestServer } from "tornado-ts/testing";
import {
  Application,
  type ApplicationSettings,
  authenticated,
  CurrentUserError,
  isSafeRedirect,
  MissingSettingError,
  RequestHandler,
  safeNextUrl,
} from "tornado-ts/web";

let lookups = 0;

class CountingHandler extends RequestHandler {
  override getCurrentUser() {
    lookups++;
    return this.getArgument("user", null);
  }

  @authenticated
  override get() {
    const first = this.currentUser;
    const second = this.currentUser;
    this.write({ user: first, same: first === second });
  }

  @authenticated
  override post() {
    this.write(`posted by ${String(this.currentUser)}`);
  }

  @authenticated
  override async put() {
    await new Promise((resolve) => setImmediate(resolve));
    this.write("put");
  }

  @authenticated
  override head() {}
}

class PrepareSetsUserHandler extends RequestHandler {
  override getCurrentUser(): unknown {
    throw new Error("getCurrentUser must not run when prepare sets the user");
  }
  override prepare() {
    this.currentUser = this.getArgument("as", null);
  }
  @authenticated
  override get() {
    this.write(`hello ${String(this.currentUser)}`);
  }
}

let asyncLookups = 0;

class AsyncUserHandler extends RequestHandler {
  override async getCurrentUser() {
    asyncLookups++;
    await new Promise((resolve) => setImmediate(resolve));
    return this.getArgument("user", null);
  }
  override prepare() {
    this.setHeader("X-User-In-Prepare", String(this.currentUser));
  }
  @authenticated
  override get() {
    this.write(`async ${String(this.currentUser)}`);
  }
}

class PromiseReturningHandler extends RequestHandler {
  override getCurrentUser() {
    return Promise.resolve("bob");
  }
  override get() {
    this.write(String(this.currentUser));
  }
  override async post() {
    this.write(`loaded ${String(await this.loadCurrentUser())}`);
  }
}

/** The plain-function form, for JavaScript without decorators. */
class FunctionFormHandler extends RequestHandler {
  override getCurrentUser() {
    return this.getArgument("user", null);
  }
  override get() {
    this.write("function form");
  }
}
FunctionFormHandler.prototype.get = authenticated(FunctionFormHandler.prototype.get);

class NextHandler extends RequestHandler {
  override get() {
    const hosts = this.getArgument("hosts", null);
    this.write(safeNextUrl(this, hosts === null ? {} : { allowedHosts: hosts.split(",") }));
  }
}

function routes(): [string, typeof RequestHandler][] {
  return [
    ["/auth", CountingHandler],
    ["/prepared", PrepareSetsUserHandler],
    ["/async", AsyncUserHandler],
    ["/promise", PromiseReturningHandler],
    ["/function", FunctionFormHandler],
    ["/next", NextHandler],
  ];
}

async function withServer(
  settings: ApplicationSettings,
  body: (server: TestServer) => Promise<void>,
): Promise<void> {
  const server = await TestServer.start(new Application(routes(), settings));
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

describe("currentUser", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application(routes(), { loginUrl: "/login" }));
  });
  after(() => server.close());

  it("calls getCurrentUser once per request, the decorator's check included", async () => {
    lookups = 0;
    const response = await server.fetch("/auth?user=alice");
    assert.deepEqual(response.json(), { user: "alice", same: true });
    assert.equal(lookups, 1);
  });

  it("keeps a falsy user for the request too", async () => {
    lookups = 0;
    await server.fetch("/auth");
    assert.equal(lookups, 1);
  });

  it("can be set in prepare, and getCurrentUser is then never called", async () => {
    assert.equal((await server.fetch("/prepared?as=carol")).text, "hello carol");
    assert.equal((await server.fetch("/prepared")).code, 302);
  });

  it("awaits an async getCurrentUser once, before prepare", async () => {
    asyncLookups = 0;
    const response = await server.fetch("/async?user=dave");
    assert.equal(response.text, "async dave");
    assert.equal(response.headers.get("X-User-In-Prepare"), "dave");
    assert.equal(asyncLookups, 1);
    const anonymous = await server.fetch("/async");
    assert.equal(anonymous.code, 302);
    assert.equal(anonymous.headers.get("Location"), "/login?next=%2Fasync");
  });

  it("explains a getCurrentUser that returns a promise without being async", async () => {
    const logs = captureLogs();
    try {
      assert.equal((await server.fetch("/promise")).code, 500);
      const error = logs.records.map((r) => r.error).find((e) => e instanceof CurrentUserError);
      assert.ok(error instanceof CurrentUserError);
      assert.match(error.message, /PromiseReturningHandler\.getCurrentUser\(\) returned a promise/);
    } finally {
      logs.stop();
    }
    assert.equal((await server.fetch("/promise", { body: "" })).text, "loaded bob");
  });
});

describe("@authenticated", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application(routes(), { loginUrl: "/login" }));
  });
  after(() => server.close());

  it("redirects an anonymous GET to loginUrl with next, encoded as Tornado does", async () => {
    const response = await server.fetch("/auth?a=1&b=%20x");
    assert.equal(response.code, 302);
    assert.equal(response.headers.get("Location"), "/login?next=%2Fauth%3Fa%3D1%26b%3D%2520x");
  });

  it("redirects HEAD too", async () => {
    const response = await server.fetch("/auth", { method: "HEAD" });
    assert.equal(response.code, 302);
    assert.equal(response.headers.get("Location"), "/login?next=%2Fauth");
  });

  it("answers 403 to other methods, async ones included", async () => {
    const logs = captureLogs();
    try {
      for (const method of ["POST", "PUT"]) {
        const response = await server.fetch("/auth", { method, body: "" });
        assert.equal(response.code, 403, method);
        assert.equal(
          response.text,
          "<html><title>403: Forbidden</title><body>403: Forbidden</body></html>",
        );
      }
    } finally {
      logs.stop();
    }
  });

  it("runs the method for a logged-in user", async () => {
    assert.equal((await server.fetch("/auth?user=erin", { body: "" })).text, "posted by erin");
    assert.equal((await server.fetch("/auth?user=erin", { method: "PUT", body: "" })).text, "put");
    assert.equal((await server.fetch("/auth?user=erin", { method: "HEAD" })).code, 200);
  });

  it("works as a plain function", async () => {
    assert.equal(
      (await server.fetch("/function")).headers.get("Location"),
      "/login?next=%2Ffunction",
    );
    assert.equal((await server.fetch("/function?user=x")).text, "function form");
  });

  it("makes next the full URL when the login URL is absolute", async () => {
    await withServer({ loginUrl: "http://login.example.com/auth" }, async (other) => {
      const response = await other.fetch("/auth?a=1&b=%20x");
      assert.equal(
        response.headers.get("Location"),
        `http://login.example.com/auth?next=http%3A%2F%2F127.0.0.1%3A${other.port}%2Fauth%3Fa%3D1%26b%3D%2520x`,
      );
    });
  });

  it("uses a login URL that already has a query unchanged", async () => {
    await withServer({ loginUrl: "/login?foo=bar" }, async (other) => {
      assert.equal((await other.fetch("/auth?a=1")).headers.get("Location"), "/login?foo=bar");
    });
  });

  it("needs the loginUrl setting", async () => {
    await withServer({}, async (other) => {
      const logs = captureLogs();
      try {
        assert.equal((await other.fetch("/auth")).code, 500);
        const error = logs.records
          .map((r) => r.error)
          .find((e) => e instanceof MissingSettingError);
        assert.ok(error instanceof MissingSettingError);
        assert.equal(error.setting, "loginUrl");
      } finally {
        logs.stop();
      }
    });
  });
});

describe("isSafeRedirect", () => {
  it("accepts paths on this site", () => {
    for (const url of ["/", "/home", "/home?flag=logined", "/a/b#c", "/%2F%2Fevil.example", "/é"]) {
      assert.equal(isSafeRedirect(url), true, url);
    }
  });

  it("refuses other sites, other schemes and ambiguous forms", () => {
    for (const url of [
      "",
      "//evil.example",
      "//evil.example/path",
      "/\\evil.example",
      "\\\\evil.example",
      " //evil.example",
      "\t//evil.example",
      "/\t/evil.example",
      "http://evil.example/",
      "https://evil.example",
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "data:text/html,hi",
      "home",
      "?next=x",
      "http:evil.example",
      "/ok\r\nSet-Cookie: x=1",
    ]) {
      assert.equal(isSafeRedirect(url), false, JSON.stringify(url));
    }
  });

  it("accepts absolute http(s) URLs on allowed hosts only", () => {
    const options = { allowedHosts: ["Example.com", "127.0.0.1:8000"] };
    assert.equal(isSafeRedirect("https://example.com/home", options), true);
    assert.equal(isSafeRedirect("http://127.0.0.1:8000/x", options), true);
    assert.equal(isSafeRedirect("http://127.0.0.1:9000/x", options), false);
    assert.equal(isSafeRedirect("https://example.com.evil.example/", options), false);
    assert.equal(isSafeRedirect("https://example.com@evil.example/", options), false);
    assert.equal(isSafeRedirect("ftp://example.com/", options), false);
  });
});

describe("safeNextUrl", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application(routes()));
  });
  after(() => server.close());

  it("returns a safe next argument and the fallback otherwise", async () => {
    assert.equal((await server.fetch("/next?next=%2Fhome")).text, "/home");
    assert.equal((await server.fetch("/next")).text, "/");
    assert.equal((await server.fetch("/next?next=%2F%2Fevil.example")).text, "/");
    assert.equal((await server.fetch("/next?next=https%3A%2F%2Fevil.example")).text, "/");
    const own = `http://127.0.0.1:${server.port}/home`;
    assert.equal(
      (await server.fetch(`/next?next=${encodeURIComponent(own)}&hosts=127.0.0.1:${server.port}`))
        .text,
      own,
    );
  });
});
