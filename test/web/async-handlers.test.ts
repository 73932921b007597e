import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, type ErrorInfo, HTTPError, RequestHandler } from "tornado-ts/web";

const events: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class AsyncHandler extends RequestHandler {
  override async prepare() {
    await tick();
    this.setHeader("X-Prepared", "yes");
  }
  override async get() {
    await tick();
    this.write("async hello");
  }
  override async onFinish() {
    await tick();
    events.push(`finish:${this.request.path}`);
  }
}

class RejectingGetHandler extends RequestHandler {
  override async get() {
    await tick();
    throw new Error("boom in get");
  }
  override async writeError(statusCode: number, info: ErrorInfo) {
    await tick();
    this.finish(`custom ${statusCode}: ${(info.error as Error).message}`);
  }
}

class RejectingPrepareHandler extends RequestHandler {
  override async prepare() {
    await tick();
    throw new HTTPError(403);
  }
  override get() {
    this.write("never");
  }
}

class UserHandler extends RequestHandler {
  override async getCurrentUser() {
    await tick();
    const name = this.getQueryArgument("user", "");
    if (name === "bad") throw new Error("user store down");
    return name ? { name } : null;
  }
  override get() {
    const user = this.currentUser as { name: string } | null;
    this.write(user ? `user ${user.name}` : "anonymous");
  }
}

class FailingHooksHandler extends RequestHandler {
  override get() {
    this.write("ok");
  }
  override async onFinish() {
    await tick();
    throw new Error("boom in onFinish");
  }
}

class FailingWriteErrorHandler extends RequestHandler {
  override get() {
    throw new Error("first failure");
  }
  override async writeError() {
    await tick();
    throw new Error("boom in writeError");
  }
}

let releaseSlow: () => void = () => undefined;
let slowStarted: () => void = () => undefined;

class AbortedHandler extends RequestHandler {
  override async get() {
    slowStarted();
    await new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    events.push(`slow-done:closed=${this.connectionClosed}`);
    this.write("too late");
  }
  override async onConnectionClose() {
    await tick();
    events.push("connection-closed");
  }
  override onFinish() {
    events.push("aborted-finish");
  }
}

let shortStarted: () => void = () => undefined;
let releaseShort: () => void = () => undefined;

class ShortBodyHandler extends RequestHandler {
  override async get() {
    this.setHeader("Content-Length", 10);
    this.write("12345");
    await this.flush();
    shortStarted();
    await new Promise<void>((resolve) => {
      releaseShort = resolve;
    });
    events.push(`short-done:closed=${this.connectionClosed}`);
  }
  override onConnectionClose() {
    events.push("short-closed");
  }
  override onFinish() {
    events.push("short-finish");
  }
}

class QuickHandler extends RequestHandler {
  override async get() {
    await tick();
    this.write("quick");
  }
  override onConnectionClose() {
    events.push("quick-connection-closed");
  }
}

function waitFor(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (predicate()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${predicate}`));
      else setTimeout(check, 5);
    };
    check();
  });
}

describe("asynchronous handler hooks", () => {
  let server: TestServer;
  let logs: LogCapture;
  before(async () => {
    process.on("unhandledRejection", onUnhandled);
    logs = captureLogs();
    server = await TestServer.start(
      new Application([
        ["/async", AsyncHandler],
        ["/reject-get", RejectingGetHandler],
        ["/reject-prepare", RejectingPrepareHandler],
        ["/user", UserHandler],
        ["/failing-hooks", FailingHooksHandler],
        ["/failing-write-error", FailingWriteErrorHandler],
        ["/aborted", AbortedHandler],
        ["/short", ShortBodyHandler],
        ["/quick", QuickHandler],
      ]),
    );
  });
  after(async () => {
    await server.close();
    logs.stop();
    process.off("unhandledRejection", onUnhandled);
    assert.deepEqual(unhandled, [], "no unhandled rejections");
  });

  it("awaits async prepare, method and onFinish", async () => {
    const response = await server.fetch("/async");
    assert.equal(response.code, 200);
    assert.equal(response.text, "async hello");
    assert.equal(response.headers.get("X-Prepared"), "yes");
    await waitFor(() => events.includes("finish:/async"));
  });

  it("turns a rejected method into a 500 through an async writeError", async () => {
    const response = await server.fetch("/reject-get");
    assert.equal(response.code, 500);
    assert.equal(response.text, "custom 500: boom in get");
    assert.ok(logs.has(/Uncaught exception GET \/reject-get/, "tornado.application"));
  });

  it("turns an HTTPError rejected from prepare into its status; the method never runs", async () => {
    const response = await server.fetch("/reject-prepare");
    assert.equal(response.code, 403);
    assert.equal(
      response.text,
      "<html><title>403: Forbidden</title><body>403: Forbidden</body></html>",
    );
  });

  it("awaits an async getCurrentUser before prepare; a rejection is a 500", async () => {
    assert.equal((await server.fetch("/user?user=ann")).text, "user ann");
    assert.equal((await server.fetch("/user")).text, "anonymous");
    const failed = await server.fetch("/user?user=bad");
    assert.equal(failed.code, 500);
    assert.ok(logs.has(/Uncaught exception GET \/user\?user=bad/, "tornado.application"));
  });

  it("logs rejections from onFinish and writeError instead of leaving them unhandled", async () => {
    const ok = await server.fetch("/failing-hooks");
    assert.equal(ok.text, "ok");
    await waitFor(() => logs.has("Exception in onFinish"));
    const failed = await server.fetch("/failing-write-error");
    assert.equal(failed.code, 500);
    assert.ok(logs.has("Uncaught exception in writeError"));
  });

  it("calls onConnectionClose when the client goes away mid-request; the method still finishes", async () => {
    const started = new Promise<void>((resolve) => {
      slowStarted = resolve;
    });
    const socket = connect(server.port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.write(`GET /aborted HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await started;
    socket.destroy();
    await waitFor(() => events.includes("connection-closed"));
    releaseSlow();
    await waitFor(() => events.includes("aborted-finish"));
    assert.ok(events.includes("slow-done:closed=true"));
    assert.ok(logs.has(/^200 GET \/aborted/, "tornado.access"));
  });

  it("finishes a response cut short by the client without a Content-Length error", async () => {
    const started = new Promise<void>((resolve) => {
      shortStarted = resolve;
    });
    const socket = connect(server.port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.write(`GET /short HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await started;
    socket.destroy();
    await waitFor(() => events.includes("short-closed"));
    releaseShort();
    await waitFor(() => events.includes("short-finish"));
    assert.ok(events.includes("short-done:closed=true"));
    assert.ok(!logs.has("less than Content-Length"), "no framing error for a closed connection");
    assert.ok(!logs.has(/Uncaught exception GET \/short/));
    assert.ok(logs.has(/^200 GET \/short/, "tornado.access"));
  });

  it("does not call onConnectionClose for a request that completes", async () => {
    const response = await server.fetch("/quick");
    assert.equal(response.text, "quick");
    await server.close();
    server = await TestServer.start(new Application([["/quick", QuickHandler]]));
    assert.ok(!events.includes("quick-connection-closed"));
  });
});
