// The user-space cost of one request, without the kernel: requests are pushed into node:http through
// in-memory sockets (Duplex streams), one at a time per socket, and the process's CPU time (user +
// system, from process.cpuUsage(): every thread, the garbage collector's too) per response is
// measured after a warm-up. CPU time rather than wall time: on a shared machine the wall clock
// also counts the moments another process held the core. Loopback TCP costs every framework the same few microseconds per request
// and is noisy on a shared machine; this isolates what a framework adds to Node's own HTTP work.
//
//   node bench/in-process.mjs [--requests=N] [--sockets=N] [--servers=a,b] [--scenarios=a,b]
//                             [--minimal]
//   (npm run bench:in-process; names as in the table, e.g. --servers=tornado-ts "--scenarios=POST /form")
//
// Servers: the apps of `npm run bench` (bench/servers/*.mjs), driven without a port, and one more:
//   node:http        the ceiling: bench/servers/raw-node.mjs (res.writeHead + res.end, two headers)
//   tornado floor    node:http sending Tornado's exact header set (Server, Content-Type, Date, Etag
//                    from a SHA-1 of the body, Content-Length): the least any Tornado-compatible
//                    framework on node:http can do for this response
//   tornado-ts       bench/servers/tornado-ts.mjs (the built package: npm run build)
//   fastify          bench/servers/fastify.mjs, without its template, static and multipart plugins
//                    (loaded into this process, they slow every server in it)
// Scenarios: GET / (plaintext), GET /json, GET /r50/abc/123 (the 51st of 100 two-parameter regex
// routes), POST /form?q=x (a query and a form body), GET /cookie (read a signed cookie and set one:
// tornado-ts signs Tornado's v2 format, fastify uses @fastify/cookie, node:http one HMAC each way)
// and GET /static 304 (a 4 KiB static file asked for with its own ETag in If-None-Match: each
// server's validator; Fastify sits this one out). The tornado floor answers / and /json only.
// With --minimal the servers are the minimal apps (bench/servers/minimal-*.mjs) and the
// scenarios GET / and GET /json only; the tornado floor then sends their bodies.
// Each figure is the median of 5 rounds, in CPU µs per request, with the rounds' min-max.
import { hash } from "node:crypto";
import { createServer } from "node:http";
import { Duplex } from "node:stream";
import { Signer } from "@fastify/cookie";
import { HTTPServer } from "tornado-ts/httpserver";
import { createSignedValue } from "tornado-ts/web";
import {
  cookieSecret,
  cookieValue,
  isMain,
  jsonBody,
  minimalJson,
  minimalText,
  plainText,
} from "./servers/common.mjs";
import { createFastify } from "./servers/fastify.mjs";
import { createMinimalFastify } from "./servers/minimal-fastify.mjs";
import { createMinimalNode } from "./servers/minimal-node.mjs";
import { createMinimalApp } from "./servers/minimal-tornado-ts.mjs";
import { createRawServer, sign } from "./servers/raw-node.mjs";
import { createApp, serverOptions } from "./servers/tornado-ts.mjs";

export const option = (name, fallback) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const REQUESTS = option("requests", 100_000);
const SOCKETS = option("sockets", 16);
export const WARMUP = 30_000;
const ROUNDS = 5;
const TEXT = "text/plain; charset=UTF-8";
/** The minimal apps instead of the full ones (see the top of this file). */
export const minimal = process.argv.includes("--minimal");

/** Tornado's ETag of `body`, hashed as `computeEtag()` does. */
export const sha1Etag = (body) => `"${hash("sha1", body, "hex")}"`;
/** The Content-Length of `body`, as text. */
export const lengthOf = (body) => String(Buffer.byteLength(body));

/**
 * node:http sending Tornado's header set (Server, Content-Type, Date kept per second, Etag,
 * Content-Length, as a flat array) with no framework: `body(json)` and `type(json)` answer /json
 * or any other URL, `etag(body)` and `length(body)` make (or look up) those header values.
 */
export function tornadoHeaderServer({ body: bodyFor, type, etag, length }) {
  let second = 0;
  let date = "";
  return createServer((req, res) => {
    const json = req.url === "/json";
    const body = bodyFor(json);
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
      type(json),
      "Date",
      date,
      "Etag",
      etag(body),
      "Content-Length",
      length(body),
    ]);
    res.end(body);
  });
}

function tornadoFloor() {
  return tornadoHeaderServer({
    body: (json) =>
      minimal
        ? json
          ? JSON.stringify(minimalJson).replace(/([,:])/g, "$1 ")
          : minimalText
        : json
          ? JSON.stringify(jsonBody)
          : plainText,
    type: (json) =>
      json ? "application/json; charset=UTF-8" : minimal ? "text/html; charset=UTF-8" : TEXT,
    etag: sha1Etag,
    length: lengthOf,
  });
}

/** A socket that holds no file descriptor: what it is sent goes to the server's parser. */
export class MemorySocket extends Duplex {
  remoteAddress = "127.0.0.1";
  remotePort = 40000;
  localAddress = "127.0.0.1";
  localPort = 8080;
  encrypted = false;
  constructor(onResponse) {
    // Strings are handed over as they are, as a real socket writes them (no Buffer copy).
    super({ decodeStrings: false });
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
  _writev(chunks, callback) {
    callback();
    this.onResponse(this, chunks);
  }
  _write(chunk, encoding, callback) {
    callback();
    this.onResponse(this, [{ chunk, encoding }]);
  }
}

/** Sends `request` once; resolves with the answer as text. */
function fetchOnce(server, request) {
  return new Promise((resolve) => {
    const socket = new MemorySocket((_socket, chunks) => {
      socket.destroy();
      resolve(chunks.map(({ chunk, encoding }) => Buffer.from(chunk, encoding)).join(""));
    });
    server.emit("connection", socket);
    socket.push(request);
  });
}

/** Sends `request` once and checks the answer: a benchmark of wrong answers measures nothing. */
export async function check(server, name, scenario, request) {
  const text = await fetchOnce(server, request);
  const status = `HTTP/1.1 ${scenario.status ?? 200} `;
  if (!text.startsWith(status) || !scenario.expect.test(text)) {
    throw new Error(`${name}, ${scenario.name}: unexpected answer\n${text}`);
  }
}

/**
 * Sends `count` copies of `request` over `SOCKETS` sockets; resolves with the process's CPU µs
 * (user + system) and the wall-clock µs per request.
 */
export function drive(server, request, count) {
  return new Promise((resolve) => {
    let sent = 0;
    let answered = 0;
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const next = (socket) => {
      answered++;
      if (answered === count) {
        const cpu = process.cpuUsage(cpuStart);
        const wall = Number(process.hrtime.bigint() - start) / 1000 / count;
        for (const s of sockets) s.destroy();
        resolve({ cpu: (cpu.user + cpu.system) / count, wall });
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

const FORM = "name=sunck&age=18";
const HEAD = "Host: 127.0.0.1:8080\r\nUser-Agent: bench\r\n";
const get = (path, extra = "") => Buffer.from(`GET ${path} HTTP/1.1\r\n${HEAD}${extra}\r\n`);
const cookies = {
  "node:http": `${cookieValue}.${sign(cookieValue)}`,
  "tornado-ts": createSignedValue(cookieSecret, "session", cookieValue),
  fastify: encodeURIComponent(new Signer(cookieSecret).sign(cookieValue)),
};
// Each server's own validator for the static file, fetched before the 304 scenario runs.
const etags = {};
const fullScenarios = [
  { name: "GET /", request: () => get("/"), expect: /\r\n\r\nHello, World!$/ },
  {
    name: "GET /json",
    request: () => get("/json"),
    expect: /\r\n\r\n\{"message": ?"Hello, World!"\}$/,
  },
  {
    name: "GET /r50/abc/123",
    request: () => get("/r50/abc/123"),
    expect: /\r\n\r\nabc:123$/,
    floor: false,
  },
  {
    name: "POST /form",
    request: () =>
      Buffer.from(
        `POST /form?q=x HTTP/1.1\r\n${HEAD}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${FORM.length}\r\n\r\n${FORM}`,
      ),
    expect: /\r\n\r\nx sunck 18$/,
    floor: false,
  },
  {
    name: "GET /cookie",
    request: (server) => get("/cookie", `Cookie: session=${cookies[server]}\r\n`),
    expect: /\r\nSet-Cookie: session=[^\r]+\r\n[\s\S]*\r\n\r\nHello user-42$/i,
    floor: false,
  },
  {
    name: "GET /static 304",
    prepare: async (server, name) => {
      const answer = await fetchOnce(server, get("/static/file4k.txt"));
      etags[name] = /\r\netag: ([^\r]+)/i.exec(answer)?.[1];
    },
    request: (server) => get("/static/file4k.txt", `If-None-Match: ${etags[server]}\r\n`),
    status: 304,
    expect: /\r\netag: [^\r]+\r\n[\s\S]*\r\n\r\n$/i,
    floor: false,
    // The in-process Fastify leaves @fastify/static out (see the top of this file).
    fastify: false,
  },
];
export const minimalScenarios = [
  { name: "GET /", request: () => get("/"), expect: /\r\n\r\nsunck is a good man $/ },
  {
    name: "GET /json",
    request: () => get("/json"),
    expect:
      /\r\n\r\n\{"name": ?"sunck", ?"age": ?18, ?"good": ?true, ?"motto": ?"sunck is a good man"\}$/,
  },
];
export const scenarios = minimal ? minimalScenarios : fullScenarios;
/** The servers, by the names of the table; `only` picks some. */
export async function createServers(only) {
  const makers = minimal
    ? {
        "node:http": () => createMinimalNode(),
        "tornado floor": () => tornadoFloor(),
        "tornado-ts": () => new HTTPServer(createMinimalApp(), serverOptions).nodeServer,
        fastify: async () => (await createMinimalFastify()).server,
      }
    : {
        "node:http": () => createRawServer(),
        "tornado floor": () => tornadoFloor(),
        "tornado-ts": () => new HTTPServer(createApp(), serverOptions).nodeServer,
        fastify: async () => (await createFastify({ files: false })).server,
      };
  const servers = [];
  for (const [name, make] of Object.entries(makers)) {
    if (!only || only.includes(name)) servers.push([name, await make()]);
  }
  return servers;
}

/** Whether `scenario` runs on the server called `name`. */
export function serves(scenario, name) {
  return (
    (scenario.floor !== false || name !== "tornado floor") &&
    (scenario.fastify !== false || name !== "fastify")
  );
}

export const list = (name) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/** A list of names from the command line: split at ";" when there is one (a name may hold a comma), else at ",". */
export const splitNames = (text) => text?.split(text.includes(";") ? ";" : ",");

async function main() {
  const onlyServers = splitNames(list("servers"));
  const onlyScenarios = list("scenarios")?.split(",");
  const servers = await createServers(onlyServers);
  const results = {};
  for (const scenario of scenarios) {
    if (onlyScenarios && !onlyScenarios.includes(scenario.name)) continue;
    const taking = servers.filter(([name]) => serves(scenario, name));
    for (const [name, server] of taking) {
      await scenario.prepare?.(server, name);
      await check(server, name, scenario, scenario.request(name));
      await drive(server, scenario.request(name), WARMUP);
    }
    const samples = Object.fromEntries(taking.map(([name]) => [name, []]));
    // Rounds interleave the servers, so a slow moment of the machine touches all of them alike.
    // The order turns each round, so no server always follows the same one.
    for (let round = 0; round < ROUNDS; round++) {
      const k = round % taking.length;
      for (const [name, server] of [...taking.slice(k), ...taking.slice(0, k)]) {
        samples[name].push((await drive(server, scenario.request(name), REQUESTS)).cpu);
      }
    }
    for (const [name, list] of Object.entries(samples)) {
      list.sort((a, b) => a - b);
      results[name] ??= {};
      results[name][scenario.name] = {
        median: list[Math.floor(list.length / 2)],
        min: list[0],
        max: list.at(-1),
      };
    }
  }
  const raw = results["node:http"] ?? {};
  const shown = scenarios.filter((s) => !onlyScenarios || onlyScenarios.includes(s.name));
  console.log(
    `in-process, ${REQUESTS} requests per round over ${SOCKETS} sockets, ${ROUNDS} rounds, Node ${process.version}: CPU µs per request, median (min-max), and node:http's median ÷ it\n`,
  );
  console.log(`| server | ${shown.map((s) => s.name).join(" | ")} |`);
  console.log(`|---|${shown.map(() => "---:").join("|")}|`);
  for (const [name, byScenario] of Object.entries(results)) {
    const cells = shown.map(({ name: scenario }) => {
      const us = byScenario[scenario];
      if (us === undefined) return "";
      const range = `${us.median.toFixed(2)} (${us.min.toFixed(2)}-${us.max.toFixed(2)})`;
      return raw[scenario] ? `${range} ${(raw[scenario].median / us.median).toFixed(2)}` : range;
    });
    console.log(`| ${name} | ${cells.join(" | ")} |`);
  }
  process.exit(0);
}

if (isMain(import.meta.url)) await main();
