// Signed cookies made by real Python Tornado 6.2 and sent to a tornado-ts handler: where Tornado is
// lax (a timestamp years ahead, a key version a one-secret application never writes, version 1 when
// the application wants only version 2), tornado-ts refuses; where Tornado is right, both agree.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { runPython } from "../support/python-tornado.ts";

const SECRET = "a one-secret application's cookie secret";

interface Vector {
  /** The signed value Tornado made. */
  value: string;
  /** What Tornado's own decode_signed_value returned (null for None). */
  tornado: string | null;
  /** The same with min_version=2. */
  tornadoMin2: string | null;
}

// Made now, against the system clock, since the server checks against it too.
const PYTHON = `
import json, time
from tornado.web import create_signed_value, decode_signed_value
secret = ${JSON.stringify(SECRET)}
now = time.time()
def make(**kw):
    clock = kw.pop("clock", lambda: now)
    value = create_signed_value(secret, "user", "alice", clock=clock, **kw).decode()
    def dec(**opts):
        out = decode_signed_value(secret, "user", value, **opts)
        return None if out is None else out.decode()
    return {"value": value, "tornado": dec(), "tornadoMin2": dec(min_version=2)}
print(json.dumps({
    "current": make(),
    "tenYearsAhead": make(clock=lambda: now + 10 * 365 * 86400),
    "twelveHoursAhead": make(clock=lambda: now + 12 * 3600),
    "twoDaysAheadV1": make(version=1, clock=lambda: now + 2 * 86400),
    "keyVersion3": make(key_version=3),
    "keyVersion0": make(key_version=0),
    "version1": make(version=1),
}))
`;

class UserHandler extends RequestHandler {
  override get() {
    this.write({ user: this.getSecureCookie("user") });
  }
}

describe("signed values Tornado accepts and tornado-ts refuses", () => {
  let vectors: Record<string, Vector>;
  let server: TestServer;
  let strict: TestServer;
  let logs: LogCapture;

  before(async () => {
    vectors = JSON.parse(await runPython(PYTHON)) as Record<string, Vector>;
    logs = captureLogs();
    const routes: [string, typeof UserHandler][] = [["/user", UserHandler]];
    server = await TestServer.start(new Application(routes, { cookieSecret: SECRET }));
    strict = await TestServer.start(
      new Application(routes, { cookieSecret: SECRET, minSignedValueVersion: 2 }),
    );
  });

  after(async () => {
    await server.close();
    await strict.close();
    logs.stop();
  });

  async function userFrom(on: TestServer, value: string): Promise<string | null> {
    const response = await on.fetch("/user", { headers: { Cookie: `user="${value}"` } });
    assert.equal(response.code, 200);
    return response.json<{ user: string | null }>().user;
  }

  it("accepts a current value, as Tornado", async () => {
    assert.equal(vectors["current"]!.tornado, "alice");
    assert.equal(await userFrom(server, vectors["current"]!.value), "alice");
  });

  it("refuses a value stamped ten years ahead (Tornado accepts it), logging once without it", async () => {
    const vector = vectors["tenYearsAhead"]!;
    assert.equal(vector.tornado, "alice", "Tornado 6.2 accepts it");
    const before = logs.records.length;
    assert.equal(await userFrom(server, vector.value), null);
    const lines = logs.records.slice(before).filter((record) => record.levelName === "WARNING");
    const refusals = lines.filter((record) => record.message.includes("timestamp in future"));
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]!.name, "tornado.general");
    assert.match(
      refusals[0]!.message,
      /^Cookie timestamp in future; possible tampering: signed value "user" refused, its timestamp is 3650 days/,
    );
    assert.ok(!refusals[0]!.message.includes(vector.value.split("|")[5]!), "no signature logged");
    assert.ok(!refusals[0]!.message.includes("YWxpY2U"), "no payload logged");
  });

  it("accepts a value stamped twelve hours ahead (a clock a little off), as Tornado", async () => {
    assert.equal(vectors["twelveHoursAhead"]!.tornado, "alice");
    assert.equal(await userFrom(server, vectors["twelveHoursAhead"]!.value), "alice");
  });

  it("refuses a version 1 value two days ahead (Tornado allows 31 days)", async () => {
    const vector = vectors["twoDaysAheadV1"]!;
    assert.equal(vector.tornado, "alice");
    assert.equal(await userFrom(server, vector.value), null);
    assert.ok(logs.has('signed value "user" refused, its timestamp is 2 days ahead'));
  });

  it("refuses a value naming key version 3 with one secret (Tornado ignores the field)", async () => {
    const vector = vectors["keyVersion3"]!;
    assert.match(vector.value, /^2\|1:3\|/);
    assert.equal(vector.tornado, "alice");
    assert.equal(await userFrom(server, vector.value), null);
  });

  it("accepts key version 0, the one a one-secret application writes", async () => {
    assert.equal(vectors["keyVersion0"]!.tornado, "alice");
    assert.equal(await userFrom(server, vectors["keyVersion0"]!.value), "alice");
  });

  it("accepts version 1 by default, and refuses it with minSignedValueVersion 2, as Tornado's min_version", async () => {
    const vector = vectors["version1"]!;
    assert.equal(vector.tornado, "alice");
    assert.equal(vector.tornadoMin2, null);
    assert.equal(await userFrom(server, vector.value), "alice");
    assert.equal(await userFrom(strict, vector.value), null);
    assert.equal(await userFrom(strict, vectors["current"]!.value), "alice");
  });
});
