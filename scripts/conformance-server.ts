// The servers that the protocol suites test (scripts/conformance.sh starts this file):
//   ws    a tornado-ts WebSocketHandler that echoes each message as it came, permessage-deflate on,
//         with websocketMaxMessageSize raised to the suite's largest message (16 MiB, cases 9.1.6
//         and 9.2.6; the 10 MiB default, Tornado's, closes those with 1009 as Tornado does)
//   h2    a tornado-ts HTTPServer with `http2: true` (TLS, certificate made here with openssl)
//   bare  a bare node:http2 secure server, so an h2spec failure that is Node's own shows as such
// Each listens on an ephemeral port on 127.0.0.1; once all are up, one line of JSON on stdout gives
// the ports: {"ws":N,"h2":N,"bare":N}. Runs until SIGTERM or SIGINT.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createSecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HTTPServer } from "tornado-ts/httpserver";
import { Application, RequestHandler } from "tornado-ts/web";
import { type CompressionOptions, WebSocketHandler } from "tornado-ts/websocket";

class EchoHandler extends WebSocketHandler {
  override getCompressionOptions(): CompressionOptions {
    return {};
  }

  override onMessage(message: string | Buffer): void {
    this.writeMessage(message);
  }
}

/** What h2spec requests: GET and POST on `/`, answered with a small body. */
class PageHandler extends RequestHandler {
  override get(): void {
    this.write("tornado-ts\n");
  }

  override post(): void {
    this.write(`${this.request.body.length} bytes\n`);
  }
}

function makeCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "conformance-cert-"));
  try {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = makeCertificate();

/** Autobahn's largest message: 16 MiB (cases 9.1.6 and 9.2.6). */
const LARGEST_MESSAGE = 16 * 1024 * 1024;

const ws = new HTTPServer(
  new Application([["/", EchoHandler]], { websocketMaxMessageSize: LARGEST_MESSAGE }),
);
await ws.listen(0, "127.0.0.1");

const h2 = new HTTPServer(new Application([["/", PageHandler]]), { http2: true, sslOptions: tls });
await h2.listen(0, "127.0.0.1");

const bare = createSecureServer(tls, (req, res) => {
  req.resume();
  req.on("end", () => res.end("node:http2\n"));
});
await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));

process.stdout.write(
  `${JSON.stringify({ ws: ws.port, h2: h2.port, bare: (bare.address() as AddressInfo).port })}\n`,
);

const stop = (): void => {
  bare.close();
  void Promise.all([ws.stop(), h2.stop()]).then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
