// Property-based tests of the parsers the project owns. CI runs them with a fixed seed and a
// modest number of runs; `npm run fuzz` runs them longer with a fresh seed (FUZZ_RUNS, FUZZ_SEED).
// A failure prints the seed and the shrunk counterexample, which reproduce it.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { xhtmlEscape } from "tornado-ts/escape";
import {
  BodyParseError,
  type FileMap,
  HTTPServerRequest,
  parseCookie,
  parseHeaderParams,
  parseMultipartFormData,
  parseQsBytes,
  unquoteCookieValue,
} from "tornado-ts/httputil";
import { OptionError, OptionParser, parseTimedelta } from "tornado-ts/options";
import { ParseError, Template } from "tornado-ts/template";
import { captureLogs, type LogCapture } from "tornado-ts/testing";
import {
  createSignedValue,
  decodeSignedValue,
  decodeXsrfToken,
  encodeXsrfToken,
  HTTPError,
  MultipartStreamParser,
  quoteCookieValue,
  safeFilename,
  safeJoin,
} from "tornado-ts/web";

const SEED = Number(process.env.FUZZ_SEED ?? 424242);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const params = (scale = 1): fc.Parameters<unknown> => ({
  seed: SEED,
  numRuns: Math.max(10, Math.round(RUNS * scale)),
});

/** Any string, including lone surrogates, controls and characters outside the BMP. */
const anyText = fc.string({ unit: "binary", maxLength: 200 });
const latin1Text = fc.string({
  unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 120,
});
const tokenChar = fc.constantFrom(..."abcXYZ019!#$%&'*+-.^_`|~".split(""));
const tokenName = fc.string({ unit: tokenChar, minLength: 1, maxLength: 12 });
const protoNames = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
);
const argName = fc.oneof(protoNames, fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }));

describe("fuzz: query and form arguments", () => {
  it("parseQsBytes never throws and always returns a prototype-free map", () => {
    fc.assert(
      fc.property(anyText, (qs) => {
        const out = parseQsBytes(qs);
        assert.equal(Object.getPrototypeOf(out), null);
        for (const values of Object.values(out))
          for (const v of values) assert.ok(Buffer.isBuffer(v));
      }),
      params(),
    );
  });

  it("round-trips any names and values through percent-encoding, __proto__ included", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(argName, fc.string({ unit: "grapheme", maxLength: 20 })), {
          maxLength: 8,
        }),
        (pairs) => {
          const qs = pairs
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
            .join("&");
          const out = parseQsBytes(qs);
          const expected: Record<string, string[]> = Object.create(null);
          for (const [k, v] of pairs) {
            const list = expected[k] ?? [];
            list.push(v);
            expected[k] = list;
          }
          for (const k of Object.keys(expected)) {
            assert.deepEqual(
              out[k]!.map((b) => b.toString("utf8")),
              expected[k],
            );
          }
          assert.equal(Object.keys(out).length, Object.keys(expected).length);
          assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
        },
      ),
      params(),
    );
  });
});

describe("fuzz: cookies", () => {
  it("parseCookie never throws and returns a prototype-free map", () => {
    fc.assert(
      fc.property(latin1Text, (header) => {
        const out = parseCookie(header);
        assert.equal(Object.getPrototypeOf(out), null);
      }),
      params(),
    );
  });

  it("reads back what was written, the last value of each name winning", () => {
    const value = fc.string({
      unit: fc.constantFrom(..."abcXYZ0189!#$%&'*+-.^_`|~:/=?@".split("")),
      maxLength: 16,
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(tokenName, protoNames), value), { minLength: 1, maxLength: 6 }),
        (pairs) => {
          const out = parseCookie(pairs.map(([k, v]) => `${k}=${v}`).join("; "));
          const last = new Map(pairs);
          for (const [k, v] of last) assert.equal(out[k], v);
        },
      ),
      params(),
    );
  });

  it("unquotes every value it quotes (Latin-1 text)", () => {
    fc.assert(
      fc.property(latin1Text, (v) => {
        assert.equal(unquoteCookieValue(quoteCookieValue(v)), v);
      }),
      params(),
    );
  });
});

describe("fuzz: multipart bodies", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const field = fc.record({
    name: fc.oneof(
      protoNames,
      fc.string({ unit: fc.constantFrom(..."abcdefgh_-01".split("")), minLength: 1, maxLength: 8 }),
    ),
    filename: fc.option(
      fc.string({ unit: fc.constantFrom(..."abc. _-".split("")), minLength: 1, maxLength: 8 }),
      { nil: undefined },
    ),
    data: fc.uint8Array({ maxLength: 300 }),
  });
  const BOUNDARY = "fuzzBOUNDARYfuzz";
  const build = (
    parts: { name: string; filename: string | undefined; data: Uint8Array }[],
  ): Buffer =>
    Buffer.concat([
      ...parts.flatMap((p) => [
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}\r\n\r\n`,
        ),
        Buffer.from(p.data),
        Buffer.from("\r\n"),
      ]),
      Buffer.from(`--${BOUNDARY}--\r\n`),
    ]);
  // The parser splits on the boundary, so no generated value may contain it.
  const noBoundary = (parts: { data: Uint8Array }[]) =>
    parts.every(
      (p) =>
        !Buffer.from(p.data).includes(`--${BOUNDARY}`) && !Buffer.from(p.data).includes(BOUNDARY),
    );

  it("parseMultipartFormData only ever throws BodyParseError, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, framed) => {
        const body = framed
          ? Buffer.concat([
              Buffer.from(`--b\r\n`),
              Buffer.from(bytes),
              Buffer.from("\r\n--b--\r\n"),
            ])
          : Buffer.from(bytes);
        try {
          parseMultipartFormData("b", body, Object.create(null), Object.create(null));
        } catch (error) {
          assert.ok(error instanceof BodyParseError, String(error));
        }
      }),
      params(),
    );
  });

  it("parseHeaderParams never throws", () => {
    fc.assert(
      fc.property(anyText, (v) => void parseHeaderParams(v)),
      params(),
    );
  });

  it("the streaming parser agrees with the in-memory parser, however the body is split", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(field, { minLength: 1, maxLength: 5 }).filter(noBoundary),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }),
        async (parts, cuts) => {
          const body = build(parts);
          const args = Object.create(null) as Record<string, Buffer[]>;
          const files: FileMap = Object.create(null);
          parseMultipartFormData(BOUNDARY, body, args, files);
          const dir = mkdtempSync(join(tmpdir(), "tornado-ts-fuzz-"));
          dirs.push(dir);
          const request = fakeRequest(`multipart/form-data; boundary=${BOUNDARY}`);
          const parser = new MultipartStreamParser(request, { uploadDir: dir });
          let at = 0;
          for (let i = 0; at < body.length; i++) {
            const size = cuts[i % cuts.length]!;
            await parser.write(body.subarray(at, at + size));
            at += size;
          }
          const streamed = await parser.end();
          assert.deepEqual(
            Object.fromEntries(
              Object.entries(request.bodyArguments).map(([k, v]) => [
                k,
                v.map((b) => b.toString("hex")),
              ]),
            ),
            Object.fromEntries(
              Object.entries(args).map(([k, v]) => [k, v.map((b) => b.toString("hex"))]),
            ),
          );
          assert.deepEqual(
            Object.fromEntries(
              Object.entries(streamed).map(([k, v]) => [
                k,
                v.map((f) => [f.filename, readFileSync(f.path).toString("hex")]),
              ]),
            ),
            Object.fromEntries(
              Object.entries(files).map(([k, v]) => [
                k,
                v.map((f) => [f.filename, f.body.toString("hex")]),
              ]),
            ),
          );
          await parser.cleanup();
        },
      ),
      params(0.2),
    );
  });
});

function fakeRequest(contentType: string): HTTPServerRequest {
  const raw = {
    method: "POST",
    url: "/",
    httpVersion: "1.1",
    headers: { host: "x", "content-type": contentType },
    rawHeaders: ["Host", "x", "Content-Type", contentType],
  } as unknown as IncomingMessage;
  return new HTTPServerRequest(raw, undefined, { remoteIp: "127.0.0.1", protocol: "http" });
}

describe("fuzz: signed values and XSRF tokens", () => {
  const secret = "fuzz-secret-0123456789";
  // Version 1 values that fail to decode are logged as warnings, as in Tornado.
  let logs: LogCapture;
  before(() => {
    logs = captureLogs();
  });
  after(() => logs.stop());
  it("decodes every value it signs, under the same name only", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 60 }),
        tokenName,
        fc.constantFrom(1, 2) as fc.Arbitrary<1 | 2>,
        (value, name, version) => {
          const signed = createSignedValue(secret, name, value, {
            version,
            clock: () => 1_700_000_000,
          });
          const options = { clock: () => 1_700_000_100 };
          assert.equal(decodeSignedValue(secret, name, signed, options), value);
          assert.equal(decodeSignedValue(secret, `${name}x`, signed, options), null);
          assert.equal(decodeSignedValue(`${secret}x`, name, signed, options), null);
        },
      ),
      params(),
    );
  });

  it("rejects every one-character change of a signed value without throwing", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 32, max: 126 }),
        (value, index, code) => {
          const signed = createSignedValue(secret, "n", value, { clock: () => 1_700_000_000 });
          const at = index % signed.length;
          if (signed.charCodeAt(at) === code) return;
          const tampered = signed.slice(0, at) + String.fromCharCode(code) + signed.slice(at + 1);
          const decoded = decodeSignedValue(secret, "n", tampered, { clock: () => 1_700_000_100 });
          // A change inside the base64 padding region may decode to the same bytes; nothing else may pass.
          if (decoded !== null) assert.equal(decoded, value);
        },
      ),
      params(),
    );
  });

  it("returns null, never throws, for arbitrary signed-value input", () => {
    fc.assert(
      fc.property(anyText, (junk) => {
        const out = decodeSignedValue(secret, "n", junk);
        assert.ok(out === null || typeof out === "string");
      }),
      params(),
    );
  });

  it("round-trips XSRF tokens and never throws on arbitrary ones", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        anyText,
        (token, mask, junk) => {
          const encoded = encodeXsrfToken(token, { mask, timestamp: 1_700_000_000 });
          const decoded = decodeXsrfToken(encoded);
          assert.ok(decoded);
          assert.deepEqual(Buffer.from(decoded.token), Buffer.from(token));
          assert.equal(decoded.timestamp, 1_700_000_000);
          decodeXsrfToken(junk);
        },
      ),
      params(),
    );
  });
});

describe("fuzz: template lexer", () => {
  it("either compiles a template or throws a ParseError, whatever the source", () => {
    const pieces = fc.constantFrom(
      "{{",
      "}}",
      "{%",
      "%}",
      "{#",
      "#}",
      "{{!",
      "{%!",
      " if x ",
      " end ",
      " for a in b ",
      " block b ",
      " raw x ",
      " set a = 1 ",
      "x",
      "\n",
      "'",
      '"',
      "\\",
      "(",
      ")",
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(pieces, fc.string({ maxLength: 5 })), { maxLength: 20 }),
        (chunks) => {
          try {
            new Template(chunks.join(""));
          } catch (error) {
            assert.ok(
              error instanceof ParseError,
              `${(error as Error).name}: ${(error as Error).message}`,
            );
          }
        },
      ),
      params(),
    );
  });

  it("autoescapes any value written with {{ }}", () => {
    const template = new Template("<p>{{ value }}</p>");
    fc.assert(
      fc.property(anyText, (value) => {
        const out = template.generate({ value });
        assert.equal(out, `<p>${xhtmlEscape(value)}</p>`);
        assert.doesNotMatch(out.slice(3, -4), /[<>"']/);
      }),
      params(),
    );
  });
});

describe("fuzz: file names and paths from requests", () => {
  it("safeFilename always gives one short, safe, stable path segment", () => {
    fc.assert(
      fc.property(anyText, (name) => {
        const safe = safeFilename(name);
        assert.ok(safe.length > 0);
        assert.doesNotMatch(safe, /[/\\\x00-\x1f\x7f]/);
        assert.ok(safe !== "." && safe !== ".." && !safe.startsWith("."));
        assert.ok(Buffer.byteLength(safe) <= 255);
        assert.equal(safeFilename(safe), safe);
      }),
      params(),
    );
  });

  it("safeJoin never returns a path outside its root", () => {
    const root = join(tmpdir(), "fuzz-root");
    const segment = fc.oneof(
      fc.constantFrom("..", ".", "", "a", "/", "\\", "%2e%2e", "\0"),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const requested = segments.join("/");
        try {
          const path = safeJoin(root, requested);
          assert.ok(path === root || path.startsWith(root + sep), path);
        } catch (error) {
          assert.ok(error instanceof HTTPError && error.statusCode === 403);
        }
      }),
      params(),
    );
  });
});

describe("fuzz: command-line options", () => {
  const silent = { write: () => true };
  const makeParser = (): OptionParser => {
    const parser = new OptionParser({ output: silent, exit: () => {}, program: "fuzz" });
    parser.define("port", { type: Number, default: 8000 });
    parser.define("name", { type: String, default: "x" });
    parser.define("debug", { type: Boolean, default: false });
    parser.define("ratio", { type: "float", default: 1.5 });
    parser.define("wait", { type: "timedelta", default: 1 });
    parser.define("tags", { type: String, multiple: true });
    return parser;
  };
  const flag = fc.oneof(
    fc.constantFrom(
      "--port",
      "--name",
      "--debug",
      "--ratio",
      "--wait",
      "--tags",
      "--help-not",
      "-",
      "--",
      "--__proto__",
      "--constructor",
    ),
    fc.string({ maxLength: 8 }).map((s) => `--${s}`),
  );
  const arg = fc.oneof(
    fc
      .tuple(flag, fc.option(fc.string({ maxLength: 10 }), { nil: undefined }))
      .map(([f, v]) => (v === undefined ? f : `${f}=${v}`)),
    fc.string({ maxLength: 10 }),
  );

  it("parses any argv into typed values or throws an OptionError, never anything else", () => {
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 6 }), (argv) => {
        const parser = makeParser();
        try {
          parser.parseCommandLine(argv, { final: false });
          const o = parser.options as Record<string, unknown>;
          assert.equal(typeof o["port"], "number");
          assert.equal(typeof o["name"], "string");
          assert.equal(typeof o["debug"], "boolean");
          assert.equal(typeof o["wait"], "number");
        } catch (error) {
          assert.ok(
            error instanceof OptionError,
            `${(error as Error).name}: ${(error as Error).message}`,
          );
        }
        assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
      }),
      params(),
    );
  });

  it("parseTimedelta gives a number or undefined for any text", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const out = parseTimedelta(text);
        assert.ok(out === undefined || typeof out === "number");
      }),
      params(),
    );
  });
});
