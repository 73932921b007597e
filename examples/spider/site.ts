/**
 * A small site for the spider to crawl on 127.0.0.1: pages /page/0 to /page/N-1, each linking to
 * a few others (and to one page that does not exist), served by a tornado-ts Application.
 */
import { HTTPServer } from "tornado-ts/httpserver";
import { Application, HTTPError, type InitArgs, RequestHandler } from "tornado-ts/web";

/** How many pages the site has. */
export const PAGE_COUNT = 40;

/** The pages page `n` links to. */
export function linksFrom(n: number): number[] {
  return [2 * n + 1, 2 * n + 2, (n * 7) % PAGE_COUNT].filter((target) => target < PAGE_COUNT);
}

/** What the site saw: requests per path and the most served at once. */
export class SiteStats {
  /** Requests per path. */
  readonly hits = new Map<string, number>();
  /** Requests being served now. */
  inFlight = 0;
  /** The most requests served at once. */
  maxInFlight = 0;
}

class PageHandler extends RequestHandler {
  stats = new SiteStats();

  override initialize({ stats }: InitArgs) {
    this.stats = stats as SiteStats;
  }

  override async get(id: string) {
    const stats = this.stats;
    stats.hits.set(this.request.path, (stats.hits.get(this.request.path) ?? 0) + 1);
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      await this.#page(Number(id));
    } finally {
      stats.inFlight -= 1;
    }
  }

  async #page(n: number) {
    if (n >= PAGE_COUNT) throw new HTTPError(404);
    // A little latency, so that several workers overlap.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const links = linksFrom(n).map(
      (target) => `<li><a href="/page/${target}">page ${target}</a></li>`,
    );
    this.write(`<!DOCTYPE html><title>page ${n}</title><h1>page ${n}</h1><ul>${links.join("")}`);
    this.write(`<li><a href="https://example.invalid/elsewhere">another site</a></li></ul>`);
  }
}

class HomeHandler extends RequestHandler {
  override get() {
    this.write('<a href="/page/0#top">start</a> <a href="/missing">a broken link</a>');
  }
}

/** The site's Application, counting the page requests in `stats`. */
export function makeSite(stats = new SiteStats()): Application {
  return new Application([
    ["/", HomeHandler],
    ["/page/(\\d+)", PageHandler, { stats }],
  ]);
}

/** Serves the site on 127.0.0.1 (`port` 0: any free port). */
export async function listenSite(port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = new HTTPServer(makeSite());
  await server.listen(port, "127.0.0.1");
  return {
    url: `http://127.0.0.1:${server.port}/`,
    close: () => server.stop(),
  };
}
