import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AsyncHTTPClient } from "tornado-ts/httpclient";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";
import { selfSignedCertificate } from "../support/tls.ts";

class HelloHandler extends RequestHandler {
  override get() {
    this.write(`hello over ${this.request.protocol}`);
  }
}

describe("AsyncHTTPClient over TLS", () => {
  let server: TestServer;
  let client: AsyncHTTPClient;
  let cert: string;
  let logs: LogCapture;
  before(async () => {
    logs = captureLogs();
    const pair = selfSignedCertificate();
    cert = pair.cert;
    server = await TestServer.start(new Application([["/", HelloHandler]]), { sslOptions: pair });
    client = new AsyncHTTPClient();
  });
  after(async () => {
    await client.close();
    await server.close();
    logs.stop();
  });

  it("refuses an untrusted certificate by default (599)", async () => {
    await assert.rejects(
      client.fetch(`https://127.0.0.1:${server.port}/`),
      (error: Error & { code?: number }) => {
        assert.equal(error.code, 599);
        assert.match(error.message, /self[- ]signed/i);
        return true;
      },
    );
  });

  it("accepts it with validateCert false, or with the certificate in caCerts", async () => {
    const lax = await client.fetch(`https://127.0.0.1:${server.port}/`, { validateCert: false });
    assert.equal(lax.text(), "hello over https");
    const pinned = await client.fetch(`https://127.0.0.1:${server.port}/`, { caCerts: cert });
    assert.equal(pinned.text(), "hello over https");
  });
});
