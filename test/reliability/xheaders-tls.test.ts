import assert from "node:assert/strict";
import { request as httpsRequest } from "node:https";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { startTornado, type TornadoProcess } from "../support/python-tornado.ts";
import { openSocket } from "./support/http.ts";

class WhoHandler extends RequestHandler {
  override get() {
    this.write(`${this.request.remoteIp} ${this.request.protocol} ${this.request.fullUrl()}`);
  }
}

const TORNADO_APP = `
import functools
class WhoHandler(tornado.web.RequestHandler):
    def get(self):
        r = self.request
        self.write("%s %s %s" % (r.remote_ip, r.protocol, r.full_url()))

app = tornado.web.Application([("/who", WhoHandler)])
tornado.httpserver.HTTPServer = functools.partial(
    tornado.httpserver.HTTPServer, xheaders=True, trusted_downstream=["9.9.9.9"])
`;

import { selfSignedCertificate } from "../support/tls.ts";

/** Section 10.3's table, plus trusted_downstream rows. */
const ROWS: [Record<string, string>, string][] = [
  [{ "X-Real-Ip": "4.4.4.4" }, "4.4.4.4 http"],
  [{ "X-Forwarded-For": "1.1.1.1, 2.2.2.2" }, "2.2.2.2 http"],
  [{ "X-Forwarded-For": "1.1.1.1, garbage" }, "127.0.0.1 http"],
  [{ "X-Real-Ip": "notanip" }, "127.0.0.1 http"],
  [{ "X-Real-Ip": "::1" }, "::1 http"],
  [{ "X-Real-Ip": "4.4.4.4", "X-Forwarded-For": "5.5.5.5" }, "4.4.4.4 http"],
  [{ "X-Scheme": "https" }, "127.0.0.1 https"],
  [{ "X-Forwarded-Proto": "http, https" }, "127.0.0.1 https"],
  [{ "X-Forwarded-Proto": "ftp" }, "127.0.0.1 http"],
  [{ "X-Scheme": "http", "X-Forwarded-Proto": "https" }, "127.0.0.1 http"],
  [{ "X-Forwarded-For": "1.1.1.1, 2.2.2.2, 9.9.9.9" }, "2.2.2.2 http"],
  [{ "X-Forwarded-For": "9.9.9.9, 9.9.9.9" }, "9.9.9.9 http"],
  [{ "X-Forwarded-For": "3.3.3.3,9.9.9.9" }, "3.3.3.3 http"],
  [{}, "127.0.0.1 http"],
];

/** Sends two requests on one keep-alive connection; returns both bodies. */
async function twoOnOneConnection(port: number, first: string, second: string): Promise<string[]> {
  const socket = await openSocket(port);
  return new Promise((resolve, reject) => {
    let data = "";
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("latin1");
      const bodies = [...data.matchAll(/\r\n\r\n([^\r]*?)(?=HTTP\/1\.1|$)/g)].map((m) => m[1]!);
      if (/Connection: close/i.test(data) && bodies.length >= 2) {
        socket.destroy();
        resolve(bodies);
      }
    });
    socket.on("error", reject);
    socket.write(`GET /who HTTP/1.1\r\nHost: h\r\n${first}\r\n`);
    socket.write(`GET /who HTTP/1.1\r\nHost: h\r\n${second}Connection: close\r\n\r\n`);
  });
}

describe("xheaders, against section 10.3 and real Tornado 6.2", () => {
  let server: TestServer;
  let plain: TestServer;
  let tornado: TornadoProcess;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs(30);
    const app = new Application([["/who", WhoHandler]]);
    server = await TestServer.start(app, { xheaders: true, trustedDownstream: ["9.9.9.9"] });
    plain = await TestServer.start(app);
    tornado = await startTornado(TORNADO_APP);
  });
  after(async () => {
    await server.close();
    await plain.close();
    await tornado.close();
    logs.stop();
  });

  for (const [headers, expected] of ROWS) {
    it(`${JSON.stringify(headers)} gives ${expected}, as Tornado`, async () => {
      const ours = await server.fetch("/who", { headers });
      const theirs = await fetch(tornado.url("/who"), { headers });
      const [ip, protocol] = expected.split(" ");
      assert.equal(ours.text, `${ip} ${protocol} ${protocol}://127.0.0.1:${server.port}/who`);
      const theirsText = await theirs.text();
      assert.equal(theirsText, `${ip} ${protocol} ${protocol}://127.0.0.1:${tornado.port}/who`);
    });
  }

  it("ignores every one of those headers without xheaders (the default)", async () => {
    for (const [headers] of ROWS) {
      const res = await plain.fetch("/who", { headers });
      assert.equal(res.text, `127.0.0.1 http http://127.0.0.1:${plain.port}/who`);
    }
  });

  it("undoes the changes before the next request on the same connection", async () => {
    const bodies = await twoOnOneConnection(
      server.port,
      "X-Real-Ip: 4.4.4.4\r\nX-Scheme: https\r\n",
      "",
    );
    assert.deepEqual(bodies, ["4.4.4.4 https https://h/who", "127.0.0.1 http http://h/who"]);
  });
});

function httpsGet(
  port: number,
  path: string,
  ca: string | undefined,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: "127.0.0.1", port, path, ca, rejectUnauthorized: ca !== undefined, agent: false },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("TLS through sslOptions", () => {
  let server: TestServer;
  let cert: string;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs(30);
    const pair = selfSignedCertificate();
    cert = pair.cert;
    server = await TestServer.start(new Application([["/who", WhoHandler]]), { sslOptions: pair });
  });
  after(async () => {
    await server.close();
    logs.stop();
  });

  it("serves HTTPS with the certificate, and requests report protocol https", async () => {
    const res = await httpsGet(server.port, "/who", cert);
    assert.equal(res.status, 200);
    assert.equal(res.body, `127.0.0.1 https https://127.0.0.1:${server.port}/who`);
  });

  it("is refused by a client that does not trust the certificate", async () => {
    await assert.rejects(
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          { host: "127.0.0.1", port: server.port, path: "/who", agent: false },
          resolve,
        );
        req.on("error", reject);
        req.end();
      }),
      /self[- ]signed/i,
    );
  });

  it("closes a plain-HTTP request on the TLS port without serving it, and keeps serving", async () => {
    const socket = await openSocket(server.port);
    const closed = new Promise<string>((resolve) => {
      let data = "";
      socket.on("data", (c: Buffer) => {
        data += c.toString("latin1");
      });
      socket.on("error", () => {});
      socket.on("close", () => resolve(data));
    });
    socket.write("GET /who HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.doesNotMatch(await closed, /200 OK/);
    assert.equal((await httpsGet(server.port, "/who", cert)).status, 200);
  });
});
