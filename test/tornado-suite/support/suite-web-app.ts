// Shared by the port of Tornado's web_test.py: one server per Python test class, started on first
// use and closed when the file's tests are done (Tornado's AsyncHTTPTestCase starts one per test;
// the classes' handlers keep no state between tests, so one per class serves the same requests).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { request as httpRequest } from "node:http";
import { after } from "node:test";
import type { HTTPServerOptions } from "tornado-ts/httpserver";
import { HTTPHeaders } from "tornado-ts/httputil";
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

/** The folder of Tornado's own tests as installed (Debian's python3-tornado), for their data files. */
export const tornadoTestDir: string = execFileSync(
  "/usr/bin/python3",
  ["-c", "import tornado.test; print(tornado.test.__path__[0])"],
  { encoding: "utf8" },
).trim();

/** A response of {@link fetchPath}. */
export interface RawPathResponse {
  code: number;
  reason: string;
  headers: HTTPHeaders;
  body: Buffer;
  text: string;
}

/**
 * Fetches `path` exactly as given (no `..` or `//` folding, which URL parsing would do), as
 * Tornado's simple_httpclient sends it.
 */
export function fetchPath(
  server: TestServer,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawPathResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: "127.0.0.1",
      port: server.port,
      path,
      method: options.method ?? "GET",
      headers: options.headers,
      agent: false,
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({
          code: res.statusCode ?? 0,
          reason: res.statusMessage ?? "",
          headers: HTTPHeaders.fromRaw(res.rawHeaders),
          body,
          text: body.toString("utf8"),
        });
      });
    });
    req.end();
  });
}

/**
 * Tornado's `get_and_head`: a HEAD then a GET of `path`; fails when a `Content-*` header differs
 * between the two, and returns the GET's response.
 */
export async function getAndHead(
  server: TestServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawPathResponse> {
  const head = await fetchPath(server, path, { method: "HEAD", headers });
  const get = await fetchPath(server, path, { headers });
  const names = new Set<string>();
  for (const response of [head, get]) {
    for (const [name] of response.headers.getAll()) {
      if (name.startsWith("Content-")) names.add(name);
    }
  }
  for (const name of names) {
    assert.equal(
      head.headers.get(name),
      get.headers.get(name),
      `${name} differs between GET (${get.headers.get(name)}) and HEAD (${head.headers.get(name)})`,
    );
  }
  return get;
}
