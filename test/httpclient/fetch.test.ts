import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import {
  AsyncHTTPClient,
  HTTPClientError,
  HTTPRequest,
  type HTTPResponse,
} from "tornado-ts/httpclient";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

class EchoHandler extends RequestHandler {
  #answer() {
    const headers: Record<string, string> = {};
    for (const [name, value] of this.request.headers) headers[name] = value;
    this.write({ method: this.request.method, headers, body: this.request.body.toString() });
  }
  override get() {
    this.#answer();
  }
  override post() {
    this.#answer();
  }
  override put() {
    this.#answer();
  }
  override delete() {
    this.#answer();
  }
}

class StatusHandler extends RequestHandler {
  override get(code: string) {
    this.setStatus(Number(code));
    this.finish(`status ${code}`);
  }
}

class RedirectHandler extends RequestHandler {
  override get(code: string, hops: string) {
    const left = Number(hops);
    this.redirect(left > 0 ? `/redirect/${code}/${left - 1}` : "/echo", false, Number(code));
  }
  override post(code: string, hops: string) {
    this.get(code, hops);
  }
}

class GzipHandler extends RequestHandler {
  override get() {
    this.setHeader("Content-Encoding", "gzip");
    this.finish(gzipSync(Buffer.from("zipped ".repeat(100))));
  }
}

class SlowHandler extends RequestHandler {
  override async get() {
    await new Promise((resolve) => setTimeout(resolve, Number(this.getArgument("ms", "200"))));
    this.write("slow");
  }
}

class ChunksHandler extends RequestHandler {
  override async get() {
    for (const part of ["one ", "two ", "three"]) {
      this.write(part);
      await this.flush();
    }
  }
}

describe("AsyncHTTPClient", () => {
  let server: TestServer;
  let client: AsyncHTTPClient;
  let logs: LogCapture;
  const connections = new Set<Socket>();
  let connectionCount = 0;
  before(async () => {
    logs = captureLogs();
    server = await TestServer.start(
      new Application([
        ["/echo", EchoHandler],
        ["/status/(\\d+)", StatusHandler],
        ["/redirect/(\\d+)/(\\d+)", RedirectHandler],
        ["/gzip", GzipHandler],
        ["/slow", SlowHandler],
        ["/chunks", ChunksHandler],
      ]),
    );
    server.server.nodeServer.on("connection", (socket: Socket) => {
      connectionCount++;
      connections.add(socket);
      socket.once("close", () => connections.delete(socket));
    });
    client = new AsyncHTTPClient();
  });
  after(async () => {
    await client.close();
    await server.close();
    logs.stop();
  });

  it("fetches a URL: code, reason, HTTPHeaders, body bytes, text/json helpers, times", async () => {
    const response = await client.fetch(server.url("/echo?x=1"));
    assert.equal(response.code, 200);
    assert.equal(response.reason, "OK");
    assert.equal(response.headers.get("content-type"), "application/json; charset=UTF-8");
    assert.ok(Buffer.isBuffer(response.body));
    const echoed = response.json<{ method: string; headers: Record<string, string> }>();
    assert.equal(echoed.method, "GET");
    assert.equal(echoed.headers["User-Agent"], "tornado-ts/0.1.0");
    assert.equal(echoed.headers["Accept-Encoding"], "gzip");
    assert.equal(response.effectiveUrl, server.url("/echo?x=1"));
    assert.equal(response.error, null);
    assert.ok(response.requestTime >= 0);
    assert.ok(Math.abs(response.startTime - Date.now() / 1000) < 60);
    assert.match(response.text(), /"method": "GET"/);
  });

  it("sends method, headers, body, basic auth and user agent; POST defaults to a form type", async () => {
    const response = await client.fetch(server.url("/echo"), {
      method: "POST",
      body: "a=1&b=\u00e9",
      headers: { "X-Custom": "yes" },
      authUsername: "ann",
      authPassword: "secret",
      userAgent: "tester/1",
    });
    const echoed = response.json<{
      method: string;
      headers: Record<string, string>;
      body: string;
    }>();
    assert.equal(echoed.method, "POST");
    assert.equal(echoed.body, "a=1&b=\u00e9");
    assert.equal(echoed.headers["X-Custom"], "yes");
    assert.equal(echoed.headers["Content-Type"], "application/x-www-form-urlencoded");
    assert.equal(echoed.headers["Content-Length"], String(Buffer.byteLength("a=1&b=\u00e9")));
    assert.equal(
      echoed.headers["Authorization"],
      `Basic ${Buffer.from("ann:secret").toString("base64")}`,
    );
    assert.equal(echoed.headers["User-Agent"], "tester/1");
  });

  it("accepts an HTTPRequest and refuses options beside it", async () => {
    const request = new HTTPRequest(server.url("/echo"), { method: "PUT", body: "x" });
    const response = await client.fetch(request);
    assert.equal(response.json<{ method: string }>().method, "PUT");
    assert.equal(response.request, request);
    await assert.rejects(client.fetch(request, { method: "GET" }), TypeError);
    // raiseError is a fetch option, not a request option: allowed with an HTTPRequest.
    const notFound = await client.fetch(new HTTPRequest(server.url("/status/404")), {
      raiseError: false,
    });
    assert.equal(notFound.code, 404);
  });

  it("applies Tornado's body checks", async () => {
    await assert.rejects(client.fetch(server.url("/echo"), { method: "POST" }), {
      message: "Body must not be None for method POST (unless allow_nonstandard_methods is true)",
    });
    await assert.rejects(client.fetch(server.url("/echo"), { body: "x" }), {
      message: "Body must be None for method GET (unless allow_nonstandard_methods is true)",
    });
    await assert.rejects(client.fetch(server.url("/echo"), { method: "FOO" }), {
      message: "unknown method FOO",
    });
    const lax = await client.fetch(server.url("/echo"), {
      method: "DELETE",
      body: "payload",
      allowNonstandardMethods: true,
    });
    assert.equal(lax.json<{ body: string }>().body, "payload");
  });

  it("raises HTTPClientError for non-2xx codes, or returns it as response.error with raiseError false", async () => {
    await assert.rejects(client.fetch(server.url("/status/404")), (error: HTTPClientError) => {
      assert.ok(error instanceof HTTPClientError);
      assert.equal(error.code, 404);
      assert.equal(error.message, "HTTP 404: Not Found");
      assert.equal(error.response?.text(), "status 404");
      return true;
    });
    const response = await client.fetch(server.url("/status/503"), { raiseError: false });
    assert.equal(response.code, 503);
    assert.equal(response.error?.code, 503);
    assert.throws(() => response.rethrow(), /HTTP 503: Service Unavailable/);
  });

  it("follows redirects up to maxRedirects and reports the effective URL", async () => {
    const response = await client.fetch(server.url("/redirect/302/2"));
    assert.equal(response.code, 200);
    assert.equal(response.effectiveUrl, server.url("/echo"));
    await assert.rejects(
      client.fetch(server.url("/redirect/302/2"), { maxRedirects: 1 }),
      (error: HTTPClientError) => {
        assert.equal(error.code, 302);
        assert.equal(error.response?.headers.get("Location"), "/redirect/302/0");
        return true;
      },
    );
    await assert.rejects(
      client.fetch(server.url("/redirect/301/0"), { followRedirects: false }),
      (error: HTTPClientError) => {
        assert.equal(error.code, 301);
        assert.equal(error.response?.headers.get("Location"), "/echo");
        return true;
      },
    );
  });

  it("turns a POST into a GET without body on 302 and 303, and keeps it on 307", async () => {
    for (const [code, method, body] of [
      ["302", "GET", ""],
      ["303", "GET", ""],
      ["307", "POST", "data"],
    ] as const) {
      const response = await client.fetch(server.url(`/redirect/${code}/0`), {
        method: "POST",
        body: "data",
      });
      const echoed = response.json<{
        method: string;
        body: string;
        headers: Record<string, string>;
      }>();
      assert.equal(echoed.method, method, code);
      assert.equal(echoed.body, body, code);
      if (method === "GET") assert.equal(echoed.headers["Content-Type"], undefined);
    }
  });

  it("decompresses gzip bodies, moving Content-Encoding to X-Consumed-Content-Encoding", async () => {
    const response = await client.fetch(server.url("/gzip"));
    assert.equal(response.text(), "zipped ".repeat(100));
    assert.equal(response.headers.get("Content-Encoding"), undefined);
    assert.equal(response.headers.get("X-Consumed-Content-Encoding"), "gzip");
    const raw = await client.fetch(server.url("/gzip"), { decompressResponse: false });
    assert.equal(raw.headers.get("Content-Encoding"), "gzip");
    assert.notEqual(raw.text(), "zipped ".repeat(100));
  });

  it("streams the body to streamingCallback and the header lines to headerCallback", async () => {
    const chunks: string[] = [];
    const lines: string[] = [];
    const response = await client.fetch(server.url("/chunks"), {
      streamingCallback: (chunk) => chunks.push(chunk.toString()),
      headerCallback: (line) => lines.push(line),
    });
    assert.equal(chunks.join(""), "one two three");
    assert.equal(response.body.length, 0);
    assert.equal(lines[0], "HTTP/1.1 200 OK\r\n");
    assert.ok(lines.includes("Transfer-Encoding: chunked\r\n"));
    assert.equal(lines.at(-1), "\r\n");
  });

  it("times out a slow request with a 599 HTTPTimeoutError", async () => {
    await assert.rejects(
      client.fetch(server.url("/slow?ms=1000"), { requestTimeout: 0.1 }),
      (error: HTTPClientError) => {
        assert.equal(error.name, "HTTPTimeoutError");
        assert.equal(error.code, 599);
        assert.equal(error.message, "HTTP 599: Timeout during request");
        return true;
      },
    );
  });

  it("times out a connection whose TLS handshake never completes", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      await assert.rejects(
        client.fetch(`https://127.0.0.1:${port}/`, { connectTimeout: 0.2, requestTimeout: 5 }),
        { name: "HTTPTimeoutError", message: "HTTP 599: Timeout while connecting" },
      );
    } finally {
      silent.close();
      silent.unref();
    }
  });

  it("rejects with 599 on a refused connection even with raiseError false", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await assert.rejects(
      client.fetch(`http://127.0.0.1:${port}/`, { raiseError: false }),
      (error: HTTPClientError) => {
        assert.equal(error.code, 599);
        assert.match(error.message, /ECONNREFUSED/);
        return true;
      },
    );
  });

  it("reuses one kept-alive connection for requests in sequence", async () => {
    const pooled = new AsyncHTTPClient();
    const before = connectionCount;
    for (let i = 0; i < 20; i++) await pooled.fetch(server.url("/echo"));
    // undici may open a second connection while the first is being handed back after its first
    // response; from then on every request rides a kept-alive connection.
    assert.ok(connectionCount - before <= 2, `${connectionCount - before} connections`);
    await pooled.close();
  });

  it("keeps at most maxClients requests in flight and connections open; the rest wait their turn", async () => {
    const pooled = new AsyncHTTPClient({ maxClients: 3 });
    const before = connectionCount;
    const responses: HTTPResponse[] = await Promise.all(
      Array.from({ length: 12 }, () => pooled.fetch(server.url("/slow?ms=20"))),
    );
    assert.ok(responses.every((response) => response.text() === "slow"));
    assert.ok(connectionCount - before <= 3, `${connectionCount - before} connections`);
    assert.ok(connectionCount - before >= 1);
    await pooled.close();
  });

  it("times out requests that wait in the queue too long", async () => {
    const pooled = new AsyncHTTPClient({ maxClients: 1 });
    const first = pooled.fetch(server.url("/slow?ms=400"));
    await assert.rejects(pooled.fetch(server.url("/echo"), { requestTimeout: 0.05 }), {
      message: "HTTP 599: Timeout in request queue",
    });
    assert.equal((await first).text(), "slow");
    await pooled.close();
  });

  it("shares one configured instance and refuses fetches once closed", async () => {
    AsyncHTTPClient.configure({ maxClients: 2, defaults: { userAgent: "configured/1" } });
    const shared = AsyncHTTPClient.instance();
    assert.equal(AsyncHTTPClient.instance(), shared);
    const response = await shared.fetch(server.url("/echo"));
    assert.equal(
      response.json<{ headers: Record<string, string> }>().headers["User-Agent"],
      "configured/1",
    );
    await shared.close();
    await assert.rejects(shared.fetch(server.url("/echo")), {
      message: "fetch() called on closed AsyncHTTPClient",
    });
    const fresh = AsyncHTTPClient.instance();
    assert.notEqual(fresh, shared);
    await fresh.close();
    AsyncHTTPClient.configure({});
  });
});
