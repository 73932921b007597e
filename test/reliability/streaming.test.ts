import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { setMaxBodySize } from "tornado-ts/httpserver";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import {
  Application,
  HTTPError,
  type MultipartStreamOptions,
  MultipartUploadHandler,
  RequestHandler,
  streamRequestBody,
} from "tornado-ts/web";
import { multipart, openSocket, pieces, send } from "./support/http.ts";

const events: string[] = [];
let closedConnections = 0;

@streamRequestBody
class HashingHandler extends RequestHandler {
  #hash = createHash("sha256");
  #bytes = 0;
  #chunks = 0;
  override prepare() {
    events.push("prepare");
    if (this.getQueryArgument("big", "") === "1") setMaxBodySize(this.request, 64 * 1024 * 1024);
  }
  override async dataReceived(chunk: Buffer) {
    if (this.#chunks === 0) events.push("first-chunk");
    this.#chunks++;
    this.#bytes += chunk.length;
    this.#hash.update(chunk);
    if (this.getQueryArgument("slow", "") === "1") await new Promise((r) => setImmediate(r));
  }
  override put() {
    events.push("put");
    this.write({
      bytes: this.#bytes,
      sha256: this.#hash.digest("hex"),
      bodyLength: this.request.body.length,
    });
  }
}

class PlainStreaming extends RequestHandler {
  #bytes = 0;
  override dataReceived(chunk: Buffer) {
    this.#bytes += chunk.length;
  }
  override post() {
    this.write(`streamed ${this.#bytes}`);
  }
}
streamRequestBody(PlainStreaming);

class RefusingStream extends RequestHandler {
  override prepare() {
    throw new HTTPError(403);
  }
  override dataReceived() {
    events.push("refused-chunk");
  }
  override post() {
    this.write("never");
  }
}
streamRequestBody(RefusingStream);

class BufferedHandler extends RequestHandler {
  override put() {
    this.write(`buffered ${this.request.body.length}`);
  }
}

class FailingStream extends RequestHandler {
  override dataReceived() {
    throw new Error("disk full");
  }
  override post() {
    this.write("never");
  }
}
streamRequestBody(FailingStream);

let uploadDir = "";
class Upload extends MultipartUploadHandler {
  override multipartOptions(): MultipartStreamOptions {
    return { uploadDir };
  }
  override onConnectionClose() {
    closedConnections++;
    return super.onConnectionClose();
  }
  override async post() {
    const files = await this.receiveUploads();
    const keep = this.getBodyArgument("keep", "no") === "yes";
    const out = [];
    for (const [field, list] of Object.entries(files)) {
      for (const file of list) {
        const digest = createHash("sha256").update(readFileSync(file.path)).digest("hex");
        if (keep) await rename(file.path, join(uploadDir, `kept-${file.safeName}`));
        out.push({ field, filename: file.filename, safe: file.safeName, size: file.size, digest });
      }
    }
    this.write({
      files: out,
      title: this.getBodyArgument("title", ""),
      notes: this.getBodyArguments("note"),
    });
  }
}

const listUploads = (): string[] => readdirSync(uploadDir).filter((f) => f.endsWith(".upload"));

describe("@streamRequestBody and streaming multipart uploads", () => {
  let server: TestServer;
  let logs: LogCapture;

  before(async () => {
    uploadDir = mkdtempSync(join(tmpdir(), "tornado-ts-upload-test-"));
    logs = captureLogs(30);
    const app = new Application([
      ["/hash", HashingHandler],
      ["/plain", PlainStreaming],
      ["/buffered", BufferedHandler],
      ["/fail", FailingStream],
      ["/refuse", RefusingStream],
      ["/upload", Upload],
    ]);
    // Buffered bodies may hold 64 KiB; streamed ones up to 16 MiB.
    server = await TestServer.start(app, {
      maxBufferSize: 64 * 1024,
      maxBodySize: 16 * 1024 * 1024,
      decompressRequest: true,
      multipartLimits: { parts: 5, fieldSize: 1024 },
    });
  });
  after(async () => {
    await server.close();
    logs.stop();
  });

  it("calls prepare, then dataReceived per chunk, then the method, with the body never buffered", async () => {
    events.length = 0;
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const res = await send(server.port, "/hash", {
      method: "PUT",
      headers: { "Content-Length": String(data.length) },
      chunks: pieces(data, 256 * 1024),
    });
    assert.equal(res.status, 200);
    const body = JSON.parse(res.text);
    assert.equal(body.bytes, data.length);
    assert.equal(body.sha256, createHash("sha256").update(data).digest("hex"));
    assert.equal(body.bodyLength, 0);
    assert.deepEqual(events, ["prepare", "first-chunk", "put"]);
  });

  it("takes chunked bodies and waits for an async dataReceived before reading on", async () => {
    const data = randomBytes(700 * 1024);
    const res = await send(server.port, "/hash?slow=1", {
      method: "PUT",
      headers: { "Transfer-Encoding": "chunked" },
      chunks: pieces(data, 10_000),
    });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.text).sha256, createHash("sha256").update(data).digest("hex"));
  });

  it("refuses the same body on a buffered route with 413 (maxBufferSize)", async () => {
    const data = randomBytes(200 * 1024);
    const res = await send(server.port, "/buffered", {
      method: "PUT",
      headers: { "Content-Length": String(data.length) },
      chunks: [data],
    });
    assert.equal(res.status, 413);
    assert.equal(res.headers.connection, "close");
  });

  it("answers 413 past maxBodySize, unless prepare raised the limit with setMaxBodySize", async () => {
    const size = 17 * 1024 * 1024;
    const refused = await send(server.port, "/hash", {
      method: "PUT",
      headers: { "Content-Length": String(size) },
      chunks: [Buffer.alloc(1024)],
    }).catch((error: Error) => error);
    assert.ok(!(refused instanceof Error), String(refused));
    assert.equal(refused.status, 413);
    const data = Buffer.alloc(size, 7);
    const res = await send(server.port, "/hash?big=1", {
      method: "PUT",
      headers: { "Content-Length": String(size) },
      chunks: pieces(data, 1024 * 1024),
    });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.text).bytes, size);
  });

  it("works as a plain function for JavaScript users", async () => {
    const res = await send(server.port, "/plain", {
      headers: { "Content-Length": "5" },
      chunks: [Buffer.from("hello")],
    });
    assert.equal(res.text, "streamed 5");
  });

  it("decompresses a gzip body before dataReceived when decompressRequest is on", async () => {
    const data = Buffer.from("x".repeat(100_000));
    const gz = gzipSync(data);
    const res = await send(server.port, "/hash", {
      method: "PUT",
      headers: { "Content-Length": String(gz.length), "Content-Encoding": "gzip" },
      chunks: [gz],
    });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.text).bytes, data.length);
  });

  it("turns an exception in dataReceived into a 500 and closes the connection", async () => {
    const res = await send(server.port, "/fail", {
      headers: { "Content-Length": "3" },
      chunks: [Buffer.from("abc")],
    });
    assert.equal(res.status, 500);
    assert.equal(res.headers.connection, "close");
    assert.ok(
      logs.has("disk full") || logs.records.some((r) => String(r.error).includes("disk full")),
    );
  });

  it("closes the connection when prepare answers before the body is read", async () => {
    events.length = 0;
    const socket = await openSocket(server.port);
    const closed = new Promise<string>((resolve) => {
      let data = "";
      socket.on("data", (c: Buffer) => {
        data += c.toString("latin1");
      });
      socket.on("error", () => {});
      socket.on("close", () => resolve(data));
    });
    socket.write("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n");
    socket.write(Buffer.alloc(64 * 1024));
    const data = await closed;
    assert.match(data, /^HTTP\/1\.1 403 Forbidden/);
    assert.deepEqual(events, []);
  });

  it("writes uploaded files to disk part by part, with the form fields still available", async () => {
    const big = randomBytes(5 * 1024 * 1024);
    const small = Buffer.from("second file");
    const { body, contentType } = multipart([
      { name: "title", data: "我的文件" },
      { name: "note", data: "one" },
      { name: "file", filename: "../../etc/passwd", contentType: "image/png", data: big },
      { name: "file", filename: "résumé.txt", data: small },
      { name: "note", data: "two" },
    ]);
    const res = await send(server.port, "/upload", {
      headers: { "Content-Type": contentType, "Content-Length": String(body.length) },
      chunks: pieces(body, 64 * 1024),
    });
    assert.equal(res.status, 200, res.text);
    const out = JSON.parse(res.text);
    assert.equal(out.title, "我的文件");
    assert.deepEqual(out.notes, ["one", "two"]);
    assert.equal(out.files.length, 2);
    assert.equal(out.files[0].filename, "../../etc/passwd");
    assert.equal(out.files[0].safe, "passwd");
    assert.equal(out.files[0].size, big.length);
    assert.equal(out.files[0].digest, createHash("sha256").update(big).digest("hex"));
    assert.equal(out.files[1].filename, "résumé.txt");
    assert.equal(out.files[1].size, small.length);
    // Files not moved away are removed once the response is finished.
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(listUploads(), []);
  });

  it("keeps files the handler moved, and removes the rest", async () => {
    const { body, contentType } = multipart([
      { name: "keep", data: "yes" },
      { name: "f", filename: "kept.bin", data: Buffer.from("keep me") },
    ]);
    const res = await send(server.port, "/upload", {
      headers: { "Content-Type": contentType, "Content-Length": String(body.length) },
      chunks: [body],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(readFileSync(join(uploadDir, "kept-kept.bin"), "utf8"), "keep me");
    assert.deepEqual(listUploads(), []);
  });

  it("refuses too many parts (400), a field too large (413) and a malformed body (400), leaving no files", async () => {
    const many = multipart(
      Array.from({ length: 7 }, (_, i) => ({ name: `f${i}`, filename: `${i}.txt`, data: "x" })),
    );
    const tooMany = await send(server.port, "/upload", {
      headers: { "Content-Type": many.contentType, "Content-Length": String(many.body.length) },
      chunks: [many.body],
    });
    assert.equal(tooMany.status, 400);
    const large = multipart([{ name: "title", data: "y".repeat(2000) }]);
    const tooLarge = await send(server.port, "/upload", {
      headers: { "Content-Type": large.contentType, "Content-Length": String(large.body.length) },
      chunks: [large.body],
    });
    assert.equal(tooLarge.status, 413);
    const broken = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nabc',
    );
    const malformed = await send(server.port, "/upload", {
      headers: {
        "Content-Type": "multipart/form-data; boundary=b",
        "Content-Length": String(broken.length),
      },
      chunks: [broken],
    });
    assert.equal(malformed.status, 400);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(listUploads(), []);
  });

  it("removes partial files and fires onConnectionClose when the client goes away mid-upload", async () => {
    const before = closedConnections;
    const socket = await openSocket(server.port);
    const head = `--b\r\nContent-Disposition: form-data; name="f"; filename="partial.bin"\r\n\r\n`;
    socket.write(
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n" +
        "Content-Length: 10000000\r\n\r\n" +
        head,
    );
    socket.write(Buffer.alloc(300 * 1024, 1));
    // Wait until the part has reached the disk, then vanish.
    for (let i = 0; i < 100 && listUploads().length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(listUploads().length, 1);
    socket.destroy();
    for (let i = 0; i < 100 && (listUploads().length > 0 || closedConnections === before); i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(listUploads(), []);
    assert.equal(closedConnections, before + 1);
    const next = await server.fetch("/hash", { method: "PUT", body: "still serving" });
    assert.equal(next.code, 200);
  });
});
