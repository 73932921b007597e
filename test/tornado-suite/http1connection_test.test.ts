// Tornado's tornado/test/http1connection_test.py, ported. Python drives an HTTP1Connection over a
// connected IOStream pair; tornado-ts's HTTP/1 client side is AsyncHTTPClient, so the same bytes
// come from a plain TCP server on loopback and the client reads the response, with the status line
// seen by headerCallback and the body chunks by streamingCallback (Python's message delegate).
import assert from "node:assert/strict";
import { once } from "node:events";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { test } from "node:test";
import { AsyncHTTPClient } from "tornado-ts/httpclient";

test("HTTP1ConnectionTest.test_http10_no_content_length", async () => {
  // An HTTP/1.0 response without Content-Length: the body runs to the end of the connection.
  const server = createServer((socket: Socket) => {
    socket.on("data", () => {
      socket.end("HTTP/1.0 200 Not Modified\r\n\r\nhello");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const client = new AsyncHTTPClient();
  try {
    const lines: string[] = [];
    const body: Buffer[] = [];
    const response = await client.fetch(`http://127.0.0.1:${port}/`, {
      headerCallback: (line: string) => lines.push(line),
      streamingCallback: (chunk: Buffer) => body.push(chunk),
    });
    assert.equal(response.code, 200);
    assert.match(lines[0] ?? "", /^HTTP\/1\.\d 200 /);
    assert.equal(Buffer.concat(body).toString(), "hello");
  } finally {
    client.close();
    server.close();
  }
});
