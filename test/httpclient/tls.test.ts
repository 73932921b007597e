import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { AsyncHTTPClient } from "tornado-ts/httpclient";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

class HelloHandler extends RequestHandler {
  get() {
    this.write(`hello over ${this.request.protocol}`);
  }
}

/** A self-signed certificate for 127.0.0.1, made with Debian's openssl. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return {
      key: readFileSync(join(dir, "key.pem"), "utf8"),
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("AsyncHTTPClient over TLS", () => {
  let server: TestServer;
  let client: AsyncHTTPClient;
  let cert: string;
  let logs: LogCapture;
  before(async () => {
    logs = captureLogs();
    const pair = selfSigned();
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
