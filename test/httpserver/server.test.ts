import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { HTTPServer } from "tornado-ts/httpserver";
import { Application, RequestHandler } from "tornado-ts/web";
import { rawFetch } from "../support/raw-http.ts";

class HelloHandler extends RequestHandler {
  get() {
    this.write("sunck is a good man ");
  }
}

function app(): Application {
  return new Application([["/", HelloHandler]]);
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe("HTTPServer", () => {
  it("listen() resolves once listening, and serves", async () => {
    const server = new HTTPServer(app());
    assert.equal(server.listening, false);
    assert.equal(await server.listen(0, "127.0.0.1"), server);
    try {
      assert.equal(server.listening, true);
      assert.ok(server.port! > 0);
      const response = await rawFetch(server.port!, "/");
      assert.equal(response.body.toString(), "sunck is a good man ");
    } finally {
      await server.stop();
    }
    assert.equal(server.listening, false);
  });

  it("bind() then start(1) serves on the bound port in this process", async () => {
    const port = await freePort();
    const server = new HTTPServer(app());
    server.bind(port, "127.0.0.1");
    assert.equal(server.listening, false);
    await server.start(1);
    try {
      assert.equal(server.port, port);
      assert.equal((await rawFetch(port, "/")).code, 200);
    } finally {
      await server.stop();
    }
  });

  it("start() defaults to one process", async () => {
    const server = new HTTPServer(app());
    server.bind(0, "127.0.0.1");
    await server.start();
    try {
      assert.equal((await rawFetch(server.port!, "/")).code, 200);
    } finally {
      await server.stop();
    }
  });

  it("start() without bind() says what is missing", async () => {
    await assert.rejects(
      new HTTPServer(app()).start(1),
      /HTTPServer\.start\(\) needs bind\(port\) first/,
    );
  });

  it("listen() rejects when the port is taken", async () => {
    const first = new HTTPServer(app());
    await first.listen(0, "127.0.0.1");
    try {
      await assert.rejects(new HTTPServer(app()).listen(first.port!, "127.0.0.1"), /EADDRINUSE/);
    } finally {
      await first.stop();
    }
  });

  it("stop() stops accepting connections and closes idle keep-alive ones", async () => {
    const server = new HTTPServer(app());
    await server.listen(0, "127.0.0.1");
    const port = server.port!;
    const keepAlive = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(await keepAlive.text(), "sunck is a good man ");
    await server.stop();
    await assert.rejects(rawFetch(port, "/"), /ECONNREFUSED/);
  });

  it("Application.listen() creates a server and resolves with it", async () => {
    const server = await app().listen(0, "127.0.0.1");
    try {
      assert.ok(server instanceof HTTPServer);
      assert.equal((await rawFetch(server.port!, "/")).code, 200);
    } finally {
      await server.stop();
    }
  });

  it("Application.listener serves through a plain node:http server", async () => {
    const { createServer: createHttpServer } = await import("node:http");
    const plain = createHttpServer(app().listener);
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = plain.address() as { port: number };
      assert.equal((await rawFetch(port, "/")).body.toString(), "sunck is a good man ");
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});
