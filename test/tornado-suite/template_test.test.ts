// Tornado 6.2's tornado/test/template_test.py, ported to tornado-ts/template.
// Template expressions are JavaScript here, and generate() returns a string (Tornado: UTF-8 bytes).
// Python's `1/0` raises ZeroDivisionError while JavaScript's division never throws, so the stack
// trace tests fail their expression by calling `fail()`, a namespace function that throws; the
// location Tornado writes in its generated code (`# test.html:2`) is the stack line
// `at template test.html:2` and templateErrorLocation() here.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DictLoader,
  Loader,
  ParseError,
  Template,
  templateErrorLocation,
} from "tornado-ts/template";

const PY_TEMPLATES = "/usr/lib/python3/dist-packages/tornado/test/templates";

test("TemplateTest.test_simple", () => {
  assert.equal(new Template("Hello {{ name }}!").generate({ name: "Ben" }), "Hello Ben!");
});

test("TemplateTest.test_bytes", () => {
  assert.equal(
    new Template("Hello {{ name }}!").generate({ name: Buffer.from("Ben") }),
    "Hello Ben!",
  );
});

test("TemplateTest.test_expressions", () => {
  assert.equal(new Template("2 + 2 = {{ 2 + 2 }}").generate(), "2 + 2 = 4");
});

test("TemplateTest.test_comment", () => {
  assert.equal(
    new Template("Hello{# TODO i18n #} {{ name }}!").generate({ name: Buffer.from("Ben") }),
    "Hello Ben!",
  );
});

test("TemplateTest.test_include", () => {
  const loader = new DictLoader({
    "index.html": '{% include "header.html" %}\nbody text',
    "header.html": "header text",
  });
  assert.equal(loader.load("index.html").generate(), "header text\nbody text");
});

test("TemplateTest.test_extends", () => {
  const loader = new DictLoader({
    "base.html":
      "<title>{% block title %}default title{% end %}</title>\n" +
      "<body>{% block body %}default body{% end %}</body>\n",
    "page.html":
      '{% extends "base.html" %}\n' +
      "{% block title %}page title{% end %}\n" +
      "{% block body %}page body{% end %}\n",
  });
  assert.equal(
    loader.load("page.html").generate(),
    "<title>page title</title>\n<body>page body</body>\n",
  );
});

test("TemplateTest.test_relative_load", () => {
  const loader = new DictLoader({
    "a/1.html": "{% include '2.html' %}",
    "a/2.html": "{% include '../b/3.html' %}",
    "b/3.html": "ok",
  });
  assert.equal(loader.load("a/1.html").generate(), "ok");
});

test("TemplateTest.test_escaping", () => {
  assert.throws(() => new Template("{{"), ParseError);
  assert.throws(() => new Template("{%"), ParseError);
  assert.equal(new Template("{{!").generate(), "{{");
  assert.equal(new Template("{%!").generate(), "{%");
  assert.equal(new Template("{#!").generate(), "{#");
  assert.equal(new Template("{{ 'expr' }} {{!jquery expr}}").generate(), "expr {{jquery expr}}");
});

test("TemplateTest.test_unicode_template", () => {
  assert.equal(new Template(Buffer.from("\u00e9")).generate(), "\u00e9");
});

test("TemplateTest.test_unicode_literal_expression", () => {
  assert.equal(new Template(Buffer.from('{{ "\u00e9" }}')).generate(), "\u00e9");
});

test("TemplateTest.test_custom_namespace", () => {
  const loader = new DictLoader(
    { "test.html": "{{ inc(5) }}" },
    { namespace: { inc: (x: number) => x + 1 } },
  );
  assert.equal(loader.load("test.html").generate(), "6");
});

test("TemplateTest.test_apply", () => {
  const template = new Template(Buffer.from("{% apply upper %}foo{% end %}"));
  assert.equal(template.generate({ upper: (s: string) => s.toUpperCase() }), "FOO");
});

test("TemplateTest.test_unicode_apply", () => {
  const template = new Template(Buffer.from("{% apply upper %}foo \u00e9{% end %}"));
  assert.equal(template.generate({ upper: (s: string) => s.toUpperCase() }), "FOO \u00c9");
});

test("TemplateTest.test_bytes_apply", () => {
  const template = new Template(Buffer.from("{% apply upper %}foo \u00e9{% end %}"));
  const upper = (s: string) => Buffer.from(s.toUpperCase());
  assert.equal(template.generate({ upper }), "FOO \u00c9");
});

test("TemplateTest.test_if", () => {
  const template = new Template(Buffer.from("{% if x > 4 %}yes{% else %}no{% end %}"));
  assert.equal(template.generate({ x: 5 }), "yes");
  assert.equal(template.generate({ x: 3 }), "no");
});

test("TemplateTest.test_if_empty_body", () => {
  assert.equal(new Template("{% if True %}{% else %}{% end %}").generate(), "");
});

test("TemplateTest.test_try", () => {
  const template = new Template(
    "{% try %}\ntry{% set y = invert(x) %}\n{% except %}-except\n{% else %}-else\n{% finally %}-finally\n{% end %}",
  );
  const invert = (x: number) => {
    if (x === 0) throw new RangeError("division by zero");
    return 1 / x;
  };
  assert.equal(template.generate({ x: 1, invert }), "\ntry\n-else\n-finally\n");
  assert.equal(template.generate({ x: 0, invert }), "\ntry-except\n-finally\n");
});

test("TemplateTest.test_comment_directive", () => {
  assert.equal(new Template("{% comment blah blah %}foo").generate(), "foo");
});

test("TemplateTest.test_break_continue", () => {
  const template = new Template(
    `{% for i in range(10) %}
    {% if i == 2 %}
        {% continue %}
    {% end %}
    {{ i }}
    {% if i == 6 %}
        {% break %}
    {% end %}
{% end %}`,
  );
  assert.equal(template.generate().replace(/\s+/g, ""), "013456");
});

test("TemplateTest.test_break_outside_loop", () => {
  assert.throws(() => new Template("{% break %}"), ParseError);
});

test("TemplateTest.test_break_in_apply", () => {
  assert.throws(
    () => new Template("{% for i in [] %}{% apply foo %}{% break %}{% end %}{% end %}"),
    ParseError,
  );
});

test("TemplateTest.test_non_ascii_name", () => {
  const loader = new DictLoader({ "t\u00e9st.html": "hello" });
  assert.equal(loader.load("t\u00e9st.html").generate(), "hello");
});

const fail = (): never => {
  throw new RangeError("division by zero");
};

// Runs the template, which must throw, and gives the stack and location of its error.
function failure(loader: DictLoader, name: string, namespace: Record<string, unknown> = {}) {
  try {
    loader.load(name).generate({ fail, ...namespace });
  } catch (error) {
    assert.ok(error instanceof RangeError, String(error));
    return { stack: String(error.stack), location: templateErrorLocation(error) };
  }
  assert.fail("did not get expected exception");
}

test("StackTraceTest.test_error_line_number_expression", () => {
  const loader = new DictLoader({ "test.html": "one\ntwo{{fail()}}\nthree\n        " });
  const { stack, location } = failure(loader, "test.html");
  assert.ok(stack.includes("at template test.html:2"), stack);
  assert.deepEqual(location, { template: "test.html", line: 2, via: [] });
});

test("StackTraceTest.test_error_line_number_directive", () => {
  const loader = new DictLoader({ "test.html": "one\ntwo{%if fail()%}\nthree{%end%}\n        " });
  const { stack } = failure(loader, "test.html");
  assert.ok(stack.includes("at template test.html:2"), stack);
});

test("StackTraceTest.test_error_line_number_module", () => {
  // Tornado's test stands a function in for the Template UI module; here the namespace offers it
  // under another name (UI modules come from a RequestHandler), called from an expression.
  const loader: DictLoader = new DictLoader(
    { "base.html": "{{ Module('sub.html') }}", "sub.html": "{{fail()}}" },
    {
      namespace: {
        Module: (path: string) => loader.load(path).generate({ fail }),
      },
    },
  );
  const { stack } = failure(loader, "base.html");
  assert.ok(stack.includes("at template base.html:1"), stack);
  assert.ok(stack.includes("at template sub.html:1"), stack);
});

test("StackTraceTest.test_error_line_number_include", () => {
  const loader = new DictLoader({
    "base.html": "{% include 'sub.html' %}",
    "sub.html": "{{fail()}}",
  });
  const { stack } = failure(loader, "base.html");
  assert.ok(stack.includes("at template sub.html:1 (via base.html:1)"), stack);
});

test("StackTraceTest.test_error_line_number_extends_base_error", () => {
  const loader = new DictLoader({
    "base.html": "{{fail()}}",
    "sub.html": "{% extends 'base.html' %}",
  });
  const { stack } = failure(loader, "sub.html");
  assert.ok(stack.includes("at template base.html:1"), stack);
});

test("StackTraceTest.test_error_line_number_extends_sub_error", () => {
  const loader = new DictLoader({
    "base.html": "{% block 'block' %}{% end %}",
    "sub.html":
      "\n{% extends 'base.html' %}\n{% block 'block' %}\n{{fail()}}\n{% end %}\n            ",
  });
  const { stack } = failure(loader, "sub.html");
  assert.ok(stack.includes("at template sub.html:4 (via base.html:1)"), stack);
});

test("StackTraceTest.test_multi_includes", () => {
  const loader = new DictLoader({
    "a.html": "{% include 'b.html' %}",
    "b.html": "{% include 'c.html' %}",
    "c.html": "{{fail()}}",
  });
  const { stack } = failure(loader, "a.html");
  assert.ok(stack.includes("at template c.html:1 (via b.html:1, a.html:1)"), stack);
});

test("ParseErrorDetailTest.test_details", () => {
  const loader = new DictLoader({ "foo.html": "\n\n{{" });
  assert.throws(
    () => loader.load("foo.html"),
    (error: unknown) => {
      assert.ok(error instanceof ParseError);
      assert.equal(error.message, "Missing end expression }} at foo.html:3");
      assert.equal(error.filename, "foo.html");
      assert.equal(error.lineno, 3);
      return true;
    },
  );
});

test("ParseErrorDetailTest.test_custom_parse_error", () => {
  // Tornado's default file name is None; a template built from a string is `<string>` here.
  assert.equal(new ParseError("asdf").message, "asdf at <string>:0");
});

const AUTOESCAPE_TEMPLATES: Record<string, string> = {
  "escaped.html": "{% autoescape xhtml_escape %}{{ name }}",
  "unescaped.html": "{% autoescape None %}{{ name }}",
  "default.html": "{{ name }}",
  "include.html":
    "escaped: {% include 'escaped.html' %}\n" +
    "unescaped: {% include 'unescaped.html' %}\n" +
    "default: {% include 'default.html' %}\n",
  "escaped_block.html": "{% autoescape xhtml_escape %}{% block name %}base: {{ name }}{% end %}",
  "unescaped_block.html": "{% autoescape None %}{% block name %}base: {{ name }}{% end %}",
  "escaped_extends_unescaped.html":
    '{% autoescape xhtml_escape %}{% extends "unescaped_block.html" %}',
  "escaped_overrides_unescaped.html":
    '{% autoescape xhtml_escape %}{% extends "unescaped_block.html" %}' +
    "{% block name %}extended: {{ name }}{% end %}",
  "unescaped_extends_escaped.html": '{% autoescape None %}{% extends "escaped_block.html" %}',
  "unescaped_overrides_escaped.html":
    '{% autoescape None %}{% extends "escaped_block.html" %}' +
    "{% block name %}extended: {{ name }}{% end %}",
  "raw_expression.html": "{% autoescape xhtml_escape %}expr: {{ name }}\nraw: {% raw name %}",
};

test("AutoEscapeTest.test_default_off", () => {
  const loader = new DictLoader(AUTOESCAPE_TEMPLATES, { autoescape: null });
  const name = "Bobby <table>s";
  assert.equal(loader.load("escaped.html").generate({ name }), "Bobby &lt;table&gt;s");
  assert.equal(loader.load("unescaped.html").generate({ name }), "Bobby <table>s");
  assert.equal(loader.load("default.html").generate({ name }), "Bobby <table>s");
  assert.equal(
    loader.load("include.html").generate({ name }),
    "escaped: Bobby &lt;table&gt;s\nunescaped: Bobby <table>s\ndefault: Bobby <table>s\n",
  );
});

test("AutoEscapeTest.test_default_on", () => {
  const loader = new DictLoader(AUTOESCAPE_TEMPLATES, { autoescape: "xhtml_escape" });
  const name = "Bobby <table>s";
  assert.equal(loader.load("escaped.html").generate({ name }), "Bobby &lt;table&gt;s");
  assert.equal(loader.load("unescaped.html").generate({ name }), "Bobby <table>s");
  assert.equal(loader.load("default.html").generate({ name }), "Bobby &lt;table&gt;s");
  assert.equal(
    loader.load("include.html").generate({ name }),
    "escaped: Bobby &lt;table&gt;s\nunescaped: Bobby <table>s\ndefault: Bobby &lt;table&gt;s\n",
  );
});

test("AutoEscapeTest.test_unextended_block", () => {
  const loader = new DictLoader(AUTOESCAPE_TEMPLATES);
  const name = "<script>";
  assert.equal(loader.load("escaped_block.html").generate({ name }), "base: &lt;script&gt;");
  assert.equal(loader.load("unescaped_block.html").generate({ name }), "base: <script>");
});

test("AutoEscapeTest.test_extended_block", () => {
  const loader = new DictLoader(AUTOESCAPE_TEMPLATES);
  const render = (name: string) => loader.load(name).generate({ name: "<script>" });
  assert.equal(render("escaped_extends_unescaped.html"), "base: <script>");
  assert.equal(render("escaped_overrides_unescaped.html"), "extended: &lt;script&gt;");
  assert.equal(render("unescaped_extends_escaped.html"), "base: &lt;script&gt;");
  assert.equal(render("unescaped_overrides_escaped.html"), "extended: <script>");
});

test("AutoEscapeTest.test_raw_expression", () => {
  const loader = new DictLoader(AUTOESCAPE_TEMPLATES);
  assert.equal(
    loader.load("raw_expression.html").generate({ name: '<>&"' }),
    'expr: &lt;&gt;&amp;&quot;\nraw: <>&"',
  );
});

test("AutoEscapeTest.test_custom_escape", () => {
  const loader = new DictLoader({ "foo.py": "{% autoescape py_escape %}s = {{ name }}\n" });
  // Python's repr() of a str: single quotes unless the text has one and no double quote.
  const pyEscape = (s: unknown) => {
    assert.equal(typeof s, "string");
    const text = String(s);
    return text.includes("'") && !text.includes('"') ? `"${text}"` : `'${text}'`;
  };
  const render = (name: unknown) => loader.load("foo.py").generate({ py_escape: pyEscape, name });
  assert.equal(render("<html>"), "s = '<html>'\n");
  assert.equal(render("';sys.exit()"), `s = "';sys.exit()"\n`);
  assert.equal(render(["not a string"]), `s = "['not a string']"\n`);
});

test("AutoEscapeTest.test_manual_minimize_whitespace", () => {
  const loader = new DictLoader({
    "foo.txt": "{% for i in items\n  %}{% if i > 0 %}, {% end %}{#\n  #}{{i\n  }}{% end\n%}",
  });
  assert.equal(loader.load("foo.txt").generate({ items: [0, 1, 2, 3, 4] }), "0, 1, 2, 3, 4");
});

test("AutoEscapeTest.test_whitespace_by_filename", () => {
  const loader = new DictLoader({
    "foo.html": "   \n\t\n asdf\t   ",
    "bar.js": " \n\n\n\t qwer     ",
    "baz.txt": "\t    zxcv\n\n",
    "include.html": "  {% include baz.txt %} \n ",
    "include.txt": "\t\t{% include foo.html %}    ",
  });
  assert.equal(loader.load("foo.html").generate(), "\nasdf ");
  assert.equal(loader.load("bar.js").generate(), "\nqwer ");
  assert.equal(loader.load("baz.txt").generate(), "\t    zxcv\n\n");
  assert.equal(loader.load("include.html").generate(), " \t    zxcv\n\n\n");
  assert.equal(loader.load("include.txt").generate(), "\t\t\nasdf     ");
});

test("AutoEscapeTest.test_whitespace_by_loader", () => {
  const templates = { "foo.html": "\t\tfoo\n\n", "bar.txt": "\t\tbar\n\n" };
  let loader = new DictLoader(templates, { whitespace: "all" });
  assert.equal(loader.load("foo.html").generate(), "\t\tfoo\n\n");
  assert.equal(loader.load("bar.txt").generate(), "\t\tbar\n\n");
  loader = new DictLoader(templates, { whitespace: "single" });
  assert.equal(loader.load("foo.html").generate(), " foo\n");
  assert.equal(loader.load("bar.txt").generate(), " bar\n");
  loader = new DictLoader(templates, { whitespace: "oneline" });
  assert.equal(loader.load("foo.html").generate(), " foo ");
  assert.equal(loader.load("bar.txt").generate(), " bar ");
});

test("AutoEscapeTest.test_whitespace_directive", () => {
  const loader = new DictLoader({
    "foo.html":
      "{% whitespace oneline %}\n    {% for i in range(3) %}\n        {{ i }}\n    {% end %}\n" +
      "{% whitespace all %}\n    pre\tformatted\n",
  });
  assert.equal(loader.load("foo.html").generate(), "  0  1  2  \n    pre\tformatted\n");
});

test("TemplateLoaderTest.test_utf8_in_file", () => {
  // Tornado's own fixture file, from the installed Python Tornado.
  const loader = new Loader(PY_TEMPLATES);
  assert.equal(loader.load("utf8.html").generate().trim(), "H\u00e9llo");
});
