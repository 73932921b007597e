// The ceiling: node:http with hand-written routing, doing the least work that answers correctly.
import { createServer } from "node:http";
import { jsonBody, plainText, port, ready, routeCount } from "./common.mjs";

const routes = Array.from({ length: routeCount }, (_, i) => new RegExp(`^/r${i}/([^/]+)/(\\d+)$`));

const server = createServer((req, res) => {
  const url = req.url;
  if (url === "/") {
    res.writeHead(200, {
      "Content-Type": "text/plain; charset=UTF-8",
      "Content-Length": plainText.length,
    });
    res.end(plainText);
    return;
  }
  if (url === "/json") {
    const body = JSON.stringify(jsonBody);
    res.writeHead(200, {
      "Content-Type": "application/json; charset=UTF-8",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  if (url.startsWith("/form")) {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const query = new URLSearchParams(url.slice(url.indexOf("?") + 1));
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const body = `${query.get("q")} ${form.get("name")} ${form.get("age")}`;
      res.writeHead(200, {
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Length": Buffer.byteLength(body),
      });
      res.end(body);
    });
    return;
  }
  for (const route of routes) {
    const m = route.exec(url);
    if (m) {
      const body = `${m[1]}:${m[2]}`;
      res.writeHead(200, {
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Length": Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
  }
  res.writeHead(404);
  res.end();
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => ready(server));
