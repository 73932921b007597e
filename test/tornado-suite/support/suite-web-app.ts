// Shared by the port of Tornado's web_test.py: one server per Python test class, started on first
// use and closed when the file's tests are done (Tornado's AsyncHTTPTestCase starts one per test;
// the classes' handlers keep no state between tests, so one per class serves the same requests).
import { after } from "node:test";
import type { HTTPServerOptions } from "tornado-ts/httpserver";
import { accessLog, Level } from "tornado-ts/log";
import { InProcessClient, type TestFetchOptions, TestServer } from "tornado-ts/testing";
import { Application, type ApplicationSettings, type Route } from "tornado-ts/web";

// As Tornado's test runner does: access log lines (a warning for each 4xx) are not test output.
accessLog.level = Level.CRITICAL;

const servers: Promise<TestServer>[] = [];
after(async () => {
  for (const server of servers) await (await server).close();
});

/** A server for an application made on first use; closed after the file's tests. */
export function lazyServer(
  makeApp: () => Application,
  options: HTTPServerOptions = {},
): () => Promise<TestServer> {
  let started: Promise<TestServer> | undefined;
  return () => {
    if (started === undefined) {
      started = TestServer.start(makeApp(), options);
      servers.push(started);
    }
    return started;
  };
}

/** `lazyServer` for `new Application(routes, settings)` (Tornado's WebTestCase). */
export function lazyApp(
  routes: () => Route[],
  settings: ApplicationSettings = {},
  options: HTTPServerOptions = {},
): () => Promise<TestServer> {
  return lazyServer(() => new Application(routes(), settings), options);
}

/** An in-process client for an application (no socket), closed after the file's tests. */
export function inProcess(app: Application): InProcessClient {
  const client = new InProcessClient(app);
  after(() => client.close());
  return client;
}

/** The `name=value` pairs of `Set-Cookie` lines (the attributes dropped), as a cookie jar. */
export function cookieJar(setCookies: readonly string[]): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const line of setCookies) {
    const pair = line.split(";", 1)[0]!;
    const eq = pair.indexOf("=");
    jar[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return jar;
}

/** A `Cookie` request header from a jar. */
export function cookieHeader(jar: Readonly<Record<string, string>>): string {
  return Object.entries(jar)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
}

/**
 * Options for a POST of `body`, with the `Content-Type` Tornado's HTTP client adds to a POST that
 * has none (application/x-www-form-urlencoded), as the Python tests rely on it.
 */
export function post(body: string | Uint8Array, options: TestFetchOptions = {}): TestFetchOptions {
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    ...(options.headers as Record<string, string> | undefined),
  };
  return { ...options, method: "POST", body, headers };
}
