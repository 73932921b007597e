// Interop with real Python Tornado sharing one cookieSecret: signed values and XSRF tokens made by
// either side are accepted by the other, for versions 1 and 2 and with key rotation (DESIGN.md
// section 5). First the library functions side by side, then two live servers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type TestResponse, TestServer } from "tornado-ts/testing";
import {
  Application,
  type ApplicationSettings,
  type CookieSecret,
  createSignedValue,
  decodeSignedValueBytes,
  getSignatureKeyVersion,
  RequestHandler,
} from "tornado-ts/web";
import { runPython, startTornado, type TornadoProcess } from "../support/python-tornado.ts";

const SECRET = "12oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=";
const KEYS = { 0: "ajklasdf0ojaisdf", 1: "aslkjasaolwkjsdf", 2: "n3w-k3y-f0r-2026" };

interface Case {
  secret: CookieSecret;
  name: string;
  value: Buffer;
  version: 1 | 2;
  keyVersion?: number;
  clock: number;
}

const CASES: Case[] = [];
for (const version of [1, 2] as const) {
  for (const [name, value] of [
    ["user", Buffer.from("alice@example.com")],
    ["session", Buffer.from([0, 1, 0xff, 0x62, 0x69, 0x6e])],
    ["zhangmanyu", Buffer.from("nice")],
    ["unicode", Buffer.from("好 😀 café")],
    ["empty", Buffer.alloc(0)],
    ["long", Buffer.alloc(700, "x")],
    ["pipes", Buffer.from("a|b|c:3|")],
  ] as const) {
    CASES.push({ secret: SECRET, name, value, version, clock: 1700000000 });
  }
  CASES.push({
    secret: "secret with spaces & ünïcode",
    name: "n",
    value: Buffer.from("v"),
    version,
    clock: 1300000000.7,
  });
}
for (const keyVersion of [0, 1, 2]) {
  CASES.push({
    secret: KEYS,
    name: "rot",
    value: Buffer.from(`k${keyVersion}`),
    version: 2,
    keyVersion,
    clock: 1700000000,
  });
}

/** A JSON literal Python can read as a string. */
function pyJson(value: unknown): string {
  return JSON.stringify(JSON.stringify(value));
}

const PY_HELPERS = `
import base64, json
from tornado.web import create_signed_value, decode_signed_value, get_signature_key_version
def secret_of(s):
    return {int(k): v for k, v in s.items()} if isinstance(s, dict) else s
`;

describe("signed values, compared with Python Tornado", () => {
  let fromTornado: string[];
  before(async () => {
    const cases = CASES.map((c) => ({ ...c, value: c.value.toString("base64") }));
    const out = await runPython(`${PY_HELPERS}
cases = json.loads(${pyJson(cases)})
print(json.dumps([create_signed_value(secret_of(c["secret"]), c["name"], base64.b64decode(c["value"]),
    version=c["version"], clock=lambda c=c: c["clock"], key_version=c.get("keyVersion")).decode("latin1")
    for c in cases]))
`);
    fromTornado = JSON.parse(out) as string[];
  });

  for (const [i, c] of CASES.entries()) {
    const label = `${c.name}, version ${c.version}${c.keyVersion === undefined ? "" : `, key ${c.keyVersion}`}`;
    it(`signs ${label} byte for byte as Tornado, and decodes Tornado's value`, () => {
      const mine = createSignedValue(c.secret, c.name, c.value, {
        version: c.version,
        clock: () => c.clock,
        ...(c.keyVersion === undefined ? {} : { keyVersion: c.keyVersion }),
      });
      assert.equal(mine, fromTornado[i]);
      const decoded = decodeSignedValueBytes(c.secret, c.name, fromTornado[i], {
        clock: () => c.clock + 86400,
      });
      assert.deepEqual(decoded, c.value);
      const logs = captureLogs();
      try {
        assert.equal(
          decodeSignedValueBytes(c.secret, `${c.name}x`, fromTornado[i], { clock: () => c.clock }),
          null,
        );
      } finally {
        logs.stop();
      }
      assert.equal(
        getSignatureKeyVersion(fromTornado[i]),
        c.version === 2 ? (c.keyVersion ?? 0) : null,
      );
    });
  }

  it("has Tornado accept values tornado-ts signs now, and refuse them under another name", async () => {
    const made = CASES.map((c) => ({
      secret: c.secret,
      name: c.name,
      value: c.value.toString("base64"),
      signed: createSignedValue(c.secret, c.name, c.value, {
        version: c.version,
        ...(c.keyVersion === undefined ? {} : { keyVersion: c.keyVersion }),
      }),
    }));
    const out = await runPython(`${PY_HELPERS}
cases = json.loads(${pyJson(made)})
res = []
for c in cases:
    ok = decode_signed_value(secret_of(c["secret"]), c["name"], c["signed"])
    other = decode_signed_value(secret_of(c["secret"]), c["name"] + "x", c["signed"])
    res.append([None if ok is None else base64.b64encode(ok).decode(), other])
print(json.dumps(res))
`);
    const results = JSON.parse(out) as [string | null, null][];
    for (const [i, [decoded, other]] of results.entries()) {
      assert.equal(decoded, made[i]!.value, made[i]!.signed);
      assert.equal(other, null);
    }
  });

  it("agrees with Tornado on key rotation: a retired key reads as absent on both sides", async () => {
    const old = createSignedValue({ 5: "retired" }, "rot", "x", { keyVersion: 5 });
    const out = await runPython(`${PY_HELPERS}
keys = secret_of(json.loads(${pyJson(KEYS)}))
print(json.dumps([decode_signed_value(keys, "rot", ${JSON.stringify(old)}), get_signature_key_version(${JSON.stringify(old)})]))
`);
    assert.deepEqual(JSON.parse(out), [null, 5]);
    assert.equal(decodeSignedValueBytes(KEYS, "rot", old), null);
  });
});

// ---- two live servers sharing a secret ---------------------------------------------------------

const TORNADO_APP = (settings: string) => `
import json

class SetCookie(tornado.web.RequestHandler):
    def get(self):
        self.set_secure_cookie("user", self.get_argument("value"), version=int(self.get_argument("version", "2")))
        self.write("ok")

class GetCookie(tornado.web.RequestHandler):
    def get(self):
        v = self.get_secure_cookie("user")
        self.write(json.dumps({"value": None if v is None else v.decode("utf-8"),
                               "keyVersion": self.get_secure_cookie_key_version("user")}))

class Form(tornado.web.RequestHandler):
    def get(self):
        self.write(self.xsrf_form_html())
    def post(self):
        self.write("posted")

app = tornado.web.Application([("/set", SetCookie), ("/get", GetCookie), ("/form", Form)], ${settings})
`;

class SetHandler extends RequestHandler {
  override get() {
    this.setSecureCookie("user", this.getArgument("value"), {
      version: Number(this.getArgument("version", "2")),
    });
    this.write("ok");
  }
}

class GetHandler extends RequestHandler {
  override get() {
    this.write(
      JSON.stringify({
        value: this.getSecureCookie("user"),
        keyVersion: this.getSecureCookieKeyVersion("user"),
      }),
    );
  }
}

class FormHandler extends RequestHandler {
  override get() {
    this.write(this.xsrfFormHtml());
  }
  override post() {
    this.write("posted");
  }
}

interface Pair {
  tornado: TornadoProcess;
  ours: TestServer;
}

/** The first Set-Cookie `name=value` pair of a response, as a browser would send it back. */
function cookiePair(response: TestResponse, name: string): string {
  const line = response.headers.getList("Set-Cookie").find((l) => l.startsWith(`${name}=`));
  assert.ok(line, `no ${name} cookie in ${JSON.stringify(response.headers.getList("Set-Cookie"))}`);
  return line.split(";")[0]!;
}

function formToken(response: TestResponse): string {
  const match = /<input type="hidden" name="_xsrf" value="([^"]+)"\/>/.exec(response.text);
  assert.ok(match, response.text);
  return match[1]!.replaceAll("&#39;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
}

async function startPair(python: string, settings: ApplicationSettings): Promise<Pair> {
  const tornado = await startTornado(TORNADO_APP(python));
  const ours = await TestServer.start(
    new Application(
      [
        ["/set", SetHandler],
        ["/get", GetHandler],
        ["/form", FormHandler],
      ],
      settings,
    ),
  );
  return { tornado, ours };
}

const SERVER_SETUPS: {
  label: string;
  python: string;
  settings: ApplicationSettings;
  xsrfVersion: 1 | 2;
}[] = [
  {
    label: "one secret, XSRF version 2",
    python: `cookie_secret=${JSON.stringify(SECRET)}, xsrf_cookies=True`,
    settings: { cookieSecret: SECRET, xsrfCookies: true },
    xsrfVersion: 2,
  },
  {
    label: "one secret, XSRF version 1",
    python: `cookie_secret=${JSON.stringify(SECRET)}, xsrf_cookies=True, xsrf_cookie_version=1`,
    settings: { cookieSecret: SECRET, xsrfCookies: true, xsrfCookieVersion: 1 },
    xsrfVersion: 1,
  },
  {
    label: "rotated keys (Tornado signs with key 2, tornado-ts with key 1)",
    python: `cookie_secret={0: ${JSON.stringify(KEYS[0])}, 1: ${JSON.stringify(KEYS[1])}, 2: ${JSON.stringify(KEYS[2])}}, key_version=2, xsrf_cookies=True`,
    settings: { cookieSecret: KEYS, keyVersion: 1, xsrfCookies: true },
    xsrfVersion: 2,
  },
];

for (const setup of SERVER_SETUPS) {
  describe(`a Tornado server and a tornado-ts server with ${setup.label}`, () => {
    let pair: Pair;
    before(async () => {
      pair = await startPair(setup.python, setup.settings);
    });
    after(async () => {
      await pair.ours.close();
      await pair.tornado.close();
    });

    for (const version of [1, 2]) {
      if (version === 1 && setup.label.startsWith("rotated")) continue;
      it(`read each other's version ${version} signed cookies`, async () => {
        const { tornado, ours } = pair;
        const value = "alice 好";
        const query = `/set?value=${encodeURIComponent(value)}&version=${version}`;
        const fromTornado = cookiePair(await ours.fetch(tornado.url(query)), "user");
        const fromOurs = cookiePair(await ours.fetch(query), "user");
        const expectKey = (signer: "tornado" | "ours") =>
          version === 1
            ? null
            : setup.label.startsWith("rotated")
              ? signer === "tornado"
                ? 2
                : 1
              : 0;
        assert.deepEqual((await ours.fetch("/get", { headers: { Cookie: fromTornado } })).json(), {
          value,
          keyVersion: expectKey("tornado"),
        });
        assert.deepEqual(
          (await ours.fetch(tornado.url("/get"), { headers: { Cookie: fromOurs } })).json(),
          { value, keyVersion: expectKey("ours") },
        );
      });
    }

    it(`accept each other's XSRF cookies and tokens (version ${setup.xsrfVersion})`, async () => {
      const { tornado, ours } = pair;
      const theirPage = await ours.fetch(tornado.url("/form"));
      const ourPage = await ours.fetch("/form");
      const sources = [
        { cookie: cookiePair(theirPage, "_xsrf"), token: formToken(theirPage) },
        { cookie: cookiePair(ourPage, "_xsrf"), token: formToken(ourPage) },
      ];
      const pattern =
        setup.xsrfVersion === 2 ? /^2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d+$/ : /^[0-9a-f]{32}$/;
      for (const { token } of sources) assert.match(token, pattern);
      for (const { cookie, token } of sources) {
        for (const target of [tornado.url("/form"), ours.url("/form")]) {
          const body = await ours.fetch(target, {
            body: `_xsrf=${encodeURIComponent(token)}`,
            headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
          });
          assert.equal(body.text, "posted", `${target} with ${cookie} and ${token}`);
          const header = await ours.fetch(target, {
            body: "",
            headers: { Cookie: cookie, "X-Xsrftoken": token },
          });
          assert.equal(header.text, "posted");
        }
      }
      // A page served with an existing cookie carries a re-masked token that both sides accept.
      const cookie = sources[0]!.cookie;
      const remasked = formToken(await ours.fetch("/form", { headers: { Cookie: cookie } }));
      const theirs = await ours.fetch(tornado.url("/form"), {
        body: `_xsrf=${encodeURIComponent(remasked)}`,
        headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      });
      assert.equal(theirs.text, "posted");
    });

    it("both refuse a token that does not match the cookie", async () => {
      const { tornado, ours } = pair;
      const page = await ours.fetch(tornado.url("/form"));
      const otherPage = await ours.fetch("/form");
      const logs = captureLogs();
      try {
        for (const target of [tornado.url("/form"), ours.url("/form")]) {
          const response = await ours.fetch(target, {
            body: `_xsrf=${encodeURIComponent(formToken(otherPage))}`,
            headers: {
              Cookie: cookiePair(page, "_xsrf"),
              "Content-Type": "application/x-www-form-urlencoded",
            },
          });
          assert.equal(response.code, 403, target);
        }
      } finally {
        logs.stop();
      }
    });
  });
}
