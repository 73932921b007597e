import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DictLoader, Template } from "tornado-ts/template";

function render(source: string, namespace: Record<string, unknown> = {}): string {
  return new Template(source).generate(namespace);
}

describe("template expressions are JavaScript", () => {
  it("returns a string from generate()", () => {
    assert.equal(typeof render("x"), "string");
  });

  it("reads JavaScript globals that the namespace does not shadow", () => {
    assert.equal(render("{{ Math.max(1, 5) }} {{ JSON.stringify([1]) }}"), "5 [1]");
    assert.equal(render("{{ Math }}", { Math: "mine" }), "mine");
  });

  it("supports arrow functions, template literals, regular expressions and object literals", () => {
    assert.equal(
      render(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the template expression holds a JavaScript template literal.
        "{{ items.map((x) => x * 2).join('-') }}|{{ `n=${n + 1}` }}|{{ /b+/.test('abbc') }}|{{ ({a: n}).a }}",
        {
          items: [1, 2],
          n: 4,
        },
      ),
      "2-4|n=5|True|4",
    );
  });

  it("leaves Python words alone inside strings and object keys", () => {
    assert.equal(render("{{ 'None and True or not False' }}"), "None and True or not False");
    assert.equal(render("{% set o = {None: 1, and: 2} %}{{ o.None + o.and }}"), "3");
    assert.equal(render("{{ obj.True }}", { obj: { True: "t" } }), "t");
  });

  it("gives Python's not the precedence Python gives it", () => {
    assert.equal(render("{{ not 1 == 2 }} {{ not 0 and 5 }} {{ not (1 or 0) }}"), "True 5 False");
  });

  it("iterates arrays, iterables, maps, sets, strings and plain objects by key", () => {
    const ns = {
      map: new Map([["k", "v"]]),
      set: new Set([1, 2]),
      gen: (function* () {
        yield "g1";
        yield "g2";
      })(),
      obj: { b: 1, a: 2 },
    };
    assert.equal(
      render(
        "{% for k, v in map %}{{ k }}{{ v }}{% end %}|{% for x in set %}{{ x }}{% end %}|{% for x in gen %}{{ x }}{% end %}|{% for k in obj %}{{ k }}{% end %}|{% for x of 'ab' %}{{ x }}{% end %}",
        ns,
      ),
      "kv|12|g1g2|ba|ab",
    );
  });

  it("keeps {% set %} variables for the rest of the template, even from inside blocks", () => {
    assert.equal(
      render(
        "{% for x in [1, 2] %}{% set last = x %}{% end %}{{ last }}{% while False %}{% end %}{{ x }}",
      ),
      "22",
    );
  });

  it("assigns to members and destructures", () => {
    assert.equal(
      render(
        "{% set o.count = 3 %}{% set [a, b] = [1, 2] %}{% set {c} = {c: 9} %}{{ o.count }}{{ a }}{{ b }}{{ c }}",
        {
          o: {},
        },
      ),
      "3129",
    );
  });

  it("catches errors by class and binds them with as", () => {
    assert.equal(
      render(
        "{% try %}{{ boom() }}{% except RangeError %}range{% except TypeError as e %}type:{{ e.message }}{% end %}",
        {
          boom: () => {
            throw new TypeError("bad");
          },
          RangeError,
          TypeError,
        },
      ),
      "type:bad",
    );
    assert.throws(
      () =>
        render("{% try %}{{ boom() }}{% except RangeError %}range{% end %}", {
          boom: () => {
            throw new TypeError("bad");
          },
        }),
      TypeError,
    );
    assert.equal(render("{% try %}{{ missing }}{% except Exception %}any{% end %}"), "any");
  });

  it("applies a function to a block's output and keeps the block's variables local", () => {
    assert.equal(
      render("{% set v = 1 %}{% apply shout %}a{% set v = 2 %}{{ v }}{% end %}{{ v }}", {
        shout: (s: string) => s.toUpperCase() + "!",
      }),
      "A2!1",
    );
  });

  it("prints values as Python's str() does", () => {
    assert.equal(
      render("{{ x }}|{{ u }}|{{ t }}|{{ l }}|{{ d }}|{{ f }}|{{ big }}|{{ small }}|{{ nan }}", {
        x: null,
        u: undefined,
        t: true,
        l: [1, "a'b", null, [false]],
        d: { k: "v", n: 1.5 },
        f: 0.1,
        big: 1e22,
        small: 1.5e-7,
        nan: Number.NaN,
      }),
      "None|None|True|[1, &quot;a&#39;b&quot;, None, [False]]|{&#39;k&#39;: &#39;v&#39;, &#39;n&#39;: 1.5}|0.1|1e+22|1.5e-07|nan",
    );
  });

  it("prints bytes inside containers as Python's repr() of bytes does", () => {
    // Python Tornado: Template("{{ l }}").generate(l=[b"'\xff", b"a\\b"])
    assert.equal(
      render("{{ l }}", { l: [Buffer.from([0x27, 0xff]), Buffer.from("a\\b")] }),
      String.raw`[b&quot;&#39;\xff&quot;, b&#39;a\\b&#39;]`,
    );
  });

  it("lets a custom autoescape function be named in options or with the directive", () => {
    assert.equal(
      new Template("{{ '<a b>' }}", { autoescape: "url_escape" }).generate(),
      "%3Ca+b%3E",
    );
    assert.equal(new Template("{{ '<a>' }}", { autoescape: null }).generate(), "<a>");
    assert.equal(
      render("{% autoescape shout %}{{ 'x' }}{% raw 'y' %}", {
        shout: (s: string) => s.toUpperCase(),
      }),
      "Xy",
    );
  });

  it("chooses whitespace by file name unless told", () => {
    const source = "a\n\n   b\t\tc  \n";
    assert.equal(new Template(source, { name: "x.html" }).generate(), "a\nb c\n");
    assert.equal(new Template(source, { name: "x.js" }).generate(), "a\nb c\n");
    assert.equal(new Template(source, { name: "x.txt" }).generate(), source);
    assert.equal(
      new Template(source, { name: "x.txt", whitespace: "oneline" }).generate(),
      "a b c ",
    );
    assert.equal(new Template(source, { name: "x.html", whitespace: "all" }).generate(), source);
  });

  it("renders the same compiled template many times with different namespaces", () => {
    const template = new Template("{{ a }}{% if b %}{{ b }}{% end %}");
    assert.equal(template.generate({ a: 1, b: 0 }), "1");
    assert.equal(template.generate({ a: 1, b: 2 }), "12");
    assert.equal(template.generate({ a: 3, b: null }), "3");
    assert.match(template.code, /_tt_b \+=/);
  });

  it("shares the namespace and variables with included templates", () => {
    const loader = new DictLoader({
      "page.html": "{% set who = 'page' %}{% include 'part.html' %}{{ fromPart }}",
      "part.html": "[{{ who }}{% set fromPart = '!' %}]",
    });
    assert.equal(loader.load("page.html").generate(), "[page]!");
  });

  it("uses the loader's namespace, below generate()'s", () => {
    const loader = new DictLoader(
      { "a.html": "{{ site }} {{ page }}" },
      { namespace: { site: "S", page: "p" } },
    );
    assert.equal(loader.load("a.html").generate({ page: "P" }), "S P");
  });
});
