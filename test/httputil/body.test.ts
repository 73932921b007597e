import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type ArgumentMap,
  BodyParseError,
  type FileMap,
  formatTimestamp,
  type HTTPFile,
  parseBodyArguments,
  parseCookie,
  parseHeaderParams,
  parseHttpDate,
  parseQsBytes,
  responses,
  urlConcat,
} from "tornado-ts/httputil";

function strings(map: ArgumentMap): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(map).map(([k, v]) => [k, v.map((b) => b.toString("latin1"))]),
  );
}

function parse(contentType: string, body: string): { args: ArgumentMap; files: FileMap } {
  const args: ArgumentMap = Object.create(null);
  const files: FileMap = Object.create(null);
  parseBodyArguments(contentType, Buffer.from(body, "latin1"), args, files);
  return { args, files };
}

function multipart(parts: string[], boundary = "XyZ"): string {
  return `${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("")}--${boundary}--\r\n`;
}

describe("parseQsBytes", () => {
  it("splits on & only, keeps blanks, decodes + and percent escapes to bytes", () => {
    assert.deepEqual(strings(parseQsBytes("a=1&a=2&b&c=&d=a+b%2Bc;e=f&g=%FF&&")), {
      a: ["1", "2"],
      b: [""],
      c: [""],
      d: ["a b+c;e=f"],
      g: ["\xff"],
    });
  });

  it("keeps malformed escapes literally", () => {
    assert.deepEqual(strings(parseQsBytes("x=%zz%4")), { x: ["%zz%4"] });
  });

  it("decodes names as UTF-8 and takes any name as a plain key", () => {
    const parsed = parseQsBytes("%C3%A9=1&__proto__=2&constructor=3");
    assert.deepEqual(Object.keys(parsed), ["é", "__proto__", "constructor"]);
    assert.equal(Object.getPrototypeOf(parsed), null);
  });
});

describe("parseHeaderParams", () => {
  it("splits a header into its value and parameters", () => {
    const [value, params] = parseHeaderParams('form-data; name="a;b"; filename="x \\"y\\".txt"');
    assert.equal(value, "form-data");
    assert.deepEqual({ ...params }, { name: "a;b", filename: 'x "y".txt' });
  });

  it('unescapes only \\\\ and \\" in quoted values, keeping Windows paths', () => {
    const [, params] = parseHeaderParams(
      String.raw`form-data; a="..\..\win.txt"; b="x\\y"; c="q\"r"`,
    );
    assert.deepEqual({ ...params }, { a: String.raw`..\..\win.txt`, b: String.raw`x\y`, c: 'q"r' });
  });

  it("decodes RFC 2231 extended parameters", () => {
    const [, params] = parseHeaderParams("form-data; name=f; filename*=UTF-8''%C3%A9.txt");
    assert.equal(params["filename"], "é.txt");
  });
});

describe("parseBodyArguments", () => {
  it("parses a form-urlencoded body, with or without a charset", () => {
    assert.deepEqual(strings(parse("application/x-www-form-urlencoded", "a=1&b=2").args), {
      a: ["1"],
      b: ["2"],
    });
    assert.deepEqual(
      strings(parse("application/x-www-form-urlencoded; charset=UTF-8", "a=%C3%A9").args),
      { a: ["\xc3\xa9"] },
    );
  });

  it("leaves other content types alone", () => {
    const { args, files } = parse("application/json", '{"a": 1}');
    assert.deepEqual(Object.keys(args), []);
    assert.deepEqual(Object.keys(files), []);
  });

  it("parses multipart: files with filename, arguments without (or with an empty one)", () => {
    const { args, files } = parse(
      "multipart/form-data; boundary=XyZ",
      multipart([
        'Content-Disposition: form-data; name="file"; filename="1.txt"\r\nContent-Type: text/plain\r\n\r\nhhahhaa\n',
        'Content-Disposition: form-data; name="file"; filename="1 2.txt"\r\n\r\n',
        'Content-Disposition: form-data; name="x"\r\n\r\nv1',
        'Content-Disposition: form-data; name="x"\r\n\r\nv2',
        'Content-Disposition: form-data; name="empty"; filename=""\r\n\r\nnofile',
      ]),
    );
    const summary = (f: HTTPFile) => [f.filename, f.body.toString(), f.contentType];
    assert.deepEqual(files["file"]?.map(summary), [
      ["1.txt", "hhahhaa\n", "text/plain"],
      ["1 2.txt", "", "application/unknown"],
    ]);
    assert.deepEqual(strings(args), { x: ["v1", "v2"], empty: ["nofile"] });
  });

  it("accepts a quoted boundary", () => {
    const { args } = parse(
      'multipart/form-data; boundary="XyZ"',
      multipart(['Content-Disposition: form-data; name="q"\r\n\r\nquoted']),
    );
    assert.deepEqual(strings(args), { q: ["quoted"] });
  });

  const failures: [string, string, string, string][] = [
    [
      "no final boundary",
      "multipart/form-data; boundary=XyZ",
      '--XyZ\r\nContent-Disposition: form-data; name="x"\r\n\r\nv\r\n',
      "Invalid multipart/form-data: no final boundary found",
    ],
    [
      "no boundary parameter",
      "multipart/form-data",
      multipart(['Content-Disposition: form-data; name="x"\r\n\r\nv']),
      "Invalid multipart/form-data: missing boundary",
    ],
    [
      "a part without headers",
      "multipart/form-data; boundary=XyZ",
      multipart(["no headers"]),
      "Invalid multipart/form-data: missing headers",
    ],
    [
      "a part without a name",
      "multipart/form-data; boundary=XyZ",
      multipart(["Content-Disposition: form-data\r\n\r\nv"]),
      "Invalid multipart/form-data: value missing name",
    ],
    [
      "a part that is not form-data",
      "multipart/form-data; boundary=XyZ",
      multipart(['Content-Disposition: attachment; name="x"\r\n\r\nv']),
      "Invalid multipart/form-data",
    ],
  ];
  for (const [name, type, body, message] of failures) {
    it(`refuses ${name} with a BodyParseError naming it`, () => {
      assert.throws(
        () => parse(type, body),
        (error: unknown) => error instanceof BodyParseError && error.message === message,
      );
    });
  }

  it("refuses more than 100 parts (Tornado 6.5's limit)", () => {
    const parts = Array.from(
      { length: 101 },
      (_, i) => `Content-Disposition: form-data; name="p${i}"\r\n\r\n${i}`,
    );
    assert.throws(
      () => parse("multipart/form-data; boundary=XyZ", multipart(parts)),
      /more than 100 parts/,
    );
  });
});

describe("cookies, dates, urlConcat and reason phrases", () => {
  it("parses a Cookie header as Tornado's parse_cookie: every name kept", () => {
    assert.deepEqual(
      { ...parseCookie('a=1; b="x\\073y"; c; =d; e=f=g; ;  h  =  i  ; /=bad; q="a\\"b"; path=x') },
      { a: "1", b: "x;y", "": "d", e: "f=g", h: "i", "/": "bad", q: 'a"b', path: "x" },
    );
    assert.equal(parseCookie('foo="a;b"')["foo"], '"a');
    assert.equal(parseCookie("foo=a\\073b")["foo"], "a\\073b");
  });

  it("formats HTTP dates", () => {
    assert.equal(formatTimestamp(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert.equal(formatTimestamp(1359312200.7), "Sun, 27 Jan 2013 18:43:20 GMT");
    assert.equal(
      formatTimestamp(new Date(Date.UTC(2020, 0, 2, 3, 4, 5))),
      "Thu, 02 Jan 2020 03:04:05 GMT",
    );
    assert.equal(parseHttpDate("Thu, 02 Jan 2020 03:04:05 GMT"), 1577934245);
    assert.equal(parseHttpDate("not a date"), null);
  });

  it("appends query arguments to a URL", () => {
    assert.equal(
      urlConcat("http://x.com/a", { b: "1 2", c: ["3", "4"] }),
      "http://x.com/a?b=1+2&c=3&c=4",
    );
    assert.equal(urlConcat("/a?x=1", [["y", "2"]]), "/a?x=1&y=2");
    assert.equal(urlConcat("/a?", { y: 2 }), "/a?y=2");
    assert.equal(urlConcat("/a#frag", { y: "é" }), "/a?y=%C3%A9#frag");
    assert.equal(urlConcat("/a", null), "/a");
  });

  it("uses Python 3.11's reason phrases", () => {
    assert.equal(responses[416], "Requested Range Not Satisfiable");
    assert.equal(responses[418], "I'm a Teapot");
    assert.equal(responses[413], "Request Entity Too Large");
    assert.equal(responses[599], undefined);
  });
});
