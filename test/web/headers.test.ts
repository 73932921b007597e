import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler, SERVER_VERSION } from "tornado-ts/web";
import { rawFetch } from "../support/raw-http.ts";

class DefaultsHandler extends RequestHandler {
  override get() {
    this.write("x");
  }
}

class HeaderHandler extends RequestHandler {
  override setDefaultHeaders() {
    this.setHeader("Content-Type", "text/html;charset=utf-8");
    this.setHeader("kaige", "nice");
  }
  override get() {
    this.setHeader("kaige", "handsome");
    this.setHeader("x-custom-HEADER", "1");
    this.addHeader("X-Multi", "1");
    this.addHeader("X-Multi", "2");
    this.setHeader("X-Number", 42);
    this.setHeader("X-Date", new Date(Date.UTC(2020, 0, 2, 3, 4, 5)));
    this.setHeader("X-Bytes", Buffer.from([0x61, 0xe9]));
    this.setHeader("X-Moved", "a");
    this.clearHeader("X-Moved");
    this.setHeader("X-Moved", "b");
    this.clearHeader("X-Never-Set");
    this.write(`get: ${this.getHeader("X-Multi")}`);
  }
  override post() {
    this.addHeader("X-Multi", "1");
    this.addHeader("X-Multi", "2");
    this.setHeader("X-Multi", "3");
  }
}

/** Tries a header the HTTP layer must refuse; reports the error instead of sending it. */
class UnsafeHandler extends RequestHandler {
  override get() {
    const kind = this.getQueryArgument("kind");
    const attempts: Record<string, () => void> = {
      crlf: () => this.setHeader("X-Bad", "a\r\nX-Injected: 1"),
      lf: () => this.addHeader("X-Bad", "a\nb"),
      nul: () => this.setHeader("X-Bad", "a\x00b"),
      float: () => this.setHeader("X-Bad", 1.5),
      name: () => this.setHeader("X Bad", "a"),
      tab: () => this.setHeader("X-Tab", "a\tb"),
    };
    try {
      attempts[kind]!();
      this.write(`accepted ${this.getHeader("X-Tab") ?? ""}`);
    } catch (error) {
      this.write(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}

class ClearDefaultsHandler extends RequestHandler {
  override get() {
    this.clearHeader("Server");
    this.clearHeader("Date");
    this.clearHeader("Content-Type");
    this.write("bare");
  }
}

describe("response headers", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([
        ["/defaults", DefaultsHandler],
        ["/header", HeaderHandler],
        ["/unsafe", UnsafeHandler],
        ["/clear-defaults", ClearDefaultsHandler],
      ]),
    );
  });
  after(() => server.close());

  it("sends Server, Content-Type and Date first, then Etag and Content-Length", async () => {
    const response = await rawFetch(server.port, "/defaults");
    assert.deepEqual(
      response.headers.map(([name]) => name),
      ["Server", "Content-Type", "Date", "Etag", "Content-Length", "Connection"],
    );
    assert.equal(response.header("Server"), SERVER_VERSION);
    assert.equal(response.header("Content-Type"), "text/html; charset=UTF-8");
    assert.match(
      response.header("Date") ?? "",
      /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/,
    );
  });

  it("sends the current time in Date, within a second, also after the server sat idle", async () => {
    const dateOf = async (): Promise<number> => {
      const before = Math.floor(Date.now() / 1000);
      const response = await rawFetch(server.port, "/defaults");
      const after = Math.floor(Date.now() / 1000);
      const sent = Date.parse(response.header("Date") ?? "") / 1000;
      assert.ok(sent >= before && sent <= after, `Date ${sent} outside ${before}..${after}`);
      return sent;
    };
    const first = await dateOf();
    await new Promise((resolve) => setTimeout(resolve, 2100));
    assert.ok((await dateOf()) >= first + 2);
  });

  it("lets the method override setDefaultHeaders, keeping positions and Tornado's casing", async () => {
    const response = await rawFetch(server.port, "/header");
    assert.deepEqual(response.headers, [
      ["Server", SERVER_VERSION],
      ["Content-Type", "text/html;charset=utf-8"],
      ["Date", response.header("Date")],
      ["Kaige", "handsome"],
      ["X-Custom-Header", "1"],
      ["X-Multi", "1"],
      ["X-Multi", "2"],
      ["X-Number", "42"],
      ["X-Date", "Thu, 02 Jan 2020 03:04:05 GMT"],
      ["X-Bytes", "a\xe9"],
      ["X-Moved", "b"],
      ["Etag", response.header("Etag")],
      ["Content-Length", "8"],
      ["Connection", "close"],
    ]);
    assert.equal(response.body.toString(), "get: 1,2");
  });

  it("replaces every value of a header on setHeader", async () => {
    const response = await rawFetch(server.port, "/header", { method: "POST", body: "" });
    assert.deepEqual(
      response.headers.filter(([name]) => name === "X-Multi"),
      [["X-Multi", "3"]],
    );
  });

  it("refuses header values with CR or LF (response splitting)", async () => {
    assert.equal(
      (await server.fetch("/unsafe?kind=crlf")).text,
      'Error: Unsafe header value "a\\r\\nX-Injected: 1"',
    );
    assert.equal(
      (await server.fetch("/unsafe?kind=lf")).text,
      'Error: Unsafe header value "a\\nb"',
    );
    assert.equal(
      (await server.fetch("/unsafe?kind=nul")).text,
      'Error: Unsafe header value "a\\u0000b"',
    );
  });

  it("refuses non-integer numbers and invalid names", async () => {
    assert.equal(
      (await server.fetch("/unsafe?kind=float")).text,
      "TypeError: Unsupported header value 1.5",
    );
    assert.equal(
      (await server.fetch("/unsafe?kind=name")).text,
      'Error: Invalid header name "X Bad"',
    );
  });

  it("accepts TAB in a value, as Tornado 6.5 does", async () => {
    assert.equal((await server.fetch("/unsafe?kind=tab")).text, "accepted a\tb");
  });

  it("answers 500 when an unsafe header escapes the handler", async () => {
    class Escaping extends RequestHandler {
      override get() {
        this.setHeader("X-Bad", "a\r\nb");
      }
    }
    const app = new Application([["/", Escaping]]);
    const local = await TestServer.start(app);
    const logs = captureLogs();
    try {
      const response = await local.fetch("/");
      assert.equal(response.code, 500);
      assert.equal(response.headers.get("X-Bad"), undefined);
      assert.ok(logs.has("Uncaught exception GET /"));
    } finally {
      logs.stop();
      await local.close();
    }
  });

  it("keeps each response's headers its own when responses set the same values", async () => {
    // The same value set again shares one header entry between responses: adding to it in one
    // response, or setting another value, must not reach the next.
    class Repeating extends RequestHandler {
      override get() {
        this.setHeader("X-Shared", "same");
        const step = this.getQueryArgument("step");
        if (step === "add") this.addHeader("X-Shared", "more");
        if (step === "other") this.setHeader("X-Shared", "other");
        this.write("x".repeat(Number(this.getQueryArgument("n") ?? "1")));
      }
    }
    const local = await TestServer.start(new Application([["/", Repeating]]));
    try {
      const values = async (query: string): Promise<[string | undefined, string[]]> => {
        const response = await rawFetch(local.port, `/?${query}`);
        const shared = response.headers.filter(([name]) => name === "X-Shared");
        return [response.header("Content-Length"), shared.map(([, value]) => value ?? "")];
      };
      assert.deepEqual(await values("step=plain&n=3"), ["3", ["same"]]);
      assert.deepEqual(await values("step=add&n=3"), ["3", ["same", "more"]]);
      assert.deepEqual(await values("step=plain&n=5"), ["5", ["same"]]);
      assert.deepEqual(await values("step=other&n=3000"), ["3000", ["other"]]);
      assert.deepEqual(await values("step=plain&n=3"), ["3", ["same"]]);
    } finally {
      await local.close();
    }
  });

  it("lets the handler remove the default headers", async () => {
    const response = await rawFetch(server.port, "/clear-defaults");
    assert.deepEqual(
      response.headers.map(([name]) => name),
      ["Etag", "Content-Length", "Connection"],
    );
  });
});
