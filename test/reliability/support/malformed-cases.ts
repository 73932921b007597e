/**
 * A deterministic corpus of malformed HTTP/1.1 requests for the bad-input suite. Every case
 * carries what is expected of the server: `reject` (a 4xx, or the connection closed) or `tolerate`
 * (anything but a 5xx: inputs that HTTP allows or that Tornado accepts, listed with the reason).
 */

/** One request of the corpus. */
export interface MalformedCase {
  /** Category and a short description. */
  readonly name: string;
  readonly category: string;
  /** The bytes sent on a fresh connection. */
  readonly bytes: Buffer;
  /** `reject`: a 4xx or a closed connection; `tolerate`: any answer below 500. */
  readonly expect: "reject" | "tolerate";
}

/** A small seeded PRNG (mulberry32), so the corpus is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GET_ROUTES = ["/", "/args?a=1", "/path/abc", "/static/hello.txt", "/cookie"];
const BODY_ROUTES = ["/args", "/json", "/upload", "/stream-upload"];
const TAIL = "Connection: close\r\n\r\n";

function bytes(text: string): Buffer {
  return Buffer.from(text, "latin1");
}

/** Builds the whole corpus (well over 2,000 cases) for `seed`. */
export function malformedCases(seed = 20240611): MalformedCase[] {
  const out: MalformedCase[] = [];
  const add = (
    category: string,
    name: string,
    text: string | Buffer,
    expect: "reject" | "tolerate" = "reject",
  ) => out.push({ category, name, bytes: typeof text === "string" ? bytes(text) : text, expect });

  // 1. Broken request lines.
  const lines = [
    "GARBAGE",
    "GET",
    "GET {p}",
    "GET {p} HTTP/1.1 extra",
    "GET  {p} HTTP/1.1",
    "GET {p}  HTTP/1.1",
    " GET {p} HTTP/1.1",
    "GET\t{p} HTTP/1.1",
    "GET {p}\tHTTP/1.1",
    "G ET {p} HTTP/1.1",
    "GE\x00T {p} HTTP/1.1",
    "GET{p} HTTP/1.1",
    "GET {p}HTTP/1.1",
    "GET /a b HTTP/1.1",
    "GET /a\x7fb HTTP/1.1",
    "GET /a\x01b HTTP/1.1",
    'GET /a"b HTTP/1.1',
    "GET /a<b> HTTP/1.1",
    "GET /a\\b HTTP/1.1",
    "GET /a{b} HTTP/1.1",
    "GET /a|b HTTP/1.1",
    "GET /a^b HTTP/1.1",
    "GET /a`b HTTP/1.1",
    "GET \x80 HTTP/1.1",
    "(GET) {p} HTTP/1.1",
    "G@T {p} HTTP/1.1",
    "GET: {p} HTTP/1.1",
    "FOO {p} HTTP/1.1",
    "get {p} HTTP/1.1",
    "BREW {p} HTTP/1.1",
    "GET {p} HTTP/1.1 HTTP/1.1",
    "{p} HTTP/1.1",
    "HTTP/1.1 {p} GET",
    "GET\r{p} HTTP/1.1",
    "GET {p}\r HTTP/1.1",
  ];
  // RFC 9112 section 3 lets a server split the request line on runs of whitespace; Node's parser
  // does (Tornado 6.2 refuses them), so these only must not fail.
  const lenientLines = new Set(["GET  {p} HTTP/1.1", "GET {p}  HTTP/1.1"]);
  for (const line of lines) {
    for (const path of [...GET_ROUTES, ...BODY_ROUTES.slice(0, 3)]) {
      add(
        "request-line",
        `${JSON.stringify(line)} ${path}`,
        `${line.replaceAll("{p}", path)}\r\nHost: x\r\n${TAIL}`,
        lenientLines.has(line) ? "tolerate" : "reject",
      );
    }
  }
  // Empty lines before a request are allowed (RFC 9112 section 2.2): the server waits for one.
  add("request-line", "empty request line only", "\r\n\r\n\r\n", "tolerate");
  add("request-line", "request line of spaces", "     \r\nHost: x\r\n\r\n");
  add("request-line", "NUL request", "\x00\x00\x00\x00\r\n\r\n");
  add("request-line", "TLS hello on plain port", Buffer.from("16030100a5010000a10303", "hex"));
  add("request-line", "HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

  // 2. Bad versions.
  const versions = [
    "HTTP/2.0",
    "HTTP/0.9",
    "HTTP/1.2",
    "HTTP/1.10",
    "HTTP/11",
    "HTTP/1",
    "HTTP/",
    "HTTP",
    "http/1.1",
    "Http/1.1",
    "HTTP/1.1x",
    "HTTP/1.1.1",
    "HTTP/ 1.1",
    "HTTP /1.1",
    "HTTPS/1.1",
    "HTTP/-1.1",
    "HTTP/1.-1",
    "HTTP/a.b",
    "HTTP/1,1",
    "HTTP\\1.1",
    "HTTP/3.0",
    "HTTP/9.9",
    "HTTP/1.1\x00",
    "HTTP/１.1",
    "XTTP/1.1",
  ];
  for (const version of versions) {
    for (const method of ["GET", "POST", "HEAD", "OPTIONS"]) {
      for (const path of ["/", "/args?a=1", "/path/abc", "/json"]) {
        add(
          "version",
          `${method} ${path} ${JSON.stringify(version)}`,
          `${method} ${path} ${version}\r\nHost: x\r\nContent-Length: 0\r\n${TAIL}`,
        );
      }
    }
  }

  // 3. Header injection and malformed header lines.
  const headerLines = [
    "X-Bad",
    "X-Bad value",
    "X Bad: value",
    "X-Bad : value",
    "X-Bad\t: value",
    ": value",
    " X-Bad: value",
    "\tX-Bad: value",
    "X-Bad: a\rX-Injected: b",
    "X-Bad: a\x00b",
    "X-Bad\x00: value",
    "X-Bad: a\x01b",
    "X-Bad: a\x7fb",
    "X-Bad: a\x1bb",
    "X-B(ad): value",
    'X-B"ad: value',
    "X-B,ad: value",
    "X-B/ad: value",
    "X-B@ad: value",
    "X-B[ad]: value",
    "X-Bé: value",
    "X-Bad: value\r\n continued",
    "X-Bad: value\r\n\tcontinued",
    "Host: y",
    "Host: a b",
    "Host: a,b",
    "Host: a/b",
    "Host: a@b",
    "Host: <script>",
    "Host: x\x00y",
  ];
  for (const line of headerLines) {
    for (const path of [...GET_ROUTES, "/json"]) {
      for (const method of ["GET", "POST", "PUT", "DELETE"]) {
        add(
          "header",
          `${method} ${path} ${JSON.stringify(line)}`,
          `${method} ${path} HTTP/1.1\r\nHost: x\r\n${line}\r\nContent-Length: 0\r\n${TAIL}`,
        );
      }
    }
  }
  add("header", "no Host in HTTP/1.1", `GET / HTTP/1.1\r\n${TAIL}`);
  add("header", "bare CR line endings", "GET / HTTP/1.1\rHost: x\r\r");
  add("header", "header block never ends with NUL", "GET / HTTP/1.1\r\nHost: x\r\n\x00\r\n\r\n");

  // 4. Content-Length: invalid, duplicate, conflicting.
  const lengths = [
    ["abc"],
    ["-1"],
    ["+3"],
    ["0x3"],
    ["3 3"],
    ["3, 4"],
    ["1e1"],
    ["3.0"],
    [" "],
    [""],
    ["99999999999999999999999"],
    ["18446744073709551616"],
    ["3\x00"],
    ["３"],
    ["3", "4"],
    ["4", "3"],
    ["3", "abc"],
    ["0", "3"],
    ["3", "3, 4"],
    ["3", ""],
  ];
  for (const values of lengths) {
    for (const path of BODY_ROUTES) {
      for (const method of ["POST", "PUT"]) {
        const headers = values.map((v) => `Content-Length: ${v}\r\n`).join("");
        add(
          "content-length",
          `${path} ${JSON.stringify(values)}`,
          `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n${headers}${TAIL}abc`,
        );
      }
    }
  }

  // 5. Transfer-Encoding tricks (request smuggling).
  const codings = [
    ["chunked", "Content-Length: 3"],
    ["chunked", "Content-Length: 0"],
    ["gzip"],
    ["identity"],
    ["chunked, identity"],
    ["identity, chunked", "Content-Length: 3"],
    ["gzip, chunked", "Content-Length: 3"],
    ["xchunked"],
    ["chunked;q=1"],
    ["chunk"],
    ["chunked\x00"],
    ["\x0bchunked"],
    ["chunked", "Transfer-Encoding: chunked"],
    ["chunked", "Transfer-Encoding: identity"],
    ["chunked", "Transfer-encoding: cow"],
  ];
  for (const [coding, extra] of codings) {
    for (const path of BODY_ROUTES) {
      for (const method of ["POST", "PUT"]) {
        add(
          "transfer-encoding",
          `${path} TE ${JSON.stringify(coding)} ${extra ?? ""}`,
          `${method} ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${coding}\r\n${extra ? `${extra}\r\n` : ""}${TAIL}3\r\nabc\r\n0\r\n\r\n`,
        );
      }
    }
  }
  add(
    "transfer-encoding",
    "TE obs-fold",
    `POST /args HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n${TAIL}3\r\nabc\r\n0\r\n\r\n`,
  );
  add(
    "transfer-encoding",
    "TE with space before colon",
    `POST /args HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n${TAIL}3\r\nabc\r\n0\r\n\r\n`,
  );
  const chunkBodies = [
    "zz\r\nabc\r\n0\r\n\r\n",
    "-1\r\nabc\r\n0\r\n\r\n",
    "0x3\r\nabc\r\n0\r\n\r\n",
    "3 \r\nabc\r\n0\r\n\r\n",
    " 3\r\nabc\r\n0\r\n\r\n",
    "3\r\nabcdef\r\n0\r\n\r\n",
    "3\r\nabc0\r\n\r\n",
    "3\nabc\n0\n\n",
    "ffffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
    '3;ext="unterminated\r\nabc\r\n0\r\n\r\n',
    "3\x00\r\nabc\r\n0\r\n\r\n",
    "3\r\nabc\r\n0\r\nX-Trailer\r\n\r\n",
    "3\r\nabc\rX\r\n0\r\n\r\n",
  ];
  for (const body of chunkBodies) {
    for (const path of BODY_ROUTES) {
      for (const method of ["POST", "PUT"]) {
        add(
          "chunked",
          `${path} ${JSON.stringify(body.slice(0, 20))}`,
          `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n${TAIL}${body}`,
        );
      }
    }
  }

  // 6. Invalid percent-encoding: invalid UTF-8 after decoding is a 400 where the value is used.
  const badEscapes = [
    "%C3%28",
    "%A0%A1",
    "%E2%28%A1",
    "%E2%82%28",
    "%F0%28%8C%BC",
    "%F0%90%28%BC",
    "%FF",
    "%FE%FF",
    "%C0%AF",
    "%C0%80",
    "%E0%80%AF",
    "%F8%88%80%80%80",
    "%ED%A0%80",
    "%ED%BF%BF",
    "%F4%90%80%80",
    "%80",
    "%BF",
    "%C2",
    "%E2%82",
    "%F0%9F%98",
  ];
  for (const esc of badEscapes) {
    add("percent-encoding", `path arg ${esc}`, `GET /path/a${esc}b HTTP/1.1\r\nHost: x\r\n${TAIL}`);
    add(
      "percent-encoding",
      `query value ${esc}`,
      `GET /args?a=${esc} HTTP/1.1\r\nHost: x\r\n${TAIL}`,
    );
    add(
      "percent-encoding",
      `query name ${esc}`,
      `GET /args?${esc}=1 HTTP/1.1\r\nHost: x\r\n${TAIL}`,
      "tolerate",
    );
    const form = `a=${esc}`;
    add(
      "percent-encoding",
      `form value ${esc}`,
      `POST /args HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n${TAIL}${form}`,
    );
    add(
      "percent-encoding",
      `static path ${esc}`,
      `GET /static/${esc}/../../etc/passwd HTTP/1.1\r\nHost: x\r\n${TAIL}`,
    );
    add(
      "percent-encoding",
      `static traversal ${esc}`,
      `GET /static/..%2F..%2F${esc}etc%2Fpasswd HTTP/1.1\r\nHost: x\r\n${TAIL}`,
    );
  }
  // Escapes that are not escapes: kept as literal text, as Tornado does (nothing to refuse).
  for (const esc of ["%", "%%", "%zz", "%4", "%G1", "%%41", "%u0041", "%1%2"]) {
    add(
      "percent-encoding",
      `literal ${esc}`,
      `GET /args?a=${esc} HTTP/1.1\r\nHost: x\r\n${TAIL}`,
      "tolerate",
    );
    add(
      "percent-encoding",
      `literal path ${esc}`,
      `GET /path/${esc} HTTP/1.1\r\nHost: x\r\n${TAIL}`,
      "tolerate",
    );
  }
  // Path traversal through the static-like route: every spelling is refused.
  const traversals = [
    "../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "....//....//etc/passwd",
    "..%252F..%252Fetc%252Fpasswd",
    "%00../etc/passwd",
    "hello.txt%00.png",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "..\\..\\etc\\passwd",
    "..%5C..%5Cetc%5Cpasswd",
    "%c0%ae%c0%ae/etc/passwd",
    "a/../../etc/passwd",
    "./../etc/passwd",
    "..",
    "../",
    "%2e%2e",
  ];
  for (const t of traversals) {
    add("traversal", `static ${t}`, `GET /static/${t} HTTP/1.1\r\nHost: x\r\n${TAIL}`);
  }

  // 7. Overlong URIs and headers (the default maxHeaderSize is 64 KiB).
  for (const size of [65 * 1024, 80 * 1024, 128 * 1024, 512 * 1024, 1024 * 1024]) {
    add(
      "overlong",
      `URI of ${size} bytes`,
      `GET /args?a=${"a".repeat(size)} HTTP/1.1\r\nHost: x\r\n${TAIL}`,
    );
    add(
      "overlong",
      `header of ${size} bytes`,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Long: ${"b".repeat(size)}\r\n${TAIL}`,
    );
    add(
      "overlong",
      `header name of ${size} bytes`,
      `GET / HTTP/1.1\r\nHost: x\r\n${"N".repeat(size)}: v\r\n${TAIL}`,
    );
    add(
      "overlong",
      `cookie of ${size} bytes`,
      `GET /cookie HTTP/1.1\r\nHost: x\r\nCookie: a=${"c".repeat(size)}\r\n${TAIL}`,
    );
    const many = Array.from({ length: Math.ceil(size / 12) }, (_, i) => `X-H${i}: v\r\n`).join("");
    add(
      "overlong",
      `${Math.ceil(size / 12)} header lines`,
      `GET / HTTP/1.1\r\nHost: x\r\n${many}${TAIL}`,
    );
  }

  // 8. Invalid UTF-8 as raw bytes (not percent-encoded).
  const rawUtf8 = [
    "\xc3\x28",
    "\xff",
    "\xfe\xff",
    "\xc0\xaf",
    "\xed\xa0\x80",
    "\xf8\x88\x80\x80\x80",
    "\x80",
    "\xe2\x82",
  ];
  for (const b of rawUtf8) {
    add(
      "utf-8",
      `raw bytes in path ${JSON.stringify(b)}`,
      `GET /path/${b} HTTP/1.1\r\nHost: x\r\n${TAIL}`,
    );
    add(
      "utf-8",
      `raw bytes in query ${JSON.stringify(b)}`,
      `GET /args?a=${b} HTTP/1.1\r\nHost: x\r\n${TAIL}`,
    );
    add(
      "utf-8",
      `raw bytes in method ${JSON.stringify(b)}`,
      `G${b}T / HTTP/1.1\r\nHost: x\r\n${TAIL}`,
    );
    add(
      "utf-8",
      `raw bytes in header name ${JSON.stringify(b)}`,
      `GET / HTTP/1.1\r\nHost: x\r\nX${b}: v\r\n${TAIL}`,
    );
    add(
      "utf-8",
      `raw bytes in Host ${JSON.stringify(b)}`,
      `GET / HTTP/1.1\r\nHost: x${b}\r\n${TAIL}`,
    );
    const form = `a=${b}`;
    add(
      "utf-8",
      `raw bytes in form ${JSON.stringify(b)}`,
      `POST /args HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n${TAIL}${form}`,
    );
    const json = `{"a":"${b}"}`;
    add(
      "utf-8",
      `raw bytes in JSON ${JSON.stringify(b)}`,
      `POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n${TAIL}${json}`,
      "tolerate",
    );
    // HTTP allows obs-text in header values; the server takes them as Latin-1, as Tornado.
    add(
      "utf-8",
      `raw bytes in header value ${JSON.stringify(b)}`,
      `GET /cookie HTTP/1.1\r\nHost: x\r\nCookie: a=${b}\r\n${TAIL}`,
      "tolerate",
    );
  }

  // 9. Null bytes.
  const nulPlaces = [
    "GET /\x00 HTTP/1.1\r\nHost: x\r\n",
    "GET /args?a=\x00 HTTP/1.1\r\nHost: x\r\n",
    "GET / HTTP/1.1\x00\r\nHost: x\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nX-A: \x00\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\n\x00X-A: v\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nX-A\x00: v\r\n",
    "GET / HTTP/1.1\r\nHost: \x00\r\n",
    "GET /cookie HTTP/1.1\r\nHost: x\r\nCookie: a=\x00\r\n",
    "\x00GET / HTTP/1.1\r\nHost: x\r\n",
    "GET\x00/ HTTP/1.1\r\nHost: x\r\n",
  ];
  for (const head of nulPlaces) add("nul", JSON.stringify(head.slice(0, 30)), `${head}${TAIL}`);
  for (const path of ["/path/a%00b", "/static/hello.txt%00", "/static/%00"]) {
    add(
      "nul",
      `escaped NUL ${path}`,
      `GET ${path} HTTP/1.1\r\nHost: x\r\n${TAIL}`,
      path.startsWith("/path") ? "tolerate" : "reject",
    );
  }
  add("nul", "escaped NUL in query", `GET /args?a=%00 HTTP/1.1\r\nHost: x\r\n${TAIL}`, "tolerate");

  // 10. Bodies that do not match their type.
  const badBodies: [string, string][] = [
    ["application/json", "{"],
    ["application/json", '{"a":'],
    ["application/json", "\x00"],
    ["application/json", "[1,2,"],
    ["application/json", "nul"],
    ["multipart/form-data; boundary=b", "--b\r\nno headers\r\n--b--\r\n"],
    ["multipart/form-data; boundary=b", "no boundary at all"],
    [
      "multipart/form-data; boundary=b",
      "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n",
    ],
    [
      "multipart/form-data; boundary=b",
      '--b\r\nContent-Disposition: form-data; name=""\r\n\r\nx\r\n--b--\r\n',
    ],
    [
      "multipart/form-data; boundary=b",
      '--b\r\nContent-Disposition: attachment; name="a"\r\n\r\nx\r\n--b--\r\n',
    ],
    [
      "multipart/form-data",
      '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--\r\n',
    ],
    ["multipart/form-data; boundary=", "----\r\n"],
    [
      "multipart/form-data; boundary=b",
      '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx--b--\r\n',
    ],
  ];
  for (const [type, body] of badBodies) {
    const routes = type.startsWith("application/json")
      ? ["/json"]
      : ["/args", "/upload", "/stream-upload"];
    for (const path of routes) {
      // The streaming parser skips parts that have no form-data name (see MultipartStreamParser).
      const skipped =
        path === "/stream-upload" && (body.includes("no headers") || body.includes("attachment;"));
      const length = Buffer.byteLength(body, "latin1");
      add(
        "body",
        `${path} ${type} ${JSON.stringify(body.slice(0, 24))}`,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n${TAIL}${body}`,
        skipped ? "tolerate" : "reject",
      );
    }
  }

  // 11. Seeded mutations of good requests: CR, LF, NUL, space, colon and high bytes put in random
  // places. The result may happen to be valid, so only "no 5xx" is required of them.
  const random = prng(seed);
  const goods = [
    `GET /args?a=1&b=2 HTTP/1.1\r\nHost: x\r\nCookie: session=abc\r\n${TAIL}`,
    `POST /args HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n${TAIL}a=1&b=2`,
    `POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n${TAIL}{"a":[1]}`,
    `POST /args HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n${TAIL}3\r\na=1\r\n0\r\n\r\n`,
  ];
  const inserts = ["\r", "\n", "\x00", " ", ":", "\xff", "\t", "%", "\r\n", "0"];
  for (let i = 0; i < 800; i++) {
    const base = goods[i % goods.length]!;
    let text = base;
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * text.length);
      const op = random();
      if (op < 0.5)
        text = text.slice(0, at) + inserts[Math.floor(random() * inserts.length)] + text.slice(at);
      else if (op < 0.8) text = text.slice(0, at) + text.slice(at + 1);
      else
        text =
          text.slice(0, at) + String.fromCharCode(Math.floor(random() * 256)) + text.slice(at + 1);
    }
    add("mutation", `mutation ${i}`, text, "tolerate");
  }
  return out;
}
