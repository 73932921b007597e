import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

class IndexHandler extends RequestHandler {
  override get() {
    this.write("sunck is a good man ");
  }
}

describe("the tutorial's first example", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application([["/", IndexHandler]]));
  });
  after(() => server.close());

  it("answers GET / with the tutorial's text and Tornado's default headers", async () => {
    const response = await server.fetch("/");
    assert.equal(response.code, 200);
    assert.equal(response.text, "sunck is a good man ");
    assert.deepEqual(
      response.rawHeaders.slice(0, 5).map(([name]) => name),
      ["Server", "Content-Type", "Date", "Etag", "Content-Length"],
    );
    assert.equal(response.headers.get("Content-Type"), "text/html; charset=UTF-8");
    assert.equal(response.headers.get("Content-Length"), "20");
  });

  it("answers POST with 405, since the handler has no post()", async () => {
    const response = await expectLog("405 POST / (127.0.0.1)", () =>
      server.fetch("/", { method: "POST", body: "" }),
    );
    assert.equal(response.code, 405);
    assert.equal(
      response.text,
      "<html><title>405: Method Not Allowed</title><body>405: Method Not Allowed</body></html>",
    );
  });
});
