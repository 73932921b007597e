import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { rawFetch } from "../support/raw-http.ts";

const BODY = "etag body";
const ETAG = `"${createHash("sha1").update(BODY).digest("hex")}"`;

class EtagHandler extends RequestHandler {
  override get() {
    this.write(BODY);
  }
  override post() {
    this.write(BODY);
  }
  override head() {
    this.write(BODY);
  }
}

class NoEtagHandler extends RequestHandler {
  override computeEtag(): string | null {
    return null;
  }
  override get() {
    this.write(BODY);
  }
}

class ManualEtagHandler extends RequestHandler {
  override computeEtag(): string | null {
    return '"v1"';
  }
  override get() {
    this.setEtagHeader();
    if (this.checkEtagHeader()) {
      this.setStatus(304);
      return;
    }
    this.write("expensive page");
  }
}

class CreatedHandler extends RequestHandler {
  override get() {
    this.setStatus(201);
    this.write(BODY);
  }
}

class EmptyHandler extends RequestHandler {
  override get() {}
}

describe("ETag and 304", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([
        ["/etag", EtagHandler],
        ["/no-etag", NoEtagHandler],
        ["/manual", ManualEtagHandler],
        ["/created", CreatedHandler],
        ["/empty", EmptyHandler],
      ]),
    );
  });
  after(() => server.close());

  const ifNoneMatch = (value: string, path = "/etag") =>
    rawFetch(server.port, path, { headers: [["If-None-Match", value]] });

  it("adds the SHA-1 of the body as Etag to a 200 GET", async () => {
    const response = await rawFetch(server.port, "/etag");
    assert.equal(response.header("Etag"), ETAG);
    const empty = await rawFetch(server.port, "/empty");
    assert.equal(empty.header("Etag"), '"da39a3ee5e6b4b0d3255bfef95601890afd80709"');
  });

  it("answers 304 with no body, Content-Type or Content-Length when If-None-Match matches", async () => {
    const response = await ifNoneMatch(ETAG);
    assert.equal(`${response.code} ${response.reason}`, "304 Not Modified");
    assert.deepEqual(
      response.headers.map(([name]) => name),
      ["Server", "Date", "Etag", "Connection"],
    );
    assert.equal(response.body.length, 0);
  });

  it("matches weak tags, lists and *", async () => {
    for (const value of [`W/${ETAG}`, `"x", ${ETAG}`, "*", `"x",${ETAG}`]) {
      assert.equal((await ifNoneMatch(value)).code, 304, value);
    }
  });

  it("does not match other tags or an unquoted tag", async () => {
    for (const value of ['"nomatch"', ETAG.slice(1, -1), ""]) {
      const response = await ifNoneMatch(value);
      assert.equal(response.code, 200, value);
      assert.equal(response.body.toString(), BODY);
    }
  });

  it("answers 304 to a HEAD that matches too", async () => {
    const response = await rawFetch(server.port, "/etag", {
      method: "HEAD",
      headers: [["If-None-Match", ETAG]],
    });
    assert.equal(response.code, 304);
  });

  it("adds no Etag to POST responses or to statuses other than 200", async () => {
    const post = await rawFetch(server.port, "/etag", { method: "POST", body: "" });
    assert.equal(post.header("Etag"), undefined);
    const created = await rawFetch(server.port, "/created");
    assert.equal(created.header("Etag"), undefined);
    assert.equal((await ifNoneMatch(ETAG, "/created")).code, 201);
  });

  it("sends no Etag when computeEtag returns null", async () => {
    const response = await ifNoneMatch(ETAG, "/no-etag");
    assert.equal(response.code, 200);
    assert.equal(response.header("Etag"), undefined);
  });

  it("lets a handler check the tag itself before doing the work", async () => {
    const fresh = await rawFetch(server.port, "/manual");
    assert.equal(fresh.header("Etag"), '"v1"');
    assert.equal(fresh.body.toString(), "expensive page");
    const cached = await ifNoneMatch('"v1"', "/manual");
    assert.equal(cached.code, 304);
  });
});

describe("HEAD", () => {
  it("runs head(), sends Content-Length and Etag of what it wrote, and no body", async () => {
    const server = await TestServer.start(new Application([["/etag", EtagHandler]]));
    try {
      const response = await rawFetch(server.port, "/etag", { method: "HEAD" });
      assert.equal(response.code, 200);
      assert.equal(response.header("Content-Length"), String(BODY.length));
      assert.equal(response.header("Etag"), ETAG);
      assert.equal(response.rawBody.length, 0);
    } finally {
      await server.close();
    }
  });
});
