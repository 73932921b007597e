// The web spider of Tornado's queues documentation (examples/spider), crawling the small site
// beside it on loopback: every page once, no more workers at a time than asked, the broken link
// reported, and the example run as a user runs it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { captureLogs, TestServer } from "tornado-ts/testing";
import { linksFrom, makeSite, PAGE_COUNT, SiteStats } from "../../examples/spider/site.ts";
import { crawl, linksOf } from "../../examples/spider/spider.ts";
import { NodeProcess } from "../support/node-process.ts";

/** The pages reachable from page 0, by following the site's own link rule. */
function reachable(): Set<number> {
  const seen = new Set<number>([0]);
  const todo = [0];
  while (todo.length > 0) {
    for (const target of linksFrom(todo.pop()!)) {
      if (!seen.has(target)) {
        seen.add(target);
        todo.push(target);
      }
    }
  }
  return seen;
}

describe("the web spider example", () => {
  it("fetches every page under the base once, with at most `concurrency` requests at a time", async () => {
    const logs = captureLogs();
    const stats = new SiteStats();
    const server = await TestServer.start(makeSite(stats));
    try {
      const base = server.url("/");
      const { fetched, failed } = await crawl(base, { concurrency: 3 });
      const pages = [...reachable()].map((n) => server.url(`/page/${n}`));
      assert.deepEqual([...fetched].sort(), [base, ...pages].sort());
      assert.equal(pages.length, PAGE_COUNT);
      for (const [path, hits] of stats.hits) assert.equal(hits, 1, path);
      assert.ok(stats.maxInFlight <= 3, `max in flight ${stats.maxInFlight}`);
      assert.ok(stats.maxInFlight >= 2, "the workers overlapped");
      assert.deepEqual([...failed.keys()], [server.url("/missing")]);
      assert.match(failed.get(server.url("/missing"))!, /404/);
      assert.ok(logs.has(/404 GET \/missing/));
    } finally {
      await server.close();
      logs.stop();
    }
  });

  it("keeps links under the base, resolved and without fragments", () => {
    const html = `<a href="/a#x">a</a><A HREF='b'>b</A><a class=x href="http://other/c">c</a>`;
    assert.deepEqual(linksOf(html, "http://h/dir/page", "http://h/"), [
      "http://h/a",
      "http://h/dir/b",
    ]);
  });

  it("runs as the README shows, against its own site", async () => {
    const app = NodeProcess.start("examples/spider/spider.ts", ["--concurrency=4"]);
    const exit = await app.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, app.output);
    assert.match(app.output, /Done in \d+\.\d\d seconds, fetched 41 URLs\./);
    assert.match(app.output, /Failed: http:\/\/127\.0\.0\.1:\d+\/missing: HTTP 404/);
  });
});
