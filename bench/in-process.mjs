// The user-space cost of one request, without the kernel: requests are pushed into node:http through
// in-memory sockets (Duplex streams), one at a time per socket, and the time per response is
// measured after a warm-up. Loopback TCP costs every framework the same few microseconds per request
// and is noisy on a shared machine; this isolates what a framework adds to Node's own HTTP work.
//
//   node bench/in-process.mjs [--requests=N] [--sockets=N]   (npm run bench:in-process)
//
// Servers:
//   node:http        the ceiling: res.writeHead + res.end, two headers (the raw-node.mjs bench app)
//   tornado floor    node:http sending Tornado's exact header set (Server, Content-Type, Date, Etag
//                    from a SHA-1 of the body, Content-Length): the least any Tornado-compatible
//                    framework on node:http can do for this response
//   tornado-ts       the framework (the built package: npm run build)
//   fastify          Fastify, as in bench/servers/fastify.mjs
// Scenarios: GET / (plaintext) and GET /json. Each figure is the median of 5 rounds, in µs per request.
import { hash } from "node:crypto";
import { createServer } from "node:http";
import { Duplex } from "node:stream";
import Fastify from "fastify";
import { HTTPServer } from "tornado-ts/httpserver";
import { Application, RequestHandler } from "tornado-ts/web";
import { jsonBody, plainText } from "./servers/common.mjs";

const option = (name, fallback) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const REQUESTS = option("requests", 100_000);
const SOCKETS = option("sockets", 16);
const WARMUP = 30_000;
const ROUNDS = 5;
const TEXT = "text/plain; charset=UTF-8";

function rawNode() {
  return createServer((req, res) => {
    const json = req.url === "/json";
    const body = json ? JSON.stringify(jsonBody) : plainText;
    res.writeHead(200, {
      "Content-Type": json ? "application/json" : TEXT,
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
  });
}

function tornadoFloor() {
  let second = 0;
  let date = "";
  return createServer((req, res) => {
    const json = req.url === "/json";
    const body = json ? JSON.stringify(jsonBody) : plainText;
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      date = new Date(now * 1000).toUTCString();
    }
    res.sendDate = false;
    res.writeHead(200, "OK", [
      "Server",
      "tornado-ts/0.1.0",
      "Content-Type",
      json ? "application/json; charset=UTF-8" : TEXT,
      "Date",
      date,
      "Etag",
      `"${hash("sha1", body, "hex")}"`,
      "Content-Length",
      String(Buffer.byteLength(body)),
    ]);
    res.end(body);
  });
}

function tornadoTs() {
  class PlainHandler extends RequestHandler {
    get() {
      this.setHeader("Content-Type", TEXT);
      this.write(plainText);
    }
  }
  class JsonHandler extends RequestHandler {
    get() {
      this.write(jsonBody);
    }
  }
  const app = new Application([
    ["/", PlainHandler],
    ["/json", JsonHandler],
  ]);
  return new HTTPServer(app, { idleConnectionTimeout: 60 }).nodeServer;
}

async function fastify() {
  const app = Fastify({ logger: false });
  app.get("/", (_req, reply) => {
    reply.header("Content-Type", TEXT).send(plainText);
  });
  app.get("/json", (_req, reply) => reply.send(jsonBody));
  await app.ready();
  return app.server;
}

/** A socket that holds no file descriptor: what it is sent goes to the server's parser. */
class MemorySocket extends Duplex {
  remoteAddress = "127.0.0.1";
  remotePort = 40000;
  localAddress = "127.0.0.1";
  localPort = 8080;
  encrypted = false;
  constructor(onResponse) {
    super();
    this.onResponse = onResponse;
  }
  setTimeout() {
    return this;
  }
  setNoDelay() {
    return this;
  }
  setKeepAlive() {
    return this;
  }
  ref() {}
  unref() {}
  _read() {}
  // node:http hands each response to the socket in one write (header block and body together).
  _writev(_chunks, callback) {
    callback();
    this.onResponse(this);
  }
  _write(_chunk, _encoding, callback) {
    callback();
    this.onResponse(this);
  }
}

/** Sends `count` requests for `path` over `SOCKETS` sockets; resolves with µs per request. */
function drive(server, path, count) {
  const request = Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bench\r\n\r\n`,
  );
  return new Promise((resolve) => {
    let sent = 0;
    let answered = 0;
    const start = process.hrtime.bigint();
    const next = (socket) => {
      answered++;
      if (answered === count) {
        for (const s of sockets) s.destroy();
        resolve(Number(process.hrtime.bigint() - start) / 1000 / count);
      } else if (sent < count) {
        sent++;
        // A new turn of the event loop per request, as a socket read would be.
        setImmediate(() => socket.push(request));
      }
    };
    const sockets = Array.from({ length: SOCKETS }, () => new MemorySocket(next));
    for (const socket of sockets) {
      server.emit("connection", socket);
      sent++;
      socket.push(request);
    }
  });
}

const servers = [
  ["node:http", rawNode()],
  ["tornado floor", tornadoFloor()],
  ["tornado-ts", tornadoTs()],
  ["fastify", await fastify()],
];
const results = {};
for (const path of ["/", "/json"]) {
  for (const [, server] of servers) await drive(server, path, WARMUP);
  const samples = Object.fromEntries(servers.map(([name]) => [name, []]));
  // Rounds interleave the servers, so a slow moment of the machine touches all of them alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, server] of servers) samples[name].push(await drive(server, path, REQUESTS));
  }
  for (const [name, list] of Object.entries(samples)) {
    list.sort((a, b) => a - b);
    results[name] ??= {};
    results[name][path] = list[Math.floor(list.length / 2)];
  }
}
const raw = results["node:http"];
console.log(
  `in-process, ${REQUESTS} requests per round over ${SOCKETS} sockets, median of ${ROUNDS} rounds, Node ${process.version}\n`,
);
console.log("| server | GET / µs/req | ÷ node:http | GET /json µs/req | ÷ node:http |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, byPath] of Object.entries(results)) {
  const cells = ["/", "/json"].flatMap((path) => [
    byPath[path].toFixed(2),
    (raw[path] / byPath[path]).toFixed(2),
  ]);
  console.log(`| ${name} | ${cells.join(" | ")} |`);
}
process.exit(0);
