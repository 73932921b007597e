import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, type ErrorInfo, RequestHandler } from "tornado-ts/web";
import { openSocket, send } from "./support/http.ts";

const seen = { connectionClosed: 0, lateWriteFailed: 0, finished: 0 };
const processErrors: unknown[] = [];
const onProcessError = (error: unknown): void => {
  processErrors.push(error);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class OkHandler extends RequestHandler {
  override get() {
    this.write("ok");
  }
}
class ThrowingHandler extends RequestHandler {
  override get() {
    throw new Error("sync failure");
  }
}
class RejectingHandler extends RequestHandler {
  override async get() {
    await sleep(1);
    throw new Error("async failure");
  }
}
class NeverHandler extends RequestHandler {
  override get() {
    // Never finishes: neither returns a promise that settles nor calls finish().
    this.detach();
  }
  override onConnectionClose() {
    seen.connectionClosed++;
  }
}
class HangingAsyncHandler extends RequestHandler {
  override async get() {
    await sleep(600);
    try {
      this.write("too late");
    } catch {
      seen.lateWriteFailed++;
    }
  }
}
class BadWriteErrorHandler extends RequestHandler {
  override get() {
    throw new Error("first failure");
  }
  override writeError(_status: number, _info: ErrorInfo) {
    throw new Error("writeError failure");
  }
}
class RejectingWriteErrorHandler extends RequestHandler {
  override get() {
    throw new Error("first failure");
  }
  override async writeError() {
    await sleep(1);
    throw new Error("async writeError failure");
  }
}
class BadOnFinishHandler extends RequestHandler {
  override get() {
    this.write("finished fine");
  }
  override onFinish() {
    throw new Error("onFinish failure");
  }
}
class RejectingOnFinishHandler extends RequestHandler {
  override get() {
    this.write("finished fine too");
  }
  override async onFinish() {
    await sleep(1);
    throw new Error("async onFinish failure");
  }
}
class BadInitializeHandler extends RequestHandler {
  override initialize() {
    throw new Error("initialize failure");
  }
  override get() {
    this.write("never");
  }
}
class StreamingResponseHandler extends RequestHandler {
  override async get() {
    this.write("x".repeat(1024));
    await this.flush();
    // The client goes away here; the handler carries on writing.
    for (let i = 0; i < 50 && !this.connectionClosed; i++) await sleep(10);
    try {
      this.write("more");
      await this.flush();
    } catch {
      seen.lateWriteFailed++;
    }
    seen.finished++;
  }
  override onConnectionClose() {
    seen.connectionClosed++;
    throw new Error("onConnectionClose failure");
  }
}
class BodyHandler extends RequestHandler {
  override post() {
    this.write(`got ${this.request.body.length}`);
  }
}

/** The server's end of every connection, by the client's port. */
const serverSockets = new Map<number, Socket>();

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(20);
  }
  assert.fail(`never happened: ${what}`);
}

describe("faults: failing handlers and vanishing clients", () => {
  let server: TestServer;
  let logs: LogCapture;

  before(async () => {
    process.on("uncaughtException", onProcessError);
    process.on("unhandledRejection", onProcessError);
    logs = captureLogs(30);
    const app = new Application(
      [
        ["/ok", OkHandler],
        ["/throw", ThrowingHandler],
        ["/reject", RejectingHandler],
        ["/never", NeverHandler],
        ["/hang", HangingAsyncHandler],
        ["/bad-write-error", BadWriteErrorHandler],
        ["/rejecting-write-error", RejectingWriteErrorHandler],
        ["/bad-on-finish", BadOnFinishHandler],
        ["/rejecting-on-finish", RejectingOnFinishHandler],
        ["/bad-initialize", BadInitializeHandler],
        ["/streaming", StreamingResponseHandler],
        ["/body", BodyHandler],
      ],
      { requestHandlerTimeout: 0.3 },
    );
    server = await TestServer.start(app);
    server.server.nodeServer.on("connection", (socket: Socket) => {
      serverSockets.set(socket.remotePort!, socket);
    });
  });
  after(async () => {
    await server.close();
    logs.stop();
    process.off("uncaughtException", onProcessError);
    process.off("unhandledRejection", onProcessError);
    assert.deepEqual(processErrors, []);
  });

  it("answers 500 to a handler that throws or rejects, logs it, and keeps serving", async () => {
    for (const path of ["/throw", "/reject"]) {
      const res = await server.fetch(path);
      assert.equal(res.code, 500);
      assert.equal(
        res.text,
        "<html><title>500: Internal Server Error</title><body>500: Internal Server Error</body></html>",
      );
    }
    assert.ok(logs.has(/Uncaught exception GET \/throw/, "tornado.application"));
    assert.ok(logs.has(/Uncaught exception GET \/reject/, "tornado.application"));
    assert.ok(logs.has(/500 GET \/throw/, "tornado.access"));
    assert.equal((await server.fetch("/ok")).text, "ok");
  });

  it("answers 503 when a handler passes requestHandlerTimeout, while other requests are served", async () => {
    const hanging = server.fetch("/never");
    const others = await Promise.all(Array.from({ length: 20 }, () => server.fetch("/ok")));
    assert.ok(others.every((r) => r.code === 200));
    const res = await hanging;
    assert.equal(res.code, 503);
    assert.ok(logs.has(/Handler timed out after 0.3s: GET \/never/, "tornado.application"));
    const late = await server.fetch("/hang");
    assert.equal(late.code, 503);
    await eventually(() => seen.lateWriteFailed >= 1, "the late write failed inside the handler");
  });

  it("contains an exception in writeError (sync or async): the response still ends", async () => {
    for (const path of ["/bad-write-error", "/rejecting-write-error"]) {
      const res = await server.fetch(path);
      assert.equal(res.code, 500);
      assert.equal(res.text, "");
    }
    assert.ok(logs.has("Uncaught exception in writeError"));
    assert.equal((await server.fetch("/ok")).text, "ok");
  });

  it("contains an exception in onFinish (sync or async) after the response was sent", async () => {
    assert.equal((await server.fetch("/bad-on-finish")).text, "finished fine");
    assert.equal((await server.fetch("/rejecting-on-finish")).text, "finished fine too");
    await eventually(
      () => logs.records.filter((r) => r.message === "Exception in onFinish").length >= 2,
      "both onFinish failures logged",
    );
  });

  it("answers 500 when constructing or initializing the handler fails", async () => {
    const res = await server.fetch("/bad-initialize");
    assert.equal(res.code, 500);
    assert.ok(logs.has(/Uncaught exception constructing BadInitializeHandler/));
  });

  it("survives a client that leaves mid-response: onConnectionClose fires, nothing leaks", async () => {
    const before = { ...seen };
    const socket = await openSocket(server.port);
    socket.on("error", () => {});
    const firstBytes = new Promise<void>((resolve) => socket.once("data", () => resolve()));
    const port = socket.localPort!;
    socket.write("GET /streaming HTTP/1.1\r\nHost: x\r\n\r\n");
    await firstBytes;
    socket.destroy();
    await eventually(() => seen.finished === before.finished + 1, "the handler ran to its end");
    assert.equal(seen.connectionClosed, before.connectionClosed + 1);
    assert.ok(logs.has("Exception in onConnectionClose"));
    await eventually(() => serverSockets.get(port)?.destroyed === true, "server socket closed");
  });

  it("survives a client that leaves mid-request body: the handler never runs, nothing leaks", async () => {
    const socket = await openSocket(server.port);
    socket.on("error", () => {});
    const port = socket.localPort!;
    socket.write("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\npartial");
    await sleep(50);
    socket.destroy();
    await eventually(() => serverSockets.get(port)?.destroyed === true, "server socket closed");
    assert.ok(!logs.has(/POST \/body/, "tornado.access"));
    const res = await send(server.port, "/body", {
      headers: { "Content-Length": "3" },
      chunks: [Buffer.from("abc")],
    });
    assert.equal(res.text, "got 3");
  });

  it("keeps every good request answered among 300 mixed with failing ones", async () => {
    const paths = ["/ok", "/throw", "/reject", "/bad-write-error", "/bad-on-finish", "/ok"];
    const results = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const path = paths[i % paths.length]!;
        const res = await server.fetch(path);
        return { path, code: res.code };
      }),
    );
    for (const { path, code } of results) {
      if (path === "/ok" || path === "/bad-on-finish") assert.equal(code, 200, path);
      else assert.equal(code, 500, path);
    }
    assert.equal((await server.fetch("/ok")).text, "ok");
  });
});
