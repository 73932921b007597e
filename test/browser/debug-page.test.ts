// The debug error page in a real browser (Debian's Chromium through playwright-core): what a
// developer sees for an uncaught error with `debug` on, at desktop and phone widths. With
// SCREENSHOTS=docs/images the screenshot of the guide is written there (otherwise to a temporary
// folder).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { type BrowserContext, chromium } from "playwright-core";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Student {
  name: string;
  age: number;
}

function findStudent(students: Student[], name: string): Student {
  const found = students.find((student) => student.name === name);
  if (!found) throw new TypeError(`no student named ${JSON.stringify(name)}`);
  return found;
}

class StudentHandler extends RequestHandler {
  override get() {
    const students = [{ name: "sunck", age: 18 }];
    const student = findStudent(students, this.getQueryArgument("name"));
    this.render("student.html", { student });
  }
}

class ProfileHandler extends RequestHandler {
  override get() {
    this.render("profile.html", { user: null });
  }
}

describe("the debug page in Chromium", { timeout: 120_000 }, () => {
  let server: TestServer;
  let context: BrowserContext;
  let profile: string;
  let templates: string;
  let logs: LogCapture;
  let shots: string;
  let shotsAreTemporary: boolean;

  before(async () => {
    logs = captureLogs();
    templates = mkdtempSync(join(tmpdir(), "debug-templates-"));
    writeFileSync(
      join(templates, "profile.html"),
      ["<h1>Profile</h1>", "<p>{{ user.name }}</p>", "<p>{{ user.age }}</p>", ""].join("\n"),
    );
    const app = new Application(
      [
        ["/student", StudentHandler],
        ["/profile", ProfileHandler],
      ],
      { debug: true, autoreload: false, templatePath: templates, cookieSecret: "browser-secret" },
    );
    server = await TestServer.start(app);
    profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
    shotsAreTemporary = !process.env["SCREENSHOTS"];
    shots = shotsAreTemporary
      ? mkdtempSync(join(tmpdir(), "debug-shots-"))
      : resolve(process.env["SCREENSHOTS"]!);
    mkdirSync(shots, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1000, height: 900 },
    });
  });

  after(async () => {
    await context?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(templates, { recursive: true, force: true });
    if (shotsAreTemporary) rmSync(shots, { recursive: true, force: true });
    logs.stop();
  });

  it("shows the error, the application's frames with their lines, and folds the rest", async () => {
    const page = await context.newPage();
    const response = await page.goto(server.url("/student?name=kaige&token=abc123"));
    assert.equal(response?.status(), 500);
    assert.equal(await page.title(), "500: Internal Server Error");
    assert.equal(await page.textContent("h1"), "TypeError");
    assert.equal(await page.textContent(".message"), 'no student named "kaige"');
    // Both frames of this file, innermost first, each with its marked source line.
    const frames = await page.$$eval(".frame.own b", (nodes) => nodes.map((n) => n.textContent));
    assert.deepEqual(frames.slice(0, 2), ["findStudent", "StudentHandler.get"]);
    const focus = await page.$$eval("tr.focus code", (nodes) => nodes.map((n) => n.textContent));
    assert.match(focus[0] ?? "", /if \(!found\) throw new TypeError/);
    assert.match(focus[1] ?? "", /const student = findStudent\(students/);
    assert.ok(await page.isVisible("tr.focus"));
    // The framework's frames are there but folded until asked for.
    assert.equal(await page.isVisible("ol.other"), false);
    await page.click("details summary");
    assert.equal(await page.isVisible("ol.other"), true);
    await page.click("details summary");
    // The request, with the secret-looking argument masked.
    const url = await page.textContent("section.request table.pairs tr:nth-child(2) td");
    assert.equal(url, "/student?name=kaige&token=(masked)");
    assert.ok(!(await page.content()).includes("abc123"));
    await page.screenshot({ path: join(shots, "debug-page.png"), fullPage: false });
    await page.close();
  });

  it("shows a template error's template lines", async () => {
    const page = await context.newPage();
    await page.goto(server.url("/profile"));
    assert.equal(await page.textContent("section.template p code"), "profile.html:2");
    assert.equal(
      await page.textContent("section.template tr.focus code"),
      "<p>{{ user.name }}</p>",
    );
    await page.close();
  });

  it("fits a phone's screen", async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(server.url(`/student?name=${"x".repeat(300)}`));
    const overflow = await page.evaluate(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    assert.equal(overflow, 0);
    await page.close();
  });

  it("wrote the screenshot as a PNG", () => {
    const png = readFileSync(join(shots, "debug-page.png"));
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    assert.ok(png.length > 10_000);
  });
});
