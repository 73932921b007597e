import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, expectLog, TestServer } from "tornado-ts/testing";
import { Application, type ErrorInfo, Finish, HTTPError, RequestHandler } from "tornado-ts/web";
import { loggedError } from "../support/logs.ts";
import { rawFetch } from "../support/raw-http.ts";

class RaiseHandler extends RequestHandler {
  override get() {
    const code = Number(this.getQueryArgument("code"));
    const reason = this.getQueryArgument("reason", undefined);
    const log = this.getQueryArgument("log", undefined);
    throw new HTTPError(code, log, { reason });
  }
}

class BoomHandler extends RequestHandler {
  override get() {
    this.setHeader("X-Lost", "1");
    this.setCookie("keep", "1");
    this.write("lost");
    throw new Error("boom");
  }
}

class SendErrorHandler extends RequestHandler {
  override get() {
    const reason = this.getQueryArgument("reason", undefined);
    this.sendError(Number(this.getQueryArgument("code")), reason === undefined ? {} : { reason });
  }
}

let lastInfo: ErrorInfo | undefined;

class CustomErrorHandler extends RequestHandler {
  override writeError(statusCode: number, info: ErrorInfo) {
    lastInfo = info;
    if (statusCode === 500) this.write("服务器内部错误");
    else if (statusCode === 404) this.write("资料不存在");
    else return super.writeError(statusCode, info);
  }
  override get() {
    const flag = this.getQueryArgument("flag");
    if (flag === "0") {
      this.sendError(500, { detail: "custom info" });
      return;
    }
    if (flag === "404") throw new HTTPError(404);
    if (flag === "teapot") throw new HTTPError(418, "tea log", { reason: "Teapot Time" });
    this.write("you are right");
  }
}

class FinishHandler extends RequestHandler {
  override get() {
    if (this.getQueryArgument("chunk", "") === "1") throw new Finish("finished early");
    this.setStatus(401);
    this.setHeader("WWW-Authenticate", 'Basic realm="x"');
    throw new Finish();
  }
}

class AfterFlushHandler extends RequestHandler {
  override async get() {
    this.write("partial");
    await this.flush();
    throw new Error("late failure");
  }
}

class BodyWithStatusHandler extends RequestHandler {
  override get() {
    this.setStatus(Number(this.getQueryArgument("code")));
    this.write("not allowed here");
  }
}

function routes(): [string, typeof RequestHandler][] {
  return [
    ["/raise", RaiseHandler],
    ["/boom", BoomHandler],
    ["/send", SendErrorHandler],
    ["/custom", CustomErrorHandler],
    ["/finish", FinishHandler],
    ["/after-flush", AfterFlushHandler],
    ["/body-with-status", BodyWithStatusHandler],
  ];
}

const PAGES: Record<number, string> = {
  400: "<html><title>400: Bad Request</title><body>400: Bad Request</body></html>",
  403: "<html><title>403: Forbidden</title><body>403: Forbidden</body></html>",
  404: "<html><title>404: Not Found</title><body>404: Not Found</body></html>",
  405: "<html><title>405: Method Not Allowed</title><body>405: Method Not Allowed</body></html>",
  500: "<html><title>500: Internal Server Error</title><body>500: Internal Server Error</body></html>",
  599: "<html><title>599: Unknown</title><body>599: Unknown</body></html>",
};

describe("errors", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application(routes()));
  });
  after(() => server.close());

  it("sends Tornado's default error pages byte for byte", async () => {
    for (const [code, page] of Object.entries(PAGES)) {
      const response = await expectLog(`${code} GET /raise?code=${code}`, () =>
        server.fetch(`/raise?code=${code}`),
      );
      assert.equal(response.code, Number(code));
      assert.equal(response.text, page);
      assert.equal(response.headers.get("Content-Length"), String(Buffer.byteLength(page)));
      assert.equal(response.headers.get("Content-Type"), "text/html; charset=UTF-8");
    }
  });

  it("keeps an HTTPError's log message off the wire and logs it as a warning", async () => {
    const logs = captureLogs();
    try {
      const response = await server.fetch("/raise?code=403&log=secret%20detail");
      assert.equal(response.text, PAGES[403]);
      assert.ok(!response.text.includes("secret"));
      const general = logs.of("tornado.general");
      assert.deepEqual(
        general.map((r) => [r.levelName, r.message]),
        [["WARNING", "403 GET /raise?code=403&log=secret%20detail (127.0.0.1): secret detail"]],
      );
    } finally {
      logs.stop();
    }
  });

  it("logs nothing but the access line for an HTTPError without a log message", async () => {
    const logs = captureLogs();
    try {
      await server.fetch("/raise?code=403");
      assert.deepEqual(
        logs.records.map((r) => r.name),
        ["tornado.access"],
      );
    } finally {
      logs.stop();
    }
  });

  it("uses an HTTPError's reason in the status line and on the page", async () => {
    const response = await expectLog("418 GET", () =>
      rawFetch(server.port, "/raise?code=418&reason=Teapot%20Time"),
    );
    assert.equal(`${response.code} ${response.reason}`, "418 Teapot Time");
    assert.equal(
      response.body.toString(),
      "<html><title>418: Teapot Time</title><body>418: Teapot Time</body></html>",
    );
  });

  it("escapes nothing dangerous into the page: an unsafe reason becomes Unknown", async () => {
    const response = await expectLog("503 GET", () =>
      rawFetch(server.port, "/raise?code=503&reason=Down%20%3Cx%3E"),
    );
    assert.equal(`${response.code} ${response.reason}`, "503 Unknown");
    assert.equal(
      response.body.toString(),
      "<html><title>503: Unknown</title><body>503: Unknown</body></html>",
    );
  });

  it("describes an HTTPError as Tornado's str() does", () => {
    assert.equal(
      String(new HTTPError(409, "conflict a b")),
      "HTTPError: HTTP 409: Conflict (conflict a b)",
    );
    assert.equal(new HTTPError(599).message, "HTTP 599: Unknown");
    assert.equal(
      new HTTPError(418, undefined, { reason: "Teapot Time" }).message,
      "HTTP 418: Teapot Time",
    );
    assert.equal(new HTTPError().statusCode, 500);
  });

  it("answers 500 for an uncaught error: headers and body reset, cookies kept", async () => {
    const logs = captureLogs();
    try {
      const response = await rawFetch(server.port, "/boom");
      assert.equal(`${response.code} ${response.reason}`, "500 Internal Server Error");
      assert.equal(response.header("X-Lost"), undefined);
      assert.equal(response.header("Set-Cookie"), "keep=1; Path=/");
      assert.equal(response.body.toString(), PAGES[500]);
      const error = logs.records.find((r) => r.name === "tornado.application");
      assert.equal(error?.levelName, "ERROR");
      assert.equal(
        error?.message,
        `Uncaught exception GET /boom (127.0.0.1)\nHTTPServerRequest(protocol='http', host='127.0.0.1:${server.port}', method='GET', uri='/boom', version='HTTP/1.1', remote_ip='127.0.0.1')`,
      );
      assert.equal(loggedError(logs, "Uncaught exception GET /boom").message, "boom");
      assert.ok(logs.has(/^500 GET \/boom \(127\.0\.0\.1\) [\d.]+ms$/, "tornado.access"));
    } finally {
      logs.stop();
    }
  });

  it("sendError sends the page for the code, with an optional reason", async () => {
    const plain = await expectLog("404 GET", () => server.fetch("/send?code=404"));
    assert.equal(plain.text, PAGES[404]);
    const reasoned = await expectLog("400 GET", () =>
      rawFetch(server.port, "/send?code=400&reason=Bad%20Thing"),
    );
    assert.equal(`${reasoned.code} ${reasoned.reason}`, "400 Bad Thing");
    assert.equal(
      reasoned.body.toString(),
      "<html><title>400: Bad Thing</title><body>400: Bad Thing</body></html>",
    );
  });

  it("sends no body for sendError(304)", async () => {
    const response = await rawFetch(server.port, "/send?code=304");
    assert.equal(response.code, 304);
    assert.equal(response.header("Content-Length"), undefined);
    assert.equal(response.header("Content-Type"), undefined);
    assert.equal(response.body.length, 0);
  });

  it("calls an overridden writeError with the code and what sendError was given", async () => {
    const response = await expectLog("500 GET /custom?flag=0", () =>
      server.fetch("/custom?flag=0"),
    );
    assert.equal(response.code, 500);
    assert.equal(response.text, "服务器内部错误");
    assert.equal(lastInfo?.["detail"], "custom info");
    assert.equal((await server.fetch("/custom?flag=1")).text, "you are right");
  });

  it("passes the error to writeError, and the reason on this.reason", async () => {
    const notFound = await expectLog("404 GET", () => server.fetch("/custom?flag=404"));
    assert.equal(notFound.text, "资料不存在");
    assert.ok(lastInfo?.error instanceof HTTPError);
    const teapot = await expectLog(["418 GET", "tea log"], () =>
      rawFetch(server.port, "/custom?flag=teapot"),
    );
    assert.equal(`${teapot.code} ${teapot.reason}`, "418 Teapot Time");
    assert.equal(
      teapot.body.toString(),
      "<html><title>418: Teapot Time</title><body>418: Teapot Time</body></html>",
    );
  });

  it("ends the request on Finish, keeping status and headers, logging no error", async () => {
    const response = await expectLog(/^401 GET \/finish/, () => rawFetch(server.port, "/finish"));
    assert.equal(`${response.code} ${response.reason}`, "401 Unauthorized");
    assert.equal(response.header("Www-Authenticate"), 'Basic realm="x"');
    assert.equal(response.header("Content-Length"), "0");
    assert.equal((await server.fetch("/finish?chunk=1")).text, "finished early");
  });

  it("ends a flushed response and logs when an error comes after the headers", async () => {
    const response = await expectLog(
      [
        "Uncaught exception GET /after-flush",
        "Cannot send error response after headers written",
        "200 GET /after-flush",
      ],
      () => rawFetch(server.port, "/after-flush"),
    );
    assert.equal(response.code, 200);
    assert.equal(response.rawBody.toString(), "7\r\npartial\r\n0\r\n\r\n");
  });

  it("answers 500 for a body with 204 or 304", async () => {
    for (const code of [204, 304]) {
      const logs = captureLogs();
      try {
        const response = await server.fetch(`/body-with-status?code=${code}`);
        assert.equal(response.code, 500);
        assert.equal(
          loggedError(logs, "Uncaught exception").message,
          `Cannot send body with ${code}`,
        );
      } finally {
        logs.stop();
      }
    }
  });
});

describe("errors under debug (serveTraceback)", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application(routes(), { debug: true }));
  });
  after(() => server.close());

  it("sends the error's stack as plain text", async () => {
    const response = await expectLog(["Uncaught exception GET /boom", "500 GET"], () =>
      server.fetch("/boom"),
    );
    assert.equal(response.code, 500);
    assert.equal(response.headers.get("Content-Type"), "text/plain");
    assert.match(response.text, /^Error: boom\n\s+at /);
  });

  it("sends an HTTPError's description with its log message", async () => {
    const response = await expectLog(["403 GET", "hi"], () =>
      server.fetch("/raise?code=403&log=hi"),
    );
    assert.match(response.text, /^HTTPError: HTTP 403: Forbidden \(hi\)\n/);
  });

  it("still sends the HTML page for a manual sendError", async () => {
    const response = await expectLog("400 GET", () => server.fetch("/send?code=400"));
    assert.equal(response.text, PAGES[400]);
  });

  it("can be turned off while debug stays on", async () => {
    const quiet = await TestServer.start(
      new Application(routes(), { debug: true, serveTraceback: false }),
    );
    try {
      const response = await expectLog(["Uncaught exception", "500 GET"], () =>
        quiet.fetch("/boom"),
      );
      assert.equal(response.text, PAGES[500]);
    } finally {
      await quiet.close();
    }
  });
});
