// Renders a corpus of templates through tornado-ts and through real Tornado 6.2 (one Python
// process for the whole corpus) and asserts identical output, byte for byte. The expressions are
// valid in both languages: variables, indexing, calls, arithmetic, string literals, and the
// Python spellings (None, True, False, and, or, not, is) that tornado-ts understands.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { DictLoader, type LoaderOptions } from "tornado-ts/template";
import { runPython } from "../support/python-tornado.ts";

const DATA = {
  name: "tom",
  html: "<h1>sunck is a good man </h1>",
  num: 100,
  per: { name: "tom", age: 18 },
  items: [1, 2, 3],
  words: ["a", "b'c", 'd"e'],
  empty: [],
  pairs: [
    ["a", 1],
    ["b", 2],
  ],
  matrix: [
    [1, 2],
    [3, 4],
  ],
  nothing: null,
  text: "Visit http://tornadoweb.org & www.example.com/x?a=1&b=2 <now>",
  uni: "日本語 ü",
  unsorted: [3, 1, 2],
  url: 'http://x.com/?a=1&b="2"',
};

/** Templates rendered with the default loader; names ending in `.txt` keep all whitespace. */
const CORPUS: Record<string, string> = {
  "var.html": "Hello {{ name }}!",
  "escape.html": "{{ html }}|{% raw html %}|{{ escape(html) }}|{{ xhtml_escape(html) }}",
  "tutorial_case1.html": "{{ html }}\n{% raw html %}\n",
  "tutorial_case2.html": "{% autoescape None %}\n{{ html }}\n{{ escape(html) }}\n{{ html }}\n",
  "autoescape_url.html": "{% autoescape url_escape %}{{ 'a b&c' }}|{{ name }}",
  "autoescape_late.html": "{{ html }}|{% autoescape None %}{{ html }}",
  "arith.html":
    "{{ 1 + 2 * 3 }} {{ num + 10 }} {{ num - 1 }} {{ 7 % 3 }} {{ 2 ** 10 }} {{ (1 + 2) * 3 }}",
  "home.html":
    "\t<h1>home</h1>\n    <h1>num:{{ num }}</h1>\n    <h1>num+10:{{ num + 10}}</h1>\n\t<h1>name:{{ per['name']}}</h1>",
  "index.html":
    "{{ per['name'] }} {{ items[0] }} {{ matrix[1][0] }} {{ name[0] }} {{ per['age'] + 1 }}",
  "strings.html":
    "{{ 'single' }} {{ \"double\" }} {{ 'a' + \"b\" + name }} {{ 'it\\'s' }} {{ \"<a&'\\\">\" }}",
  "calls.html":
    "{{ add(1, 2) }} {{ upper(name) }} {{ add('a', 'b') }} {{ len(items) }} {{ str(num) }} {{ len(per) }}",
  "none_true.html": "{{ None }} {{ True }} {{ False }} {{ nothing }} {{ str(True) }}",
  "list_repr.html": "{{ items }} {{ words }} {{ [1, 'two', None, True] }} {{ empty }} {{ pairs }}",
  "dict_repr.html": "{{ per }}|{% raw per %}",
  "floats.html":
    "{{ 0.5 }} {{ 1.25 * 2 }} {{ 0.1 + 0.2 }} {{ 1 / 4 }} {{ 3.0e-7 }} {{ 100 - 0.5 }} {{ -5 }}",
  "comment.html": "a{# a comment #}b{% comment whatever it says %}c",
  "literal.html": "{{! x }} {%! if %} {#! c #}",
  "braces.html": "{{{{ num }}}} { {{ num }} } {{{ num }}} {a} x{",
  "if.html": "{% if num > 50 %}big{% elif num > 10 %}mid{% else %}small{% end %}",
  "if_python.html":
    "{% if num and not nothing %}A{% end %}{% if nothing or num %}B{% end %}{% if not num == 5 %}C{% end %}{% if nothing is None %}D{% end %}{% if num is not None %}E{% end %}{% if not nothing and not False %}F{% end %}",
  "elif_chain.html":
    "{% for n in [1, 2, 3, 4] %}{% if n == 1 %}one{% elif n == 2 %}two{% elif n == 3 %}three{% else %}many{% end %} {% end %}",
  "end_suffix.html": "{% if True %}yes{% end if %}{% for x in items %}{{ x }}{% end for %}",
  "spaces_in_tag.html": "{%   if   True   %}spaced{%end%}{{name}}",
  "for_list.html": "<ul>{% for x in items %}<li>{{ x }}</li>{% end %}</ul>",
  "for_dict.html": "{% for k in per %}{{ k }}={{ per[k] }};{% end %}",
  "for_pairs.html": "{% for k, v in pairs %}{{ k }}:{{ v }} {% end %}",
  "for_paren_pairs.html": "{% for (a, b) in pairs %}{{ a }}{{ b }}{% end %}",
  "for_else.html":
    "{% for x in items %}{{ x }}{% else %}E{% end %}|{% for x in empty %}{{ x }}{% else %}empty{% end %}",
  "for_break.html":
    "{% for x in items %}{% if x == 2 %}{% break %}{% end %}{{ x }}{% else %}E{% end %}",
  "for_continue.html": "{% for x in items %}{% if x == 2 %}{% continue %}{% end %}{{ x }}{% end %}",
  "for_range.html":
    "{% for i in range(3) %}{{ i }}{% end %}{% for i in range(1, 10, 4) %}{{ i }}{% end %}",
  "for_string.html": "{% for c in 'abc' %}{{ c }}-{% end %}",
  "nested_for.html": "{% for row in matrix %}{% for cell in row %}{{ cell }},{% end %};{% end %}",
  "for_enumerate.html": "{% for i, w in enumerate(words) %}{{ i }}:{{ w }} {% end %}",
  "for_zip.html": "{% for a, b in zip(items, words) %}{{ a }}{{ b }}{% end %}",
  "while.html": "{% set n = 3 %}{% while n > 0 %}{{ n }}{% set n = n - 1 %}{% end %}",
  "while_else.html":
    "{% set n = 0 %}{% while n < 5 %}{% set n = n + 1 %}{% if n == 3 %}{% break %}{% end %}{% else %}E{% end %}{{ n }}",
  "set.html": "{% set x = 5 %}{% set y = x * 2 %}{{ x }} {{ y }}",
  "set_augmented.html": "{% set n = 10 %}{% set n -= 3 %}{% set n += 1 %}{% set n *= 2 %}{{ n }}",
  "set_scope.html": "{% if True %}{% set inner = 'visible' %}{% end %}{{ inner }}",
  "set_loop_var.html": "{% for x in items %}{% end %}{{ x }}",
  "set_tuple.html": "{% set a, b = 1, 2 %}{{ a }}{{ b }}",
  "try.html": "{% try %}a{{ fail() }}b{% except %}caught{% end %}",
  "try_else_finally.html": "{% try %}ok{% except %}bad{% else %}else{% finally %}fin{% end %}",
  "try_finally.html":
    "{% try %}{% try %}x{{ fail() }}{% finally %}F{% end %}{% except %}E{% end %}",
  "apply.html": "{% apply wrap %}inner {{ name }}{% end %}",
  "apply_escape.html": "{% apply xhtml_escape %}<b>{{ name }}</b>{% end %}",
  "apply_linkify.html": "{% apply linkify %}see http://example.com now{% end %}",
  "apply_set_local.html": "{% set v = 1 %}{% apply wrap %}{% set v = 2 %}{{ v }}{% end %}{{ v }}",
  "linkify.html": "{{ linkify(text) }}|{% raw linkify(text) %}",
  "json.html":
    "{% raw json_encode(per) %}|{% raw json_encode(items) %}|{% raw json_encode('</script>') %}|{% raw json_encode(uni) %}|{{ json_encode(words) }}",
  "url_escape.html": "{{ url_escape('a b/c&d=\u00e9') }}|{% raw url_escape('a b/c') %}",
  "squeeze.html": "{{ squeeze('  a \\t b\\n\\nc  ') }}",
  "whitespace_html.html": "a\n\n   b\t\tc  \n",
  "whitespace_txt.txt": "a\n\n   b\t\tc  \n",
  "whitespace_js.js": "var a  =  1;\n\n\n  var b\t= 2;\n",
  "whitespace_directive.txt":
    "a  \n\n b{% whitespace oneline %}c  \n\n  d{% whitespace single %}  e  \n\n f{% whitespace all %}  g  \n\n",
  "whitespace_pre.html": "<pre>\n  keep   this\n</pre>\n\n  x  ",
  "whitespace_tags.html": "a {{ 1 }}\n  {% if True %}\n   b\n  {% end %}\n",
  "base.html":
    "<html><title>{% block title %}Default{% end %}</title><body>{% block body %}{% end %}</body></html>",
  "child.html":
    '{% extends "base.html" %}ignored text{% block title %}Child {{ name }}{% end %}{% block body %}<p>{{ html }}</p>{% end %}',
  "grandchild.html": "{% extends 'child.html' %}{% block body %}grand {{ num }}{% end %}",
  "child_noblocks.html": "{% extends base.html %}",
  "base2.html": "{% block main %}\n\n{% end %}",
  "cart.html": "{% extends 'base2.html'%}\n{% block main %}\n<h1>cart</h1>\n{% end %}",
  "include.html": "before {% include 'part.html' %} after {{ shared }}",
  "part.html": "{% set shared = 'from part' %}[{{ name }}]",
  "sub/page.html": "{% include 'piece.html' %}|{% include '../part.html' %}",
  "sub/piece.html": "sub piece {{ num }}",
  "layout.html": "{% include 'header.html' %}|{% block content %}c{% end %}",
  "header.html": "H{% block head %}h{% end %}",
  "page.html":
    "{% extends 'layout.html' %}{% block head %}HH{% end %}{% block content %}CC{% end %}",
  "escbase.html": "{{ html }}{% block b %}{% end %}",
  "escchild.html":
    "{% extends 'escbase.html' %}{% autoescape None %}{% block b %}{{ html }}{% end %}",
  "nested_blocks.html":
    "{% extends 'base.html' %}{% block body %}{% for x in items %}{{ x }}{% end %}{% end %}",
  "block_in_loop.html": "{% for x in items %}{% block item %}<{{ x }}>{% end %}{% end %}",
  "block_in_loop_child.html":
    "{% extends 'block_in_loop.html' %}{% block item %}({{ x * 2 }}){% end %}",
  "module.html": "{% module Bold(name) %}|{{ modules.Bold(name) }}",
  "unicode.html": "{{ uni }} é ✓ {{ 'ünï' }} {{ len(uni) }}",
  "builtins.html":
    "{{ max(items) }} {{ min(3, 1, 2) }} {{ sum(items) }} {{ sorted(unsorted) }} {{ abs(-3) }} {{ int('42') + 1 }} {{ float('1.5') }}",
  "datetime.html":
    "{{ datetime.datetime(2020, 1, 2, 3, 4, 5) }}|{{ datetime.date(2021, 12, 31).isoformat() }}|{{ datetime.datetime(2020, 1, 2, 13, 4, 5).strftime('%Y/%m/%d %H:%M %p %A %b %j') }}",
  "attribute.html": "<a href=\"{{ url }}\" title='{{ words[1] }}'>{{ name }}</a>",
  "multiline.html": "line1\n  {{ name }}\n  {% if num %}\n    {{ num }}\n  {% end %}\nend",
  "err_missing_end.html": "{% if True %}x\ny",
  "err_extra_end.html": "a{% end %}",
  "err_empty_expression.html": "{{ }}",
  "err_empty_block.html": "{%  %}",
  "err_unknown.html": "\n{% foo bar %}",
  "err_missing_expression_end.html": "{{ x",
  "err_missing_block_end.html": "{% if",
  "err_missing_comment_end.html": "{# x",
  "err_elif_for.html": "{% for x in items %}{% elif %}{% end %}",
  "err_extends_empty.html": "{% extends %}",
  "err_include_empty.html": "{% include '' %}",
  "err_set_empty.html": "{% set %}",
  "err_apply_empty.html": "{% apply %}{% end %}",
  "err_block_empty.html": "{% block %}{% end %}",
  "err_multiline.html": "a\nb\n{{ x",
  "err_except_if.html": "{% if True %}{% except %}{% end %}",
};

/** Rendered with `autoescape: null` on the loader. */
const NO_ESCAPE_CORPUS: Record<string, string> = {
  "plain.html": "{{ html }}|{{ escape(html) }}|{% raw html %}",
  "explicit.html": "{% autoescape xhtml_escape %}{{ html }}",
  "child_plain.html": "{% extends 'base_plain.html' %}{% block b %}{{ html }}{% end %}",
  "base_plain.html": "[{% block b %}{% end %}]",
};

/** Rendered with `whitespace: "oneline"` on the loader. */
const ONELINE_CORPUS: Record<string, string> = {
  "one.html": "a\n\n   b\t\tc  \n{% if True %}\n  d\n{% end %}\n",
  "one.txt": "x   \n\n y",
};

interface Case {
  loader: string;
  name: string;
}

const LOADERS: Record<string, { sources: Record<string, string>; options: LoaderOptions }> = {
  default: { sources: CORPUS, options: {} },
  noescape: { sources: NO_ESCAPE_CORPUS, options: { autoescape: null } },
  oneline: { sources: ONELINE_CORPUS, options: { whitespace: "oneline" } },
};

const CASES: Case[] = Object.entries(LOADERS).flatMap(([loader, { sources }]) =>
  Object.keys(sources).map((name) => ({ loader, name })),
);

const PYTHON = `
import base64, json, sys
import tornado.escape
from tornado.template import DictLoader, ParseError

spec = json.loads(base64.b64decode(sys.argv[1] if len(sys.argv) > 1 else SPEC).decode())

def add(a, b): return a + b
def upper(s): return s.upper()
def wrap(s): return "[" + tornado.escape.to_unicode(s) + "]"
def fail(): raise ValueError("boom")
class Modules:
    @staticmethod
    def Bold(s): return "<b>" + s + "</b>"

loaders = {
    "default": DictLoader(spec["loaders"]["default"]),
    "noescape": DictLoader(spec["loaders"]["noescape"], autoescape=None),
    "oneline": DictLoader(spec["loaders"]["oneline"], whitespace="oneline"),
}
namespace = dict(spec["data"], add=add, upper=upper, wrap=wrap, fail=fail, _tt_modules=Modules, modules=Modules)
out = {}
for case in spec["cases"]:
    key = case["loader"] + "/" + case["name"]
    try:
        out[key] = loaders[case["loader"]].load(case["name"]).generate(**namespace).decode("utf-8")
    except ParseError as e:
        out[key] = "ParseError: " + str(e)
    except Exception as e:
        out[key] = "Error: " + type(e).__name__
print(json.dumps(out))
`;

const NAMESPACE: Record<string, unknown> = {
  ...DATA,
  add: (a: unknown, b: unknown) => (a as number) + (b as number),
  upper: (s: string) => s.toUpperCase(),
  wrap: (s: string) => `[${s}]`,
  fail: () => {
    throw new Error("boom");
  },
  modules: { Bold: (s: string) => `<b>${s}</b>` },
  _tt_modules: { Bold: (s: string) => `<b>${s}</b>` },
};

function renderHere(): Record<string, string> {
  const loaders = Object.fromEntries(
    Object.entries(LOADERS).map(([key, { sources, options }]) => [
      key,
      new DictLoader(sources, options),
    ]),
  );
  const out: Record<string, string> = {};
  for (const { loader, name } of CASES) {
    const key = `${loader}/${name}`;
    try {
      out[key] = loaders[loader]!.load(name).generate(NAMESPACE);
    } catch (error) {
      out[key] =
        error instanceof Error && error.name === "ParseError"
          ? `ParseError: ${error.message}`
          : "Error";
    }
  }
  return out;
}

describe("template conformance with Tornado 6.2", () => {
  let reference: Record<string, string>;
  let ours: Record<string, string>;

  before(async () => {
    const spec = Buffer.from(
      JSON.stringify({
        data: DATA,
        cases: CASES,
        loaders: Object.fromEntries(Object.entries(LOADERS).map(([k, v]) => [k, v.sources])),
      }),
    ).toString("base64");
    reference = JSON.parse(await runPython(`SPEC = "${spec}"\n${PYTHON}`)) as Record<
      string,
      string
    >;
    ours = renderHere();
  });

  it("covers at least 60 rendered templates and the parse errors", () => {
    const rendered = Object.values(reference).filter((v) => !v.startsWith("ParseError")).length;
    assert.ok(rendered >= 60, `only ${rendered} templates rendered`);
    assert.ok(Object.values(reference).filter((v) => v.startsWith("ParseError")).length >= 15);
  });

  for (const { loader, name } of CASES) {
    const key = `${loader}/${name}`;
    it(`renders ${key} as Tornado does`, () => {
      const expected = reference[key]!;
      // Runtime errors differ in type between the languages; that both failed is what counts.
      if (expected.startsWith("Error: ")) assert.equal(ours[key], "Error");
      else assert.equal(ours[key], expected);
    });
  }
});
