// Tornado 6.2's tornado/test/escape_test.py, ported to tornado-ts/escape.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  jsonDecode,
  jsonEncode,
  type LinkifyOptions,
  linkify,
  squeeze,
  toUnicode,
  urlEscape,
  urlUnescape,
  urlUnescapeToBytes,
  utf8,
  xhtmlEscape,
  xhtmlUnescape,
} from "tornado-ts/escape";

const LINKIFY_CASES: [string, LinkifyOptions, string][] = [
  ["hello http://world.com/!", {}, 'hello <a href="http://world.com/">http://world.com/</a>!'],
  [
    "hello http://world.com/with?param=true&stuff=yes",
    {},
    'hello <a href="http://world.com/with?param=true&amp;stuff=yes">http://world.com/with?param=true&amp;stuff=yes</a>',
  ],
  [
    `http://url.com/w(${"a".repeat(45)}`,
    {},
    `<a href="http://url.com/w">http://url.com/w</a>(${"a".repeat(45)}`,
  ],
  [
    `http://url.com/withmany${".".repeat(39)}`,
    {},
    `<a href="http://url.com/withmany">http://url.com/withmany</a>${".".repeat(39)}`,
  ],
  [
    `http://url.com/withmany${"(".repeat(34)}a)`,
    {},
    `<a href="http://url.com/withmany">http://url.com/withmany</a>${"(".repeat(34)}a)`,
  ],
  [
    "http://foo.com/blah_blah",
    {},
    '<a href="http://foo.com/blah_blah">http://foo.com/blah_blah</a>',
  ],
  [
    "http://foo.com/blah_blah/",
    {},
    '<a href="http://foo.com/blah_blah/">http://foo.com/blah_blah/</a>',
  ],
  [
    "(Something like http://foo.com/blah_blah)",
    {},
    '(Something like <a href="http://foo.com/blah_blah">http://foo.com/blah_blah</a>)',
  ],
  [
    "http://foo.com/blah_blah_(wikipedia)",
    {},
    '<a href="http://foo.com/blah_blah_(wikipedia)">http://foo.com/blah_blah_(wikipedia)</a>',
  ],
  [
    "http://foo.com/blah_(blah)_(wikipedia)_blah",
    {},
    '<a href="http://foo.com/blah_(blah)_(wikipedia)_blah">http://foo.com/blah_(blah)_(wikipedia)_blah</a>',
  ],
  [
    "(Something like http://foo.com/blah_blah_(wikipedia))",
    {},
    '(Something like <a href="http://foo.com/blah_blah_(wikipedia)">http://foo.com/blah_blah_(wikipedia)</a>)',
  ],
  [
    "http://foo.com/blah_blah.",
    {},
    '<a href="http://foo.com/blah_blah">http://foo.com/blah_blah</a>.',
  ],
  [
    "http://foo.com/blah_blah/.",
    {},
    '<a href="http://foo.com/blah_blah/">http://foo.com/blah_blah/</a>.',
  ],
  [
    "<http://foo.com/blah_blah>",
    {},
    '&lt;<a href="http://foo.com/blah_blah">http://foo.com/blah_blah</a>&gt;',
  ],
  [
    "<http://foo.com/blah_blah/>",
    {},
    '&lt;<a href="http://foo.com/blah_blah/">http://foo.com/blah_blah/</a>&gt;',
  ],
  [
    "http://foo.com/blah_blah,",
    {},
    '<a href="http://foo.com/blah_blah">http://foo.com/blah_blah</a>,',
  ],
  [
    "http://www.example.com/wpstyle/?p=364.",
    {},
    '<a href="http://www.example.com/wpstyle/?p=364">http://www.example.com/wpstyle/?p=364</a>.',
  ],
  [
    "rdar://1234",
    { permittedProtocols: ["http", "rdar"] },
    '<a href="rdar://1234">rdar://1234</a>',
  ],
  ["rdar:/1234", { permittedProtocols: ["rdar"] }, '<a href="rdar:/1234">rdar:/1234</a>'],
  [
    "http://userid:password@example.com:8080",
    {},
    '<a href="http://userid:password@example.com:8080">http://userid:password@example.com:8080</a>',
  ],
  [
    "http://userid@example.com",
    {},
    '<a href="http://userid@example.com">http://userid@example.com</a>',
  ],
  [
    "http://userid@example.com:8080",
    {},
    '<a href="http://userid@example.com:8080">http://userid@example.com:8080</a>',
  ],
  [
    "http://userid:password@example.com",
    {},
    '<a href="http://userid:password@example.com">http://userid:password@example.com</a>',
  ],
  [
    "message://%3c330e7f8409726r6a4ba78dkf1fd71420c1bf6ff@mail.gmail.com%3e",
    { permittedProtocols: ["http", "message"] },
    '<a href="message://%3c330e7f8409726r6a4ba78dkf1fd71420c1bf6ff@mail.gmail.com%3e">' +
      "message://%3c330e7f8409726r6a4ba78dkf1fd71420c1bf6ff@mail.gmail.com%3e</a>",
  ],
  ["http://\u27a1.ws/\u4a39", {}, '<a href="http://\u27a1.ws/\u4a39">http://\u27a1.ws/\u4a39</a>'],
  [
    "<tag>http://example.com</tag>",
    {},
    '&lt;tag&gt;<a href="http://example.com">http://example.com</a>&lt;/tag&gt;',
  ],
  [
    "Just a www.example.com link.",
    {},
    'Just a <a href="http://www.example.com">www.example.com</a> link.',
  ],
  ["Just a www.example.com link.", { requireProtocol: true }, "Just a www.example.com link."],
  [
    "A http://reallylong.com/link/that/exceedsthelenglimit.html",
    { requireProtocol: true, shorten: true },
    'A <a href="http://reallylong.com/link/that/exceedsthelenglimit.html"' +
      ' title="http://reallylong.com/link/that/exceedsthelenglimit.html">http://reallylong.com/link...</a>',
  ],
  [
    "A http://reallylongdomainnamethatwillbetoolong.com/hi!",
    { shorten: true },
    'A <a href="http://reallylongdomainnamethatwillbetoolong.com/hi"' +
      ' title="http://reallylongdomainnamethatwillbetoolong.com/hi">http://reallylongdomainnametha...</a>!',
  ],
  [
    "A file:///passwords.txt and http://web.com link",
    {},
    'A file:///passwords.txt and <a href="http://web.com">http://web.com</a> link',
  ],
  [
    "A file:///passwords.txt and http://web.com link",
    { permittedProtocols: ["file"] },
    'A <a href="file:///passwords.txt">file:///passwords.txt</a> and http://web.com link',
  ],
  [
    "www.external-link.com",
    { extraParams: 'rel="nofollow" class="external"' },
    '<a href="http://www.external-link.com" rel="nofollow" class="external">www.external-link.com</a>',
  ],
  [
    "www.external-link.com and www.internal-link.com/blogs extra",
    {
      extraParams: (href) =>
        href.startsWith("http://www.internal-link.com")
          ? 'class="internal"'
          : 'rel="nofollow" class="external"',
    },
    '<a href="http://www.external-link.com" rel="nofollow" class="external">www.external-link.com</a>' +
      ' and <a href="http://www.internal-link.com/blogs" class="internal">www.internal-link.com/blogs</a> extra',
  ],
  [
    "www.external-link.com",
    { extraParams: () => '    rel="nofollow" class="external"  ' },
    '<a href="http://www.external-link.com" rel="nofollow" class="external">www.external-link.com</a>',
  ],
];

test("EscapeTestCase.test_linkify", () => {
  for (const [text, options, html] of LINKIFY_CASES) {
    assert.equal(linkify(text, options), html, text);
  }
});

test("EscapeTestCase.test_xhtml_escape", () => {
  const cases: [string | Uint8Array, string | Uint8Array][] = [
    ["<foo>", "&lt;foo&gt;"],
    [Buffer.from("<foo>"), Buffer.from("&lt;foo&gt;")],
    ["<>&\"'", "&lt;&gt;&amp;&quot;&#39;"],
    ["&amp;", "&amp;amp;"],
    ["<\u00e9>", "&lt;\u00e9&gt;"],
    [Buffer.from([0x3c, 0xc3, 0xa9, 0x3e]), Buffer.from("&lt;\xc3\xa9&gt;", "latin1")],
  ];
  for (const [unescaped, escaped] of cases) {
    assert.deepEqual(utf8(xhtmlEscape(unescaped)), utf8(escaped));
    assert.deepEqual(utf8(unescaped), utf8(xhtmlUnescape(escaped)));
  }
});

test("EscapeTestCase.test_xhtml_unescape_numeric", () => {
  const cases: [string, string][] = [
    ["foo&#32;bar", "foo bar"],
    ["foo&#x20;bar", "foo bar"],
    ["foo&#X20;bar", "foo bar"],
    ["foo&#xabc;bar", "foo\u0abcbar"],
    ["foo&#xyz;bar", "foo&#xyz;bar"],
    ["foo&#;bar", "foo&#;bar"],
    ["foo&#x;bar", "foo&#x;bar"],
  ];
  for (const [escaped, unescaped] of cases) assert.equal(xhtmlUnescape(escaped), unescaped);
});

test("EscapeTestCase.test_url_escape_unicode", () => {
  assert.equal(urlEscape(Buffer.from("\u00e9", "utf8")), "%C3%A9");
  assert.equal(urlEscape(Buffer.from("\u00e9", "latin1")), "%E9");
  assert.equal(urlEscape("\u00e9"), "%C3%A9");
});

test("EscapeTestCase.test_url_unescape_unicode", () => {
  // Tornado's url_unescape(value, encoding): utf-8 is urlUnescape, another encoding decodes the
  // bytes of urlUnescapeToBytes, and encoding=None is urlUnescapeToBytes itself.
  for (const escaped of ["%C3%A9", toUnicode(utf8("%C3%A9"))]) {
    assert.equal(urlUnescape(escaped), "\u00e9");
    assert.equal(urlUnescapeToBytes(escaped).toString("latin1"), "\u00c3\u00a9");
    assert.deepEqual(urlUnescapeToBytes(escaped), utf8("\u00e9"));
  }
});

test("EscapeTestCase.test_url_escape_quote_plus", () => {
  const unescaped = "+ #%";
  const plusEscaped = "%2B+%23%25";
  const escaped = "%2B%20%23%25";
  assert.equal(urlEscape(unescaped), plusEscaped);
  assert.equal(urlEscape(unescaped, false), escaped);
  assert.equal(urlUnescape(plusEscaped), unescaped);
  assert.equal(urlUnescape(escaped, false), unescaped);
  assert.deepEqual(urlUnescapeToBytes(plusEscaped), utf8(unescaped));
  assert.deepEqual(urlUnescapeToBytes(escaped, false), utf8(unescaped));
});

test("EscapeTestCase.test_escape_return_types", () => {
  assert.equal(typeof xhtmlEscape("foo"), "string");
  assert.equal(typeof xhtmlEscape(Buffer.from("foo")), "string");
});

test("EscapeTestCase.test_json_decode", () => {
  assert.equal(jsonDecode(Buffer.from('"foo"')), "foo");
  assert.equal(jsonDecode('"foo"'), "foo");
  assert.equal(jsonDecode(utf8('"\u00e9"')), "\u00e9");
});

test("EscapeTestCase.test_json_encode", () => {
  assert.equal(jsonDecode(jsonEncode("\u00e9")), "\u00e9");
});

test("EscapeTestCase.test_squeeze", () => {
  assert.equal(squeeze("sequences     of    whitespace   chars"), "sequences of whitespace chars");
});
