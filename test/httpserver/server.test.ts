import assert from "node:assert/strict";
import { connect, createServer, type Socket } from "node:net";
import { describe, it } from "node:test";
import { HTTPServer } from "tornado-ts/httpserver";
import { Application, RequestHandler } from "tornado-ts/web";
import { rawFetch } from "../support/raw-http.ts";

class HelloHandler extends RequestHandler {
  override get() {
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

  it("drain() closes keep-alive connections after the responses in progress", async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    class SlowHandler extends RequestHandler {
      override async get() {
        await released;
        this.write("slow");
      }
    }
    const server = new HTTPServer(
      new Application([
        ["/", HelloHandler],
        ["/slow", SlowHandler],
      ]),
    );
    await server.listen(0, "127.0.0.1");
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(server.port!, "127.0.0.1", () => resolve(socket));
        socket.once("error", reject);
      });
    const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    /** Resolves with everything the server sent, once it closes the connection. */
    const untilClosed = (socket: Socket): Promise<string> =>
      new Promise((resolve) => {
        let text = "";
        socket.on("data", (chunk: Buffer) => {
          text += chunk.toString("latin1");
        });
        socket.once("close", () => resolve(text));
      });
    // One connection that has had its answer and sits idle, one waiting for its answer.
    const idle = await open();
    const idleText = untilClosed(idle);
    idle.write(request("/"));
    const busy = await open();
    const busyText = untilClosed(busy);
    busy.write(request("/slow"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const drained = server.drain(5);
    release();
    const busyAnswer = await busyText;
    assert.match(busyAnswer, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(busyAnswer, /\r\nConnection: close\r\n/i);
    assert.match(busyAnswer, /\r\n\r\nslow$/);
    const idleAnswer = await idleText;
    assert.match(idleAnswer, /\r\nConnection: keep-alive\r\n[\s\S]*sunck is a good man $/i);
    await drained;
    assert.equal(server.listening, false);
  });

  it("drain() sees a connection that served pipelined requests as idle once they are answered", async () => {
    // The idle timeout is longer than the test, so only drain() can close the connection.
    const server = new HTTPServer(new Application([["/", HelloHandler]]), {
      idleConnectionTimeout: 60,
    });
    await server.listen(0, "127.0.0.1");
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(server.port!, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
    });
    let text = "";
    let answered: () => void = () => {};
    const allAnswered = new Promise<void>((resolve) => {
      answered = resolve;
    });
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (text.split("HTTP/1.1 200 OK").length - 1 === 3) answered();
    });
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write("GET /?1 HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3));
    await allAnswered;
    // Idle connections close after a second of drain; a connection still counted as busy would
    // stay open until the 30-second timeout.
    const drained = server.drain(30);
    const outcome = await Promise.race([
      closed.then(() => "closed"),
      new Promise((resolve) => setTimeout(() => resolve("still open"), 10_000)),
    ]);
    server.closeAllConnections();
    await drained;
    assert.equal(outcome, "closed");
    assert.doesNotMatch(text, /Connection: close/i);
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
