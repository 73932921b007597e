// Guide sample: routers in front of applications (Tornado's tornado.routing).
import type { IncomingMessage, ServerResponse } from "node:http";
import { HTTPServer } from "tornado-ts/httpserver";
import {
  AnyMatches,
  HostMatches,
  PathMatches,
  ReversibleRuleRouter,
  Rule,
} from "tornado-ts/routing";
import { Application, RequestHandler } from "tornado-ts/web";

class ItemHandler extends RequestHandler {
  override get(id: string) {
    this.write({ id });
  }
}

class SiteHandler extends RequestHandler {
  override get() {
    this.write("home");
  }
}

/** Starts the sample's server on 127.0.0.1. */
export async function serve(port: number): Promise<HTTPServer> {
  // #region routers
  // Each target sees the whole path: the api Application's routes start with /api/.
  const api = new Application([["/api/items/([0-9]+)", ItemHandler, {}, "item"]]);
  const site = new Application([["/", SiteHandler]]);
  const health = (_req: IncomingMessage, res: ServerResponse) => res.end("ok");

  const router = new ReversibleRuleRouter([
    [new PathMatches("/api/.*"), api], // a prefix to a second Application
    [new PathMatches("/healthz"), health], // a plain Node request listener
    new Rule(new HostMatches("admin\\.example\\.com"), site, {}, "admin"),
    [new AnyMatches(), site],
  ]);
  router.reverseUrl("item", 7); // "/api/items/7", asked of the api Application

  const server = new HTTPServer(router);
  await server.listen(port, "127.0.0.1");
  // #endregion
  return server;
}

/** Rules inside an Application: its handlers table takes them too. */
export function mixedApp(other: Application): Application {
  // #region mixed
  return new Application([
    ["/", SiteHandler],
    // a host rule around a nested list of routes, served by this application
    [new HostMatches("api\\.example\\.com"), [["/items/([0-9]+)", ItemHandler]]],
    // a prefix handed to another Application (or a router, or a Node listener)
    ["/legacy/.*", other],
  ]);
  // #endregion
}
