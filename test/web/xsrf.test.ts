import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type TestResponse, TestServer } from "tornado-ts/testing";
import {
  Application,
  type ApplicationSettings,
  decodeXsrfToken,
  encodeXsrfToken,
  RequestHandler,
  xsrfTokensMatch,
} from "tornado-ts/web";

const RAW_A = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
const COOKIE_A = "2|deadbeef|deacbcecdaa8b8e8d6a4b4e4d2a0b0e0|1700000000";

describe("XSRF token format (tornado-behaviour.md section 2.6)", () => {
  it("encodes Tornado's example A, B and C tokens", () => {
    assert.equal(
      encodeXsrfToken(RAW_A, { mask: Buffer.from("deadbeef", "hex"), timestamp: 1700000000.5 }),
      COOKIE_A,
    );
    assert.equal(
      encodeXsrfToken(RAW_A, { mask: Buffer.from("0a0b0c0d", "hex"), timestamp: 1700000000 }),
      "2|0a0b0c0d|0a0a0e0e0e0e0a0a0202060606060202|1700000000",
    );
    const rawC = Buffer.from("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", "hex");
    assert.equal(
      encodeXsrfToken(rawC, { mask: Buffer.from("12345678", "hex"), timestamp: 1234567890.9 }),
      "2|12345678|e2c5a48be6c1a08feacdac83eec9a887|1234567890",
    );
    assert.equal(encodeXsrfToken(RAW_A, { version: 1 }), "000102030405060708090a0b0c0d0e0f");
  });

  it("masks with fresh random bytes by default, so tokens differ while the secret stays", () => {
    const one = encodeXsrfToken(RAW_A);
    const two = encodeXsrfToken(RAW_A);
    assert.notEqual(one, two);
    assert.deepEqual(decodeXsrfToken(one)!.token, RAW_A);
    assert.deepEqual(decodeXsrfToken(two)!.token, RAW_A);
  });

  it("decodes version 2 and version 1 tokens as Tornado does", () => {
    assert.deepEqual(decodeXsrfToken(COOKIE_A), {
      version: 2,
      token: RAW_A,
      timestamp: 1700000000,
    });
    assert.deepEqual(decodeXsrfToken(COOKIE_A.toUpperCase().replace(/^2/, "2"))!.token, RAW_A);
    assert.deepEqual(
      decodeXsrfToken("000102030405060708090a0b0c0d0e0f", () => 5),
      {
        version: 1,
        token: RAW_A,
        timestamp: 5,
      },
    );
    // Not hex: the text itself is the secret.
    assert.deepEqual(decodeXsrfToken("abc")!.token, Buffer.from("abc"));
    assert.deepEqual(decodeXsrfToken("02|x")!.token, Buffer.from("02|x"));
    // Python's int() rules for the timestamp.
    assert.equal(decodeXsrfToken("2|deadbeef|00| +1_0 ")!.timestamp, 10);
    assert.equal(decodeXsrfToken("2|deadbeef|00|-5")!.timestamp, -5);
  });

  it("reads malformed versioned tokens as invalid", () => {
    for (const bad of [
      "3|zz",
      "1|abc",
      "2|deadbeef|00|x",
      "2|deadbeef|0|1",
      "2|deadbeef|00|1|",
      "2|xx|00|1",
      "2|deadbeef|00",
    ]) {
      assert.equal(decodeXsrfToken(bad), null, bad);
    }
  });

  it("compares secrets of different lengths as different", () => {
    assert.equal(xsrfTokensMatch(RAW_A, RAW_A.subarray(0, 15)), false);
    assert.equal(xsrfTokensMatch(RAW_A, Buffer.from(RAW_A)), true);
  });
});

class TokenHandler extends RequestHandler {
  override get() {
    const first = this.xsrfToken;
    const second = this.xsrfToken;
    this.write({ token: first, same: first === second, form: this.xsrfFormHtml() });
  }
}

class FormHandler extends RequestHandler {
  override get() {
    this.write(`<form method="post">${this.xsrfFormHtml()}</form>`);
  }
  override post() {
    this.write("posted");
  }
  override put() {
    this.write("put");
  }
  override patch() {
    this.write("patched");
  }
  override delete() {
    this.write("deleted");
  }
  override options() {
    this.write("options");
  }
  override head() {}
}

class ExemptHandler extends FormHandler {
  override checkXsrfCookie(): void {}
}

class AsyncCheckHandler extends FormHandler {
  override async checkXsrfCookie(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.request.headerValue("x-api-key") !== "let-me-in") await super.checkXsrfCookie();
  }
}

class LoggedInHandler extends TokenHandler {
  override getCurrentUser() {
    return "alice";
  }
}

/** The tutorial's StaticFileHandler subclass reads xsrfToken in its constructor. */
class ConstructorTokenHandler extends RequestHandler {
  constructor(...args: ConstructorParameters<typeof RequestHandler>) {
    super(...args);
    void this.xsrfToken;
  }
  override get() {
    this.write("index");
  }
}

function routes(): [string, typeof RequestHandler][] {
  return [
    ["/token", TokenHandler],
    ["/form", FormHandler],
    ["/exempt", ExemptHandler],
    ["/async-check", AsyncCheckHandler],
    ["/logged-in", LoggedInHandler],
    ["/index.html", ConstructorTokenHandler],
  ];
}

function xsrfLine(response: TestResponse, name = "_xsrf"): string | undefined {
  return response.headers.getList("Set-Cookie").find((line) => line.startsWith(`${name}=`));
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

describe("xsrfToken and xsrfFormHtml", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application(routes(), { xsrfCookies: true }));
  });
  after(() => server.close());

  it("sets the _xsrf cookie on first use, equal to the token, unquoted and with Path=/", async () => {
    const response = await server.fetch("/token");
    const body = response.json() as { token: string; same: boolean; form: string };
    assert.match(body.token, /^2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d{10}$/);
    assert.equal(body.same, true);
    assert.equal(response.headers.getList("Set-Cookie").length, 1);
    assert.equal(xsrfLine(response), `_xsrf=${body.token}; Path=/`);
    assert.equal(body.form, `<input type="hidden" name="_xsrf" value="${body.token}"/>`);
  });

  it("re-masks the cookie's secret on every request without setting the cookie again", async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const response = await server.fetch("/token", { headers: { Cookie: `_xsrf=${COOKIE_A}` } });
      assert.equal(xsrfLine(response), undefined);
      const { token } = response.json() as { token: string };
      const decoded = decodeXsrfToken(token)!;
      assert.deepEqual(decoded.token, RAW_A);
      assert.equal(decoded.timestamp, 1700000000, "the cookie's timestamp is kept");
      assert.notEqual(token, COOKIE_A);
      tokens.add(token);
    }
    assert.equal(tokens.size, 3);
  });

  it("keeps a version 1 cookie's secret and stamps the token with the current time", async () => {
    const before = Math.trunc(Date.now() / 1000);
    const response = await server.fetch("/token", {
      headers: { Cookie: "_xsrf=000102030405060708090a0b0c0d0e0f" },
    });
    const decoded = decodeXsrfToken((response.json() as { token: string }).token)!;
    assert.deepEqual(decoded.token, RAW_A);
    assert.ok(decoded.timestamp >= before);
    assert.equal(xsrfLine(response), undefined);
  });

  it("replaces a cookie that does not decode", async () => {
    const response = await server.fetch("/token", { headers: { Cookie: "_xsrf=3|zz" } });
    const { token } = response.json() as { token: string };
    assert.equal(xsrfLine(response), `_xsrf=${token}; Path=/`);
  });

  it("gives the cookie 30 days when a user is logged in", async () => {
    const line = xsrfLine(await server.fetch("/logged-in"))!;
    assert.match(line, /^_xsrf=2\|[^;]+; expires=[^;]+ GMT; Path=\/$/);
    const expires = Date.parse(/expires=([^;]+)/.exec(line)![1]!);
    assert.ok(Math.abs(expires - (Date.now() + 30 * 86400_000)) < 5000);
  });

  it("sets the cookie from a handler constructor, as the tutorial's StaticFileHandler does", async () => {
    const response = await server.fetch("/index.html");
    assert.equal(response.text, "index");
    assert.match(xsrfLine(response)!, /^_xsrf=2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d{10}; Path=\/$/);
  });
});

describe("XSRF settings", () => {
  it("writes version 1 tokens with xsrfCookieVersion 1", async () => {
    await withServer({ xsrfCookieVersion: 1 }, async (server) => {
      const response = await server.fetch("/token");
      const { token } = response.json() as { token: string };
      assert.match(token, /^[0-9a-f]{32}$/);
      assert.equal(xsrfLine(response), `_xsrf=${token}; Path=/`);
    });
  });

  it("passes xsrfCookieKwargs to the cookie", async () => {
    const settings = { xsrfCookieKwargs: { httpOnly: true, secure: true, expiresDays: 5 } };
    await withServer(settings, async (server) => {
      const line = xsrfLine(await server.fetch("/logged-in"))!;
      assert.match(line, /^_xsrf=2\|[^;]+; expires=[^;]+ GMT; HttpOnly; Path=\/; Secure$/);
      const expires = Date.parse(/expires=([^;]+)/.exec(line)![1]!);
      assert.ok(Math.abs(expires - (Date.now() + 5 * 86400_000)) < 5000, "5 days, not 30");
    });
  });

  it("uses xsrfCookieName for the cookie (a __Host- prefixed name)", async () => {
    const settings: ApplicationSettings = {
      xsrfCookies: true,
      xsrfCookieName: "__Host-xsrf",
      xsrfCookieKwargs: { secure: true },
    };
    await withServer(settings, async (server) => {
      const first = await server.fetch("/token");
      const { token } = first.json() as { token: string };
      assert.equal(xsrfLine(first, "__Host-xsrf"), `__Host-xsrf=${token}; Path=/; Secure`);
      assert.equal(xsrfLine(first, "_xsrf"), undefined);
      const posted = await server.fetch("/form", {
        body: `_xsrf=${encodeURIComponent(token)}`,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Cookie: `__Host-xsrf=${token}`,
        },
      });
      assert.equal(posted.text, "posted");
      const logs = captureLogs();
      try {
        const wrongCookie = await server.fetch("/form", {
          body: `_xsrf=${encodeURIComponent(token)}`,
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Cookie: `_xsrf=${token}`,
          },
        });
        assert.equal(wrongCookie.code, 403);
      } finally {
        logs.stop();
      }
    });
  });
});

describe("checkXsrfCookie", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application(routes(), { xsrfCookies: true }));
  });
  after(() => server.close());

  const form = { "Content-Type": "application/x-www-form-urlencoded" };

  async function expect403(
    path: string,
    init: Parameters<TestServer["fetch"]>[1],
    message: string,
  ): Promise<void> {
    const logs = captureLogs();
    try {
      const response = await server.fetch(path, init);
      assert.equal(response.code, 403);
      assert.equal(
        response.text,
        "<html><title>403: Forbidden</title><body>403: Forbidden</body></html>",
      );
      const method = init?.method ?? "POST";
      assert.ok(
        logs.has(`403 ${method} ${path} (127.0.0.1): ${message}`, "tornado.general"),
        logs.records.map((r) => r.message).join("\n"),
      );
    } finally {
      logs.stop();
    }
  }

  it("refuses a POST without a token, saying POST whatever the method", async () => {
    await expect403("/form", { body: "a=1", headers: form }, "'_xsrf' argument missing from POST");
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      await expect403(
        "/form",
        { method, body: "a=1", headers: { ...form, Cookie: `_xsrf=${COOKIE_A}` } },
        "'_xsrf' argument missing from POST",
      );
    }
  });

  it("does not check GET, HEAD and OPTIONS", async () => {
    assert.equal((await server.fetch("/form")).code, 200);
    assert.equal((await server.fetch("/form", { method: "HEAD" })).code, 200);
    assert.equal((await server.fetch("/form", { method: "OPTIONS" })).text, "options");
  });

  it("accepts the token from the body, the query, X-Xsrftoken or X-Csrftoken", async () => {
    const token = encodeXsrfToken(RAW_A);
    const cookie = `_xsrf=${COOKIE_A}`;
    const variants: Parameters<TestServer["fetch"]>[1][] = [
      { body: `_xsrf=${encodeURIComponent(token)}&a=1`, headers: { ...form, Cookie: cookie } },
      { body: `_xsrf=${encodeURIComponent(` ${token} `)}`, headers: { ...form, Cookie: cookie } },
      { body: "", headers: { Cookie: cookie, "X-XSRFToken": token } },
      { body: "{}", headers: { Cookie: cookie, "X-CSRFToken": token } },
      { body: "x", headers: { Cookie: cookie, "X-Xsrftoken": COOKIE_A } },
    ];
    for (const init of variants) {
      const response = await server.fetch("/form", init);
      assert.equal(response.text, "posted", JSON.stringify(init));
    }
    const query = await server.fetch(`/form?_xsrf=${encodeURIComponent(token)}`, {
      method: "DELETE",
      headers: { Cookie: cookie },
    });
    assert.equal(query.text, "deleted");
  });

  it("compares only the secrets: a version 1 token matches a version 2 cookie and back", async () => {
    const v1 = "000102030405060708090a0b0c0d0e0f";
    const a = await server.fetch("/form", {
      body: `_xsrf=${v1}`,
      headers: { ...form, Cookie: `_xsrf=${COOKIE_A}` },
    });
    assert.equal(a.text, "posted");
    const b = await server.fetch("/form", {
      method: "PUT",
      body: "",
      headers: { Cookie: `_xsrf=${v1}`, "X-Xsrftoken": `${COOKIE_A.slice(0, -10)}1` },
    });
    assert.equal(b.text, "put");
  });

  it("refuses a token that does not decode", async () => {
    for (const bad of ["3|zz", "2|deadbeef|zz|1", "2|deadbeef||1"]) {
      await expect403(
        "/form",
        {
          body: `_xsrf=${encodeURIComponent(bad)}`,
          headers: { ...form, Cookie: `_xsrf=${COOKIE_A}` },
        },
        "'_xsrf' argument has invalid format",
      );
    }
  });

  it("refuses a token for another secret, and any token when there is no cookie", async () => {
    const other = encodeXsrfToken(Buffer.alloc(16, 7));
    await expect403(
      "/form",
      {
        body: `_xsrf=${encodeURIComponent(other)}`,
        headers: { ...form, Cookie: `_xsrf=${COOKIE_A}` },
      },
      "XSRF cookie does not match POST argument",
    );
    await expect403(
      "/form",
      { body: `_xsrf=${encodeURIComponent(COOKIE_A)}`, headers: form },
      "XSRF cookie does not match POST argument",
    );
  });

  it("answers 404, not 403, for a POST to an unknown URL", async () => {
    const logs = captureLogs();
    try {
      assert.equal((await server.fetch("/nowhere", { body: "a=1", headers: form })).code, 404);
    } finally {
      logs.stop();
    }
  });

  it("can be overridden per handler, also with an async check", async () => {
    assert.equal((await server.fetch("/exempt", { body: "", headers: form })).text, "posted");
    const allowed = await server.fetch("/async-check", {
      body: "",
      headers: { "X-Api-Key": "let-me-in" },
    });
    assert.equal(allowed.text, "posted");
    await expect403(
      "/async-check",
      { body: "", headers: form },
      "'_xsrf' argument missing from POST",
    );
  });

  it("runs the whole form flow: GET a form, POST it back with the cookie", async () => {
    const page = await server.fetch("/form");
    const token = /name="_xsrf" value="([^"]+)"/.exec(page.text)![1]!;
    const cookie = xsrfLine(page)!.split(";")[0]!;
    const posted = await server.fetch("/form", {
      body: `_xsrf=${encodeURIComponent(token)}&username=sunck`,
      headers: { ...form, Cookie: cookie },
    });
    assert.equal(posted.text, "posted");
  });
});

describe("without xsrfCookies", () => {
  it("does not check anything", async () => {
    await withServer({}, async (server) => {
      assert.equal((await server.fetch("/form", { body: "a=1" })).text, "posted");
    });
  });
});
