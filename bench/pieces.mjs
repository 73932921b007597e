// What each piece of Tornado's per-request work costs, measured by taking it away: the minimal
// apps' GET / and GET /json (bench/servers/minimal-*.mjs) in process (bench/in-process.mjs's
// in-memory sockets), CPU µs per request, median and min-max of interleaved rounds, on a ladder
// of variants. Needs the build (npm run build).
//
//   node bench/pieces.mjs [--requests=N] [--rounds=N] [--variants=a,b]   (npm run bench:pieces)
//                           (names that hold a comma: --variants="no Server, Date;tornado-ts")
//   node bench/instructions.mjs --pieces "--servers=tornado headers made once;no Server, Date"
//                           the same variants counted in instructions (see that file)
//
// Node's side, node:http with no framework, a header at a time up to Tornado's header set:
//   node:http               writeHead with Content-Type and Content-Length (Node adds Date itself)
//   + Server                the same plus Tornado's Server header
//   + Server, Etag          plus an Etag that is the SHA-1 of the body, as Tornado's computeEtag
//   tornado floor           Tornado's exact header set, as a flat array, Date kept per second
//   tornado headers made once
//                           the same header set with every value made once (the ETag once per
//                           body, as tornado-ts's memo does for small repeated bodies): what is
//                           left is Node's own work for Tornado's headers, the least any
//                           framework on node:http that sends them can cost
//   fastify                 the minimal Fastify 5 app, for reference
// tornado-ts's side, the minimal app with one piece taken away at a time:
//   tornado-ts              the minimal app behind HTTPServer, as users run it
//   no Etag                 computeEtag() returns null: no hash, no header, no If-None-Match check
//   no Server, Date         setDefaultHeaders() clears the Server and Date headers (the clearing
//                           itself costs a little, so this slightly understates them)
//   no Etag, Server, Date   both: the response carries the minimal node:http server's two headers
//                           (less the Date Node adds there)
//   no access log           a logFunction setting that does nothing (the default one looks at the
//                           status and the log level, and logs nothing at the bench's level)
//   no HTTPServer           app.createListener() on a bare node:http server: no connection
//                           tracking (HTTPServer's #track), no framing checks (refuseMalformed), no
//                           idle-timeout handling
// and, without HTTP, the cost of making the handler object: `new Handler(application, request)`
// in a loop, with a request captured from a real one (the constructor runs clear(), which sets
// the default headers, and makes the handler's state).
import { createServer } from "node:http";
import { HTTPServer } from "tornado-ts/httpserver";
import { Application, RequestHandler } from "tornado-ts/web";
import {
  check,
  drive,
  lengthOf,
  option,
  sha1Etag,
  splitNames,
  tornadoHeaderServer,
} from "./in-process.mjs";
import { isMain, minimalJson, minimalText } from "./servers/common.mjs";
import { createMinimalFastify } from "./servers/minimal-fastify.mjs";
import { createMinimalNode } from "./servers/minimal-node.mjs";

// Many short rounds: on a shared machine the minimum of many is the steadier figure.
const REQUESTS = option("requests", 40_000);
const ROUNDS = option("rounds", 15);
const WARMUP = 30_000;
// Names are split at ";" when there is one (some names hold a comma), else at ",".
const onlyVariants = splitNames(process.argv.find((a) => a.startsWith("--variants="))?.slice(11));
const HTML = "text/html; charset=UTF-8";
const JSON_TYPE = "application/json; charset=UTF-8";
const SERVER = "tornado-ts/0.1.0";
const tornadoJson = JSON.stringify(minimalJson).replace(/([,:])/g, "$1 ");

/** node:http answering both URLs with `headers(body, json)` as writeHead's header object. */
function nodeWith(headers) {
  return createServer((req, res) => {
    const json = req.url === "/json";
    const body = json ? tornadoJson : minimalText;
    res.writeHead(200, headers(body, json));
    res.end(body);
  });
}

const minimalBody = (json) => (json ? tornadoJson : minimalText);
const minimalType = (json) => (json ? JSON_TYPE : HTML);

function tornadoFloor() {
  return tornadoHeaderServer({
    body: minimalBody,
    type: minimalType,
    etag: sha1Etag,
    length: lengthOf,
  });
}

/** Tornado's header set with every value made once: only Node's own work for it is left. */
function tornadoHeadersMadeOnce() {
  const bodies = [minimalText, tornadoJson];
  const etags = new Map(bodies.map((body) => [body, sha1Etag(body)]));
  const lengths = new Map(bodies.map((body) => [body, lengthOf(body)]));
  return tornadoHeaderServer({
    body: minimalBody,
    type: minimalType,
    etag: (body) => etags.get(body),
    length: (body) => lengths.get(body),
  });
}

/** The minimal app's two handlers, built on `Base` (a RequestHandler subclass). */
function minimalApp(Base = RequestHandler, settings = {}) {
  class TextHandler extends Base {
    get() {
      this.write(minimalText);
    }
  }
  class JsonHandler extends Base {
    get() {
      this.write(minimalJson);
    }
  }
  return new Application(
    [
      ["/", TextHandler],
      ["/json", JsonHandler],
    ],
    settings,
  );
}

class NoEtag extends RequestHandler {
  computeEtag() {
    return null;
  }
}
class NoServerDate extends RequestHandler {
  setDefaultHeaders() {
    this.clearHeader("Server");
    this.clearHeader("Date");
  }
}
class NoEtagServerDate extends NoServerDate {
  computeEtag() {
    return null;
  }
}

const serverOptions = { idleConnectionTimeout: 60 };
const behind = (app) => new HTTPServer(app, serverOptions).nodeServer;
/** The variants by name: each makes a node:http server answering the minimal apps' two URLs. */
export const variants = {
  "node:http": () => createMinimalNode(),
  "+ Server": () =>
    nodeWith((body, json) => ({
      Server: SERVER,
      "Content-Type": json ? JSON_TYPE : HTML,
      "Content-Length": Buffer.byteLength(body),
    })),
  "+ Server, Etag": () =>
    nodeWith((body, json) => ({
      Server: SERVER,
      "Content-Type": json ? JSON_TYPE : HTML,
      Etag: sha1Etag(body),
      "Content-Length": Buffer.byteLength(body),
    })),
  "tornado floor": () => tornadoFloor(),
  "tornado headers made once": () => tornadoHeadersMadeOnce(),
  fastify: async () => (await createMinimalFastify()).server,
  "tornado-ts": () => behind(minimalApp()),
  "no Etag": () => behind(minimalApp(NoEtag)),
  "no Server, Date": () => behind(minimalApp(NoServerDate)),
  "no Etag, Server, Date": () => behind(minimalApp(NoEtagServerDate)),
  "no access log": () => behind(minimalApp(RequestHandler, { logFunction: () => {} })),
  "no HTTPServer": () => {
    const server = createServer(minimalApp().createListener({}));
    server.keepAliveTimeout = 60_000;
    return server;
  },
};

const HEAD = "Host: 127.0.0.1:8080\r\nUser-Agent: bench\r\n";
const scenarios = [
  {
    name: "GET /",
    request: Buffer.from(`GET / HTTP/1.1\r\n${HEAD}\r\n`),
    expect: /\r\n\r\nsunck is a good man $/,
  },
  {
    name: "GET /json",
    request: Buffer.from(`GET /json HTTP/1.1\r\n${HEAD}\r\n`),
    expect:
      /\r\n\r\n\{"name": ?"sunck", ?"age": ?18, ?"good": ?true, ?"motto": ?"sunck is a good man"\}$/,
  },
];

/** CPU ns to make one handler object, median of `ROUNDS` loops of `count`. */
async function handlerObjectCost(count) {
  let captured;
  class Capture extends RequestHandler {
    get() {
      captured = this.request;
      this.write(minimalText);
    }
  }
  const app = new Application([["/", Capture]]);
  const server = createServer(app.createListener({}));
  await check(server, "capture", { name: "GET /", expect: /sunck/ }, scenarios[0].request);
  class Plain extends RequestHandler {
    get() {}
  }
  const loops = [];
  let keep;
  for (let round = 0; round < ROUNDS + 1; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < count; i++) keep = new Plain(app, captured);
    const used = process.cpuUsage(start);
    // The first loop warms the constructor up.
    if (round > 0) loops.push(((used.user + used.system) * 1000) / count);
  }
  if (!(keep instanceof RequestHandler)) throw new Error("no handler made");
  loops.sort((a, b) => a - b);
  return { median: loops[Math.floor(loops.length / 2)], min: loops[0], max: loops.at(-1) };
}

async function main() {
  const servers = [];
  for (const [name, make] of Object.entries(variants)) {
    if (!onlyVariants || onlyVariants.includes(name)) servers.push([name, await make()]);
  }
  const results = {};
  for (const scenario of scenarios) {
    for (const [name, server] of servers) {
      await check(server, name, scenario, scenario.request);
      await drive(server, scenario.request, WARMUP);
    }
    const samples = Object.fromEntries(servers.map(([name]) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const k = round % servers.length;
      for (const [name, server] of [...servers.slice(k), ...servers.slice(0, k)]) {
        samples[name].push((await drive(server, scenario.request, REQUESTS)).cpu);
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
  const cell = (r) => `${r.median.toFixed(2)} (${r.min.toFixed(2)}-${r.max.toFixed(2)})`;
  const signed = (v) => `${v >= 0 ? "+" : ""}${v.toFixed(2)}`;
  // Another process on the core only ever adds CPU time (caches, the sibling hyperthread), so the
  // minimum is the steadier estimate on a shared machine; both differences are given.
  const diff = (r, base) =>
    base ? `${signed(r.median - base.median)} / ${signed(r.min - base.min)}` : "";
  console.log(
    `in process, the minimal apps, ${REQUESTS} requests per round, ${ROUNDS} interleaved rounds, Node ${process.version}: CPU µs per request, median (min-max); Δ is median / min against the row before (Node's side), node:http (fastify) or tornado-ts (tornado-ts's side)\n`,
  );
  console.log("| variant | GET / | Δ | GET /json | Δ |");
  console.log("|---|---:|---:|---:|---:|");
  const names = Object.keys(results);
  for (const [i, [name, byScenario]] of Object.entries(results).entries()) {
    const baseName = name.startsWith("no ")
      ? "tornado-ts"
      : name === "fastify" || name === "tornado headers made once"
        ? "node:http"
        : name === "tornado-ts" || i === 0
          ? undefined
          : names[i - 1];
    const cells = scenarios.map(({ name: s }) => {
      const r = byScenario[s];
      return `${cell(r)} | ${diff(r, baseName ? results[baseName]?.[s] : undefined)}`;
    });
    console.log(`| ${name} | ${cells.join(" | ")} |`);
  }
  if (!onlyVariants || onlyVariants.includes("handler object")) {
    const cost = await handlerObjectCost(200_000);
    console.log(
      `\nhandler object: new RequestHandler subclass (application, request): ${cost.median.toFixed(0)} ns (${cost.min.toFixed(0)}-${cost.max.toFixed(0)}) CPU per object, ${ROUNDS} loops of 200,000`,
    );
  }
  process.exit(0);
}

if (isMain(import.meta.url)) await main();
