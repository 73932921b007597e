import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, expectLog, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { loggedError } from "../support/logs.ts";
import { rawFetch } from "../support/raw-http.ts";

class StatusHandler extends RequestHandler {
  override get() {
    const code = Number(this.getQueryArgument("code"));
    // The raw bytes, so control characters reach setStatus unfiltered.
    const reason = this.request.queryArguments["reason"]?.[0]?.toString("latin1");
    this.setStatus(code, reason);
    this.write(`status ${this.getStatus()} ${this.reason}`);
  }
}

class TutorialStatusHandler extends RequestHandler {
  override get() {
    this.setStatus(200, "我是谁，我在哪里");
    this.write("88888888888888888888888888");
  }
}

class RedirectHandler extends RequestHandler {
  override get() {
    const status = this.getQueryArgument("status", null);
    this.redirect(
      this.getQueryArgument("to"),
      this.getQueryArgument("permanent", "") === "1",
      status === null ? undefined : Number(status),
    );
  }
}

class RedirectAfterFlushHandler extends RequestHandler {
  override async get() {
    this.write("started");
    await this.flush();
    this.redirect("/elsewhere");
  }
}

describe("setStatus", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([
        ["/status", StatusHandler],
        ["/tutorial-status", TutorialStatusHandler],
      ]),
    );
  });
  after(() => server.close());

  it("uses the standard reason phrase by default", async () => {
    const response = await rawFetch(server.port, "/status?code=201");
    assert.equal(`${response.code} ${response.reason}`, "201 Created");
    assert.equal(response.body.toString(), "status 201 Created");
  });

  it("uses a custom reason verbatim", async () => {
    const response = await rawFetch(server.port, "/status?code=299&reason=Weird");
    assert.equal(`${response.code} ${response.reason}`, "299 Weird");
  });

  it("gives an unknown code without a reason the reason Unknown", async () => {
    const response = await expectLog("599 GET /status?code=599", () =>
      rawFetch(server.port, "/status?code=599"),
    );
    assert.equal(`${response.code} ${response.reason}`, "599 Unknown");
  });

  it("replaces a reason HTTP cannot carry with Unknown", async () => {
    for (const reason of ["%3Cb%3E", "a%0D%0Ab", "a%00b"]) {
      const response = await rawFetch(server.port, `/status?code=200&reason=${reason}`);
      assert.equal(`${response.code} ${response.reason}`, "200 Unknown", reason);
    }
  });

  it("refuses codes outside 100..999 with a clear error (a 500 for the client)", async () => {
    for (const code of ["42", "1000", "200.5"]) {
      const logs = captureLogs();
      try {
        const response = await server.fetch(`/status?code=${code}`);
        assert.equal(response.code, 500, code);
        assert.match(
          loggedError(logs, "Uncaught exception").message,
          new RegExp(`^Invalid HTTP status code ${code}: it must be an integer from 100 to 999$`),
        );
      } finally {
        logs.stop();
      }
    }
  });

  it("replaces the tutorial's Chinese reason with Unknown, as Tornado 6.2 does", async () => {
    const response = await rawFetch(server.port, "/tutorial-status");
    assert.equal(`${response.code} ${response.reason}`, "200 Unknown");
    assert.equal(response.body.toString(), "88888888888888888888888888");
  });
});

describe("redirect", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([
        ["/redirect", RedirectHandler],
        ["/after-flush", RedirectAfterFlushHandler],
      ]),
    );
  });
  after(() => server.close());

  it("answers 302 with Location and an empty body", async () => {
    const response = await rawFetch(server.port, "/redirect?to=/");
    assert.equal(`${response.code} ${response.reason}`, "302 Found");
    assert.deepEqual(
      response.headers.filter(([name]) => name !== "Date" && name !== "Server"),
      [
        ["Content-Type", "text/html; charset=UTF-8"],
        ["Location", "/"],
        ["Content-Length", "0"],
        ["Connection", "close"],
      ],
    );
    assert.equal(response.body.length, 0);
  });

  it("answers 301 when permanent and any 3xx when given", async () => {
    assert.equal((await rawFetch(server.port, "/redirect?to=/&permanent=1")).code, 301);
    const temporary = await rawFetch(server.port, "/redirect?to=http://x.com/a&status=307");
    assert.equal(`${temporary.code} ${temporary.reason}`, "307 Temporary Redirect");
    assert.equal(temporary.header("Location"), "http://x.com/a");
  });

  it("sends a non-ASCII Location as UTF-8 bytes", async () => {
    const response = await rawFetch(server.port, "/redirect?to=/%C3%A9");
    assert.equal(Buffer.from(response.header("Location")!, "latin1").toString("utf8"), "/é");
  });

  it("refuses a status outside 3xx (500)", async () => {
    const logs = captureLogs();
    try {
      const response = await server.fetch("/redirect?to=/&status=200");
      assert.equal(response.code, 500);
      assert.equal(
        loggedError(logs, "Uncaught exception").message,
        "Redirect status must be 3xx, got 200",
      );
    } finally {
      logs.stop();
    }
  });

  it("refuses to redirect after headers were sent", async () => {
    const response = await expectLog(
      ["Uncaught exception GET /after-flush", "Cannot send error response after headers written"],
      () => rawFetch(server.port, "/after-flush"),
    );
    assert.equal(response.code, 200);
    assert.equal(response.body.toString(), "started");
  });

  it("is followed by the test client when asked", async () => {
    class Target extends RequestHandler {
      override get() {
        this.write("arrived");
      }
    }
    const local = await TestServer.start(
      new Application([
        ["/redirect", RedirectHandler],
        ["/target", Target],
      ]),
    );
    try {
      const response = await local.fetch("/redirect?to=/target", { followRedirects: true });
      assert.equal(response.text, "arrived");
      assert.equal(response.effectiveUrl, local.url("/target"));
    } finally {
      await local.close();
    }
  });
});
