// examples/locale: one page in Chinese and English, chosen by Accept-Language (or ?lang=).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TestServer } from "tornado-ts/testing";
import { makeApp } from "../../examples/locale/app.ts";

describe("the translated example page", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(makeApp());
  });
  after(() => server.close());

  it("is in Chinese for a browser that prefers Chinese", async () => {
    const response = await server.fetch("/?messages=3", {
      headers: { "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8" },
    });
    assert.equal(response.code, 200);
    const page = response.text;
    assert.match(page, /<html lang="zh-CN">/);
    assert.match(page, /<title>欢迎<\/title>/);
    assert.match(page, /<p>你好，访客！<\/p>/);
    assert.match(page, /<p>您有 3 条新消息<\/p>/);
    assert.match(page, /<p>我们出售苹果, 梨和樱桃。<\/p>/);
    assert.match(page, /<p>本站上线于2020年1月2日 下午3:04。<\/p>/);
    assert.match(page, /<p>您的语言：中文（中国）<\/p>/);
    assert.doesNotMatch(page, /Hello|Welcome/);
  });

  it("is in English for a browser that prefers English, or sends no preference", async () => {
    const preferences: Record<string, string>[] = [
      { "Accept-Language": "en-US,en;q=0.9,zh-CN;q=0.5" },
      {},
    ];
    for (const headers of preferences) {
      const page = (await server.fetch("/?name=Ana&messages=1", { headers })).text;
      assert.match(page, /<html lang="en-US">/);
      assert.match(page, /<p>Hello, Ana!<\/p>/);
      assert.match(page, /<p>You have 1 new message<\/p>/);
      assert.match(page, /<p>We sell apples, pears and cherries\.<\/p>/);
      assert.match(page, /<p>Site launched January 2, 2020 at 3:04 pm\.<\/p>/);
      assert.doesNotMatch(page, /欢迎/);
    }
  });

  it("follows Tornado's matching rules for language codes", async () => {
    const pick = async (header: string): Promise<string | undefined> =>
      /<html lang="([^"]+)">/.exec(
        (await server.fetch("/", { headers: { "Accept-Language": header } })).text,
      )?.[1];
    // A bare language matches only a locale loaded under that bare code: zh is not zh_CN.
    assert.equal(await pick("zh"), "en-US");
    // For the same reason `en` does not match the default en_US, so Chinese is the closest match.
    assert.equal(await pick("zh-CN;q=0.3, en;q=0.7"), "zh-CN");
    assert.equal(await pick("zh-CN;q=0.3, en-US;q=0.7"), "en-US");
  });

  it("lets ?lang= override the browser and remembers it in a cookie", async () => {
    const chosen = await server.fetch("/?lang=zh_CN", { headers: { "Accept-Language": "en" } });
    assert.match(chosen.text, /<title>欢迎<\/title>/);
    assert.deepEqual(chosen.headers.getList("Set-Cookie"), ["lang=zh_CN; Path=/"]);
    const later = await server.fetch("/", {
      headers: { "Accept-Language": "en", Cookie: "lang=zh_CN" },
    });
    assert.match(later.text, /<title>欢迎<\/title>/);
  });
});
