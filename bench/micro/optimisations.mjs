// The performance-motivated choices in src/, each run against the plain code it replaces, in the
// same process and interleaved (kept, plain, kept, plain, ...): the figures quoted beside the code.
// Private code is copied here side by side with its plain alternative; the request-level ones
// drive the built package through bench/in-process.mjs's in-memory sockets. Needs the build
// (npm run build).
//
//   taskset -c 1 node bench/micro/optimisations.mjs [name ...] [--rounds=N] [--scale=X]
//
// Each line: the median ns per operation (CPU µs per request for the request-level ones) over the
// rounds, with the rounds' min-max. --scale multiplies every round's iteration count.
import { createHash, createHmac, createSecretKey, hash } from "node:crypto";
import { EventEmitter } from "node:events";
import { lstatSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { lstat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HTTPServer } from "tornado-ts/httpserver";
import { normalizeHeaderName } from "tornado-ts/httputil";
import { Application, RequestHandler } from "tornado-ts/web";
import { check, drive } from "../in-process.mjs";

const option = (name, fallback) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const ROUNDS = option("rounds", 11);
const SCALE = option("scale", 1);
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));

/** Keeps results alive so the loops are not optimised away. */
let sink = 0;
const keep = (value) => {
  sink = (sink + (typeof value === "number" ? value : value ? 1 : 0)) | 0;
};

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function report(name, unit, results) {
  console.log(`${name}`);
  const base = median(results[0].samples);
  for (const { label, samples } of results) {
    const m = median(samples);
    const ratio =
      results[0] === results.find((r) => r.label === label) ? "" : ` (x${fmt(m / base)})`;
    console.log(
      `  ${label.padEnd(44)} ${fmt(m).padStart(7)} ${unit}  ${fmt(Math.min(...samples))}-${fmt(Math.max(...samples))}${ratio}`,
    );
  }
}

/**
 * Runs each variant `run(n)` (which loops n times and returns a value to keep) for `iterations`,
 * in turn, ROUNDS times after one warm-up round; reports ns per iteration.
 */
async function compare(name, iterations, variants) {
  const n = Math.max(1, Math.round(iterations * SCALE));
  const results = Object.entries(variants).map(([label, run]) => ({ label, run, samples: [] }));
  for (let round = -1; round < ROUNDS; round++) {
    for (const result of results) {
      const start = process.hrtime.bigint();
      keep(await result.run(n));
      const ns = Number(process.hrtime.bigint() - start) / n;
      if (round >= 0) result.samples.push(ns);
    }
  }
  report(name, "ns", results);
}

/** As `compare`, for servers driven in process: CPU µs per request. */
async function compareRequests(name, requests, request, variants) {
  const n = Math.max(1, Math.round(requests * SCALE));
  const results = Object.entries(variants).map(([label, v]) => ({ label, ...v, samples: [] }));
  for (const result of results) {
    await check(result.server, result.label, { name, expect: result.expect }, request);
    await drive(result.server, request, n);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const result of results) {
      const { cpu } = await drive(result.server, request, n);
      result.samples.push(cpu);
    }
  }
  report(name, "µs", results);
}

// Each variant's loop is compiled afresh (new Function), so that the variants share no type
// feedback: a loop function shared by all would see every variant's types at its call site.
const loop = (fn, inputs) =>
  new Function(
    "fn",
    "inputs",
    `return (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const out = fn(inputs[i % inputs.length]);
        acc += typeof out === "string" ? out.length : typeof out === "number" ? out : out ? 1 : 0;
      }
      return acc;
    };`,
  )(fn, inputs);

const TEXT_BODY = "sunck is a good man ";
const JSON_OBJECT = { name: "sunck", age: 18, good: true, motto: "sunck is a good man" };
const SIGNED =
  "2|1:0|10:1733587200|7:session|12:dXNlci00Mg==|3c2a1b9f0e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b";

// ---- src/python.ts -------------------------------------------------------------------------------

function codePointsByCodes(text) {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function codePointsByIteration(text) {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

const PY_SPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP_RE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "gu");

function pyStripKept(text) {
  const last = text.length - 1;
  if (last < 0) return text;
  const first = text.charCodeAt(0);
  const end = text.charCodeAt(last);
  if (first > 0x20 && first < 0x7f && end > 0x20 && end < 0x7f) return text;
  return text.replace(PY_STRIP_RE, "");
}

const pyStripPlain = (text) => text.replace(PY_STRIP_RE, "");

// ---- src/escape.ts -------------------------------------------------------------------------------

const XHTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const XHTML_ESCAPE_RE = /[&<>"']/g;
const XHTML_ESCAPE_TEST = /[&<>"']/;

function escapeShort(text) {
  let out = "";
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    let replacement;
    switch (text.charCodeAt(i)) {
      case 38:
        replacement = "&amp;";
        break;
      case 60:
        replacement = "&lt;";
        break;
      case 62:
        replacement = "&gt;";
        break;
      case 34:
        replacement = "&quot;";
        break;
      case 39:
        replacement = "&#39;";
        break;
      default:
        continue;
    }
    out += last === i ? replacement : text.slice(last, i) + replacement;
    last = i + 1;
  }
  if (last === 0) return text;
  return last === text.length ? out : out + text.slice(last);
}

function escapeRegex(text) {
  if (!XHTML_ESCAPE_TEST.test(text)) return text;
  return text.replace(XHTML_ESCAPE_RE, (ch) => XHTML_ESCAPES[ch] ?? ch);
}

const NON_ASCII_RE = /[\u007f-\uffff]/g;
const JSON_ESCAPED_RE = /["\\\u0000-\u001f\u007f-\uffff]/;

function pyStringSlow(value) {
  const quoted = JSON.stringify(value);
  NON_ASCII_RE.lastIndex = 0;
  if (!NON_ASCII_RE.test(quoted)) return quoted;
  return quoted.replace(
    NON_ASCII_RE,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function pyStringKept(value) {
  if (!JSON_ESCAPED_RE.test(value)) return `"${value}"`;
  return pyStringSlow(value);
}

// ---- src/web/response.ts -------------------------------------------------------------------------

const etagMemo = new Map();
function textEtagMemo(body) {
  const small = body.length <= 1024;
  if (small) {
    const known = etagMemo.get(body);
    if (known !== undefined) return known;
  }
  const etag = `"${hash("sha1", body, "hex")}"`;
  if (small) {
    if (etagMemo.size >= 256) etagMemo.clear();
    etagMemo.set(body, etag);
  }
  return etag;
}
const textEtagHash = (body) => `"${hash("sha1", body, "hex")}"`;
const textEtagHashObject = (body) => `"${createHash("sha1").update(body).digest("hex")}"`;

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const checkedNames = new Map();
function checkedHeaderName(name) {
  let known = checkedNames.get(name);
  if (known === undefined) {
    if (!HEADER_NAME.test(name)) throw new Error(`Invalid header name ${JSON.stringify(name)}`);
    known = [name.toLowerCase(), normalizeHeaderName(name)];
    if (checkedNames.size < 1000) checkedNames.set(name, known);
  }
  return known;
}
function uncheckedHeaderName(name) {
  if (!HEADER_NAME.test(name)) throw new Error(`Invalid header name ${JSON.stringify(name)}`);
  return [name.toLowerCase(), normalizeHeaderName(name)];
}

const SERVER_ENTRY = { name: "Server", values: ["tornado-ts/0.1.0"], ascii: true };
const HTML_ENTRY = { name: "Content-Type", values: ["text/html; charset=UTF-8"], ascii: true };
const DATE_TEXT = new Date().toUTCString();
let dateEntryNow = { name: "Date", values: [""], ascii: true };
function dateEntry() {
  if (dateEntryNow.values[0] !== DATE_TEXT) {
    dateEntryNow = { name: "Date", values: [DATE_TEXT], ascii: true };
  }
  return dateEntryNow;
}

class HeaderListShared {
  keys = [];
  entries = [];
  reset() {
    this.keys = ["server", "content-type", "date"];
    this.entries = [SERVER_ENTRY, HTML_ENTRY, dateEntry()];
  }
}
class HeaderListFresh {
  keys = [];
  entries = [];
  reset() {
    this.keys = ["server", "content-type", "date"];
    this.entries = [
      { name: "Server", values: ["tornado-ts/0.1.0"], ascii: true },
      { name: "Content-Type", values: ["text/html; charset=UTF-8"], ascii: true },
      { name: "Date", values: [DATE_TEXT], ascii: true },
    ];
  }
}

// A response's `close` listeners (src/httputil/response-close.ts, src/httpserver.ts): the server's
// one shared listener with the handler's hook on it, against a listener of each.
const closeHook = Symbol("closeHook");
function serverOnClose() {
  keep(this.statusCode);
  const hook = this[closeHook];
  if (hook) hook();
}
class FakeResponse extends EventEmitter {
  statusCode = 200;
}

// ---- src/web/cookies.ts --------------------------------------------------------------------------

const UNQUOTED = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/;
const QUOTABLE_AS_IS = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/;
const BARE = 0;
const IN_QUOTES = 1;
const ESCAPED = 2;
const REFUSED = 3;
const VALUE_CHARS = new Uint8Array(256).fill(ESCAPED);
for (let code = 0x21; code < 0x7f; code++) {
  VALUE_CHARS[code] = UNQUOTED.test(String.fromCharCode(code)) ? BARE : IN_QUOTES;
}
VALUE_CHARS.fill(REFUSED, 0, 0x21);
for (const char of ';,"\\') VALUE_CHARS[char.charCodeAt(0)] = ESCAPED;

function cookieNeedsLoop(value) {
  let needs = value === "" ? IN_QUOTES : BARE;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) throw new Error("above latin-1");
    const kind = VALUE_CHARS[code];
    if (kind === REFUSED) throw new Error("refused");
    if (kind > needs) needs = kind;
  }
  return needs;
}
function cookieNeedsScans(value) {
  if (value !== "" && QUOTABLE_AS_IS.test(value)) return UNQUOTED.test(value) ? BARE : IN_QUOTES;
  return cookieNeedsLoop(value);
}

const LEGAL_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
let lastLegalName;
function checkNameRemembered(name) {
  if (name !== lastLegalName) {
    if (name === "" || !LEGAL_NAME.test(name)) throw new Error("bad name");
    lastLegalName = name;
  }
  return true;
}
function checkNameEachTime(name) {
  if (name === "" || !LEGAL_NAME.test(name)) throw new Error("bad name");
  return true;
}

// ---- src/web/signed-value.ts ---------------------------------------------------------------------

const isAsciiByLength = (text) => Buffer.byteLength(text, "utf8") === text.length;
function isAsciiByLoop(text) {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

const VERSION_PREFIX = /^([1-9][0-9]*)\|[^\n]*\n?$/;
function versionKept(text) {
  if (text.charCodeAt(0) === 0x32 && text.charCodeAt(1) === 0x7c && !text.includes("\n")) return 2;
  return versionPlain(text);
}
function versionPlain(text) {
  const match = VERSION_PREFIX.exec(text);
  if (!match) return 1;
  const version = Number(match[1]);
  return version > 999 ? 1 : version;
}

// ---- src/httputil/request.ts ---------------------------------------------------------------------

const hostNameOf = (host) => host.toLowerCase().replace(/:\d+$/, "");
const emptyMap = () => Object.create(null);
const EMPTY = Buffer.alloc(0);
// HTTPServerRequest's fields, made lazily (as kept) or in the constructor (public here, private
// there: V8 stores both the same way).
class LazyRequest {
  body = EMPTY;
  start = performance.now();
  headers;
  queryArguments;
  arguments;
  cookies;
  hostName;
  bodyArguments;
  files;
  constructor(uri, host) {
    this.method = "GET";
    this.uri = uri;
    const q = uri.indexOf("?");
    this.path = q < 0 ? uri : uri.slice(0, q);
    this.query = q < 0 ? "" : uri.slice(q + 1);
    this.host = host;
  }
}
class EagerRequest {
  body = EMPTY;
  start = performance.now();
  headers;
  queryArguments;
  arguments;
  cookies;
  hostName;
  bodyArguments = emptyMap();
  files = emptyMap();
  constructor(uri, host) {
    this.method = "GET";
    this.uri = uri;
    const q = uri.indexOf("?");
    this.path = q < 0 ? uri : uri.slice(0, q);
    this.query = q < 0 ? "" : uri.slice(q + 1);
    this.host = host;
    this.hostName = hostNameOf(host);
  }
}

// ---- src/web/request-handler.ts, src/httputil/dates.ts, src/httputil/cookies.ts -----------------

const METHOD_FUNCTIONS = {
  GET: "get",
  HEAD: "head",
  POST: "post",
  DELETE: "delete",
  PATCH: "patch",
  PUT: "put",
  OPTIONS: "options",
};

let cachedDate = "";
function httpDateNow() {
  if (cachedDate === "") {
    const now = Date.now();
    cachedDate = new Date(now).toUTCString();
    setTimeout(
      () => {
        cachedDate = "";
      },
      1000 - (now % 1000),
    ).unref();
  }
  return cachedDate;
}

const COOKIE_LEGAL_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]*$/;
const unquoteCookie = (value) =>
  value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"'
    ? value
    : value.slice(1, -1);

/**
 * parsePieces (request.cookies) into a literal made prototype-less, as kept: alone in a loop it is
 * the slower one, but a whole cookie request costs fewer instructions with it (see cookies.ts).
 */
function parseCookiesLiteral(header) {
  const cookies = {};
  Object.setPrototypeOf(cookies, null);
  const length = header.length;
  let eq = -2;
  for (let start = 0; start <= length; ) {
    let end = header.indexOf(";", start);
    if (end < 0) end = length;
    if (eq !== -1 && eq < start) eq = header.indexOf("=", start);
    const pieceStart = start;
    start = end + 1;
    if (eq < 0 || eq > end) continue;
    const name = header.slice(pieceStart, eq).trim();
    if (name === "" || !COOKIE_LEGAL_NAME.test(name)) continue;
    cookies[name] = unquoteCookie(header.slice(eq + 1, end).trim());
  }
  return cookies;
}

/** The same into Object.create(null) (a separate copy: the two share no type feedback). */
function parseCookiesCreate(header) {
  const cookies = Object.create(null);
  const length = header.length;
  let eq = -2;
  for (let start = 0; start <= length; ) {
    let end = header.indexOf(";", start);
    if (end < 0) end = length;
    if (eq !== -1 && eq < start) eq = header.indexOf("=", start);
    const pieceStart = start;
    start = end + 1;
    if (eq < 0 || eq > end) continue;
    const name = header.slice(pieceStart, eq).trim();
    if (name === "" || !COOKIE_LEGAL_NAME.test(name)) continue;
    cookies[name] = unquoteCookie(header.slice(eq + 1, end).trim());
  }
  return cookies;
}

// ---- request-level: the built package ------------------------------------------------------------

const HEAD = "Host: 127.0.0.1:8080\r\nUser-Agent: bench\r\n";
const getRequest = (path) => Buffer.from(`GET ${path} HTTP/1.1\r\n${HEAD}\r\n`);
const FORM = "name=sunck&age=18";
const formRequest = Buffer.from(
  `POST /form HTTP/1.1\r\n${HEAD}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${FORM.length}\r\n\r\n${FORM}`,
);

/** The minimal app's GET / behind HTTPServer, with `get` as its handler method. */
function serverWith(get) {
  class Handler extends RequestHandler {}
  Handler.prototype.get = get;
  return new HTTPServer(new Application([["/", Handler]])).nodeServer;
}

/** A POST /form app; `after` runs in the handler once the body has been read. */
function formServer(after) {
  class Handler extends RequestHandler {
    post() {
      after(this.request.raw);
      this.write(this.getBodyArgument("name"));
    }
  }
  return new HTTPServer(new Application([["/form", Handler]])).nodeServer;
}

// ---- the benchmarks ------------------------------------------------------------------------------

let staticDir;
const benchmarks = {
  "code-points": () =>
    compare(
      "code-points: python.ts codePointLength, a 20-, 60- and 40-character text (one astral)",
      500_000,
      {
        "char codes (kept)": loop(codePointsByCodes, [
          TEXT_BODY,
          "https://www.example.com/some/longer/path?with=query&and=more",
          "sunck is a good man \u{1F600} and a few more words",
        ]),
        "for...of over the string": loop(codePointsByIteration, [
          TEXT_BODY,
          "https://www.example.com/some/longer/path?with=query&and=more",
          "sunck is a good man \u{1F600} and a few more words",
        ]),
      },
    ),
  "py-strip": () =>
    compare("py-strip: python.ts pyStrip of 'sunck' and '18'", 1_000_000, {
      "visible-ASCII ends first (kept)": loop(pyStripKept, ["sunck", "18"]),
      "regex replace only": loop(pyStripPlain, ["sunck", "18"]),
    }),
  "escape-short": () =>
    compare("escape-short: escape.ts xhtmlEscape of 5- and 20-character texts", 1_000_000, {
      "char-code scan (kept up to 64)": loop(escapeShort, ["sunck", "Tom & Jerry <friends>"]),
      "regex test and replace": loop(escapeRegex, ["sunck", "Tom & Jerry <friends>"]),
    }),
  "escape-long": () => {
    const plain = "sunck is a good man ".repeat(10);
    const marked = `${"sunck is a good man ".repeat(5)}& <b>${"x".repeat(90)}`;
    return compare("escape-long: escape.ts xhtmlEscape of 200-character texts", 300_000, {
      "regex test and replace (kept above 64)": loop(escapeRegex, [plain, marked]),
      "char-code scan": loop(escapeShort, [plain, marked]),
    });
  },
  "py-string": () =>
    compare(
      "py-string: escape.ts pyString (jsonEncode) of the minimal JSON's keys and values",
      1_000_000,
      {
        "test then template (kept)": loop(pyStringKept, [
          "name",
          "sunck",
          "motto",
          "sunck is a good man",
        ]),
        "JSON.stringify and non-ASCII test": loop(pyStringSlow, [
          "name",
          "sunck",
          "motto",
          "sunck is a good man",
        ]),
      },
    ),
  "etag-oneshot": () =>
    compare("etag-oneshot: response.ts SHA-1 ETag of a 20-byte text", 500_000, {
      "crypto.hash (kept)": loop(textEtagHash, [TEXT_BODY]),
      "createHash().update().digest()": loop(textEtagHashObject, [TEXT_BODY]),
    }),
  "etag-oneshot-4k": () => {
    const big = "x".repeat(4096);
    return compare("etag-oneshot-4k: response.ts SHA-1 ETag of a 4 KiB text", 100_000, {
      "crypto.hash (kept)": loop(textEtagHash, [big]),
      "createHash().update().digest()": loop(textEtagHashObject, [big]),
    });
  },
  "etag-memo": () =>
    compare(
      "etag-memo: response.ts textEtag of the minimal JSON body, made afresh per call (JSON.stringify in both)",
      300_000,
      {
        "memo, then crypto.hash (kept)": loop(() => textEtagMemo(JSON.stringify(JSON_OBJECT)), [0]),
        "crypto.hash every time": loop(() => textEtagHash(JSON.stringify(JSON_OBJECT)), [0]),
      },
    ),
  "etag-memo-constant": () =>
    compare("etag-memo-constant: response.ts textEtag of a constant 20-byte text", 1_000_000, {
      "memo, then crypto.hash (kept)": loop(textEtagMemo, [TEXT_BODY]),
      "crypto.hash every time": loop(textEtagHash, [TEXT_BODY]),
    }),
  "header-names": () => {
    const names = ["Content-Type", "Cache-Control", "X-Frame-Options"];
    return compare("header-names: response.ts checkedHeaderName, three names in turn", 1_000_000, {
      "checked-name Map (kept)": loop(checkedHeaderName, names),
      "test, toLowerCase, normalizeHeaderName": loop(uncheckedHeaderName, names),
    });
  },
  "default-headers": () => {
    const shared = new HeaderListShared();
    const fresh = new HeaderListFresh();
    return compare("default-headers: response.ts HeaderList.reset, once per response", 1_000_000, {
      "shared entries (kept)": (n) => {
        for (let i = 0; i < n; i++) shared.reset();
        return shared.entries.length;
      },
      "three new entries": (n) => {
        for (let i = 0; i < n; i++) fresh.reset();
        return fresh.entries.length;
      },
    });
  },
  "close-listener": () =>
    compare(
      "close-listener: response-close.ts, an emitter with the server's close listener, the handler's close, emitted once",
      500_000,
      {
        "hook on the server's listener (kept)": (n) => {
          let closed = 0;
          for (let i = 0; i < n; i++) {
            const res = new FakeResponse();
            res[closeHook] = null;
            res.on("close", serverOnClose);
            if (res[closeHook] === null) res[closeHook] = () => closed++;
            else res.on("close", () => closed++);
            res.emit("close");
          }
          return closed;
        },
        "a second listener (once)": (n) => {
          let closed = 0;
          for (let i = 0; i < n; i++) {
            const res = new FakeResponse();
            res.on("close", serverOnClose);
            res.once("close", () => closed++);
            res.emit("close");
          }
          return closed;
        },
      },
    ),
  "server-listener": () => {
    const onClose = (res) => keep(res.statusCode);
    return compare(
      "server-listener: httpserver.ts, the server's close listener on an emitter, emitted once",
      500_000,
      {
        "one function for all, response as this (kept)": (n) => {
          for (let i = 0; i < n; i++) {
            const res = new FakeResponse();
            res.on("close", serverOnClose);
            res.emit("close");
          }
          return n;
        },
        "a closure per response": (n) => {
          for (let i = 0; i < n; i++) {
            const res = new FakeResponse();
            res.on("close", () => onClose(res));
            res.emit("close");
          }
          return n;
        },
      },
    );
  },
  "finish-promise": () => {
    const text = "sunck is a good man ";
    const expect = /\r\n\r\nsunck is a good man $/;
    return compareRequests(
      "finish-promise: minimal GET / behind HTTPServer",
      20_000,
      getRequest("/"),
      {
        "framework's finish, no promise (kept)": {
          expect,
          server: serverWith(function () {
            this.write(text);
          }),
        },
        "finish() with its promise, not awaited": {
          expect,
          server: serverWith(function () {
            this.finish(text);
          }),
        },
      },
    );
  },
  "body-consuming": () => {
    const expect = /\r\n\r\nsunck$/;
    return compareRequests(
      "body-consuming: httpserver-limits.ts readPlainBody, POST /form",
      20_000,
      formRequest,
      {
        "_consuming set (kept)": { expect, server: formServer(() => {}) },
        "_consuming left false, Node dumps the request": {
          expect,
          server: formServer((raw) => {
            raw._consuming = false;
          }),
        },
      },
    );
  },
  "cookie-scan": () =>
    compare(
      "cookie-scan: cookies.ts formatSetCookie's value check, a v2 signed value (118 chars)",
      1_000_000,
      {
        "two regex scans (kept)": loop(cookieNeedsScans, [SIGNED]),
        "loop over a table of characters": loop(cookieNeedsLoop, [SIGNED]),
      },
    ),
  "cookie-name": () =>
    compare(
      "cookie-name: cookies.ts formatSetCookie's name check, the same name again",
      1_000_000,
      {
        "last legal name remembered (kept)": loop(checkNameRemembered, ["session"]),
        "pattern test each time": loop(checkNameEachTime, ["session"]),
      },
    ),
  "ascii-check": () =>
    compare("ascii-check: signed-value.ts isAscii of 'session' and a v2 signed value", 1_000_000, {
      "Buffer.byteLength === length (kept)": loop(isAsciiByLength, ["session", SIGNED]),
      "loop over char codes": loop(isAsciiByLoop, ["session", SIGNED]),
    }),
  "signed-version": () =>
    compare("signed-version: signed-value.ts versionOf of a v2 signed value", 1_000_000, {
      "'2|' checked first (kept)": loop(versionKept, [SIGNED]),
      "pattern only": loop(versionPlain, [SIGNED]),
    }),
  "hmac-key": () => {
    const secret = "a secret of a reasonable length, 32+";
    const keyObject = createSecretKey(Buffer.from(secret, "utf8"));
    const message = SIGNED.slice(0, 60);
    return compare("hmac-key: signed-value.ts HMAC-SHA256 of a 60-byte text, hex", 300_000, {
      "KeyObject kept (kept)": loop(
        (m) => createHmac("sha256", keyObject).update(m).digest("hex"),
        [message],
      ),
      "string key": loop((m) => createHmac("sha256", secret).update(m).digest("hex"), [message]),
    });
  },
  "request-fields": () =>
    compare(
      "request-fields: request.ts HTTPServerRequest's fields, made on first use or in the constructor",
      1_000_000,
      {
        "hostName, bodyArguments, files on first use (kept)": loop(
          (uri) => new LazyRequest(uri, "127.0.0.1:8080").path,
          ["/", "/json?x=1"],
        ),
        "made in the constructor": loop(
          (uri) => new EagerRequest(uri, "127.0.0.1:8080").path,
          ["/", "/json?x=1"],
        ),
      },
    ),
  "method-table": () => {
    class Handler {
      get() {
        return 1;
      }
      post() {
        return 2;
      }
    }
    const handler = new Handler();
    return compare(
      "method-table: request-handler.ts #callMethod's method lookup, GET and POST (Reflect.get of the name)",
      1_000_000,
      {
        "name from the table (kept)": loop(
          (m) => Reflect.get(handler, METHOD_FUNCTIONS[m] ?? m.toLowerCase()),
          ["GET", "POST"],
        ),
        "name lower-cased": loop((m) => Reflect.get(handler, m.toLowerCase()), ["GET", "POST"]),
      },
    );
  },
  "call-no-args": () => {
    const handler = { n: 0 };
    function get(group) {
      return this.n + (group === undefined ? 0 : 1);
    }
    const none = Object.freeze([]);
    return compare("call-no-args: request-handler.ts #callMethod with no path groups", 1_000_000, {
      "fn.call(this) (kept)": loop(
        (args) => (args.length === 0 ? get.call(handler) : get.apply(handler, args)),
        [none],
      ),
      "fn.apply(this, args)": loop((args) => get.apply(handler, args), [none]),
    });
  },
  "date-now": () =>
    compare("date-now: dates.ts httpDateNow, the Date header's text", 1_000_000, {
      "kept until the next second (kept)": loop(httpDateNow, [0]),
      "new Date().toUTCString()": loop(() => new Date(Date.now()).toUTCString(), [0]),
    }),
  "cookie-object": () => {
    const headers = [
      `session=${SIGNED}`,
      `session=${SIGNED}; theme=dark; _xsrf=2|ab12|cd34|1733587200`,
    ];
    return compare(
      "cookie-object: httputil/cookies.ts request.cookies of a 1- and a 3-cookie header, then one read",
      500_000,
      {
        "literal, then prototype null (kept)": loop((h) => parseCookiesLiteral(h).session, headers),
        "Object.create(null)": loop((h) => parseCookiesCreate(h).session, headers),
      },
    );
  },
  "static-stat": async () => {
    staticDir ??= mkdtempSync(join(tmpdir(), "optnotes-"));
    const file = join(staticDir, "file4k.txt");
    writeFileSync(file, "x".repeat(4096));
    return compare(
      "static-stat: static-file-handler.ts, lstat of a 4 KiB file, one after another",
      50_000,
      {
        "lstatSync (kept)": (n) => {
          let size = 0;
          for (let i = 0; i < n; i++) size += lstatSync(file, { throwIfNoEntry: false }).size;
          return size;
        },
        "await fs/promises lstat": async (n) => {
          let size = 0;
          for (let i = 0; i < n; i++) size += (await lstat(file)).size;
          return size;
        },
      },
    );
  },
};

const names = only.length > 0 ? only : Object.keys(benchmarks);
for (const name of names) {
  const run = benchmarks[name];
  if (!run) throw new Error(`No benchmark ${name}; known: ${Object.keys(benchmarks).join(", ")}`);
}
console.log(
  `Node ${process.version}, ${ROUNDS} rounds, interleaved; median and min-max per operation`,
);
try {
  for (const name of names) await benchmarks[name]();
} finally {
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
}
if (sink === 0.5) console.log(sink);
// The servers' timers would keep the process alive.
process.exit(0);
