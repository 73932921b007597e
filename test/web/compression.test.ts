import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

class Body extends RequestHandler {
  override get() {
    const size = Number(this.getArgument("size", "2000"));
    const type = this.getArgument("type", "");
    if (type) this.setHeader("Content-Type", type);
    const vary = this.getArgument("vary", "");
    if (vary) this.setHeader("Vary", vary);
    this.write("a".repeat(size));
  }
}

class Flushed extends RequestHandler {
  override async get() {
    this.write("first part, ");
    await this.flush();
    this.write("second part");
  }
}

class Encoded extends RequestHandler {
  override get() {
    this.setHeader("Content-Encoding", "identity-custom");
    this.write("b".repeat(3000));
  }
}

describe("compressResponse", () => {
  let dir: string;
  let server: TestServer;
  const gzip = { "Accept-Encoding": "gzip" };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "compress-"));
    writeFileSync(join(dir, "small.txt"), "hello static\n");
    writeFileSync(join(dir, "big.txt"), "line of text\n".repeat(20000));
    writeFileSync(join(dir, "pic.png"), Buffer.alloc(4000, 1));
    const app = new Application(
      [
        ["/body", Body],
        ["/flushed", Flushed],
        ["/encoded", Encoded],
      ],
      { compressResponse: true, staticPath: dir },
    );
    server = await TestServer.start(app);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gzips a 2000-byte page as Tornado does, with the uncompressed body's Etag", async () => {
    const response = await server.fetch("/body", { headers: gzip });
    assert.equal(response.code, 200);
    assert.equal(response.headers.get("Content-Encoding"), "gzip");
    assert.equal(response.headers.get("Vary"), "Accept-Encoding");
    assert.equal(response.headers.get("Content-Length"), String(response.body.length));
    assert.ok(response.body.length < 100);
    assert.equal(gunzipSync(response.body).toString(), "a".repeat(2000));
    const etag = `"${createHash("sha1").update("a".repeat(2000)).digest("hex")}"`;
    assert.equal(response.headers.get("Etag"), etag);
    const names = response.rawHeaders.map(([name]) => name);
    assert.ok(names.indexOf("Content-Length") < names.indexOf("Vary"));
    assert.ok(names.indexOf("Vary") < names.indexOf("Content-Encoding"));
  });

  it("compresses from 1024 bytes on, and adds Vary to every response", async () => {
    const small = await server.fetch("/body?size=1023", { headers: gzip });
    assert.equal(small.headers.get("Content-Encoding"), undefined);
    assert.equal(small.headers.get("Vary"), "Accept-Encoding");
    assert.equal(small.text, "a".repeat(1023));
    const exact = await server.fetch("/body?size=1024", { headers: gzip });
    assert.equal(exact.headers.get("Content-Encoding"), "gzip");
    assert.equal(gunzipSync(exact.body).length, 1024);
  });

  it("compresses only the media types Tornado compresses", async () => {
    const cases: [string, boolean][] = [
      ["text/plain; charset=utf-8", true],
      ["application/javascript", true],
      ["application/json", true],
      ["image/svg+xml", true],
      ["application/xml", true],
      ["image/png", false],
      ["application/octet-stream", false],
    ];
    for (const [type, compressed] of cases) {
      const response = await server.fetch(`/body?type=${encodeURIComponent(type)}`, {
        headers: gzip,
      });
      assert.equal(response.headers.get("Content-Encoding"), compressed ? "gzip" : undefined, type);
      assert.equal(response.headers.get("Vary"), "Accept-Encoding", type);
    }
  });

  it("leaves responses alone for clients that do not accept gzip", async () => {
    const response = await server.fetch("/body");
    assert.equal(response.headers.get("Content-Encoding"), undefined);
    assert.equal(response.headers.get("Vary"), "Accept-Encoding");
    assert.equal(response.body.length, 2000);
  });

  it("appends to an existing Vary header", async () => {
    const response = await server.fetch("/body?vary=Cookie", { headers: gzip });
    assert.equal(response.headers.get("Vary"), "Cookie, Accept-Encoding");
  });

  it("does not encode a response twice", async () => {
    const response = await server.fetch("/encoded", { headers: gzip });
    assert.equal(response.headers.get("Content-Encoding"), "identity-custom");
    assert.equal(response.text, "b".repeat(3000));
  });

  it("compresses a flushed response whatever its size, chunked", async () => {
    const response = await server.fetch("/flushed", { headers: gzip });
    assert.equal(response.headers.get("Content-Encoding"), "gzip");
    assert.equal(response.headers.get("Content-Length"), undefined);
    assert.equal(response.headers.get("Transfer-Encoding"), "chunked");
    assert.equal(gunzipSync(response.body).toString(), "first part, second part");
  });

  it("gzips static files, even 13-byte ones, chunked", async () => {
    const response = await server.fetch("/static/small.txt", { headers: gzip });
    assert.equal(response.headers.get("Content-Encoding"), "gzip");
    assert.equal(response.headers.get("Content-Length"), undefined);
    assert.equal(gunzipSync(response.body).toString(), "hello static\n");
    const big = await server.fetch("/static/big.txt", { headers: gzip });
    assert.equal(gunzipSync(big.body).toString(), "line of text\n".repeat(20000));
    const png = await server.fetch("/static/pic.png", { headers: gzip });
    assert.equal(png.headers.get("Content-Encoding"), undefined);
    assert.equal(png.headers.get("Content-Length"), "4000");
  });

  it("sends Vary on a 304", async () => {
    const first = await server.fetch("/body", { headers: gzip });
    const again = await server.fetch("/body", {
      headers: { ...gzip, "If-None-Match": first.headers.get("Etag")! },
    });
    assert.equal(again.code, 304);
    assert.equal(again.headers.get("Vary"), "Accept-Encoding");
    assert.equal(again.headers.get("Content-Encoding"), undefined);
  });

  it("uses brotli when the client prefers it", async () => {
    const cases: [string, string | undefined][] = [
      ["br", "br"],
      ["gzip, deflate, br", "br"],
      ["br;q=1, gzip;q=0.8", "br"],
      ["gzip;q=1, br;q=0.5", "gzip"],
      ["br;q=0, gzip", "gzip"],
      ["identity", undefined],
    ];
    for (const [accept, encoding] of cases) {
      const response = await server.fetch("/body", { headers: { "Accept-Encoding": accept } });
      assert.equal(response.headers.get("Content-Encoding"), encoding, accept);
      const body =
        encoding === "br"
          ? brotliDecompressSync(response.body)
          : encoding === "gzip"
            ? gunzipSync(response.body)
            : response.body;
      assert.equal(body.toString(), "a".repeat(2000), accept);
      assert.equal(response.headers.get("Content-Length"), String(response.body.length), accept);
    }
  });

  it("streams flushed responses as gzip even when the client prefers brotli", async () => {
    const both = await server.fetch("/flushed", { headers: { "Accept-Encoding": "br, gzip" } });
    assert.equal(both.headers.get("Content-Encoding"), "gzip");
    assert.equal(gunzipSync(both.body).toString(), "first part, second part");
    const brOnly = await server.fetch("/flushed", { headers: { "Accept-Encoding": "br" } });
    assert.equal(brOnly.headers.get("Content-Encoding"), undefined);
    assert.equal(brOnly.text, "first part, second part");
  });
});
