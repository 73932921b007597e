// The tutorial site in English and Chinese through tornado-ts/locale: the browser's
// Accept-Language chooses, the switch (/lang/<code>) remembers a choice in the `locale` cookie,
// and every English string of the pages has its Chinese translation in locale/zh_CN.csv.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getSupportedLocales, Locale } from "tornado-ts/locale";
import { captureLogs, type LogCapture } from "tornado-ts/testing";
import { BASE_DIRS } from "../../examples/tutorial-app/config.ts";
import { Browser, shown } from "./client.ts";
import { startTutorialApp, type TutorialFixture } from "./support.ts";

/** A string literal (double or single quotes, as the formatter leaves it) in a source file. */
const LITERAL = String.raw`("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')`;

/** The text of a string literal matched by {@link LITERAL}. */
function unquote(literal: string): string {
  const inner = literal.slice(1, -1);
  if (literal.startsWith('"')) return JSON.parse(literal) as string;
  return JSON.parse(`"${inner.replaceAll("\\'", "'").replaceAll('"', '\\"')}"`) as string;
}

/** The English strings the pages translate: `_("...")` in templates, titles and leads in views. */
function sourceStrings(): Set<string> {
  const strings = new Set<string>();
  const templates = join(BASE_DIRS, "templates");
  for (const file of readdirSync(templates)) {
    const text = readFileSync(join(templates, file), "utf8");
    for (const m of text.matchAll(new RegExp(String.raw`_\(${LITERAL}\)`, "g"))) {
      strings.add(unquote(m[1]!));
    }
  }
  const pairs = [
    // renderMessage(title, lead, ...) in the views
    new RegExp(String.raw`renderMessage\(\s*${LITERAL},\s*${LITERAL}`, "g"),
    // [path, title, lesson, headers] in output.ts's PROBES
    new RegExp(String.raw`\[\s*"/[^"]*",\s*${LITERAL},\s*${LITERAL}`, "g"),
  ];
  for (const file of ["index.ts", "security.ts", "output.ts"]) {
    const text = readFileSync(join(BASE_DIRS, "views", file), "utf8");
    for (const pattern of pairs) {
      for (const m of text.matchAll(pattern)) {
        strings.add(unquote(m[1]!));
        strings.add(unquote(m[2]!));
      }
    }
  }
  return strings;
}

/** `text` as the first cell of a CSV row (quoted when it holds a comma or a quote). */
function csvCell(text: string): string {
  return /[",]/.test(text) ? `"${text.replaceAll('"', '""')}",` : `${text},`;
}

describe("the tutorial site's languages", () => {
  let fixture: TutorialFixture;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    fixture = await startTutorialApp();
  });
  after(async () => {
    await fixture.close();
    logs.stop();
  });

  it("loads the Chinese translations when the application is made", () => {
    assert.deepEqual(getSupportedLocales(), ["en_US", "zh_CN"]);
  });

  it("translates every English string of the pages, and the CSV holds no stale row", () => {
    const strings = sourceStrings();
    assert.ok(strings.size > 100, `${strings.size} strings found`);
    const zh = Locale.get("zh_CN");
    const untranslated = [...strings].filter((s) => zh.translate(s) === s);
    assert.deepEqual(untranslated, []);
    const rows = readFileSync(join(BASE_DIRS, "locale", "zh_CN.csv"), "utf8")
      .trim()
      .split("\n");
    const stale = rows.filter((row) => ![...strings].some((s) => row.startsWith(csvCell(s))));
    assert.deepEqual(stale, []);
    assert.equal(rows.length, strings.size, "one row per string");
  });

  it("answers in the language the browser asks for, English otherwise", async () => {
    const cases: [string | undefined, string, string][] = [
      ["zh-CN,zh;q=0.9,en;q=0.8", "zh-CN", "首页"],
      ["en-US,en;q=0.9", "en-US", "Home"],
      ["fr-FR,fr;q=0.9", "en-US", "Home"],
      ["en;q=0.5,zh-CN;q=0.8", "zh-CN", "首页"],
      [undefined, "en-US", "Home"],
    ];
    for (const [accept, lang, home] of cases) {
      const headers: Record<string, string> = accept ? { "Accept-Language": accept } : {};
      const response = await fixture.server.fetch("/students", { headers });
      assert.match(response.text, new RegExp(`<html lang="${lang}">`), String(accept));
      assert.ok(response.text.includes(`<a href="/">${home}</a>`), String(accept));
    }
    const zh = await fixture.server.fetch("/sunck", { headers: { "Accept-Language": "zh-CN" } });
    assert.deepEqual(shown(zh.text).slice(0, 1).concat(shown(zh.text).slice(2, 3)), [
      "路由参数",
      "sunck is a nice man",
    ]);
  });

  it("switches with /lang/<code>, remembers the choice in a cookie over Accept-Language", async () => {
    const browser = new Browser(fixture.server);
    const english = { "Accept-Language": "en-US" };
    const page = await browser.get("/students", english);
    assert.match(page.text, /<a href="\/lang\/zh_CN\?next=%2Fstudents" lang="zh-CN">中文<\/a>/);
    const response = await browser.get("/lang/zh_CN?next=%2Fstudents", english);
    assert.equal(response.code, 302);
    assert.equal(response.headers.get("Location"), "/students");
    const line = response.headers.getList("Set-Cookie")[0] ?? "";
    assert.match(line, /^locale=zh_CN; expires=[^;]+; Path=\/; SameSite=Lax$/);
    const chinese = await browser.get("/students", english);
    assert.match(chinese.text, /<html lang="zh-CN">/);
    assert.equal(shown(chinese.text)[0], "数据库：students 表");
    assert.match(chinese.text, /class="active" aria-current="true" lang="zh-CN">中文</);
    // The 404 page of the static catch-all speaks the chosen language too.
    assert.ok(shown((await browser.get("/no/such/page", english)).text).includes("这里没有页面。"));
    await browser.get("/lang/en_US?next=%2Fstudents");
    const back = await browser.get("/students", { "Accept-Language": "zh-CN" });
    assert.match(back.text, /<html lang="en-US">/);
  });

  it("refuses a language it does not speak, and never sends the visitor to another site", async () => {
    const browser = new Browser(fixture.server);
    const unknown = await browser.get("/lang/fr_FR?next=%2F");
    assert.equal(unknown.code, 404);
    assert.equal(browser.cookies.has("locale"), false);
    assert.ok(logs.has(/no translation for "fr_FR"/));
    const offsite = await browser.get("/lang/zh_CN?next=https%3A%2F%2Fevil.example%2F");
    assert.equal(offsite.headers.get("Location"), "/");
    // A cookie naming a language the site does not speak is ignored.
    browser.cookies.set("locale", "xx_YY");
    const page = await browser.get("/", { "Accept-Language": "zh-CN" });
    assert.match(page.text, /<html lang="zh-CN">/);
  });
});
