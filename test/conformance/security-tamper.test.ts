// The tamper suite: thousands of mutated signed cookies and XSRF tokens (flipped bits, truncated
// fields, wrong lengths, swapped names and fields, expired timestamps, other secrets, junk), made
// from a fixed seed. tornado-ts must reject every one without throwing, in the library and over
// HTTP; Python Tornado is asked about the same signed values as a cross-check.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import {
  Application,
  type CookieSecret,
  createSignedValue,
  decodeSignedValueBytes,
  decodeXsrfToken,
  encodeXsrfToken,
  getSignatureKeyVersion,
  RequestHandler,
  xsrfTokensMatch,
} from "tornado-ts/web";
import { runPython } from "../support/python-tornado.ts";

const SEED = 0x5eed_2026;
const NOW = 1700000000;
const SECRET = "12oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=";
const KEYS = { 0: "ajklasdf0ojaisdf", 1: "aslkjasaolwkjsdf" };

/** mulberry32: a small deterministic generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (n: number): number => Math.floor(random() * n);
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");

interface Original {
  secret: CookieSecret;
  name: string;
  signed: string;
  version: 1 | 2;
}

const ORIGINALS: Original[] = [];
for (const version of [1, 2] as const) {
  for (const [name, value] of [
    ["user", "alice"],
    ["zhangmanyu", "nice"],
    ["session", "x".repeat(40)],
    ["id", "42"],
  ]) {
    ORIGINALS.push({
      secret: SECRET,
      name: name!,
      version,
      signed: createSignedValue(SECRET, name!, value!, { version, clock: () => NOW }),
    });
  }
}
for (const keyVersion of [0, 1]) {
  ORIGINALS.push({
    secret: KEYS,
    name: "rot",
    version: 2,
    signed: createSignedValue(KEYS, "rot", "k", { keyVersion, clock: () => NOW }),
  });
}

type Mutation = (o: Original) => { value: string; name: string };

function replaceAt(text: string, index: number, ch: string): string {
  return text.slice(0, index) + ch + text.slice(index + 1);
}

const SIGNED_MUTATIONS: Record<string, Mutation> = {
  "flipped bit": (o) => {
    const bytes = Buffer.from(o.signed, "latin1");
    const i = int(bytes.length);
    bytes[i] = bytes[i]! ^ (1 << int(7));
    return { value: bytes.toString("latin1"), name: o.name };
  },
  "replaced character": (o) => {
    const i = int(o.signed.length);
    let ch = pick([...PRINTABLE]);
    if (ch === o.signed[i]) ch = ch === "a" ? "b" : "a";
    return { value: replaceAt(o.signed, i, ch), name: o.name };
  },
  truncated: (o) => ({ value: o.signed.slice(0, int(o.signed.length)), name: o.name }),
  "deleted character": (o) => {
    const i = int(o.signed.length);
    return { value: o.signed.slice(0, i) + o.signed.slice(i + 1), name: o.name };
  },
  "inserted character": (o) => {
    const i = int(o.signed.length + 1);
    return {
      value: o.signed.slice(0, i) + pick([..."|:0aZ=/+ "]) + o.signed.slice(i),
      name: o.name,
    };
  },
  "duplicated field": (o) => {
    const parts = o.signed.split("|");
    const i = int(parts.length);
    parts.splice(i, 0, parts[i]!);
    return { value: parts.join("|"), name: o.name };
  },
  "swapped fields": (o) => {
    const parts = o.signed.split("|");
    const i = int(parts.length);
    let j = int(parts.length);
    if (j === i) j = (i + 1) % parts.length;
    if (parts[i] === parts[j]) parts[i] = `${parts[i]}x`;
    [parts[i], parts[j]] = [parts[j]!, parts[i]!];
    return { value: parts.join("|"), name: o.name };
  },
  "wrong length prefix": (o) => {
    if (o.version === 1) return { value: `${o.signed}|${int(100)}`, name: o.name };
    const parts = o.signed.split("|");
    const i = 1 + int(4);
    const [length, ...rest] = parts[i]!.split(":");
    const delta = pick([-2, -1, 1, 2, 10]);
    parts[i] = [String(Math.max(0, Number(length) + delta)), ...rest].join(":");
    return { value: parts.join("|"), name: o.name };
  },
  "swapped name": (o) => ({
    value: o.signed,
    name: pick(["admin", `${o.name}x`, o.name.toUpperCase(), ""]),
  }),
  "expired timestamp": (o) => ({
    value: createSignedValue(o.secret, o.name, "v", {
      version: o.version,
      clock: () => NOW - 31 * 86400 - 1 - int(10 * 365 * 86400),
      keyVersion: getSignatureKeyVersion(o.signed),
    }),
    name: o.name,
  }),
  "other secret": (o) => ({
    value: createSignedValue(`other-${int(1e9)}`, o.name, "v", {
      version: o.version,
      clock: () => NOW,
    }),
    name: o.name,
  }),
  "other version prefix": (o) => ({
    value: `${pick(["1", "3", "02", "999", "1000", "0", "-2"])}|${o.signed.replace(/^2\|/, "")}`,
    name: o.name,
  }),
  "upper-case signature": (o) => {
    const cut = o.signed.lastIndexOf("|") + 1;
    return { value: o.signed.slice(0, cut) + o.signed.slice(cut).toUpperCase(), name: o.name };
  },
  "shifted separator": (o) => {
    // Version 1 signs name + value + timestamp with no separators, so moving a "|" keeps the
    // signature valid; the value must still be refused.
    const parts = o.signed.split("|");
    if (parts.length < 3) return { value: `${o.signed}|`, name: o.name };
    const moved = `${parts[0]}${parts[1]![0]}|${parts[1]!.slice(1)}|${parts.slice(2).join("|")}`;
    return { value: moved, name: o.name };
  },
  "other key version": (o) => ({
    value: o.signed.replace(
      /^2\|1:(\d)/,
      (_m, k: string) => `2|1:${(Number(k) + 1 + int(8)) % 10}`,
    ),
    name: o.name,
  }),
  junk: () => ({
    value: pick([
      "",
      " ",
      "|",
      "||",
      "2|",
      "2||||",
      "\u0000",
      "2|1:0|10:1700000000|4:user|8:YWxpY2U=|",
      "好好好",
      "2|99999999999999999999:0|",
      "%00",
      Array.from({ length: int(200) }, () => pick([...PRINTABLE])).join(""),
    ]),
    name: "user",
  }),
};

interface Mutant {
  kind: string;
  secret: CookieSecret;
  name: string;
  value: string;
}

function signedMutants(count: number): Mutant[] {
  const kinds = Object.keys(SIGNED_MUTATIONS);
  const out: Mutant[] = [];
  for (let i = 0; out.length < count; i++) {
    const original = ORIGINALS[i % ORIGINALS.length]!;
    const kind = kinds[i % kinds.length]!;
    const { value, name } = SIGNED_MUTATIONS[kind]!(original);
    if (value === original.signed && name === original.name) continue;
    out.push({ kind, secret: original.secret, name, value });
  }
  return out;
}

const MUTANTS = signedMutants(3000);

function withLogs<T>(body: (logs: LogCapture) => T): T {
  const logs = captureLogs();
  try {
    return body(logs);
  } finally {
    logs.stop();
  }
}

describe("tampered signed values", () => {
  it("start from values that do decode", () => {
    for (const o of ORIGINALS) {
      assert.notEqual(
        decodeSignedValueBytes(o.secret, o.name, o.signed, { clock: () => NOW }),
        null,
      );
    }
  });

  it(`reject all ${MUTANTS.length} mutants without throwing (seed ${SEED.toString(16)})`, () => {
    const kinds = new Map<string, number>();
    withLogs(() => {
      for (const m of MUTANTS) {
        let result: Buffer | null = null;
        assert.doesNotThrow(
          () => {
            result = decodeSignedValueBytes(m.secret, m.name, m.value, { clock: () => NOW });
          },
          `${m.kind}: ${JSON.stringify(m.value)}`,
        );
        assert.equal(result, null, `${m.kind} accepted: ${JSON.stringify(m.value)} as ${m.name}`);
        assert.doesNotThrow(() => getSignatureKeyVersion(m.value));
        kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
      }
    });
    assert.equal(kinds.size, Object.keys(SIGNED_MUTATIONS).length);
    for (const [kind, n] of kinds) assert.ok(n >= 100, `${kind}: only ${n}`);
  });

  it("are refused by Python Tornado too (where it does not raise)", async () => {
    const sample = MUTANTS.filter((m) => typeof m.secret === "string").slice(0, 1500);
    // Too large for a command-line argument: the cases go through a file.
    const file = join(mkdtempSync(join(tmpdir(), "tamper-")), "cases.json");
    writeFileSync(file, JSON.stringify(sample.map((m) => [m.name, m.value])));
    const out = await runPython(`
import json, logging
logging.disable(logging.CRITICAL)
from tornado.web import decode_signed_value
with open(${JSON.stringify(file)}, encoding="utf-8") as f:
    cases = json.load(f)
accepted, raised = [], 0
for name, value in cases:
    try:
        if decode_signed_value(${JSON.stringify(SECRET)}, name, value, clock=lambda: ${NOW}) is not None:
            accepted.append(value)
    except Exception:
        raised += 1
print(json.dumps({"accepted": accepted, "raised": raised}))
`);
    const result = JSON.parse(out) as { accepted: string[]; raised: number };
    rmSync(dirname(file), { recursive: true, force: true });
    assert.deepEqual(result.accepted, []);
  });
});

// ---- XSRF tokens -------------------------------------------------------------------------------

const RAW = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
const COOKIE = encodeXsrfToken(RAW, { mask: Buffer.from("deadbeef", "hex"), timestamp: NOW });

const XSRF_MUTATIONS: Record<string, (token: string) => string> = {
  "flipped hex digit": (token) => {
    const [v, mask, masked, stamp] = token.split("|") as [string, string, string, string];
    const field = int(2) === 0 ? mask : masked;
    const i = int(field.length);
    const digit = "0123456789abcdef".replace(field[i]!, "");
    const changed = replaceAt(field, i, pick([...digit]));
    return [v, field === mask ? changed : mask, field === masked ? changed : masked, stamp].join(
      "|",
    );
  },
  "truncated token": (token) => token.slice(0, 2 + int(token.length - 12)),
  "wrong token length": (token) => {
    const [v, mask, masked, stamp] = token.split("|") as [string, string, string, string];
    const cut = 2 * (1 + int(15));
    return [
      v,
      mask,
      int(2) ? masked.slice(0, cut) : `${masked}${masked.slice(0, cut)}`,
      stamp,
    ].join("|");
  },
  "non-hex": (token) => {
    const parts = token.split("|");
    const i = 1 + int(2);
    parts[i] = replaceAt(parts[i]!, int(parts[i]!.length), pick([..."gxz-+ Gq"]));
    return parts.join("|");
  },
  "bad timestamp": (token) =>
    token.replace(/\|[^|]*$/, `|${pick(["", "x", "1.5", "1e9", "--1", "١"])}`),
  "extra field": (token) => `${token}|${int(10)}`,
  "unknown version": (token) => token.replace(/^2/, pick(["1", "3", "22", "9"])),
  "other secret": () => encodeXsrfToken(Buffer.from(Array.from({ length: 16 }, () => int(256)))),
  "v1 other secret": () => Buffer.from(Array.from({ length: 16 }, () => int(256))).toString("hex"),
};

function xsrfMutants(count: number): { kind: string; token: string }[] {
  const kinds = Object.keys(XSRF_MUTATIONS);
  const out: { kind: string; token: string }[] = [];
  for (let i = 0; out.length < count; i++) {
    const kind = kinds[i % kinds.length]!;
    const token = XSRF_MUTATIONS[kind]!(encodeXsrfToken(RAW, { timestamp: NOW }));
    out.push({ kind, token });
  }
  return out;
}

const XSRF_MUTANTS = xsrfMutants(1800);

describe("tampered XSRF tokens", () => {
  it(`never carry the cookie's secret and never throw (${XSRF_MUTANTS.length} mutants)`, () => {
    let refused = 0;
    for (const { kind, token } of XSRF_MUTANTS) {
      let decoded: ReturnType<typeof decodeXsrfToken> = null;
      assert.doesNotThrow(() => {
        decoded = decodeXsrfToken(token);
      });
      const matches =
        decoded !== null && xsrfTokensMatch((decoded as { token: Buffer }).token, RAW);
      assert.equal(matches, false, `${kind}: ${token} still carries the secret`);
      refused++;
    }
    assert.ok(refused >= 1000);
  });
});

// ---- over HTTP ---------------------------------------------------------------------------------

class ReadHandler extends RequestHandler {
  override get() {
    this.write({ value: this.getSecureCookie(this.getArgument("name")) });
  }
}

class PostHandler extends RequestHandler {
  override post() {
    this.write("posted");
  }
}

describe("tampered cookies and tokens over HTTP", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application(
        [
          ["/read", ReadHandler],
          ["/post", PostHandler],
        ],
        { cookieSecret: SECRET, xsrfCookies: true },
      ),
    );
  });
  after(() => server.close());

  it("read every tampered signed cookie as absent, never a 500", async () => {
    const sample = MUTANTS.filter(
      (m) =>
        typeof m.secret === "string" && m.name !== "" && !/[\x00-\x1f\x7f-\uffff;,]/.test(m.value),
    ).slice(0, 400);
    assert.ok(sample.length >= 300);
    const logs = captureLogs();
    try {
      for (const m of sample) {
        const quoted = `"${m.value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
        const response = await server.fetch(`/read?name=${encodeURIComponent(m.name)}`, {
          headers: { Cookie: `${m.name}=${quoted}` },
        });
        assert.equal(response.code, 200, `${m.kind}: ${m.value}`);
        assert.deepEqual(response.json(), { value: null }, `${m.kind}: ${m.value}`);
      }
      assert.equal(logs.of("tornado.application").length, 0);
    } finally {
      logs.stop();
    }
  });

  it("refuse every tampered XSRF token with a 403, never a 500", async () => {
    const logs = captureLogs();
    try {
      for (const { kind, token } of XSRF_MUTANTS.slice(0, 300)) {
        const response = await server.fetch("/post", {
          body: `_xsrf=${encodeURIComponent(token)}`,
          headers: {
            Cookie: `_xsrf=${COOKIE}`,
            "Content-Type": "application/x-www-form-urlencoded",
          },
        });
        assert.equal(response.code, 403, `${kind}: ${token}`);
      }
      const messages = new Set(
        logs.of("tornado.general").map((r) => r.message.replace(/^.*: /, "")),
      );
      assert.deepEqual([...messages].sort(), [
        "'_xsrf' argument has invalid format",
        "XSRF cookie does not match POST argument",
      ]);
      assert.equal(logs.of("tornado.application").length, 0);
    } finally {
      logs.stop();
    }
  });

  it("still accepts the untampered token", async () => {
    const response = await server.fetch("/post", {
      body: `_xsrf=${encodeURIComponent(encodeXsrfToken(RAW))}`,
      headers: { Cookie: `_xsrf=${COOKIE}`, "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(response.text, "posted");
  });
});
