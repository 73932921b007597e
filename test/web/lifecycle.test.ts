import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, HTTPError, RequestHandler } from "tornado-ts/web";

let events: string[] = [];

/**
 * Records every hook the framework calls. `?fail=get|prepare|send-prepare|send-get` picks where an
 * error happens, as in the tutorial's 接口调用顺序 example.
 */
class OrderHandler extends RequestHandler {
  override setDefaultHeaders() {
    events.push("setDefaultHeaders");
  }
  override initialize() {
    events.push("initialize");
  }
  override prepare() {
    events.push("prepare");
    const fail = this.getQueryArgument("fail", "");
    if (fail === "prepare") throw new HTTPError(403);
    if (fail === "send-prepare") this.sendError(500);
  }
  override get() {
    events.push("get");
    const fail = this.getQueryArgument("fail", "");
    if (fail === "get") throw new Error("boom in get");
    if (fail === "send-get") {
      this.sendError(500);
      return;
    }
    this.write("good man");
  }
  override writeError(statusCode: number) {
    events.push(`writeError ${statusCode}`);
    this.write("服务器内部错误");
  }
  override onFinish() {
    events.push("onFinish");
  }
}

class AsyncOrderHandler extends RequestHandler {
  override async prepare() {
    await new Promise((resolve) => setTimeout(resolve, 2));
    events.push("prepare");
    if (this.getQueryArgument("fail", "") === "send-prepare") this.sendError(503);
  }
  override async get() {
    await new Promise((resolve) => setTimeout(resolve, 2));
    events.push("get");
    if (this.getQueryArgument("fail", "") === "get") throw new HTTPError(409);
    this.write("async done");
  }
  override async writeError(statusCode: number) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    events.push(`writeError ${statusCode}`);
    this.write(`async error ${statusCode}`);
  }
  override async onFinish() {
    events.push("onFinish");
  }
}

class AllMethodsHandler extends RequestHandler {
  override get() {
    this.write("get");
  }
  override post() {
    this.write(`post ${this.request.body.toString()}`);
  }
  override put() {
    this.write("put");
  }
  override delete() {
    this.write("delete");
  }
  override patch() {
    this.write("patch");
  }
  override head() {
    this.setHeader("X-Head", "yes");
  }
  override options() {
    this.setHeader("Allow", "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS");
    this.setStatus(204);
  }
}

class GetOnlyHandler extends RequestHandler {
  override get() {
    this.write("only get");
  }
}

class DetachedHandler extends RequestHandler {
  override get() {
    this.detach();
    setTimeout(() => this.finish("finished later"), 5);
  }
}

describe("the request lifecycle", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([
        ["/order", OrderHandler],
        ["/async", AsyncOrderHandler],
        ["/all", AllMethodsHandler],
        ["/get-only", GetOnlyHandler],
        ["/detached", DetachedHandler],
      ]),
    );
  });
  after(() => server.close());
  beforeEach(() => {
    events = [];
  });

  it("calls the hooks in the tutorial's order on success", async () => {
    const response = await server.fetch("/order");
    assert.equal(response.text, "good man");
    assert.deepEqual(events, ["setDefaultHeaders", "initialize", "prepare", "get", "onFinish"]);
  });

  it("runs setDefaultHeaders again, then writeError, then onFinish after an error in get", async () => {
    const response = await expectLog(
      ["Uncaught exception GET /order?fail=get (127.0.0.1)", "500 GET /order?fail=get"],
      () => server.fetch("/order?fail=get"),
    );
    assert.equal(response.code, 500);
    assert.equal(response.text, "服务器内部错误");
    assert.deepEqual(events, [
      "setDefaultHeaders",
      "initialize",
      "prepare",
      "get",
      "setDefaultHeaders",
      "writeError 500",
      "onFinish",
    ]);
  });

  it("does the same after sendError in get", async () => {
    const response = await expectLog("500 GET /order?fail=send-get", () =>
      server.fetch("/order?fail=send-get"),
    );
    assert.equal(response.text, "服务器内部错误");
    assert.deepEqual(events, [
      "setDefaultHeaders",
      "initialize",
      "prepare",
      "get",
      "setDefaultHeaders",
      "writeError 500",
      "onFinish",
    ]);
  });

  it("skips the method after an error in prepare", async () => {
    const response = await expectLog("403 GET /order?fail=prepare", () =>
      server.fetch("/order?fail=prepare"),
    );
    assert.equal(response.code, 403);
    assert.deepEqual(events, [
      "setDefaultHeaders",
      "initialize",
      "prepare",
      "setDefaultHeaders",
      "writeError 403",
      "onFinish",
    ]);
  });

  it("skips the method after sendError in prepare", async () => {
    const response = await expectLog("500 GET /order?fail=send-prepare", () =>
      server.fetch("/order?fail=send-prepare"),
    );
    assert.equal(response.code, 500);
    assert.ok(!events.includes("get"));
    assert.deepEqual(events, [
      "setDefaultHeaders",
      "initialize",
      "prepare",
      "setDefaultHeaders",
      "writeError 500",
      "onFinish",
    ]);
  });

  it("awaits async prepare, method, writeError and onFinish", async () => {
    const ok = await server.fetch("/async");
    assert.equal(ok.text, "async done");
    assert.deepEqual(events, ["prepare", "get", "onFinish"]);
  });

  it("skips the method after sendError in an async prepare with an async writeError", async () => {
    const response = await expectLog("503 GET /async?fail=send-prepare", () =>
      server.fetch("/async?fail=send-prepare"),
    );
    assert.equal(response.code, 503);
    assert.equal(response.text, "async error 503");
    assert.deepEqual(events, ["prepare", "writeError 503", "onFinish"]);
  });

  it("handles an HTTPError thrown by an async method with an async writeError", async () => {
    const response = await expectLog("409 GET /async?fail=get", () =>
      server.fetch("/async?fail=get"),
    );
    assert.equal(response.code, 409);
    assert.equal(response.text, "async error 409");
    assert.deepEqual(events, ["prepare", "get", "writeError 409", "onFinish"]);
  });

  it("dispatches every HTTP method to its handler method", async () => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      const response = await server.fetch("/all", { method });
      assert.equal(response.text, method.toLowerCase());
    }
    assert.equal((await server.fetch("/all", { method: "POST", body: "x" })).text, "post x");
    const head = await server.fetch("/all", { method: "HEAD" });
    assert.equal(head.headers.get("X-Head"), "yes");
    assert.equal(head.body.length, 0);
    const options = await server.fetch("/all", { method: "OPTIONS" });
    assert.equal(options.code, 204);
    assert.match(options.headers.get("Allow") ?? "", /OPTIONS/);
  });

  it("answers 405 for each method the handler lacks, HEAD included", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]) {
      const response = await expectLog(`405 ${method} /get-only`, () =>
        server.fetch("/get-only", { method, ...(method === "POST" ? { body: "" } : {}) }),
      );
      assert.equal(response.code, 405, method);
      assert.equal(response.reason, "Method Not Allowed");
      assert.equal(response.headers.get("Allow"), undefined, "Tornado sends no Allow header");
      assert.equal(response.headers.get("Content-Length"), "87");
      assert.equal(
        response.text,
        method === "HEAD"
          ? ""
          : "<html><title>405: Method Not Allowed</title><body>405: Method Not Allowed</body></html>",
      );
    }
  });

  it("answers 405 for a method outside SUPPORTED_METHODS before prepare", async () => {
    const response = await expectLog("405 PROPFIND /order", () =>
      server.fetch("/order", { method: "PROPFIND" }),
    );
    assert.equal(response.code, 405);
    assert.deepEqual(events, [
      "setDefaultHeaders",
      "initialize",
      "setDefaultHeaders",
      "writeError 405",
      "onFinish",
    ]);
  });

  it("answers 405 for a method added to SUPPORTED_METHODS but not defined", async () => {
    class Custom extends RequestHandler {
      static override SUPPORTED_METHODS = [...RequestHandler.SUPPORTED_METHODS, "PROPFIND"];
      propfind() {
        this.write("found");
      }
    }
    class CustomWithout extends RequestHandler {
      static override SUPPORTED_METHODS = [...RequestHandler.SUPPORTED_METHODS, "REPORT"];
    }
    const local = await TestServer.start(
      new Application([
        ["/custom", Custom],
        ["/without", CustomWithout],
      ]),
    );
    try {
      assert.equal((await local.fetch("/custom", { method: "PROPFIND" })).text, "found");
      const response = await expectLog("405 REPORT /without", () =>
        local.fetch("/without", { method: "REPORT" }),
      );
      assert.equal(response.code, 405);
    } finally {
      await local.close();
    }
  });

  it("lets a detached handler finish later", async () => {
    assert.equal((await server.fetch("/detached")).text, "finished later");
  });
});

describe("the request lifecycle: errors in hooks", () => {
  it("logs an error in onFinish without changing the response", async () => {
    class BadFinish extends RequestHandler {
      override get() {
        this.write("fine");
      }
      override onFinish() {
        throw new Error("cleanup failed");
      }
    }
    const server = await TestServer.start(new Application([["/", BadFinish]]));
    try {
      const response = await expectLog("Exception in onFinish", () => server.fetch("/"));
      assert.equal(response.text, "fine");
    } finally {
      await server.close();
    }
  });

  it("answers 500 when initialize throws, and logs it", async () => {
    class BadInit extends RequestHandler {
      override initialize() {
        throw new Error("bad init");
      }
      override get() {
        this.write("never");
      }
    }
    const server = await TestServer.start(new Application([["/", BadInit]]));
    try {
      const response = await expectLog(
        ["Uncaught exception constructing BadInit for GET /", "500 GET /"],
        () => server.fetch("/"),
      );
      assert.equal(response.code, 500);
    } finally {
      await server.close();
    }
  });

  it("calls onConnectionClose when the client leaves during an async method", async () => {
    let closed: () => void = () => {};
    const sawClose = new Promise<void>((resolve) => {
      closed = resolve;
    });
    let started: () => void = () => {};
    const inGet = new Promise<void>((resolve) => {
      started = resolve;
    });
    class Slow extends RequestHandler {
      override async get() {
        started();
        await sawClose;
        this.write("too late");
      }
      override onConnectionClose() {
        closed();
      }
    }
    const server = await TestServer.start(new Application([["/slow", Slow]]));
    try {
      const abort = new AbortController();
      const pending = fetch(server.url("/slow"), { signal: abort.signal }).catch(() => "aborted");
      // Leave only once the method runs: a fixed sleep could abort before the request arrives.
      await inGet;
      abort.abort();
      assert.equal(await pending, "aborted");
      await sawClose;
    } finally {
      await server.close();
    }
  });
});
