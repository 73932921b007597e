// Tornado 6.2's tornado/test/httputil_test.py (with the 6.4/6.5 additions Debian ships), ported to
// tornado-ts/httputil. Tornado's HTTPInputError is BodyParseError for bodies and an Error from
// HTTPHeaders.parse; HTTPServerRequest and the request line come from a real request, since a
// tornado-ts request is built by the server from Node's parser.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type ArgumentMap,
  BodyParseError,
  type FileMap,
  formatTimestamp,
  HTTPHeaders,
  type HTTPServerRequest,
  parseCookie,
  parseMultipartFormData,
  parseQsBytes,
  urlConcat,
} from "tornado-ts/httputil";
import { InProcessClient, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

const BASE = "https://localhost/path";

test("TestUrlConcat.test_url_concat_no_query_params", () => {
  assert.equal(
    urlConcat(BASE, [
      ["y", "y"],
      ["z", "z"],
    ]),
    `${BASE}?y=y&z=z`,
  );
});

test("TestUrlConcat.test_url_concat_encode_args", () => {
  assert.equal(
    urlConcat(BASE, [
      ["y", "/y"],
      ["z", "z"],
    ]),
    `${BASE}?y=%2Fy&z=z`,
  );
});

test("TestUrlConcat.test_url_concat_trailing_q", () => {
  assert.equal(
    urlConcat(`${BASE}?`, [
      ["y", "y"],
      ["z", "z"],
    ]),
    `${BASE}?y=y&z=z`,
  );
});

test("TestUrlConcat.test_url_concat_q_with_no_trailing_amp", () => {
  assert.equal(
    urlConcat(`${BASE}?x`, [
      ["y", "y"],
      ["z", "z"],
    ]),
    `${BASE}?x=&y=y&z=z`,
  );
});

test("TestUrlConcat.test_url_concat_trailing_amp", () => {
  assert.equal(
    urlConcat(`${BASE}?x&`, [
      ["y", "y"],
      ["z", "z"],
    ]),
    `${BASE}?x=&y=y&z=z`,
  );
});

test("TestUrlConcat.test_url_concat_mult_params", () => {
  assert.equal(
    urlConcat(`${BASE}?a=1&b=2`, [
      ["y", "y"],
      ["z", "z"],
    ]),
    `${BASE}?a=1&b=2&y=y&z=z`,
  );
});

test("TestUrlConcat.test_url_concat_no_params", () => {
  assert.equal(urlConcat(`${BASE}?r=1&t=2`, []), `${BASE}?r=1&t=2`);
});

test("TestUrlConcat.test_url_concat_none_params", () => {
  assert.equal(urlConcat(`${BASE}?r=1&t=2`, null), `${BASE}?r=1&t=2`);
});

test("TestUrlConcat.test_url_concat_with_frag", () => {
  assert.equal(urlConcat(`${BASE}#tab`, [["y", "y"]]), `${BASE}?y=y#tab`);
});

test("TestUrlConcat.test_url_concat_multi_same_params", () => {
  assert.equal(
    urlConcat(BASE, [
      ["y", "y1"],
      ["y", "y2"],
    ]),
    `${BASE}?y=y1&y=y2`,
  );
});

test("TestUrlConcat.test_url_concat_multi_same_query_params", () => {
  assert.equal(urlConcat(`${BASE}?r=1&r=2`, [["y", "y"]]), `${BASE}?r=1&r=2&y=y`);
});

test("TestUrlConcat.test_url_concat_dict_params", () => {
  assert.equal(urlConcat(BASE, { y: "y" }), `${BASE}?y=y`);
});

test("QsParseTest.test_parsing", () => {
  // Tornado's qs_to_qsl flattens parse_qs's dict into pairs; parseQsBytes gives the dict.
  const qs = parseQsBytes("a=1&b=2&a=3");
  const pairs = Object.entries(qs).flatMap(([name, values]) =>
    values.map((value) => `${name}=${value.toString()}`),
  );
  assert.ok(pairs.includes("a=1"));
  assert.ok(pairs.includes("a=3"));
  assert.ok(pairs.includes("b=2"));
});

function multipart(text: string): Buffer {
  return Buffer.from(text.replaceAll("\n", "\r\n"), "utf8");
}

function parseForm(boundary: string, data: Buffer): { args: ArgumentMap; files: FileMap } {
  const args: ArgumentMap = {};
  const files: FileMap = {};
  parseMultipartFormData(boundary, data, args, files);
  return { args, files };
}

function assertOneFile(files: FileMap, filename: string): void {
  const file = files["files"]![0]!;
  assert.equal(file.filename, filename);
  assert.deepEqual(file.body, Buffer.from("Foo"));
}

function assertRejected(data: Buffer, message: RegExp): void {
  const args: ArgumentMap = {};
  const files: FileMap = {};
  assert.throws(
    () => parseMultipartFormData("1234", data, args, files),
    (error: unknown) => error instanceof BodyParseError && message.test(error.message),
  );
  assert.deepEqual(files, {});
}

const SIMPLE_UPLOAD = `--1234
Content-Disposition: form-data; name="files"; filename="ab.txt"

Foo
--1234--`;

test("MultipartFormDataTest.test_file_upload", () => {
  assertOneFile(parseForm("1234", multipart(SIMPLE_UPLOAD)).files, "ab.txt");
});

test("MultipartFormDataTest.test_unquoted_names", () => {
  const data = multipart(`--1234
Content-Disposition: form-data; name=files; filename=ab.txt

Foo
--1234--`);
  assertOneFile(parseForm("1234", data).files, "ab.txt");
});

test("MultipartFormDataTest.test_special_filenames", () => {
  const filenames = [
    "a;b.txt",
    'a"b.txt',
    'a";b.txt',
    'a;"b.txt',
    'a";";.txt',
    'a\\"b.txt',
    "a\\b.txt",
  ];
  for (const filename of filenames) {
    const quoted = filename.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
    const data = multipart(`--1234
Content-Disposition: form-data; name="files"; filename="${quoted}"

Foo
--1234--`);
    assertOneFile(parseForm("1234", data).files, filename);
  }
});

test("MultipartFormDataTest.test_non_ascii_filename", () => {
  const data = multipart(`--1234
Content-Disposition: form-data; name="files"; filename="ab.txt"; filename*=UTF-8''%C3%A1b.txt

Foo
--1234--`);
  assertOneFile(parseForm("1234", data).files, "\u00e1b.txt");
});

test("MultipartFormDataTest.test_boundary_starts_and_ends_with_quotes", () => {
  assertOneFile(parseForm('"1234"', multipart(SIMPLE_UPLOAD)).files, "ab.txt");
});

test("MultipartFormDataTest.test_missing_headers", () => {
  assertRejected(
    multipart(`--1234

Foo
--1234--`),
    /missing headers/,
  );
});

test("MultipartFormDataTest.test_invalid_content_disposition", () => {
  assertRejected(
    multipart(`--1234
Content-Disposition: invalid; name="files"; filename="ab.txt"

Foo
--1234--`),
    /Invalid multipart\/form-data/,
  );
});

test("MultipartFormDataTest.test_line_does_not_end_with_correct_line_break", () => {
  assertRejected(
    multipart(`--1234
Content-Disposition: form-data; name="files"; filename="ab.txt"

Foo--1234--`),
    /Invalid multipart\/form-data/,
  );
});

test("MultipartFormDataTest.test_content_disposition_header_without_name_parameter", () => {
  assertRejected(
    multipart(`--1234
Content-Disposition: form-data; filename="ab.txt"

Foo
--1234--`),
    /value missing name/,
  );
});

test("MultipartFormDataTest.test_data_after_final_boundary", () => {
  assertOneFile(parseForm("1234", multipart(`${SIMPLE_UPLOAD}\n`)).files, "ab.txt");
});

test("MultipartFormDataTest.test_disposition_param_linear_performance", () => {
  // Tornado compares timings; here (no timed assertions) the quadratic case must parse correctly,
  // and the benchmark covers speed.
  for (const n of [1_000, 10_000]) {
    const message = Buffer.from(
      `--1234\r\nContent-Disposition: form-data; x="${";".repeat(n)}"; ` +
        'name="files"; filename="a.txt"\r\n\r\nFoo\r\n--1234--\r\n',
    );
    assertOneFile(parseForm("1234", message).files, "a.txt");
  }
});

test("HTTPHeadersTest.test_multi_line", () => {
  const data = "Foo: bar\n baz\nAsdf: qwer\n\tzxcv\nFoo: even\n     more\n     lines\n".replaceAll(
    "\n",
    "\r\n",
  );
  const headers = HTTPHeaders.parse(data);
  assert.equal(headers.get("asdf"), "qwer zxcv");
  assert.deepEqual(headers.getList("asdf"), ["qwer zxcv"]);
  assert.equal(headers.get("Foo"), "bar baz,even more lines");
  assert.deepEqual(headers.getList("foo"), ["bar baz", "even more lines"]);
  assert.deepEqual([...headers.getAll()].sort(), [
    ["Asdf", "qwer zxcv"],
    ["Foo", "bar baz"],
    ["Foo", "even more lines"],
  ]);
  assert.ok(headers.has("asdf"));
  assert.ok(headers.has("Asdf"));
});

test("HTTPHeadersTest.test_malformed_continuation", () => {
  assert.throws(() => HTTPHeaders.parse(" Foo: bar"), Error);
});

test("HTTPHeadersTest.test_unicode_newlines", () => {
  const newlines = ["\u001b", "\u001c", "\u001d", "\u001e", "\u0085", "\u2028", "\u2029"];
  for (const newline of newlines) {
    for (const encoding of ["utf8", "latin1"] as const) {
      if (encoding === "latin1" && newline.charCodeAt(0) > 0xff) continue;
      const encoded = Buffer.from(newline, encoding);
      // Header blocks are decoded as latin-1 by the server, as in Tornado.
      const data = Buffer.concat([Buffer.from("Cookie: foo="), encoded, Buffer.from("bar")]);
      const headers = HTTPHeaders.parse(data.toString("latin1"));
      assert.deepEqual(
        [...headers.getAll()],
        [["Cookie", `foo=${encoded.toString("latin1")}bar`]],
        `${JSON.stringify(newline)} in ${encoding}`,
      );
    }
  }
});

test("HTTPHeadersTest.test_optional_cr", () => {
  const headers = HTTPHeaders.parse("CRLF: crlf\r\nLF: lf\nCR: cr\rMore: more\r\n");
  assert.deepEqual([...headers.getAll()].sort(), [
    ["Cr", "cr\rMore: more"],
    ["Crlf", "crlf"],
    ["Lf", "lf"],
  ]);
});

test("HTTPHeadersTest.test_copy", () => {
  const allPairs: [string, string][] = [
    ["A", "1"],
    ["A", "2"],
    ["B", "c"],
  ];
  const h1 = new HTTPHeaders();
  for (const [name, value] of allPairs) h1.add(name, value);
  const h2 = h1.copy();
  const h3 = new HTTPHeaders(h1);
  for (const headers of [h1, h2, h3]) assert.deepEqual([...headers.getAll()].sort(), allPairs);
  for (const headers of [h2, h3]) {
    assert.notEqual(headers, h1);
    assert.notEqual(headers.getList("A"), h1.getList("A"));
    headers.add("A", "3");
    assert.deepEqual(h1.getList("A"), ["1", "2"]);
  }
});

test("HTTPHeadersTest.test_setdefault", () => {
  // Tornado's MutableMapping.setdefault is get(name) ?? set(name, value) here.
  const setdefault = (headers: HTTPHeaders, name: string, value: string): string => {
    const present = headers.get(name);
    if (present !== undefined) return present;
    headers.set(name, value);
    return value;
  };
  const headers = new HTTPHeaders();
  headers.set("foo", "bar");
  assert.equal(setdefault(headers, "foo", "baz"), "bar");
  assert.equal(headers.get("foo"), "bar");
  assert.equal(setdefault(headers, "quux", "xyzzy"), "xyzzy");
  assert.equal(headers.get("quux"), "xyzzy");
  assert.deepEqual([...headers.getAll()].sort(), [
    ["Foo", "bar"],
    ["Quux", "xyzzy"],
  ]);
});

test("HTTPHeadersTest.test_string", () => {
  const headers = new HTTPHeaders();
  headers.add("Foo", "1");
  headers.add("Foo", "2");
  headers.add("Foo", "3");
  const headers2 = HTTPHeaders.parse(String(headers));
  assert.deepEqual([...headers2.getAll()], [...headers.getAll()]);
});

test("HTTPHeadersTest.test_linear_performance", () => {
  // Tornado compares timings; here (no timed assertions) 100,000 values of one name are kept.
  const headers = new HTTPHeaders();
  for (let i = 0; i < 100_000; i++) headers.add("X-Foo", "bar");
  assert.equal(headers.getList("x-foo").length, 100_000);
});

const TIMESTAMP = 1359312200.503611;
const EXPECTED = "Sun, 27 Jan 2013 18:43:20 GMT";

test("FormatTimestampTest.test_unix_time_float", () => {
  assert.equal(formatTimestamp(TIMESTAMP), EXPECTED);
});

test("FormatTimestampTest.test_unix_time_int", () => {
  assert.equal(formatTimestamp(Math.trunc(TIMESTAMP)), EXPECTED);
});

test("FormatTimestampTest.test_datetime", () => {
  assert.equal(formatTimestamp(new Date(TIMESTAMP * 1000)), EXPECTED);
});

// The request the server built for the last GET, to look at it as Tornado's tests do.
async function captureRequest(
  raw?: string,
): Promise<{ request: HTTPServerRequest; response: string }> {
  let seen: HTTPServerRequest | undefined;
  class Capture extends RequestHandler {
    override get() {
      seen = this.request;
      this.write("ok");
    }
  }
  const app = new Application([["/.*", Capture]]);
  if (raw === undefined) {
    const client = new InProcessClient(app);
    try {
      const response = await client.fetch("/", { headers: { Canary: "Coal Mine" } });
      return { request: seen!, response: response.body.toString() };
    } finally {
      client.close();
    }
  }
  const server = await TestServer.start(app);
  try {
    const response = (await server.rawRequest(raw)).toString("latin1");
    return { request: seen!, response };
  } finally {
    await server.close();
  }
}

test("HTTPServerRequestTest.test_default_constructor", async () => {
  const { request } = await captureRequest();
  assert.equal(request.uri, "/");
  assert.equal(request.method, "GET");
});

test("HTTPServerRequestTest.test_body_is_a_byte_string", async () => {
  const { request } = await captureRequest();
  assert.ok(Buffer.isBuffer(request.body));
});

test("HTTPServerRequestTest.test_repr_does_not_contain_headers", async () => {
  const { request } = await captureRequest();
  assert.equal(request.headers.get("Canary"), "Coal Mine");
  assert.ok(!String(request).includes("Canary"));
});

test("ParseRequestStartLineTest.test_parse_request_start_line", async () => {
  const { request, response } = await captureRequest(
    "GET /foo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
  );
  assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
  assert.equal(request.method, "GET");
  assert.equal(request.path, "/foo");
  assert.equal(request.version, "HTTP/1.1");
});

// parseCookie's result has no prototype; compared here as a plain object.
function cookies(header: string): Record<string, string> {
  return { ...parseCookie(header) };
}

test("ParseCookieTest.test_python_cookies", () => {
  assert.deepEqual(cookies("chips=ahoy; vienna=finger"), { chips: "ahoy", vienna: "finger" });
  assert.deepEqual(cookies('keebler="E=mc2; L=\\"Loves\\"; fudge=\\012;"'), {
    keebler: '"E=mc2',
    L: '\\"Loves\\"',
    fudge: "\\012",
    "": '"',
  });
  assert.deepEqual(cookies("keebler=E=mc2"), { keebler: "E=mc2" });
  assert.deepEqual(cookies("key:term=value:term"), { "key:term": "value:term" });
  assert.deepEqual(cookies("a=b; c=[; d=r; f=h"), { a: "b", c: "[", d: "r", f: "h" });
});

test("ParseCookieTest.test_cookie_edgecases", () => {
  assert.deepEqual(cookies("a=b; Domain=example.com"), { a: "b", Domain: "example.com" });
  assert.deepEqual(cookies("a=b; h=i; a=c"), { a: "c", h: "i" });
});

test("ParseCookieTest.test_invalid_cookies", () => {
  assert.ok("django_language" in parseCookie("abc=def; unnamed; django_language=en"));
  assert.deepEqual(cookies('a=b; "; c=d'), { a: "b", "": '"', c: "d" });
  assert.deepEqual(cookies("a b c=d e = f; gh=i"), { "a b c": "d e = f", gh: "i" });
  assert.deepEqual(cookies('a   b,c<>@:/[]?{}=d  "  =e,f g'), {
    "a   b,c<>@:/[]?{}": 'd  "  =e,f g',
  });
  assert.deepEqual(cookies("saint=Andr\u00e9 Bessette"), { saint: "Andr\u00e9 Bessette" });
  assert.deepEqual(cookies("  =  b  ;  ;  =  ;   c  =  ;  "), { "": "b", c: "" });
});

test("ParseCookieTest.test_unquote", () => {
  const cases: [string, string][] = [
    ['a="b=\\""', 'b="'],
    ['a="b=\\\\"', "b=\\"],
    ['a="b=\\="', "b=="],
    ['a="b=\\n"', "b=n"],
    ['a="b=\\042"', 'b="'],
    ['a="b=\\134"', "b=\\"],
    ['a="b=\\377"', "b=\xff"],
    ['a="b=\\400"', "b=400"],
    ['a="b=\\42"', "b=42"],
    ['a="b=\\\\042"', "b=\\042"],
    ['a="b=\\\\134"', "b=\\134"],
    ['a="b=\\\\\\""', 'b=\\"'],
    ['a="b=\\\\\\042"', 'b=\\"'],
    ['a="b=\\134\\""', 'b=\\"'],
    ['a="b=\\134\\042"', 'b=\\"'],
  ];
  for (const [encoded, decoded] of cases) assert.equal(parseCookie(encoded)["a"], decoded, encoded);
});

test("ParseCookieTest.test_unquote_large", () => {
  // Tornado also bounds the time (1 s); here only the outcome is asserted (no timed assertions).
  const n = 100_000;
  for (const encoded of ["\\\\", "\\134"]) {
    const value = parseCookie(`a="b=${encoded.repeat(n)}"`)["a"]!;
    assert.equal(value.slice(0, 3), "b=\\");
    assert.equal(value.slice(-3), "\\\\\\");
    assert.equal(value.length, n + 2);
  }
});
