import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { captureLogs } from "tornado-ts/testing";
import {
  createSignedValue,
  decodeSignedValue,
  decodeSignedValueBytes,
  getSignatureKeyVersion,
  SignedValueError,
} from "tornado-ts/web";
import { signedCookieOptions } from "../../src/web/signed-value.ts";

const at = (seconds: number) => () => seconds;
const DAY = 86400;
const SECRET1 = "12oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=";
const UPSTREAM = "It's a secret to everybody";
const ROTATING = { 0: "ajklasdf0ojaisdf", 1: "aslkjasaolwkjsdf" };

// tornado-behaviour.md section 1.7: produced by real Tornado 6.2 with a fixed clock.
const VECTORS: {
  secret: string | Record<number, string>;
  name: string;
  value: string | Uint8Array;
  clock: number;
  version: number;
  keyVersion?: number;
  result: string;
}[] = [
  {
    secret: SECRET1,
    name: "foo",
    value: "bar",
    clock: 1300000000,
    version: 2,
    result:
      "2|1:0|10:1300000000|3:foo|4:YmFy|7919d42402d4e0dfcbb25d3be41e1b90864d6b5ac6c1850279fa1e8af6b8b0e0",
  },
  {
    secret: "secret",
    name: "user",
    value: "alice@example.com",
    clock: 1700000000,
    version: 2,
    result:
      "2|1:0|10:1700000000|4:user|24:YWxpY2VAZXhhbXBsZS5jb20=|127eca446ee3c76ba57c0a4420c316e2427840a196aed23d7743c3170b56e748",
  },
  {
    secret: "s3cr3t-key",
    name: "session",
    value: Uint8Array.from([0x00, 0x01, 0xff, 0x62, 0x69, 0x6e, 0x61, 0x72, 0x79]),
    clock: 1234567890,
    version: 2,
    result:
      "2|1:0|10:1234567890|7:session|12:AAH/YmluYXJ5|51ce18e7af46fcb46e94ca71ce735e3c8341a31a03451c0c9af100b92764f1ea",
  },
  {
    secret: SECRET1,
    name: "foo",
    value: "bar",
    clock: 1300000000,
    version: 1,
    result: "YmFy|1300000000|18be302eb409e6193f24c35d341d2931d6db2410",
  },
  {
    secret: "secret",
    name: "user",
    value: "alice@example.com",
    clock: 1700000000,
    version: 1,
    result: "YWxpY2VAZXhhbXBsZS5jb20=|1700000000|70dc20d29b95e3900eb388a102640e3f878f2b94",
  },
  {
    secret: ROTATING,
    keyVersion: 1,
    name: "foo",
    value: "bar",
    clock: 1300000000,
    version: 2,
    result:
      "2|1:1|10:1300000000|3:foo|4:YmFy|918d2de6b494a9d1a93cd17cc9658172055f4e3e18b436826b53370bcd0cb11d",
  },
  {
    secret: UPSTREAM,
    name: "key",
    value: "value",
    clock: 1300000000,
    version: 2,
    result:
      "2|1:0|10:1300000000|3:key|8:dmFsdWU=|3d4e60b996ff9c5d5788e333a0cba6f238a22c6c0f94788870e1a9ecd482e152",
  },
  {
    secret: UPSTREAM,
    name: "key",
    value: "value",
    clock: 1300000000,
    version: 1,
    result: "dmFsdWU=|1300000000|31c934969f53e48164c50768b40cbd7e2daaaa4f",
  },
];

describe("createSignedValue", () => {
  for (const [i, v] of VECTORS.entries()) {
    it(`reproduces Tornado's test vector ${i + 1} (version ${v.version})`, () => {
      const signed = createSignedValue(v.secret, v.name, v.value, {
        version: v.version,
        clock: at(v.clock),
        ...(v.keyVersion === undefined ? {} : { keyVersion: v.keyVersion }),
      });
      assert.equal(signed, v.result);
    });
  }

  it("signs version 2 by default with HMAC-SHA256 over everything up to the last '|'", () => {
    const signed = createSignedValue(SECRET1, "foo", "bar", { clock: at(1300000000) });
    const cut = signed.lastIndexOf("|") + 1;
    const expected = createHmac("sha256", SECRET1).update(signed.slice(0, cut)).digest("hex");
    assert.equal(signed.slice(cut), expected);
    assert.ok(signed.startsWith("2|1:0|10:1300000000|3:foo|4:YmFy|"));
  });

  it("truncates a fractional clock to whole seconds", () => {
    const signed = createSignedValue("k", "n", "v", { clock: at(1300000000.99) });
    assert.match(signed, /^2\|1:0\|10:1300000000\|/);
  });

  it("uses the system clock by default", () => {
    const before = Math.trunc(Date.now() / 1000);
    const signed = createSignedValue("k", "n", "v");
    const stamp = Number(signed.split("|")[2]!.split(":")[1]);
    assert.ok(stamp >= before && stamp <= before + 2);
  });

  it("writes a key version given with a plain secret, and signs with that secret", () => {
    const signed = createSignedValue("k", "n", "v", { clock: at(1300000000), keyVersion: 7 });
    assert.match(signed, /^2\|1:7\|/);
    const cut = signed.lastIndexOf("|") + 1;
    const expected = createHmac("sha256", "k").update(signed.slice(0, cut)).digest("hex");
    assert.equal(signed.slice(cut), expected);
    // With one secret only key version 0 decodes (Tornado ignores the field then).
    assert.equal(decodeSignedValue("k", "n", signed, { clock: at(1300000000) }), null);
  });

  it("measures a non-ASCII name in characters, so the value never decodes (as in Tornado)", () => {
    const signed = createSignedValue("k", "né", "v", { clock: at(1300000000) });
    assert.match(signed, /\|2:né\|/);
    assert.equal(decodeSignedValue("k", "né", signed, { clock: at(1300000000) }), null);
    // A character outside the BMP is one character (two UTF-16 units), a lone surrogate one too.
    const emoji = createSignedValue("k", "a\u{1f600}\ud800", "v", { clock: at(1300000000) });
    assert.match(emoji, /\|3:a\u{1f600}\ud800\|/u);
  });

  it("signs and decodes byte values that are views into a larger buffer", () => {
    const backing = Buffer.from("xxbar-bytesyy");
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 9);
    const clock = at(1300000000);
    const signed = createSignedValue("k", "n", view, { clock });
    assert.equal(decodeSignedValue("k", "n", signed, { clock }), "bar-bytes");
    const wrapped = Buffer.from(`..${signed}..`);
    const inner = wrapped.subarray(2, wrapped.length - 2);
    assert.equal(decodeSignedValue("k", "n", inner, { clock }), "bar-bytes");
    assert.equal(getSignatureKeyVersion(inner), 0);
  });

  it("signs with the bytes a byte key holds now, after it was changed in place", () => {
    const key = new Uint8Array([1, 2, 3, 4]);
    const sigOf = (signed: string) => signed.slice(signed.lastIndexOf("|") + 1);
    const hmac = (k: Uint8Array, signed: string) =>
      createHmac("sha256", k)
        .update(signed.slice(0, signed.lastIndexOf("|") + 1))
        .digest("hex");
    const first = createSignedValue(key, "n", "v", { clock: at(1300000000) });
    assert.equal(sigOf(first), hmac(new Uint8Array([1, 2, 3, 4]), first));
    key[0] = 9;
    const second = createSignedValue(key, "n", "v", { clock: at(1300000000) });
    assert.equal(sigOf(second), hmac(new Uint8Array([9, 2, 3, 4]), second));
    assert.equal(decodeSignedValue(key, "n", first, { clock: at(1300000000) }), null);
    assert.equal(decodeSignedValue(key, "n", second, { clock: at(1300000000) }), "v");
  });

  it("keeps many secrets apart, more than are kept ready, and an empty key works", () => {
    const clock = at(1300000000);
    const secrets = Array.from({ length: 200 }, (_, i) => `secret-${i}`);
    for (let round = 0; round < 2; round++) {
      for (const [i, secret] of secrets.entries()) {
        const signed = createSignedValue(secret, "n", `v${i}`, { clock });
        const cut = signed.lastIndexOf("|") + 1;
        const expected = createHmac("sha256", secret).update(signed.slice(0, cut)).digest("hex");
        assert.equal(signed.slice(cut), expected);
        assert.equal(decodeSignedValue(secrets[(i + 1) % 200]!, "n", signed, { clock }), null);
      }
    }
    const empty = createSignedValue("", "n", "v", { clock });
    const cut = empty.lastIndexOf("|") + 1;
    assert.equal(
      empty.slice(cut),
      createHmac("sha256", "").update(empty.slice(0, cut)).digest("hex"),
    );
  });

  it("refuses unsupported versions and key maps it cannot use", () => {
    assert.throws(() => createSignedValue("k", "n", "v", { version: 3 }), {
      name: "SignedValueError",
      message: "Unsupported version 3",
    });
    assert.throws(() => createSignedValue(ROTATING, "n", "v"), SignedValueError);
    assert.throws(
      () => createSignedValue(ROTATING, "n", "v", { version: 1, keyVersion: 1 }),
      SignedValueError,
    );
    assert.throws(() => createSignedValue(ROTATING, "n", "v", { keyVersion: 9 }), {
      message: "No key for key version 9 in the secret map",
    });
  });
});

describe("decodeSignedValue", () => {
  for (const [i, v] of VECTORS.entries()) {
    it(`decodes Tornado's test vector ${i + 1}`, () => {
      const bytes = decodeSignedValueBytes(v.secret, v.name, v.result, { clock: at(v.clock) });
      const expected =
        typeof v.value === "string" ? Buffer.from(v.value, "utf8") : Buffer.from(v.value);
      assert.deepEqual(bytes, expected);
    });
  }

  it("returns text, and bytes through decodeSignedValueBytes", () => {
    const v = VECTORS[1]!;
    assert.equal(decodeSignedValue(v.secret, v.name, v.result, { clock: at(v.clock) }), v.value);
    assert.ok(
      Buffer.isBuffer(decodeSignedValueBytes(v.secret, v.name, v.result, { clock: at(v.clock) })),
    );
  });

  it("accepts a value exactly maxAgeDays old and refuses it one second later (version 2)", () => {
    const v = VECTORS[0]!;
    const opts = (clock: number) => ({ clock: at(clock) });
    assert.equal(decodeSignedValue(SECRET1, "foo", v.result, opts(1300000000 + 31 * DAY)), "bar");
    assert.equal(
      decodeSignedValue(SECRET1, "foo", v.result, opts(1300000000 + 31 * DAY + 1)),
      null,
    );
    assert.equal(
      decodeSignedValue(SECRET1, "foo", v.result, {
        clock: at(1300000000 + 2 * DAY),
        maxAgeDays: 1,
      }),
      null,
    );
    assert.equal(
      decodeSignedValue(SECRET1, "foo", v.result, { clock: at(1300000000 + DAY), maxAgeDays: 1 }),
      "bar",
    );
  });

  it("refuses version 2 timestamps more than a day in the future (Tornado has no limit)", () => {
    const v = VECTORS[0]!;
    assert.equal(
      decodeSignedValue(SECRET1, "foo", v.result, { clock: at(1300000000 - DAY) }),
      "bar",
    );
    const logs = captureLogs();
    try {
      assert.equal(
        decodeSignedValue(SECRET1, "foo", v.result, { clock: at(1300000000 - DAY - 1) }),
        null,
      );
      assert.equal(logs.records.length, 1);
      assert.match(
        logs.records[0]!.message,
        /^Cookie timestamp in future; possible tampering: signed value "foo" refused, its timestamp is 1 days/,
      );
    } finally {
      logs.stop();
    }
  });

  it("refuses another name, another secret and an unknown key version", () => {
    const v = VECTORS[0]!;
    assert.equal(decodeSignedValue(SECRET1, "other", v.result, { clock: at(1300000000) }), null);
    assert.equal(decodeSignedValue("wrong", "foo", v.result, { clock: at(1300000000) }), null);
    const rotated = VECTORS[5]!;
    assert.equal(
      decodeSignedValue({ 0: "x" }, "foo", rotated.result, { clock: at(1300000000) }),
      null,
    );
    assert.equal(
      decodeSignedValue(ROTATING, "foo", rotated.result, { clock: at(1300000000) }),
      "bar",
    );
  });

  it("decodes values signed with an older key of a rotated secret map", () => {
    const old = createSignedValue(ROTATING, "foo", "bar", { keyVersion: 0, clock: at(1300000000) });
    const rotated = { ...ROTATING, 2: "newest-key" };
    assert.equal(decodeSignedValue(rotated, "foo", old, { clock: at(1300000000) }), "bar");
    assert.equal(getSignatureKeyVersion(old), 0);
  });

  it("honours minVersion and refuses unsupported ones", () => {
    const v1 = VECTORS[3]!;
    const v2 = VECTORS[0]!;
    const clock = at(1300000000);
    assert.equal(decodeSignedValue(SECRET1, "foo", v1.result, { clock, minVersion: 2 }), null);
    assert.equal(decodeSignedValue(SECRET1, "foo", v2.result, { clock, minVersion: 2 }), "bar");
    assert.throws(() => decodeSignedValue(SECRET1, "foo", v2.result, { minVersion: 3 }), {
      name: "SignedValueError",
      message: "Unsupported min_version 3",
    });
  });

  it("reads empty, unknown-version and malformed values as null", () => {
    const clock = at(1300000000);
    for (const value of [null, undefined, "", "3|1:0|stuff", "2|", "2|1:0", "2|x:0|", "|||"]) {
      assert.equal(decodeSignedValue(SECRET1, "foo", value, { clock }), null);
    }
  });

  it("logs version 1 failures with Tornado's messages", () => {
    const v = VECTORS[7]!;
    const logs = captureLogs();
    try {
      assert.equal(
        decodeSignedValue(UPSTREAM, "key", v.result, { clock: at(1300000000 + 32 * DAY) }),
        null,
      );
      assert.ok(logs.has(`Expired cookie b'${v.result}'`, "tornado.general"));
      const forged = v.result.replace(/.$/, "0");
      assert.equal(decodeSignedValue(UPSTREAM, "key", forged, { clock: at(1300000000) }), null);
      assert.ok(logs.has(`Invalid cookie signature b'${forged}'`));
      assert.equal(
        decodeSignedValue(UPSTREAM, "key", v.result, { clock: at(1300000000 - 32 * DAY) }),
        null,
      );
      assert.equal(logs.has('signed value "key" refused, its timestamp is 32 days ahead'), true);
    } finally {
      logs.stop();
    }
  });

  it("refuses a version 1 value whose timestamp has a leading zero", () => {
    const stamp = "01300000000";
    const encoded = "dmFsdWU=";
    const sig = createHmac("sha1", UPSTREAM).update(`key${encoded}${stamp}`).digest("hex");
    const logs = captureLogs();
    try {
      assert.equal(
        decodeSignedValue(UPSTREAM, "key", `${encoded}|${stamp}|${sig}`, { clock: at(1300000000) }),
        null,
      );
      assert.ok(logs.has("Tampered cookie"));
    } finally {
      logs.stop();
    }
  });
});

describe("getSignatureKeyVersion", () => {
  it("reads the key version of version 2 values only", () => {
    assert.equal(getSignatureKeyVersion(VECTORS[5]!.result), 1);
    assert.equal(getSignatureKeyVersion(VECTORS[0]!.result), 0);
    assert.equal(getSignatureKeyVersion(VECTORS[3]!.result), null);
    assert.equal(getSignatureKeyVersion("2|garbage"), null);
    assert.equal(getSignatureKeyVersion(null), null);
  });
});

describe("signedCookieOptions", () => {
  it("defaults expiresDays to 30 and drops a null one, in a copy with every other key", () => {
    const options = { httpOnly: true, path: "/app", custom: 1 };
    const copy = signedCookieOptions(options);
    assert.notEqual(copy, options);
    assert.deepEqual(copy, { httpOnly: true, path: "/app", custom: 1, expiresDays: 30 });
    assert.deepEqual(options, { httpOnly: true, path: "/app", custom: 1 });
    const session = signedCookieOptions({ secure: true, expiresDays: null, version: 1 });
    assert.deepEqual(session, { secure: true, expiresDays: undefined, version: 1 });
    const given = { expiresDays: 2 };
    assert.equal(signedCookieOptions(given), given);
  });

  it("keeps an own __proto__ key a plain key of the copy", () => {
    const options = JSON.parse('{"__proto__": {"domain": "evil.example"}, "httpOnly": true}');
    const copy = signedCookieOptions(options);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.equal(copy.domain, undefined);
    assert.ok(Object.hasOwn(copy, "__proto__"));
    assert.equal(copy.expiresDays, 30);
  });
});
