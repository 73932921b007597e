// FallbackHandler hands routes to an Express app (Node request listener), and an Application is a
// plain Node request listener itself: under http.createServer and under supertest.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import express from "express";
import request from "supertest";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, FallbackHandler, RequestHandler } from "tornado-ts/web";

class NewHandler extends RequestHandler {
  override get() {
    this.write({ from: "tornado-ts", path: this.request.path });
  }
}

const finished: string[] = [];

class TrackingFallback extends FallbackHandler {
  override onFinish() {
    finished.push(`${this.request.method} ${this.request.path} ${this.getStatus()}`);
  }
}

function legacyApp(): express.Express {
  const app = express();
  // Express prints errors its default handler catches unless it runs in its test environment.
  app.set("env", "test");
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  app.get("/legacy/hello", (_req, res) => {
    res.type("text/plain").send("hello from express");
  });
  app.get("/legacy/users/:id", (req, res) => {
    res.json({ id: req.params.id, q: req.query["q"] ?? null });
  });
  app.post("/legacy/echo", (req, res) => {
    res.status(201).json({ body: req.body, type: req.get("content-type") });
  });
  app.get("/legacy/stream", (_req, res) => {
    res.setHeader("Content-Type", "text/plain");
    res.write("one ");
    setImmediate(() => res.end("two"));
  });
  app.get("/legacy/boom", () => {
    throw new Error("express route failed");
  });
  return app;
}

describe("FallbackHandler with an Express app", () => {
  let server: TestServer;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    const app = new Application(
      [
        ["/new", NewHandler],
        ["/legacy/.*", TrackingFallback, { fallback: legacyApp() }],
      ],
      { xsrfCookies: true },
    );
    server = await TestServer.start(app);
  });
  after(async () => {
    await server.close();
    logs.stop();
  });

  it("serves the Express routes, next to the framework's own", async () => {
    const hello = await server.fetch("/legacy/hello");
    assert.equal(hello.code, 200);
    assert.equal(hello.text, "hello from express");
    assert.equal(hello.headers.get("X-Powered-By"), "Express");
    assert.equal(
      hello.headers.get("Server"),
      undefined,
      "the framework wrote no headers of its own",
    );
    const user = await server.fetch("/legacy/users/42?q=x");
    assert.deepEqual(user.json(), { id: "42", q: "x" });
    const own = await server.fetch("/new");
    assert.deepEqual(own.json(), { from: "tornado-ts", path: "/new" });
  });

  it("passes request bodies on to Express's body parsers, without an XSRF check", async () => {
    const json = await server.fetch("/legacy/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ a: [1, 2] }),
    });
    assert.equal(json.code, 201);
    assert.deepEqual(json.json(), { body: { a: [1, 2] }, type: "application/json" });
    const form = await server.fetch("/legacy/echo", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "name=%C3%A9t%C3%A9&x=1",
    });
    assert.deepEqual(form.json<{ body: unknown }>().body, { name: "été", x: "1" });
  });

  it("lets Express stream and answer its own 404s and errors", async () => {
    const streamed = await server.fetch("/legacy/stream");
    assert.equal(streamed.text, "one two");
    const missing = await server.fetch("/legacy/nothing");
    assert.equal(missing.code, 404);
    assert.match(missing.text, /Cannot GET \/legacy\/nothing/);
    const failed = await server.fetch("/legacy/boom");
    assert.equal(failed.code, 500);
  });

  it("answers with the framework's error page when the fallback throws before responding", async () => {
    const app = new Application([
      [
        "/.*",
        FallbackHandler,
        {
          fallback: () => {
            throw new Error("fallback broke");
          },
        },
      ],
    ]);
    const other = await TestServer.start(app);
    try {
      const response = await other.fetch("/anything");
      assert.equal(response.code, 500);
      assert.match(response.text, /500: Internal Server Error/);
      assert.equal(
        logs.of("tornado.access").filter((r) => r.message.includes("/anything")).length,
        1,
      );
      assert.ok(
        logs.records.some((r) => (r.error as Error | undefined)?.message === "fallback broke"),
      );
    } finally {
      await other.close();
    }
  });

  it("logs each request with the status Express sent, then runs onFinish", async () => {
    await server.fetch("/legacy/users/7");
    await server.fetch("/legacy/nothing");
    assert.ok(
      logs.has(/^200 GET \/legacy\/users\/7 \(127\.0\.0\.1\) \d+\.\d\dms$/, "tornado.access"),
    );
    assert.ok(logs.has(/^404 GET \/legacy\/nothing \(127\.0\.0\.1\)/, "tornado.access"));
    assert.ok(finished.includes("GET /legacy/users/7 200"));
    assert.ok(finished.includes("GET /legacy/nothing 404"));
  });
});

class EchoHandler extends RequestHandler {
  override get() {
    this.setHeader("X-Seen-Host", this.request.host);
    this.write(`hello ${this.getArgument("name", "world")}`);
  }
  override post() {
    this.write({ got: this.getBodyArgument("v") });
  }
}

describe("Application as a plain Node request listener", () => {
  const app = new Application([["/echo", EchoHandler]]);

  it("serves through http.createServer(app.listener)", async () => {
    const plain: Server = createServer(app.listener);
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = plain.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/echo?name=node`);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "hello node");
      assert.equal(response.headers.get("server"), "tornado-ts/0.1.0");
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  });

  it("works under supertest", async () => {
    const listener: (req: IncomingMessage, res: ServerResponse) => void = app.listener;
    await request(listener).get("/echo?name=supertest").expect(200, "hello supertest");
    await request(listener)
      .post("/echo")
      .type("form")
      .send({ v: "posted" })
      .expect("Content-Type", "application/json; charset=UTF-8")
      .expect(200, { got: "posted" });
    const logs = captureLogs();
    try {
      await request(listener).get("/missing").expect(404);
    } finally {
      logs.stop();
    }
  });

  it("can be mounted inside an Express app", async () => {
    const outer = express();
    outer.get("/outer", (_req, res) => {
      res.send("outer");
    });
    outer.use(app.listener);
    await request(outer).get("/outer").expect(200, "outer");
    await request(outer).get("/echo?name=mounted").expect(200, "hello mounted");
  });
});
