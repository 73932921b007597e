// The chat example in real Chromium (Debian's, driven by playwright-core): two browser pages in
// one room see each other's messages and join and leave notices.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { makeChatApp } from "../../examples/chat/app.ts";
import { MemoryBroker } from "../../examples/chat/broker.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";

describe("the chat example in Chromium", () => {
  let server: TestServer;
  let context: BrowserContext;
  let profile: string;
  let logs: LogCapture;
  const broker = new MemoryBroker();
  before(async () => {
    logs = captureLogs();
    server = await TestServer.start(makeChatApp(broker));
    // A fresh profile each run (launchPersistentContext is how Playwright takes --user-data-dir).
    profile = mkdtempSync(join(tmpdir(), "chat-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });
  after(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    await server.close();
    await broker.close();
    logs.stop();
  });

  async function open(nick: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(server.url(`/?room=lobby&nick=${nick}`));
    await page.waitForSelector("body[data-connected=yes]");
    return page;
  }

  const lines = (page: Page): Promise<string[]> => page.locator("#messages li").allTextContents();

  it("shows joins, messages both ways, and leaves", async () => {
    const ann = await open("ann");
    await ann.locator("#messages li", { hasText: "ann joined" }).waitFor();
    const bob = await open("bob");
    await ann.locator("#messages li", { hasText: "bob joined" }).waitFor();

    await ann.fill("#text", "hello bob <b>not bold</b>");
    await ann.press("#text", "Enter");
    await bob.locator("#messages li", { hasText: "ann: hello bob" }).waitFor();
    await bob.fill("#text", "hi ann");
    await bob.click("button");
    await ann.locator("#messages li", { hasText: "bob: hi ann" }).waitFor();

    assert.deepEqual(await lines(bob), [
      "bob joined",
      "ann: hello bob <b>not bold</b>",
      "bob: hi ann",
    ]);
    // The markup arrived as text, not as an element.
    assert.equal(await bob.locator("#messages b").count(), 0);

    await bob.close();
    await ann.locator("#messages li", { hasText: "bob left" }).waitFor();
    assert.deepEqual(await lines(ann), [
      "ann joined",
      "bob joined",
      "ann: hello bob <b>not bold</b>",
      "bob: hi ann",
      "bob left",
    ]);
    await ann.close();
  });
});
