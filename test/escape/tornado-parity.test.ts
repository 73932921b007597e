// tornado-ts/escape against real Tornado 6.2 (one Python process), on a table of inputs.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  jsonEncode,
  linkify,
  squeeze,
  urlEscape,
  urlUnescape,
  xhtmlEscape,
  xhtmlUnescape,
} from "tornado-ts/escape";
import { runPython } from "../support/python-tornado.ts";

const LINKIFY_INPUTS = [
  "Hello http://tornadoweb.org!",
  "www.example.com/path",
  "ftp://x.com javascript:alert(1)",
  "http://www.example.com/a/very/long/path/that/keeps/going/on/and/on?x=1&y=2",
  "see (http://example.com/foo_(bar)) and http://a.b/c.",
  "http://例え.jp/パス?q=1 x",
  "mailto:foo@bar.com http://x.com/a&b<c>\"d'e",
  "www.x.com. www.y.com, https://z.com/?a=1&amp;b",
  "http://en.wikipedia.org/wiki/Tornado_(disambiguation)",
  "x-y://host/ z http:/a http:///b",
  "http://www.example.com/wpstyle/?p=364.",
  "https://www.example.com/foo/?bar=baz&inga=42&quux",
  "http://✪df.ws/123",
  "http://userid:password@example.com:8080/",
  "http://142.42.1.1:8080/",
  "http://foo.com/blah_blah_(wikipedia)_(again)",
  "https://a.com/𝒳𝒴𝒵/abcdefghijklmnopqrstu/xyz",
  "http://www.example.com/abcdefghijklmnopqrstuvwxyz&amp;abcdefghijklmnop",
  "a\u00a0http://x.com\u3000b",
  "_http://x.com -http://x.com éhttp://x.com",
  "<script>alert('x')</script> http://evil.com/\"onmouseover=\"",
];

// Short and long texts (xhtmlEscape scans up to 64 characters by hand): specials at either end,
// runs of them, none, and non-ASCII (surrogate pairs included) around them.
const ESCAPE_INPUTS = [
  ...LINKIFY_INPUTS,
  "",
  "&",
  "a&",
  "&a",
  "&&<<>>\"\"''",
  "plain",
  "é&😀<\ud800>",
  ...[63, 64, 65, 200].flatMap((n) => [
    "x".repeat(n),
    `&${"x".repeat(n - 2)}'`,
    `${"é".repeat(n - 1)}<`,
    "<>&\"'".repeat(n).slice(0, n),
  ]),
];

const UNESCAPE_INPUTS = [
  "&lt;&#39;&#x27;&amp;&nbsp;&bogus;",
  "&amp;amp; &#65;&#x41;&#X41; &#0x41; &#1_0; &#x; &#; &#99999999;",
  "&hellip;&mdash;&euro;&copy;&eacute;&Omega;&frac12;&notin;",
  "no entities here & there; &&lt;",
  "&#128512; &#xD800; &#x10FFFF; &#x110000;",
];

const URL_INPUTS = [
  "a b/c&d=é~_.-*",
  "",
  "100%",
  "a+b%20c",
  "%zz%2",
  "%E2%9C%93+x",
  "/path/to file?q=1",
];

const SQUEEZE_INPUTS = ["  a \t b\n\nc  ", "\u00a0 x \u00a0", "\x00\x01a\x1fb", "\u3000y\u3000"];

const JSON_INPUTS: unknown[] = [
  { a: 1, b: [true, false, null], c: "</script>" },
  "é ✓ 😀 \u2028",
  [1.5, -2, 0, "x\ny\t\u0001\u007f"],
  { nested: { "</": "</" } },
  ["plain ascii ~!", 'say "hi"', "back\\slash", "\u001f", "lone \ud800", "tab\there", ""],
  { "key with space": "value", 'q"k': "v", "": 0 },
];

describe("tornado-ts/escape matches Tornado 6.2", () => {
  let ref: Record<string, unknown[]>;

  before(async () => {
    const input = Buffer.from(
      JSON.stringify({
        LINKIFY_INPUTS,
        ESCAPE_INPUTS,
        UNESCAPE_INPUTS,
        URL_INPUTS,
        SQUEEZE_INPUTS,
        JSON_INPUTS,
      }),
    ).toString("base64");
    ref = JSON.parse(
      await runPython(`
import base64, json
from tornado.escape import *
d = json.loads(base64.b64decode("${input}").decode())
out = {
  "linkify": [[linkify(t), linkify(t, shorten=True), linkify(t, extra_params='rel="nofollow" '),
               linkify(t, require_protocol=True),
               linkify(t, permitted_protocols=["http", "ftp", "mailto", "x-y"], shorten=True,
                       extra_params=lambda h: ' class="ext" ' if "x" in h else "")]
              for t in d["LINKIFY_INPUTS"]],
  "xhtml_escape": [xhtml_escape(t) for t in d["ESCAPE_INPUTS"]],
  "xhtml_unescape": [xhtml_unescape(t) for t in d["UNESCAPE_INPUTS"]],
  "url_escape": [[url_escape(t), url_escape(t, plus=False)] for t in d["URL_INPUTS"]],
  "url_unescape": [[url_unescape(t), url_unescape(t, plus=False)] for t in d["URL_INPUTS"]],
  "squeeze": [squeeze(t) for t in d["SQUEEZE_INPUTS"]],
  "json_encode": [json_encode(v) for v in d["JSON_INPUTS"]],
}
print(json.dumps(out))
`),
    ) as Record<string, unknown[]>;
  });

  it("linkify, with every option", () => {
    LINKIFY_INPUTS.forEach((text, i) => {
      assert.deepEqual(
        [
          linkify(text),
          linkify(text, { shorten: true }),
          linkify(text, { extraParams: 'rel="nofollow" ' }),
          linkify(text, { requireProtocol: true }),
          linkify(text, {
            permittedProtocols: ["http", "ftp", "mailto", "x-y"],
            shorten: true,
            extraParams: (href) => (href.includes("x") ? ' class="ext" ' : ""),
          }),
        ],
        ref["linkify"]![i],
        text,
      );
    });
  });

  it("linkify with Tornado's positional arguments", () => {
    const text = LINKIFY_INPUTS[3]!;
    assert.equal(linkify(text, true), (ref["linkify"]![3] as string[])[1]);
    assert.equal(linkify(text, false, "", true), (ref["linkify"]![3] as string[])[3]);
  });

  it("xhtmlEscape", () => {
    assert.deepEqual(ESCAPE_INPUTS.map(xhtmlEscape), ref["xhtml_escape"]);
  });

  it("xhtmlUnescape, where Tornado 6.2 knows the entity", () => {
    assert.deepEqual(UNESCAPE_INPUTS.map(xhtmlUnescape), ref["xhtml_unescape"]);
  });

  it("xhtmlUnescape decodes HTML5 names Tornado 6.2 does not know", () => {
    assert.equal(xhtmlUnescape("&apos;&NotEqualTilde;&bogus;"), "'\u2242\u0338&bogus;");
  });

  it("urlEscape and urlUnescape, with and without plus", () => {
    assert.deepEqual(
      URL_INPUTS.map((t) => [urlEscape(t), urlEscape(t, false)]),
      ref["url_escape"],
    );
    assert.deepEqual(
      URL_INPUTS.map((t) => [urlUnescape(t), urlUnescape(t, false)]),
      ref["url_unescape"],
    );
  });

  it("squeeze", () => {
    assert.deepEqual(SQUEEZE_INPUTS.map(squeeze), ref["squeeze"]);
  });

  it("jsonEncode", () => {
    assert.deepEqual(JSON_INPUTS.map(jsonEncode), ref["json_encode"]);
  });
});
