import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DictLoader, ParseError, Template, templateErrorLocation } from "tornado-ts/template";

function parseError(source: string, name?: string): ParseError {
  try {
    new Template(source, name ? { name } : {});
  } catch (error) {
    assert.ok(error instanceof ParseError, String(error));
    return error;
  }
  assert.fail("no ParseError");
}

describe("template errors", () => {
  it("formats ParseError as Tornado does, with its parts", () => {
    const error = parseError("a\n{{ x", "page.html");
    assert.equal(error.name, "ParseError");
    assert.equal(error.message, "Missing end expression }} at page.html:2");
    assert.equal(error.rawMessage, "Missing end expression }}");
    assert.equal(error.filename, "page.html");
    assert.equal(error.lineno, 2);
  });

  it("names the file and line of invalid JavaScript in an expression", () => {
    const error = parseError("line 1\nline 2\n{{ a + }}", "bad.html");
    assert.equal(error.filename, "bad.html");
    assert.equal(error.lineno, 3);
    assert.match(error.message, /in \{\{ a \+ \}\} at bad\.html:3$/);
    const inIf = parseError("{% if a === %}x{% end %}", "if.html");
    assert.match(inIf.message, /in \{% if a === %\} at if\.html:1$/);
  });

  it("names the included file for an error inside an include", () => {
    const loader = new DictLoader({
      "outer.html": "x\n{% include 'inner.html' %}",
      "inner.html": "\n\n{{ ) }}",
    });
    assert.throws(
      () => loader.load("outer.html"),
      (error: ParseError) => {
        assert.equal(error.filename, "inner.html");
        assert.equal(error.lineno, 3);
        return true;
      },
    );
  });

  it("refuses import with a message saying what to do instead", () => {
    assert.match(parseError("{% import os %}").message, /pass the function in the namespace/);
    assert.match(
      parseError("{% from os import path %}").message,
      /pass the function in the namespace/,
    );
    assert.equal(parseError("{% import %}").rawMessage, "import missing statement");
  });

  it("refuses // (not floor division in JavaScript) and Python's not in", () => {
    assert.match(parseError("{{ 7 // 2 }}").message, /Math\.floor/);
    assert.match(parseError("{% if 1 not in xs %}{% end %}").message, /includes/);
  });

  it("reports an unknown whitespace mode", () => {
    assert.match(parseError("{% whitespace bogus %}").message, /^invalid whitespace mode bogus/);
  });

  it("checks the order of intermediate blocks", () => {
    assert.match(
      parseError("{% if a %}{% else %}{% elif b %}{% end %}").message,
      /elif cannot follow else/,
    );
    assert.match(
      parseError("{% try %}{% except %}{% except E %}{% end %}").message,
      /must be last/,
    );
    assert.match(parseError("{% try %}{% end %}").message, /needs an except or finally/);
    assert.equal(
      parseError("{% else %}").rawMessage,
      "else outside {'if', 'for', 'while', 'try'} block",
    );
    assert.equal(parseError("{% break %}").rawMessage, "break outside {'for', 'while'} block");
    assert.equal(
      parseError("{% for x in y %}{% apply f %}{% break %}{% end %}{% end %}").rawMessage,
      "break outside {'for', 'while'} block",
    );
  });

  it("needs a loader for extends and include", () => {
    assert.equal(
      parseError("{% extends 'a.html' %}").rawMessage,
      "{% extends %} block found, but no template loader",
    );
    assert.equal(
      parseError("{% include 'a.html' %}").rawMessage,
      "{% include %} block found, but no template loader",
    );
  });

  it("refuses templates that extend or include themselves", () => {
    const loader = new DictLoader({
      "a.html": "{% extends 'b.html' %}",
      "b.html": "{% extends 'a.html' %}",
      "self.html": "{% include 'self.html' %}",
    });
    assert.throws(() => loader.load("a.html"), ParseError);
    assert.throws(() => loader.load("self.html"), ParseError);
  });

  it("rethrows runtime errors unchanged, recording the template and line", () => {
    const loader = new DictLoader({
      "incerr.html": "a\n{% include 'err.html' %}",
      "err.html": "x\ny\n{{ explode() }}",
    });
    const problem = new RangeError("boom");
    assert.throws(
      () =>
        loader.load("incerr.html").generate({
          explode: () => {
            throw problem;
          },
        }),
      (error: unknown) => {
        assert.equal(error, problem);
        assert.deepEqual(templateErrorLocation(error), {
          template: "err.html",
          line: 3,
          via: [{ template: "incerr.html", line: 2 }],
        });
        assert.match(String(problem.stack), /at template err\.html:3 \(via incerr\.html:2\)/);
        return true;
      },
    );
  });

  it("raises ReferenceError for a missing variable only where it is read", () => {
    const template = new Template("{% if show %}{{ missing }}{% end %}ok");
    assert.equal(template.generate({ show: false }), "ok");
    assert.throws(
      () => template.generate({ show: true }),
      (error: unknown) => {
        assert.ok(error instanceof ReferenceError);
        assert.equal(templateErrorLocation(error)?.line, 1);
        return true;
      },
    );
    assert.equal(template.generate({ show: true, missing: "m" }), "mok");
  });
});
