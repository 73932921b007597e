// The tutorial application in a real browser: Debian's Chromium driven by playwright-core clicks
// through the XSRF form and the cookie counter, logs in and is sent back to `next`, uploads a
// file, adds a student, looks at every page on a 375-pixel-wide phone (no sideways scrolling, its
// tab highlighted), and reads the site in Chinese and English, switching between them. It also
// takes the screenshots of the guide (in English, and the home page in Chinese): with
// SCREENSHOTS=docs/images they are written there (otherwise to a temporary folder); the committed
// ones were taken with a CJK font installed (Debian's fonts-wqy-microhei), for the Chinese text.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { captureLogs, type LogCapture } from "tornado-ts/testing";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";
import { startTutorialApp, type TutorialFixture } from "../tutorial-app/support.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("the tutorial application in Chromium", { timeout: 180_000 }, () => {
  let fixture: TutorialFixture;
  let context: BrowserContext;
  let profile: string;
  let logs: LogCapture;
  let shots: string;
  let shotsAreTemporary: boolean;

  before(async () => {
    logs = captureLogs();
    fixture = await startTutorialApp();
    profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
    shotsAreTemporary = !process.env["SCREENSHOTS"];
    shots = shotsAreTemporary
      ? mkdtempSync(join(tmpdir(), "tutorial-shots-"))
      : resolve(process.env["SCREENSHOTS"]!);
    mkdirSync(shots, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 960, height: 640 },
      locale: "en-US",
    });
  });

  after(async () => {
    await context?.close();
    await fixture?.close();
    rmSync(profile, { recursive: true, force: true });
    if (shotsAreTemporary) rmSync(shots, { recursive: true, force: true });
    logs.stop();
  });

  async function freshPage(): Promise<Page> {
    await context.clearCookies();
    return context.newPage();
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(shots, `${name}.png`) });
  }

  it("shows the chapter list and follows the reverseUrl link to /kaige", async () => {
    const page = await freshPage();
    await page.goto(fixture.server.url("/"));
    assert.equal(await page.title(), "The Tornado tutorial, in TypeScript · tornado-ts");
    const nav = await page.$$eval("nav[aria-label=chapters] a", (links) =>
      links.map((a) => a.textContent?.trim()),
    );
    assert.deepEqual(nav, [
      "Home",
      "Routing",
      "Request",
      "Forms",
      "Upload",
      "Output",
      "Templates",
      "Database",
      "Cookies",
      "Login",
      "Static",
    ]);
    // The stylesheet came through static_url and applies.
    // Page-side code is given as a string: the test is type-checked without the DOM library.
    const background = await page.evaluate(
      'getComputedStyle(document.querySelector("header")).backgroundColor',
    );
    assert.equal(background, "rgb(31, 41, 51)");
    await shot(page, "tutorial-home");
    await Promise.all([page.waitForURL(/\/kaige$/), page.click("#kaige")]);
    assert.equal(await page.textContent("#result"), "kaige is a handsome man");
    await page.close();
  });

  it("submits the XSRF-protected form and the cookie counter goes up", async () => {
    const page = await freshPage();
    await page.goto(fixture.server.url("/postfile"));
    const token = await page.getAttribute('input[name="_xsrf"]', "value");
    assert.match(token ?? "", /^2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d{10}$/);
    await page.fill('input[name="username"]', "sunck");
    await page.fill('input[name="passwd"]', "123456");
    await page.check('input[value="power"]');
    await page.check('input[value="book"]');
    await shot(page, "tutorial-postfile");
    await Promise.all([page.waitForURL(/\/cookienum$/), page.click('button[type="submit"]')]);
    // The POST set count=1, then /cookienum counted this visit.
    assert.equal(await page.textContent("#count"), "第2次访问");
    await page.reload();
    assert.equal(await page.textContent("#count"), "第3次访问");
    await shot(page, "tutorial-cookienum");
    assert.ok(logs.records.some((r) => r.message === 'postfile: sunck ****** ["power","book"]'));
    await page.close();
  });

  it("counts from the static page's scripts with the token in the body and in a header", async () => {
    const page = await freshPage();
    await page.goto(fixture.server.url("/"));
    await page.goto(fixture.server.url("/index.html"));
    const cookie = (await context.cookies(fixture.server.url("/"))).find((c) => c.name === "_xsrf");
    assert.ok(cookie, "the static page set the _xsrf cookie");
    await page.click("#count-body");
    await page.waitForFunction('document.getElementById("count").textContent !== "第?次访问"');
    assert.equal(await page.textContent("#count"), "第2次访问");
    await page.click("#count-header");
    await page.waitForFunction('document.getElementById("count").textContent === "第4次访问"');
    await page.close();
  });

  it("sends /home to the login page and, once logged in, back to /home", async () => {
    const page = await freshPage();
    await page.goto(fixture.server.url("/home"));
    assert.equal(new URL(page.url()).pathname, "/login");
    assert.equal(new URL(page.url()).searchParams.get("next"), "/home");
    await page.fill('input[name="username"]', "1");
    await page.fill('input[name="passwd"]', "wrong");
    await Promise.all([page.waitForURL(/failed=1/), page.click('button[type="submit"]')]);
    assert.ok(await page.isVisible("#failed"));
    await shot(page, "tutorial-login");
    await page.fill('input[name="username"]', "1");
    await page.fill('input[name="passwd"]', "1");
    await Promise.all([page.waitForURL(/\/home$/), page.click('button[type="submit"]')]);
    assert.equal(await page.textContent("#welcome"), "欢迎回家, 1");
    await shot(page, "tutorial-welcome");
    await Promise.all([page.waitForURL(/\/login\?next=/), page.click('button[type="submit"]')]);
    await page.close();
  });

  it("uploads two files and saves them under upfile/ with safe names", async () => {
    const page = await freshPage();
    await page.goto(fixture.server.url("/upfile"));
    await shot(page, "tutorial-upfile");
    const inputs = await page.$$('input[type="file"]');
    await inputs[0]!.setInputFiles({
      name: "1.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("hhahhaa\n"),
    });
    await inputs[2]!.setInputFiles({
      name: "..photo.png",
      mimeType: "image/png",
      buffer: PNG_SIGNATURE,
    });
    await Promise.all([page.waitForURL(/\/upfile$/), page.click('button[type="submit"]')]);
    // The answer is a page of the site that lists what was saved, not a bare "ok".
    assert.equal(await page.textContent("#result"), "ok");
    const rows = await page.$$eval("#saved tbody tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
    );
    assert.deepEqual(rows, [
      ["file", "1.txt", "1.txt", "8"],
      ["img", "..photo.png", "photo.png", "8"],
    ]);
    assert.equal(await page.textContent("nav a.active"), "Upload");
    assert.deepEqual(readdirSync(fixture.uploadDir).sort(), ["1.txt", "photo.png"]);
    assert.equal(readFileSync(join(fixture.uploadDir, "1.txt"), "utf8"), "hhahhaa\n");
    await page.close();
  });

  it("lists the students and adds one through the form", async () => {
    const page = await freshPage();
    await page.goto(fixture.server.url("/students"));
    const names = () =>
      page.$$eval("#students tbody tr td:nth-child(2)", (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(await names(), ["sunck", "kaige", "dahaigui"]);
    await page.fill('input[name="name"]', "liuyifei");
    await page.fill('input[name="age"]', "32");
    await Promise.all([page.waitForURL(/\/students$/), page.click('button[type="submit"]')]);
    assert.deepEqual(await names(), ["sunck", "kaige", "dahaigui", "liuyifei"]);
    await shot(page, "tutorial-students");
    await page.close();
  });

  it("shows the template chapter's pages", async () => {
    const page = await freshPage();
    await page.goto(fixture.server.url("/home-template"));
    assert.match((await page.textContent("main")) ?? "", /num\+10:110/);
    await shot(page, "tutorial-templates");
    await page.goto(fixture.server.url("/trans"));
    assert.equal(await page.textContent("#escaped"), "<h1>sunck is a good man </h1>");
    assert.equal(await page.textContent("#raw h1"), "sunck is a good man ");
    await page.close();
  });

  /** Every page of the site, with the tab it highlights (none for the 404 page). */
  const PAGES: readonly (readonly [string, string | null])[] = [
    ["/", "Home"],
    ["/sunck", "Routing"],
    ["/kaige", "Routing"],
    ["/liuyifei/sunck/good/nice", "Routing"],
    ["/zhangmanyu?a=1&b=1&c=%20%201", "Request"],
    ["/zhangmanyu?a=1", "Request"],
    ["/zhuyin?a=1&b=2", "Request"],
    ["/postfile", "Forms"],
    ["/upfile", "Upload"],
    ["/output", "Output"],
    ["/status", "Output"],
    ["/home-template", "Templates"],
    ["/function", "Templates"],
    ["/trans", "Templates"],
    ["/cart", "Templates"],
    ["/students", "Database"],
    ["/pcookie", "Cookies"],
    ["/getpcookie", "Cookies"],
    ["/clearpcookie", "Cookies"],
    ["/scookie", "Cookies"],
    ["/getscookie", "Cookies"],
    ["/cookienum", "Cookies"],
    ["/setxsrfcookie", "Cookies"],
    ["/login?next=%2Fhome", "Login"],
    ["/home", "Login"],
    ["/index.html", "Static"],
    ["/no/such/page", null],
  ];

  it("fits every page on a 375-pixel-wide phone, in both languages, with its tab highlighted", async () => {
    const page = await freshPage();
    await page.setViewportSize({ width: 375, height: 740 });
    const tabs = { en_US: PAGES.map(([, tab]) => tab), zh_CN: [] as (string | null)[] };
    for (const code of ["en_US", "zh_CN"] as const) {
      await page.goto(fixture.server.url(`/lang/${code}?next=%2F`));
      const seen: (string | null)[] = [];
      for (const [path] of PAGES) {
        await page.goto(fixture.server.url(path));
        const width = await page.evaluate("document.documentElement.scrollWidth");
        assert.ok((width as number) <= 375, `${code} ${path}: ${width} pixels wide`);
        // innerText: the visible words (the static page hides the other language's).
        const active = (await page.evaluate(
          '[...document.querySelectorAll("nav a.active[aria-current=page]")].map((a) => a.innerText.trim())',
        )) as string[];
        assert.ok(active.length <= 1, `${code} ${path}: ${active.join(", ")}`);
        seen.push(active[0] ?? null);
        if (code === "en_US") assert.equal(active[0] ?? null, PAGES[seen.length - 1]![1], path);
      }
      if (code === "zh_CN") tabs.zh_CN = seen;
    }
    // The same tabs, in Chinese.
    assert.deepEqual(
      tabs.zh_CN.map((tab) => tab !== null),
      tabs.en_US.map((tab) => tab !== null),
    );
    assert.equal(tabs.zh_CN[0], "首页");
    assert.equal(tabs.zh_CN.at(-2), "静态文件");
    await page.goto(fixture.server.url("/"));
    await shot(page, "tutorial-phone");
    await page.close();
  });

  it("shows on /output what each bare route sends, status line included", async () => {
    const page = await freshPage();
    await page.goto(fixture.server.url("/output"));
    await page.waitForFunction('document.querySelectorAll("[data-probe].loaded").length === 7');
    const box = (path: string) => page.textContent(`[data-probe="${path}"]`);
    assert.equal(
      await box("/write"),
      "200 OK\nContent-Type: text/html; charset=UTF-8\n\ngoodnicehandsomeman",
    );
    assert.equal(
      await box("/json2"),
      '200 OK\nContent-Type: application/json; charset=UTF-8\n\n{"name": "sunck", "age": 18, "height": 175, "weight": 70}',
    );
    assert.match((await box("/header")) ?? "", /^200 OK\n.*\nkaige: handsome\n\ngood nice$/);
    assert.match(
      (await box("/error?flag=0")) ?? "",
      /^500 Internal Server Error\n[\s\S]*服务器内部错误$/,
    );
    await page.goto(fixture.server.url("/status"));
    assert.equal(await page.textContent("#status-line"), "HTTP/1.1 200 Unknown");
    await page.close();
  });

  it("speaks the browser's language, Chinese or English, and switches on request", async () => {
    // A browser of its own: each visitor's context sends its own Accept-Language.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      for (const [locale, lang, home, other] of [
        ["zh-CN", "zh-CN", "首页", "English"],
        ["en-US", "en-US", "Home", "中文"],
      ] as const) {
        const visitor = await browser.newContext({ locale, viewport: { width: 960, height: 640 } });
        const page = await visitor.newPage();
        await page.goto(fixture.server.url("/"));
        assert.equal(await page.getAttribute("html", "lang"), lang);
        assert.equal(await page.textContent("nav a.active"), home);
        if (locale === "zh-CN") {
          assert.equal(await page.textContent("h1"), "Tornado 教程，TypeScript 版");
          await shot(page, "tutorial-home-zh");
        }
        // The static page chooses the same language with its script.
        await page.goto(fixture.server.url("/index.html"));
        assert.equal(await page.getAttribute("html", "lang"), lang);
        const shown = locale === "zh-CN" ? "zh" : "en";
        const hidden = locale === "zh-CN" ? "en" : "zh";
        assert.ok(await page.isVisible(`p.lead[data-lang="${shown}"]`));
        assert.equal(await page.isVisible(`p.lead[data-lang="${hidden}"]`), false);
        // The switch: the other language, on this page and the next ones (a cookie).
        await page.goto(fixture.server.url("/students"));
        await Promise.all([
          page.waitForURL(/\/students$/),
          page.click(`nav.languages a:text("${other}")`),
        ]);
        const switched = locale === "zh-CN" ? "en-US" : "zh-CN";
        assert.equal(await page.getAttribute("html", "lang"), switched);
        await page.goto(fixture.server.url("/"));
        assert.equal(await page.getAttribute("html", "lang"), switched);
        await page.goto(fixture.server.url("/index.html"));
        assert.equal(await page.getAttribute("html", "lang"), switched);
        assert.equal(await page.textContent("nav.languages a.active"), other);
        await visitor.close();
      }
    } finally {
      await browser.close();
    }
  });

  it("wrote every screenshot as a PNG", () => {
    for (const name of [
      "tutorial-home",
      "tutorial-postfile",
      "tutorial-cookienum",
      "tutorial-login",
      "tutorial-welcome",
      "tutorial-upfile",
      "tutorial-students",
      "tutorial-templates",
      "tutorial-phone",
      "tutorial-home-zh",
    ]) {
      const file = join(shots, `${name}.png`);
      assert.ok(statSync(file).size > 1000, name);
      assert.deepEqual(readFileSync(file).subarray(0, 8), PNG_SIGNATURE);
    }
  });
});
