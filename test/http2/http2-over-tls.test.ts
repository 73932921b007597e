// HTTPServer's http2 option: HTTP/2 over TLS chosen by ALPN, HTTP/1.1 for clients that do not ask
// for it, the same handlers serving both. The certificate is made for the test with openssl.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { type ClientHttp2Session, connect, type IncomingHttpHeaders } from "node:http2";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { HTTPServer } from "tornado-ts/httpserver";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

function makeCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "h2-cert-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

class InfoHandler extends RequestHandler {
  override get() {
    this.setHeader("X-Custom", "yes");
    this.setCookie("flavour", "h2");
    this.write(
      `${this.request.version} ${this.request.protocol} ${this.request.host} ${this.request.headers.get("X-Test") ?? "-"}`,
    );
  }
  override post() {
    this.write({
      name: this.getBodyArgument("name"),
      pseudo: this.request.headers.get(":path") ?? null,
    });
  }
}

class StreamHandler extends RequestHandler {
  override async get() {
    this.write("first,");
    await this.flush();
    this.write("second");
  }
}

class GoHandler extends RequestHandler {
  override get() {
    this.redirect("/info");
  }
}

interface H2Response {
  headers: IncomingHttpHeaders;
  body: string;
}

function h2Fetch(
  session: ClientHttp2Session,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request(
      { ":path": path, ...headers },
      { endStream: body === undefined },
    );
    let responseHeaders: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => {
      responseHeaders = h;
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () =>
      resolve({ headers: responseHeaders, body: Buffer.concat(chunks).toString() }),
    );
    stream.on("error", reject);
    if (body !== undefined) stream.end(body);
  });
}

function h1Fetch(
  port: number,
  ca: Buffer,
  path: string,
  alpn?: string[],
): Promise<{ version: string; status: number; reason: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: "127.0.0.1", port, path, ca, agent: false, ...(alpn ? { ALPNProtocols: alpn } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            version: res.httpVersion,
            status: res.statusCode ?? 0,
            reason: res.statusMessage ?? "",
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("HTTP/2 over TLS", () => {
  let tls: { key: Buffer; cert: Buffer };
  let server: TestServer;
  let session: ClientHttp2Session;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    tls = makeCertificate();
    const app = new Application([
      ["/info", InfoHandler],
      ["/stream", StreamHandler],
      ["/go", GoHandler],
    ]);
    // A long idle time, so that the shared session below stays open on a slow machine.
    server = await TestServer.start(app, {
      sslOptions: { key: tls.key, cert: tls.cert },
      http2: true,
      idleConnectionTimeout: 600,
    });
    session = connect(`https://127.0.0.1:${server.port}`, { ca: tls.cert });
  });
  after(async () => {
    session.close();
    await server.close();
    logs.stop();
  });

  it("speaks HTTP/2 to a client that asks for it, with the handlers unchanged", async () => {
    const response = await h2Fetch(session, "/info", { "x-test": "h2 header" });
    assert.equal(session.alpnProtocol, "h2");
    assert.equal(response.headers[":status"], 200);
    assert.equal(response.body, `HTTP/2.0 https 127.0.0.1:${server.port} h2 header`);
    assert.equal(response.headers["server"], "tornado-ts/0.1.0");
    assert.equal(response.headers["content-type"], "text/html; charset=UTF-8");
    assert.equal(response.headers["x-custom"], "yes");
    assert.match(String(response.headers["etag"]), /^"[0-9a-f]{40}"$/);
    assert.equal(response.headers["content-length"], String(response.body.length));
    assert.deepEqual(response.headers["set-cookie"], ["flavour=h2; Path=/"]);
    assert.ok(logs.has(/^200 GET \/info \(127\.0\.0\.1\)/, "tornado.access"));
  });

  it("reads request bodies, keeps pseudo-headers out of the request headers", async () => {
    const response = await h2Fetch(
      session,
      "/info",
      { ":method": "POST", "content-type": "application/x-www-form-urlencoded" },
      "name=b%C3%A9a",
    );
    assert.deepEqual(JSON.parse(response.body), { name: "béa", pseudo: null });
    const sized = await h2Fetch(
      session,
      "/info",
      {
        ":method": "POST",
        "content-type": "application/x-www-form-urlencoded",
        "content-length": "8",
      },
      "name=abc",
    );
    assert.deepEqual(JSON.parse(sized.body), { name: "abc", pseudo: null });
  });

  it("streams flushed output, redirects, and sends error pages", async () => {
    const streamed = await h2Fetch(session, "/stream");
    assert.equal(streamed.body, "first,second");
    const redirect = await h2Fetch(session, "/go");
    assert.equal(redirect.headers[":status"], 302);
    assert.equal(redirect.headers["location"], "/info");
    const missing = await h2Fetch(session, "/nowhere");
    assert.equal(missing.headers[":status"], 404);
    assert.equal(
      missing.body,
      "<html><title>404: Not Found</title><body>404: Not Found</body></html>",
    );
    const head = await h2Fetch(session, "/info", { ":method": "HEAD" });
    assert.equal(head.headers[":status"], 405);
    assert.equal(head.body, "");
  });

  it("serves many streams of one connection at once", async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h2Fetch(session, "/info", { "x-test": String(i) })),
    );
    assert.deepEqual(
      responses.map((r) => r.body.split(" ").at(-1)),
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
  });

  it("falls back to HTTP/1.1 for clients that offer only it, or no ALPN at all", async () => {
    const offered = await h1Fetch(server.port, tls.cert, "/info", ["http/1.1"]);
    assert.equal(offered.version, "1.1");
    assert.equal(offered.status, 200);
    assert.equal(offered.reason, "OK");
    assert.equal(offered.body, `HTTP/1.1 https 127.0.0.1:${server.port} -`);
    const plain = await h1Fetch(server.port, tls.cert, "/info");
    assert.equal(plain.version, "1.1");
    assert.equal(plain.body, offered.body);
  });

  it("stops with HTTP/2 and HTTP/1.1 connections open", async () => {
    const app = new Application([["/info", InfoHandler]]);
    const other = new HTTPServer(app, {
      sslOptions: { key: tls.key, cert: tls.cert },
      http2: true,
    });
    await other.listen(0, "127.0.0.1");
    const client = connect(`https://127.0.0.1:${other.port}`, { ca: tls.cert });
    await h2Fetch(client, "/info");
    await h1Fetch(other.port!, tls.cert, "/info", ["http/1.1"]);
    const closed = new Promise((resolve) => client.once("close", resolve));
    await other.stop();
    await closed;
    assert.equal(other.listening, false);
  });

  it("closes HTTP/2 connections left idle for idleConnectionTimeout", async () => {
    const app = new Application([["/info", InfoHandler]]);
    const other = new HTTPServer(app, {
      sslOptions: { key: tls.key, cert: tls.cert },
      http2: true,
      idleConnectionTimeout: 0.2,
    });
    await other.listen(0, "127.0.0.1");
    try {
      const client = connect(`https://127.0.0.1:${other.port}`, { ca: tls.cert });
      const goaway = new Promise((resolve) => client.once("goaway", resolve));
      const closed = new Promise((resolve) => client.once("close", resolve));
      assert.equal((await h2Fetch(client, "/info")).headers[":status"], 200);
      await goaway;
      await closed;
      assert.equal(client.closed || client.destroyed, true);
    } finally {
      await other.stop();
    }
  });

  it("needs sslOptions", () => {
    assert.throws(
      () => new HTTPServer(new Application([]), { http2: true }),
      /http2 option needs sslOptions/,
    );
  });
});
