// The tutorial's XSRF and login flows in a real browser: Debian's Chromium driven by playwright-core
// against the examples/security application on a TestServer. CI installs chromium (.ci/run).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { makeSecurityApp } from "../../examples/security/handlers.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";

/** A page on another origin that posts the counter form without a token (the chapter's attack). */
function attackerApp(target: string): Application {
  class ForgedFormHandler extends RequestHandler {
    override get() {
      this.write(`<form id="forged" action="${target}/postfile" method="post">
  <input type="text" name="username" value="victim"/>
  <input type="submit" value="go"/>
</form>`);
    }
  }
  return new Application([["/", ForgedFormHandler]]);
}

describe("the security chapter in Chromium", { timeout: 120_000 }, () => {
  let server: TestServer;
  let attacker: TestServer;
  let context: BrowserContext;
  let profile: string;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    server = await TestServer.start(makeSecurityApp());
    attacker = await TestServer.start(attackerApp(`http://127.0.0.1:${server.port}`));
    profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });

  after(async () => {
    await context?.close();
    await attacker?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
    logs.stop();
  });

  async function freshPage(): Promise<Page> {
    await context.clearCookies();
    return context.newPage();
  }

  it("submits the protected form, and the count goes up", async () => {
    const page = await freshPage();
    await page.goto(server.url("/postfile"));
    const token = await page.getAttribute('input[name="_xsrf"]', "value");
    assert.match(token ?? "", /^2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d{10}$/);
    const cookies = await context.cookies(server.url("/"));
    assert.ok(cookies.some((cookie) => cookie.name === "_xsrf"));
    await page.fill('input[name="username"]', "sunck");
    await page.fill('input[name="passwd"]', "123456");
    await Promise.all([page.waitForURL(/\/cookienum$/), page.click('input[type="submit"]')]);
    // The POST set count=1 and /cookienum counted this visit too.
    assert.equal(await page.textContent("#count"), "第2次访问");
    await page.close();
  });

  it("refuses the same form posted from another site", async () => {
    const page = await freshPage();
    await page.goto(server.url("/postfile"));
    await page.goto(attacker.url("/"));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/postfile")),
      page.click('input[type="submit"]'),
    ]);
    assert.equal(response.status(), 403);
    const cookies = await context.cookies(server.url("/"));
    assert.equal(
      cookies.find((cookie) => cookie.name === "count"),
      undefined,
    );
    await page.close();
  });

  it("posts with the three client-side variants of the tutorial", async () => {
    const page = await freshPage();
    await page.goto(server.url("/xsrf.html"));
    const cookie = (await context.cookies(server.url("/"))).find((c) => c.name === "_xsrf");
    assert.ok(cookie, "the first page set the _xsrf cookie");
    assert.equal(await page.inputValue("#hi"), cookie.value);

    // Page-side code is given as strings: the test is type-checked without the DOM library.
    await page.click("#ajax-body");
    await page.waitForSelector("#result:not(:empty)");
    assert.equal(await page.textContent("#result"), "第2次访问");

    await page.evaluate('document.getElementById("result").textContent = ""');
    await page.click("#ajax-header");
    await page.waitForSelector("#result:not(:empty)");
    assert.equal(await page.textContent("#result"), "第4次访问");

    await Promise.all([page.waitForURL(/\/cookienum$/), page.click("#submit")]);
    assert.equal(await page.textContent("#count"), "第6次访问");
    await page.close();
  });

  it("logs in through /login?next=/home and lands on the protected home page", async () => {
    const page = await freshPage();
    await page.goto(server.url("/home"));
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, "/login?next=%2Fhome");
    await page.fill('input[name="username"]', "1");
    await page.fill('input[name="passwd"]', "wrong");
    await Promise.all([page.waitForURL(/\/login\?next=%2Fhome$/), page.click("#login")]);
    await page.fill('input[name="username"]', "1");
    await page.fill('input[name="passwd"]', "1");
    await Promise.all([page.waitForURL(/\/home\?flag=logined$/), page.click("#login")]);
    assert.equal(await page.textContent("#welcome"), "欢迎回家 (logined)");
    await page.close();
  });
});
