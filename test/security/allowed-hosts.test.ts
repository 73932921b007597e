// The allowedHosts setting: a request for a host the application does not list gets a 400 before
// routing (and before its body is read); fullUrl() then only ever sees a listed host.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { openSocket } from "../reliability/support/http.ts";
import { rawFetch } from "../support/raw-http.ts";

let served = 0;

class WhereHandler extends RequestHandler {
  override get() {
    served++;
    this.write(this.request.fullUrl());
  }
  override post() {
    served++;
    this.write(`posted ${this.request.body.length}`);
  }
}

describe("allowedHosts", () => {
  let server: TestServer;
  let open: TestServer;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    const routes: [string, typeof WhereHandler][] = [["/w", WhereHandler]];
    server = await TestServer.start(
      new Application(routes, {
        allowedHosts: ["example.com", ".example.org", "localhost:8000", "[::1]", "127.0.0.1"],
      }),
    );
    open = await TestServer.start(new Application(routes));
  });

  after(async () => {
    await server.close();
    await open.close();
    logs.stop();
  });

  it("refuses Host: evil.com with 400 before any handler runs (the reported request)", async () => {
    const before = served;
    const response = await rawFetch(server.port, "/w", { headers: [["Host", "evil.com"]] });
    assert.equal(response.code, 400);
    assert.ok(!response.body.toString().includes("evil.com"));
    assert.equal(served, before, "the handler did not run");
    assert.ok(logs.has(/Invalid Host header evil\.com: not in the allowedHosts setting/));
  });

  for (const [host, expected] of [
    ["example.com", 200],
    ["EXAMPLE.com", 200],
    ["example.com.", 200],
    ["example.com:8443", 200],
    ["www.example.com", 400],
    ["example.org", 200],
    ["deep.sub.example.org", 200],
    ["badexample.org", 400],
    ["example.org.evil.com", 400],
    ["localhost:8000", 200],
    ["localhost:9000", 400],
    ["localhost", 400],
    ["[::1]:5000", 200],
    ["127.0.0.1", 200],
    ["127.0.0.2", 400],
  ] as const) {
    it(`answers Host: ${host} with ${expected}`, async () => {
      const response = await rawFetch(server.port, "/w", { headers: [["Host", host]] });
      assert.equal(response.code, expected, host);
      if (expected === 200) assert.equal(response.body.toString(), `http://${host}/w`);
    });
  }

  it("refuses a POST for another host without reading its body, and closes the connection", async () => {
    const socket = await openSocket(server.port);
    const answer = new Promise<string>((resolve) => {
      let data = "";
      socket.on("data", (chunk: Buffer) => {
        data += chunk.toString("latin1");
      });
      socket.on("error", () => {});
      socket.on("close", () => resolve(data));
    });
    // Only the headers of a 50 MB body: the answer cannot wait for it.
    socket.write("POST /w HTTP/1.1\r\nHost: evil.com\r\nContent-Length: 50000000\r\n\r\n");
    const data = await answer;
    assert.match(data, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(data, /\r\nConnection: close\r\n/i);
  });

  it("serves any host when the setting is not given (Tornado's behaviour)", async () => {
    const response = await rawFetch(open.port, "/w", { headers: [["Host", "evil.com"]] });
    assert.equal(response.code, 200);
    assert.equal(response.body.toString(), "http://evil.com/w");
  });

  it("answers every host with '*'", async () => {
    const any = await TestServer.start(
      new Application([["/w", WhereHandler]], { allowedHosts: ["*"] }),
    );
    try {
      const response = await rawFetch(any.port, "/w", { headers: [["Host", "anything.test"]] });
      assert.equal(response.code, 200);
    } finally {
      await any.close();
    }
  });

  it("names a setting that is not a list of host patterns", () => {
    assert.throws(
      () => new Application([], { allowedHosts: "example.com" as unknown as string[] }),
      /allowedHosts setting must be an array/,
    );
    assert.throws(() => new Application([], { allowedHosts: [""] }), /is not a host pattern/);
  });

  it("cuts a long Host to a bounded length in the log line", async () => {
    const host = `${"a".repeat(5000)}.evil.com`;
    const response = await rawFetch(server.port, "/w", { headers: [["Host", host]] });
    assert.equal(response.code, 400);
    const line = logs.records.find((record) => record.message.includes("aaaa"))?.message ?? "";
    assert.ok(line.length < 400, `the line is ${line.length} characters`);
    assert.match(line, /\.\.\. \(5009 bytes\)/);
  });
});
