// The minimal raw node:http server: two URLs, `writeHead` with Content-Type and
// Content-Length, then `end`. It is the ceiling the minimal apps are compared with.
import { createServer } from "node:http";
import { isMain, minimalJson, minimalText, port, ready } from "./common.mjs";

const HTML = "text/html; charset=UTF-8";
const JSON_TYPE = "application/json; charset=UTF-8";
const TEXT_LENGTH = Buffer.byteLength(minimalText);

/** The server, not yet listening. */
export function createMinimalNode() {
  const server = createServer((req, res) => {
    if (req.url === "/json") {
      const body = JSON.stringify(minimalJson);
      res.writeHead(200, { "Content-Type": JSON_TYPE, "Content-Length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    res.writeHead(200, { "Content-Type": HTML, "Content-Length": TEXT_LENGTH });
    res.end(minimalText);
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

if (isMain(import.meta.url)) {
  const server = createMinimalNode();
  server.listen(port, "127.0.0.1", () => ready(server));
}
