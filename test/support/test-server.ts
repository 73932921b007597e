// One way to run a test against a live server: start a TestServer for the app, run the test body,
// and close the server whatever happens (the body's error is the one reported).
import type { HTTPServerDelegate, HTTPServerOptions } from "tornado-ts/httpserver";
import { TestServer } from "tornado-ts/testing";

/** Runs `body` against `app` served on a free port with `options`; the server is closed after. */
export async function withTestServer<T>(
  app: HTTPServerDelegate,
  options: HTTPServerOptions,
  body: (server: TestServer) => Promise<T>,
): Promise<T> {
  const server = await TestServer.start(app, options);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}
