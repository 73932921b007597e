import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DictLoader, Loader, TemplatePathError } from "tornado-ts/template";

describe("Loader", () => {
  let dir: string;
  let root: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "loader-"));
    root = join(dir, "templates");
    mkdirSync(join(root, "sub"), { recursive: true });
    writeFileSync(join(root, "base.html"), "<b>{% block main %}base{% end %}</b>");
    writeFileSync(
      join(root, "page.html"),
      "{% extends 'base.html' %}{% block main %}page {{ n }}{% end %}",
    );
    writeFileSync(join(root, "inc.html"), "root inc");
    writeFileSync(join(root, "sub", "inc.html"), "sub inc");
    writeFileSync(
      join(root, "sub", "inc2.html"),
      "{% include 'inc.html' %}|{% include '/inc.html' %}|{% include '../inc.html' %}",
    );
    writeFileSync(join(root, "sub", "escape.html"), "{% include '../../secret.html' %}");
    writeFileSync(join(dir, "secret.html"), "secret");
    symlinkSync(join(dir, "secret.html"), join(root, "link.html"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("loads, compiles once, and caches until reset", () => {
    const loader = new Loader(root);
    const page = loader.load("page.html");
    assert.equal(page.generate({ n: 1 }), "<b>page 1</b>");
    assert.equal(loader.load("page.html"), page);
    writeFileSync(join(root, "inc.html"), "changed");
    assert.equal(loader.load("inc.html").generate(), "changed");
    writeFileSync(join(root, "inc.html"), "root inc");
    assert.equal(loader.load("inc.html").generate(), "changed");
    loader.reset();
    assert.equal(loader.load("inc.html").generate(), "root inc");
  });

  it("resolves includes relative to the including template, and / from the root", () => {
    assert.equal(new Loader(root).load("sub/inc2.html").generate(), "sub inc|root inc|root inc");
  });

  it("refuses names and links that leave the root", () => {
    const loader = new Loader(root);
    assert.throws(() => loader.load("../secret.html"), TemplatePathError);
    assert.throws(() => loader.load("sub/escape.html"), TemplatePathError);
    assert.throws(() => loader.load("link.html"), TemplatePathError);
    assert.throws(() => loader.load("a/../../secret.html"), TemplatePathError);
  });

  it("passes its autoescape, whitespace and namespace options to templates", () => {
    writeFileSync(join(root, "opts.html"), "{{ v }}\n\n  {{ site }}");
    const loader = new Loader(root, {
      autoescape: null,
      whitespace: "oneline",
      namespace: { site: "S" },
    });
    assert.equal(loader.load("opts.html").generate({ v: "<i>" }), "<i> S");
  });
});

describe("DictLoader", () => {
  it("resolves names relative to the including template", () => {
    const loader = new DictLoader({
      "a/page.html": "{% include 'part.html' %}+{% include '../top.html' %}",
      "a/part.html": "part",
      "top.html": "top",
    });
    assert.equal(loader.load("a/page.html").generate(), "part+top");
  });

  it("supports several levels of extends, each block overridable", () => {
    const loader = new DictLoader({
      "base.html": "[{% block a %}A{% end %}|{% block b %}B{% end %}|{% block c %}C{% end %}]",
      "mid.html": "{% extends 'base.html' %}{% block a %}a{% end %}{% block b %}b{% end %}",
      "leaf.html": "{% extends 'mid.html' %}{% block b %}β{% end %}",
    });
    assert.equal(loader.load("leaf.html").generate(), "[a|β|C]");
  });

  it("names a missing template", () => {
    assert.throws(() => new DictLoader({}).load("nope.html"), /No template named "nope.html"/);
  });
});
