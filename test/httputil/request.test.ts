import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { HTTPHeaders, type HTTPServerRequest } from "tornado-ts/httputil";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { exchange, parseResponse, rawFetch } from "../support/raw-http.ts";

let seen: HTTPServerRequest | undefined;

class AttributesHandler extends RequestHandler {
  #describe() {
    const r = this.request;
    seen = r;
    const t = r.requestTime();
    this.write({
      method: r.method,
      host: r.host,
      hostName: r.hostName,
      uri: r.uri,
      path: r.path,
      query: r.query,
      version: r.version,
      headersIsHTTPHeaders: r.headers instanceof HTTPHeaders,
      headersText: r.headers.toString(),
      userAgent: r.headers.get("user-agent") ?? null,
      multi: r.headers.get("X-Multi") ?? null,
      multiList: r.headers.getList("x-multi"),
      body: r.body.toString("latin1"),
      bodyIsBuffer: Buffer.isBuffer(r.body),
      remoteIp: r.remoteIp,
      protocol: r.protocol,
      fullUrl: r.fullUrl(),
      requestTimeOk: typeof t === "number" && t >= 0 && t < 60,
      arguments: Object.fromEntries(
        Object.entries(r.arguments).map(([k, v]) => [k, v.map((b) => b.toString())]),
      ),
      queryArguments: Object.keys(r.queryArguments),
      bodyArguments: Object.keys(r.bodyArguments),
      files: Object.fromEntries(
        Object.entries(r.files).map(([field, list]) => [
          field,
          list.map((f) => ({
            filename: f.filename,
            body: f.body.toString(),
            contentType: f.contentType,
          })),
        ]),
      ),
      cookies: { ...r.cookies },
      text: r.toString(),
    });
  }
  override get() {
    this.#describe();
  }
  override post() {
    this.#describe();
  }
}

interface Described {
  [key: string]: unknown;
  files: Record<string, { filename: string; body: string; contentType: string }[]>;
}

describe("request attributes", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application([["/zhuyin", AttributesHandler]]));
  });
  after(() => server.close());

  it("describes a GET as the tutorial's zhuyin example prints it", async () => {
    const response = await rawFetch(server.port, "/zhuyin?a=1&b=2", {
      headers: [
        ["Host", `127.0.0.1:${server.port}`],
        ["User-Agent", "test-agent"],
        ["Accept-Language", "zh-CN,zh;q=0.9"],
      ],
    });
    const d = JSON.parse(response.body.toString()) as Described;
    assert.equal(d["method"], "GET");
    assert.equal(d["host"], `127.0.0.1:${server.port}`);
    assert.equal(d["hostName"], "127.0.0.1");
    assert.equal(d["uri"], "/zhuyin?a=1&b=2");
    assert.equal(d["path"], "/zhuyin");
    assert.equal(d["query"], "a=1&b=2");
    assert.equal(d["version"], "HTTP/1.1");
    assert.equal(d["headersIsHTTPHeaders"], true);
    assert.equal(
      d["headersText"],
      `Host: 127.0.0.1:${server.port}\r\nUser-Agent: test-agent\r\nAccept-Language: zh-CN,zh;q=0.9\r\nConnection: close\r\n`,
    );
    assert.equal(d["body"], "");
    assert.equal(d["bodyIsBuffer"], true);
    assert.equal(d["remoteIp"], "127.0.0.1");
    assert.deepEqual(d.files, {});
    assert.equal(d["protocol"], "http");
    assert.equal(d["fullUrl"], `http://127.0.0.1:${server.port}/zhuyin?a=1&b=2`);
    assert.equal(d["requestTimeOk"], true);
    assert.deepEqual(d["arguments"], { a: ["1"], b: ["2"] });
    assert.equal(
      d["text"],
      `HTTPServerRequest(protocol='http', host='127.0.0.1:${server.port}', method='GET', uri='/zhuyin?a=1&b=2', version='HTTP/1.1', remote_ip='127.0.0.1')`,
    );
  });

  it("keeps path and uri percent-encoded, and the Host header's case", async () => {
    const response = await rawFetch(server.port, "/zhuyin?b=%C3%A9", {
      headers: [["Host", "EXAMPLE.com:80"]],
    });
    const d = JSON.parse(response.body.toString()) as Described;
    assert.equal(d["uri"], "/zhuyin?b=%C3%A9");
    assert.equal(d["query"], "b=%C3%A9");
    assert.equal(d["host"], "EXAMPLE.com:80");
    assert.equal(d["hostName"], "example.com");
    assert.equal(d["fullUrl"], "http://EXAMPLE.com:80/zhuyin?b=%C3%A9");
  });

  it("gives an HTTP/1.0 request without Host the host 127.0.0.1", async () => {
    const response = parseResponse(await exchange(server.port, "GET /zhuyin HTTP/1.0\r\n\r\n"));
    assert.equal(response.code, 200);
    const d = JSON.parse(response.body.toString()) as Described;
    assert.equal(d["version"], "HTTP/1.0");
    assert.equal(d["host"], "127.0.0.1");
  });

  it("reads an IPv6 host name without its port", async () => {
    const response = await rawFetch(server.port, "/zhuyin", { headers: [["Host", "[::1]:8000"]] });
    assert.equal((JSON.parse(response.body.toString()) as Described)["hostName"], "[::1]");
  });

  it("combines repeated request headers with commas, and lists them one by one", async () => {
    const response = await rawFetch(server.port, "/zhuyin", {
      headers: [
        ["X-Multi", "1"],
        ["x-multi", "2"],
      ],
    });
    const d = JSON.parse(response.body.toString()) as Described;
    assert.equal(d["multi"], "1,2");
    assert.deepEqual(d["multiList"], ["1", "2"]);
  });

  it("parses cookies", async () => {
    const response = await server.fetch("/zhuyin", {
      headers: { Cookie: 'a=1; b="x\\073y"; e=f=g' },
    });
    assert.deepEqual(response.json<Described>()["cookies"], { a: "1", b: "x;y", e: "f=g" });
  });

  it("keeps the raw body as bytes", async () => {
    const bytes = Buffer.from([0x00, 0xff, 0x41]);
    const response = await server.fetch("/zhuyin", {
      method: "POST",
      body: bytes,
      headers: { "Content-Type": "application/octet-stream" },
    });
    assert.equal(response.json<Described>()["body"], bytes.toString("latin1"));
    assert.ok(seen && Buffer.isBuffer(seen.body) && seen.body.equals(bytes));
  });

  it("groups uploaded files by field name, as HTTPFile objects", async () => {
    const form = new FormData();
    form.append("file", new Blob(["hhahhaa\n"], { type: "text/plain" }), "1.txt");
    form.append("file", new Blob([""], { type: "text/plain" }), "1 2.txt");
    form.append("img", new Blob([""], { type: "image/png" }), "1 3.png");
    form.append("note", "not a file");
    const response = await fetch(server.url("/zhuyin"), { method: "POST", body: form });
    const d = (await response.json()) as Described;
    assert.deepEqual(d.files, {
      file: [
        { filename: "1.txt", body: "hhahhaa\n", contentType: "text/plain" },
        { filename: "1 2.txt", body: "", contentType: "text/plain" },
      ],
      img: [{ filename: "1 3.png", body: "", contentType: "image/png" }],
    });
    assert.deepEqual(d["bodyArguments"], ["note"]);
  });

  it("answers 400 naming the problem for a malformed multipart body", async () => {
    const response = await expectLog(
      [
        "400 POST /zhuyin (127.0.0.1): Invalid body: Invalid multipart/form-data: no final boundary found",
        /^400 POST \/zhuyin/,
      ],
      () =>
        server.fetch("/zhuyin", {
          body: '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nv\r\n',
          headers: { "Content-Type": "multipart/form-data; boundary=b" },
        }),
    );
    assert.equal(response.code, 400);
    assert.equal(
      response.text,
      "<html><title>400: Bad Request</title><body>400: Bad Request</body></html>",
    );
  });
});

describe("request attributes behind a proxy (xheaders)", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application([["/zhuyin", AttributesHandler]]), {
      xheaders: true,
      trustedDownstream: ["10.0.0.1"],
    });
  });
  after(() => server.close());

  const ask = async (headers: Record<string, string>) =>
    (await server.fetch("/zhuyin", { headers })).json<Described>();

  it("takes the client address from X-Real-Ip or X-Forwarded-For", async () => {
    assert.equal((await ask({ "X-Real-Ip": "4.4.4.4" }))["remoteIp"], "4.4.4.4");
    assert.equal((await ask({ "X-Forwarded-For": "1.1.1.1, 2.2.2.2" }))["remoteIp"], "2.2.2.2");
    assert.equal(
      (await ask({ "X-Forwarded-For": "1.1.1.1, 2.2.2.2, 10.0.0.1" }))["remoteIp"],
      "2.2.2.2",
    );
    assert.equal((await ask({ "X-Real-Ip": "notanip" }))["remoteIp"], "127.0.0.1");
    assert.equal((await ask({ "X-Real-Ip": "::1" }))["remoteIp"], "::1");
  });

  it("takes the protocol from X-Scheme or X-Forwarded-Proto, http or https only", async () => {
    const https = await ask({ "X-Scheme": "https" });
    assert.equal(https["protocol"], "https");
    assert.match(String(https["fullUrl"]), /^https:\/\//);
    assert.equal((await ask({ "X-Forwarded-Proto": "http, https" }))["protocol"], "https");
    assert.equal((await ask({ "X-Forwarded-Proto": "ftp" }))["protocol"], "http");
  });

  it("ignores these headers without xheaders", async () => {
    const plain = await TestServer.start(new Application([["/zhuyin", AttributesHandler]]));
    try {
      const d = (
        await plain.fetch("/zhuyin", { headers: { "X-Real-Ip": "4.4.4.4", "X-Scheme": "https" } })
      ).json<Described>();
      assert.equal(d["remoteIp"], "127.0.0.1");
      assert.equal(d["protocol"], "http");
    } finally {
      await plain.close();
    }
  });
});
