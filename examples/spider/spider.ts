/**
 * The web spider from Tornado's documentation (its `tornado.queues` example), in TypeScript: a
 * fixed number of workers take URLs from a `Queue`, fetch them with `AsyncHTTPClient`, and put
 * the links they find back in the queue, until `queue.join()` says every URL was processed.
 *
 * Run it against the small site beside it (served on 127.0.0.1):
 *   npx tsx examples/spider/spider.ts
 * or against a site of yours: `... spider.ts http://127.0.0.1:8000/ --concurrency=5`.
 */
import { fileURLToPath } from "node:url";
import { AsyncHTTPClient } from "tornado-ts/httpclient";
import { IOLoop } from "tornado-ts/ioloop";
import { Queue } from "tornado-ts/queues";
import { listenSite } from "./site.ts";

/** What a crawl found. */
export interface CrawlResult {
  /** Every URL fetched, each once. */
  fetched: Set<string>;
  /** URLs that could not be fetched, with the reason. */
  failed: Map<string, string>;
}

/** The links of an HTML page that stay under `base`, absolute, without their fragment. */
export function linksOf(html: string, pageUrl: string, base: string): string[] {
  const links: string[] = [];
  for (const match of html.matchAll(/<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const href = match[1] ?? match[2] ?? "";
    let url: URL;
    try {
      url = new URL(href, pageUrl);
    } catch {
      continue;
    }
    url.hash = "";
    if (url.href.startsWith(base)) links.push(url.href);
  }
  return links;
}

// #region crawl
/**
 * Crawls every page under `base` reachable from it, with `concurrency` workers, and resolves when
 * all were fetched; fails with `gen.TimeoutError` if that takes longer than `timeoutSeconds`.
 */
export async function crawl(
  base: string,
  {
    concurrency = 10,
    timeoutSeconds = 300,
  }: { concurrency?: number; timeoutSeconds?: number } = {},
): Promise<CrawlResult> {
  const queue = new Queue<string>();
  const fetching = new Set<string>();
  const result: CrawlResult = { fetched: new Set(), failed: new Map() };
  const client = new AsyncHTTPClient();

  async function fetchUrl(url: string): Promise<void> {
    if (fetching.has(url)) return;
    fetching.add(url);
    try {
      const response = await client.fetch(url);
      result.fetched.add(url);
      for (const link of linksOf(response.text(), response.effectiveUrl, base)) {
        await queue.put(link);
      }
    } catch (error) {
      result.failed.set(url, error instanceof Error ? error.message : String(error));
    }
  }

  async function worker(): Promise<void> {
    for await (const url of queue) {
      try {
        await fetchUrl(url);
      } finally {
        queue.taskDone();
      }
    }
  }

  await queue.put(base);
  // The workers wait on the empty queue for ever once the crawl is done; nothing else holds them.
  for (let i = 0; i < concurrency; i += 1) void worker();
  try {
    await queue.join({ seconds: timeoutSeconds });
  } finally {
    await client.close();
  }
  return result;
}
// #endregion

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const concurrency = Number(args.find((arg) => arg.startsWith("--concurrency="))?.slice(14) ?? 10);
  let base = args.find((arg) => !arg.startsWith("--"));
  const site = base === undefined ? await listenSite(0) : undefined;
  base ??= site!.url;
  const started = IOLoop.current().time();
  const { fetched, failed } = await crawl(base, { concurrency });
  const seconds = IOLoop.current().time() - started;
  console.log(`Done in ${seconds.toFixed(2)} seconds, fetched ${fetched.size} URLs.`);
  for (const [url, reason] of failed) console.log(`Failed: ${url}: ${reason}`);
  await site?.close();
}

// Python's `if __name__ == '__main__':`
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
