// tornado-ts/testing under Vitest, as a user's project uses it: an application served on a real
// socket by TestServer, the same requests in memory through InProcessClient, XSRF and signed
// cookies across requests, and log expectations. Run by `npm test` (vitest run).

import { genLog } from "tornado-ts/log";
import {
  captureLogs,
  expectLog,
  InProcessClient,
  installLogGuard,
  TestServer,
} from "tornado-ts/testing";
import { Application, authenticated, HTTPError, RequestHandler } from "tornado-ts/web";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

class HelloHandler extends RequestHandler {
  override get() {
    this.write({ hello: this.getQueryArgument("name", "world") });
  }
}

class LoginHandler extends RequestHandler {
  override get() {
    this.write(this.xsrfFormHtml());
  }

  override post() {
    this.setSignedCookie("user", this.getBodyArgument("name"), { httpOnly: true, sameSite: "Lax" });
    this.redirect("/me");
  }
}

class MeHandler extends RequestHandler {
  override getCurrentUser() {
    return this.getSignedCookie("user");
  }

  @authenticated
  override get() {
    this.write(`you are ${this.currentUser}`);
  }
}

class BrokenHandler extends RequestHandler {
  override get() {
    genLog.warning("about to fail");
    throw new HTTPError(503, "the database is away");
  }
}

function makeApp(): Application {
  return new Application(
    [
      ["/", HelloHandler],
      ["/login", LoginHandler],
      ["/me", MeHandler],
      ["/broken", BrokenHandler],
    ],
    { cookieSecret: "a secret for tests", xsrfCookies: true, loginUrl: "/login" },
  );
}

// As the project's node:test suites do: a warning no test expected fails the test.
const guard = installLogGuard();
afterEach(() => guard.check());

describe("TestServer (a real socket)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start(makeApp());
  });
  afterAll(() => server.close());

  it("serves JSON on 127.0.0.1", async () => {
    const response = await server.fetch("/?name=vitest");
    expect(server.url("/")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(response.code).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json; charset=UTF-8");
    expect(response.json()).toEqual({ hello: "vitest" });
  });

  it("signs in through an XSRF-protected form and reads the signed cookie back", async () => {
    const denied = await server.fetch("/me");
    expect(denied.code).toBe(302);
    expect(denied.headers.get("Location")).toBe("/login?next=%2Fme");

    const form = await server.fetch("/login");
    const xsrf = form.headers.getList("Set-Cookie").find((c) => c.startsWith("_xsrf="));
    const token = xsrf?.split(";")[0]?.slice("_xsrf=".length) ?? "";
    expect(form.text).toContain(`name="_xsrf" value="${token}"`);

    const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
    const forged = await expectLog(
      [/'_xsrf' argument missing from POST/, /^403 POST \/login/],
      () => server.fetch("/login", { body: "name=mallory", headers: FORM }),
    );
    expect(forged.code).toBe(403);

    const login = await server.fetch("/login", {
      body: new URLSearchParams({ _xsrf: token, name: "ada" }).toString(),
      headers: { ...FORM, Cookie: `_xsrf=${token}` },
    });
    expect(login.code).toBe(302);
    const user = login.headers.getList("Set-Cookie").find((c) => c.startsWith("user="));
    expect(user).toMatch(/; HttpOnly/);
    const me = await server.fetch("/me", { headers: { Cookie: user?.split(";")[0] ?? "" } });
    expect(me.text).toBe("you are ada");
  });

  it("answers a tampered cookie as signed out", async () => {
    const me = await server.fetch("/me", {
      headers: { Cookie: 'user="2|1:0|10:1|4:user|4:YWRh|00"' },
    });
    expect(me.code).toBe(302);
  });
});

describe("InProcessClient (no socket)", () => {
  const client = new InProcessClient(makeApp());
  afterAll(() => client.close());

  it("serves the same responses in memory", async () => {
    const response = await client.fetch("/?name=memory");
    expect(response.code).toBe(200);
    expect(response.json()).toEqual({ hello: "memory" });
  });

  it("reports handler errors with their status and logs", async () => {
    const logs = captureLogs();
    try {
      const response = await client.fetch("/broken");
      expect(response.code).toBe(503);
      expect(logs.has("about to fail", "tornado.general")).toBe(true);
      expect(logs.of("tornado.access").map((record) => record.message)).toEqual([
        expect.stringMatching(/^503 GET \/broken \(/),
      ]);
    } finally {
      logs.stop();
    }
  });
});
