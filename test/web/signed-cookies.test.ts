import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type TestResponse, TestServer } from "tornado-ts/testing";
import {
  Application,
  type ApplicationSettings,
  createSignedValue,
  decodeSignedValue,
  MissingSettingError,
  RequestHandler,
} from "tornado-ts/web";

const SECRET = "qzEK3FRNRDuUtz0NoL1FMH7Rr8A1KkTIv81BkdsCkvI=";

class SetHandler extends RequestHandler {
  override get() {
    const version = this.getArgument("version", null);
    const days = this.getArgument("days", null);
    this.setSecureCookie("zhangmanyu", this.getArgument("value", "nice"), {
      ...(version === null ? {} : { version: Number(version) }),
      ...(days === null ? {} : { expiresDays: days === "session" ? null : Number(days) }),
    });
    this.write("ok");
  }
}

class SignedAliasHandler extends RequestHandler {
  override get() {
    this.setSignedCookie("alias", "v", { httpOnly: true, sameSite: "Lax" });
    this.write(String(this.getSignedCookie("alias")));
  }
}

class GetHandler extends RequestHandler {
  override get() {
    const maxAgeDays = this.getArgument("maxAgeDays", null);
    const minVersion = this.getArgument("minVersion", null);
    const value = this.getSecureCookie("zhangmanyu", {
      ...(maxAgeDays === null ? {} : { maxAgeDays: Number(maxAgeDays) }),
      ...(minVersion === null ? {} : { minVersion: Number(minVersion) }),
    });
    this.write({ value, keyVersion: this.getSecureCookieKeyVersion("zhangmanyu") });
  }
}

class ExplicitValueHandler extends RequestHandler {
  override get() {
    const signed = this.createSignedValue("token", "explicit");
    this.write({
      signed,
      decoded: this.getSignedCookie("token", { value: signed }),
      wrongName: this.getSignedCookie("other", { value: signed }),
      keyVersion: this.getSignedCookieKeyVersion("token", signed),
    });
  }
}

function routes(): [string, typeof RequestHandler][] {
  return [
    ["/set", SetHandler],
    ["/get", GetHandler],
    ["/alias", SignedAliasHandler],
    ["/explicit", ExplicitValueHandler],
  ];
}

function cookieLine(response: TestResponse, name: string): string {
  const line = response.headers.getList("Set-Cookie").find((l) => l.startsWith(`${name}=`));
  assert.ok(line, `no Set-Cookie for ${name}`);
  return line;
}

/** The cookie value as the browser stores and sends it back (quotes and all). */
function wireValue(line: string): string {
  return line.slice(line.indexOf("=") + 1, line.indexOf(";"));
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

describe("signed cookies on a handler", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application(routes(), { cookieSecret: SECRET }));
  });
  after(() => server.close());

  it("sets a version 2 signed cookie, quoted, lasting 30 days, as the tutorial dissects it", async () => {
    const response = await server.fetch("/set");
    const line = cookieLine(response, "zhangmanyu");
    assert.match(
      line,
      /^zhangmanyu="2\|1:0\|10:\d{10}\|10:zhangmanyu\|8:bmljZQ==\|[0-9a-f]{64}"; expires=[^;]+ GMT; Path=\/$/,
    );
    const expires = Date.parse(/expires=([^;]+)/.exec(line)![1]!);
    const inThirtyDays = Date.now() + 30 * 86400_000;
    assert.ok(Math.abs(expires - inThirtyDays) < 5000, "expires 30 days from now");
    const value = wireValue(line).slice(1, -1);
    assert.equal(decodeSignedValue(SECRET, "zhangmanyu", value), "nice");
  });

  it("reads the cookie back, quoted or not, and returns text", async () => {
    const line = cookieLine(await server.fetch("/set"), "zhangmanyu");
    const quoted = wireValue(line);
    for (const sent of [quoted, quoted.slice(1, -1)]) {
      const response = await server.fetch("/get", { headers: { Cookie: `zhangmanyu=${sent}` } });
      assert.deepEqual(response.json(), { value: "nice", keyVersion: 0 });
    }
  });

  it("round-trips UTF-8 text", async () => {
    const line = cookieLine(
      await server.fetch("/set?value=%E5%A5%BD%20%F0%9F%98%80"),
      "zhangmanyu",
    );
    const response = await server.fetch("/get", {
      headers: { Cookie: `zhangmanyu=${wireValue(line)}` },
    });
    assert.deepEqual(response.json(), { value: "好 😀", keyVersion: 0 });
  });

  it("writes version 1 when asked, and minVersion 2 then refuses it", async () => {
    const line = cookieLine(await server.fetch("/set?version=1"), "zhangmanyu");
    assert.match(line, /^zhangmanyu="bmljZQ==\|\d{10}\|[0-9a-f]{40}"/);
    const cookie = { Cookie: `zhangmanyu=${wireValue(line)}` };
    assert.deepEqual((await server.fetch("/get", { headers: cookie })).json(), {
      value: "nice",
      keyVersion: null,
    });
    assert.deepEqual((await server.fetch("/get?minVersion=2", { headers: cookie })).json(), {
      value: null,
      keyVersion: null,
    });
  });

  it("makes a session cookie with expiresDays null and honours other day counts", async () => {
    const session = cookieLine(await server.fetch("/set?days=session"), "zhangmanyu");
    assert.doesNotMatch(session, /expires=/);
    const twoDays = cookieLine(await server.fetch("/set?days=2"), "zhangmanyu");
    const expires = Date.parse(/expires=([^;]+)/.exec(twoDays)![1]!);
    assert.ok(Math.abs(expires - (Date.now() + 2 * 86400_000)) < 5000);
  });

  it("reads missing, tampered, renamed, expired and foreign cookies as null", async () => {
    const now = () => Date.now() / 1000;
    const good = createSignedValue(SECRET, "zhangmanyu", "nice");
    const cases = [
      undefined,
      good.replace(/.$/, (c) => (c === "0" ? "1" : "0")),
      good.replace("8:bmljZQ==", "8:bmljZR=="),
      createSignedValue(SECRET, "other", "nice"),
      createSignedValue(SECRET, "zhangmanyu", "nice", { clock: () => now() - 32 * 86400 }),
      createSignedValue("another secret", "zhangmanyu", "nice"),
      "garbage",
      "2|1:0|",
    ];
    const logs = captureLogs();
    try {
      for (const value of cases) {
        const headers: Record<string, string> = value ? { Cookie: `zhangmanyu="${value}"` } : {};
        const response = await server.fetch("/get", { headers });
        assert.equal(response.code, 200);
        assert.equal((response.json() as { value: unknown }).value, null, String(value));
      }
    } finally {
      logs.stop();
    }
  });

  it("applies maxAgeDays on the server side", async () => {
    const old = createSignedValue(SECRET, "zhangmanyu", "nice", {
      clock: () => Date.now() / 1000 - 3 * 86400,
    });
    const headers = { Cookie: `zhangmanyu="${old}"` };
    assert.equal(
      ((await server.fetch("/get", { headers })).json() as { value: unknown }).value,
      "nice",
    );
    assert.equal(
      ((await server.fetch("/get?maxAgeDays=2", { headers })).json() as { value: unknown }).value,
      null,
    );
  });

  it("offers Tornado 6.3's names with the same behaviour", async () => {
    const response = await server.fetch("/alias");
    assert.match(cookieLine(response, "alias"), /; HttpOnly; Path=\/; SameSite=Lax$/);
    // Only request cookies are read, never those being set.
    assert.equal(response.text, "null");
  });

  it("signs and checks explicit values with the handler's secret", async () => {
    const body = (await server.fetch("/explicit")).json() as Record<string, unknown>;
    assert.equal(decodeSignedValue(SECRET, "token", body["signed"] as string), "explicit");
    assert.equal(body["decoded"], "explicit");
    assert.equal(body["wrongName"], null);
    assert.equal(body["keyVersion"], 0);
  });
});

describe("signed cookies with key rotation", () => {
  const keys = { 0: "old-secret", 1: "new-secret" };

  it("signs with keyVersion and reads values signed with any key in the map", async () => {
    await withServer({ cookieSecret: keys, keyVersion: 1 }, async (server) => {
      const line = cookieLine(await server.fetch("/set"), "zhangmanyu");
      assert.match(line, /^zhangmanyu="2\|1:1\|/);
      const fresh = wireValue(line);
      const old = createSignedValue(keys, "zhangmanyu", "old", { keyVersion: 0 });
      assert.deepEqual(
        (await server.fetch("/get", { headers: { Cookie: `zhangmanyu=${fresh}` } })).json(),
        { value: "nice", keyVersion: 1 },
      );
      assert.deepEqual(
        (await server.fetch("/get", { headers: { Cookie: `zhangmanyu="${old}"` } })).json(),
        { value: "old", keyVersion: 0 },
      );
      const retired = createSignedValue({ 7: "gone" }, "zhangmanyu", "x", { keyVersion: 7 });
      assert.deepEqual(
        (await server.fetch("/get", { headers: { Cookie: `zhangmanyu="${retired}"` } })).json(),
        { value: null, keyVersion: 7 },
      );
    });
  });

  it("needs the keyVersion setting to sign with a map", async () => {
    await withServer({ cookieSecret: keys }, async (server) => {
      const logs = captureLogs();
      try {
        const response = await server.fetch("/set");
        assert.equal(response.code, 500);
        const error = logs.records
          .map((r) => r.error)
          .find((e) => e instanceof MissingSettingError);
        assert.ok(error instanceof MissingSettingError);
        assert.equal(error.setting, "keyVersion");
      } finally {
        logs.stop();
      }
    });
  });
});

describe("signed cookies without a cookieSecret", () => {
  it("fail with a MissingSettingError naming cookieSecret", async () => {
    await withServer({}, async (server) => {
      for (const path of ["/set", "/get", "/explicit"]) {
        const logs = captureLogs();
        try {
          const response = await server.fetch(path);
          assert.equal(response.code, 500);
          const error = logs.records
            .map((r) => r.error)
            .find((e) => e instanceof MissingSettingError);
          assert.ok(error instanceof MissingSettingError, path);
          assert.equal(error.setting, "cookieSecret");
          assert.match(error.message, /You must define the 'cookieSecret' setting/);
        } finally {
          logs.stop();
        }
      }
    });
  });
});
