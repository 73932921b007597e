// The tutorial application in a real browser: Debian's Chromium driven by playwright-core clicks
// through the XSRF form and the cookie counter, logs in and is sent back to `next`, uploads a
// file, and adds a student. It also takes the screenshots of the guide: with
// SCREENSHOTS=docs/images they are written there (otherwise to a temporary folder); the committed
// ones were taken with a CJK font installed (Debian's fonts-wqy-microhei), for the Chinese text.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { captureLogs, type LogCapture } from "tornado-ts/testing";
import { startTutorialApp, type TutorialFixture } from "../tutorial-app/support.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

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
      args: ARGS,
      viewport: { width: 960, height: 640 },
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
    assert.equal(await page.title(), "the Tornado tutorial in TypeScript · tornado-ts");
    const nav = await page.$$eval("nav a", (links) => links.map((a) => a.textContent?.trim()));
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
    assert.equal(await page.textContent("body"), "ok");
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
    ]) {
      const file = join(shots, `${name}.png`);
      assert.ok(statSync(file).size > 1000, name);
      assert.deepEqual(readFileSync(file).subarray(0, 8), PNG_SIGNATURE);
    }
  });
});
