// Where one request's time goes: runs one in-process scenario (bench/in-process.mjs) under V8's
// sampling profiler and splits the samples by who spends them, in µs per request.
//
//   node bench/profile.mjs [--server=tornado-ts] [--scenario="GET /"] [--requests=N] [--top=N]
//                          [--warm-all]
//   node bench/profile.mjs --all [--requests=N]
//   node bench/profile.mjs --pieces [--minimal] [--scenario=...] [--requests=N]
//   (npm run bench:profile -- --server=fastify "--scenario=GET /cookie")
//
// --warm-all runs every other scenario first, so the code has seen all the handler classes, as in
// an application with many. --all profiles every scenario on node:http, tornado-ts and Fastify
// (each in a fresh process) and prints one table of µs per request by group.
//
// Each sample's time goes to the innermost frame that has a script behind it: time in native code
// (V8 builtins, the C++ of node:http's parser, system calls such as lstat, HMAC) counts for the
// JavaScript function that called it. Groups:
//   node: http, streams, events  Node's own JavaScript for HTTP, sockets, streams and events
//   node: crypto / fs / other    Node's crypto (HMAC, hashes), file system, everything else of Node
//   tornado-ts <module>          the framework (dist/), by module
//   fastify and plugins, ...     a dependency (node_modules), by package
//   application                  the benchmark's own handlers (bench/servers/)
//   benchmark driver             the in-memory sockets that stand in for the network
//   garbage collector            V8's garbage collection
// --pieces gives, for tornado-ts, the inclusive time of each piece of Tornado's per-request work
// (a sample counts for a piece when any frame of its stack belongs to it; see PIECES), so pieces
// that call one another overlap and do not add up. A function V8 has inlined into its caller is
// counted for the caller (clear() inside the constructor, for one): a piece at 0 is such a case. --minimal runs the minimal apps
// (bench/in-process.mjs --minimal).
// Run with --cpu-prof as well to inspect a profile in Chrome's DevTools.
import { spawnSync } from "node:child_process";
import { Session } from "node:inspector/promises";
import { fileURLToPath } from "node:url";
import {
  check,
  createServers,
  drive,
  list,
  option,
  scenarios,
  serves,
  WARMUP,
} from "./in-process.mjs";

const serverName = list("server") ?? "tornado-ts";
const scenarioName = list("scenario") ?? "GET /";
const REQUESTS = option("requests", 200_000);
const TOP = option("top", 25);
const INTERVAL_US = 50;

/**
 * Tornado's per-request work, as the functions that do it: [piece, file of dist/ or node:, names].
 * A frame belongs to a piece when its script's path ends with the file and its function has one
 * of the names.
 */
const PIECES = [
  ["all of tornado-ts's request listener (HTTPServer's)", "/httpserver.js", ["listener"]],
  [
    "connection tracking (HTTPServer #track, its close listener)",
    "/httpserver.js",
    ["#track", "#connection", "onTrackedResponseClose", "forgetConnection"],
  ],
  ["framing checks (refuseMalformed: Host, version)", "/httpserver-framing.js", ["framingProblem"]],
  ["request object (HTTPServerRequest)", "/httputil/request.js", ["HTTPServerRequest"]],
  ["routing (findHandler)", "/web/application.js", ["findHandler"]],
  [
    "handler object (RequestHandler constructor, clear())",
    "/web/request-handler.js",
    ["RequestHandler"],
  ],
  ["default headers (clear(): Server, Content-Type, Date)", "/web/request-handler.js", ["clear"]],
  [
    "lifecycle (#execute: prepare, the method, write, finish)",
    "/web/request-handler.js",
    ["#execute"],
  ],
  ["write()", "/web/request-handler.js", ["write"]],
  ["finish()", "/web/request-handler.js", ["finish"]],
  [
    "ETag (setEtagHeader: computeEtag, SHA-1; checkEtagHeader)",
    "/web/request-handler.js",
    ["setEtagHeader", "computeEtag", "checkEtagHeader"],
  ],
  [
    "header block and writeHead (handler-state)",
    "/web/handler-state.js",
    ["writeHead", "rawHeaders"],
  ],
  ["access log (logRequest)", "/web/application.js", ["logRequest"]],
  ["Node: writeHead and the header checks it makes", "node:_http_server", ["writeHead"]],
  ["Node: end() (the write of the response)", "node:_http_outgoing", ["end"]],
];

if (process.argv.includes("--all")) {
  summarise();
  process.exit(0);
}

const scenario = scenarios.find((s) => s.name === scenarioName);
if (!scenario) {
  console.error(
    `no scenario ${JSON.stringify(scenarioName)}; one of: ${scenarios.map((s) => s.name).join(", ")}`,
  );
  process.exit(2);
}
if (!serves(scenario, serverName)) {
  console.error(`${serverName} does not take part in ${scenarioName}`);
  process.exit(2);
}
const [entry] = await createServers([serverName]);
if (!entry) {
  console.error(
    `no server ${JSON.stringify(serverName)}; one of: node:http, tornado floor, tornado-ts, fastify`,
  );
  process.exit(2);
}
const [, server] = entry;
// With --warm-all every scenario the server takes part in runs first, so the profiled code has
// seen all the handler classes (as in an application with many), not just one.
const warming = process.argv.includes("--warm-all")
  ? scenarios.filter((s) => s !== scenario && serves(s, serverName))
  : [];
for (const each of [...warming, scenario]) {
  await each.prepare?.(server, serverName);
  await check(server, serverName, each, each.request(serverName));
  await drive(server, each.request(serverName), WARMUP);
}

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: INTERVAL_US });
await session.post("Profiler.start");
const { wall, cpu } = await drive(server, scenario.request(serverName), REQUESTS);
const { profile } = await session.post("Profiler.stop");
session.disconnect();

/** The group a frame's script belongs to, or null for native code (no script). */
function groupOf(url) {
  if (!url) return null;
  if (url.startsWith("node:inspector")) return "profiler";
  if (url.startsWith("node:")) {
    const path = url.slice(5);
    if (
      /^(_http|http|net|stream|internal\/streams|events|internal\/http|internal\/stream_base|internal\/timers|timers|internal\/process\/task_queues)/.test(
        path,
      )
    ) {
      return "node: http, streams, events";
    }
    if (path.includes("crypto")) return "node: crypto";
    if (/^(fs|internal\/fs|path)/.test(path)) return "node: fs, path";
    return "node: other";
  }
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + 14).split("/");
    const name = rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
    if (name === "tornado-ts") return `tornado-ts ${rest.slice(2).join("/")}`;
    return /fastify|find-my-way|avvio|light-my-request|fast-json|secure-json|cookie/.test(name)
      ? `fastify and plugins (${name})`
      : name;
  }
  const dist = url.indexOf("/dist/");
  if (dist >= 0) return `tornado-ts ${url.slice(dist + 6)}`;
  if (url.includes("/bench/servers/")) return "application (bench/servers)";
  if (url.includes("/bench/")) return "benchmark driver";
  return url;
}

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parents.set(child, node.id);
const label = (frame) =>
  `${frame.functionName || "(anonymous)"} ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}`;

// Per node: the group and the function its samples count for.
const owners = new Map();
function ownerOf(id) {
  let owner = owners.get(id);
  if (owner) return owner;
  const frame = nodes.get(id).callFrame;
  const group = groupOf(frame.url);
  if (frame.functionName === "(garbage collector)")
    owner = { group: "garbage collector", fn: "(garbage collector)" };
  else if (
    frame.functionName === "(idle)" ||
    frame.functionName === "(program)" ||
    frame.functionName === "(root)"
  )
    owner = { group: "idle, program", fn: frame.functionName };
  else if (group !== null) owner = { group, fn: label(frame) };
  else {
    const parent = parents.get(id);
    const up = parent === undefined ? { group: "native", fn: "(native)" } : ownerOf(parent);
    owner = {
      group: up.group,
      fn: up.fn.includes(" ← ") ? up.fn : `${frame.functionName} ← ${up.fn}`,
    };
  }
  owners.set(id, owner);
  return owner;
}

const byGroup = new Map();
const byFunction = new Map();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  const { group, fn } = ownerOf(profile.samples[i]);
  if (group === "idle, program" || group === "profiler") continue;
  total += dt;
  byGroup.set(group, (byGroup.get(group) ?? 0) + dt);
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
}

if (process.argv.includes("--pieces")) {
  printPieces();
  process.exit(0);
}

if (process.argv.includes("--json")) {
  const perGroup = Object.fromEntries([...byGroup].map(([name, us]) => [name, us / REQUESTS]));
  console.log(JSON.stringify({ wall, profiled: total / REQUESTS, groups: perGroup }));
  process.exit(0);
}

const perRequest = (us) => (us / REQUESTS).toFixed(2).padStart(6);
const share = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(
  `${serverName}, ${scenarioName}${warming.length > 0 ? " (after every other scenario)" : ""}: ${REQUESTS} requests, ${cpu.toFixed(2)} CPU µs per request (${wall.toFixed(2)} wall); profiled ${perRequest(total).trim()} µs per request (sampled every ${INTERVAL_US} µs, Node ${process.version})\n`,
);
console.log("µs/req  share  group");
const groups = [...byGroup].sort((a, b) => b[1] - a[1]);
const tornado = groups
  .filter(([name]) => name.startsWith("tornado-ts "))
  .reduce((sum, [, us]) => sum + us, 0);
for (const [name, us] of groups) console.log(`${perRequest(us)} ${share(us)}  ${name}`);
if (tornado > 0) console.log(`${perRequest(tornado)} ${share(tornado)}  (tornado-ts, all modules)`);
console.log(`\nTop ${TOP} functions (native code counted for its caller):`);
for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  console.log(`${perRequest(us)} ${share(us)}  ${fn}`);
}
process.exit(0);

/** The column a profile group belongs to in the --all table. */
function column(group) {
  if (group.startsWith("tornado-ts ") || group.startsWith("fastify and plugins"))
    return "framework";
  if (group === "node: http, streams, events") return "node:http";
  if (group === "node: crypto") return "crypto";
  if (group === "node: fs, path") return "file system";
  if (group === "garbage collector") return "GC";
  return "other";
}

/** Profiles every scenario on three servers, one fresh process each, and prints a table. */
function summarise() {
  const columns = ["node:http", "framework", "crypto", "file system", "GC", "other"];
  console.log(
    `µs per request by group (in process, ${REQUESTS} requests each, Node ${process.version}); "other" holds the rest of Node, the application's handler and the in-memory sockets\n`,
  );
  console.log(`| scenario | server | profiled | ${columns.join(" | ")} |`);
  console.log(`|---|---|---:|${columns.map(() => "---:").join("|")}|`);
  for (const each of scenarios) {
    for (const server of ["node:http", "tornado-ts", "fastify"]) {
      if (!serves(each, server)) continue;
      const child = spawnSync(
        process.execPath,
        [
          fileURLToPath(import.meta.url),
          `--server=${server}`,
          `--scenario=${each.name}`,
          `--requests=${REQUESTS}`,
          "--json",
        ],
        { encoding: "utf8" },
      );
      if (child.status !== 0) throw new Error(`${server}, ${each.name}: ${child.stderr}`);
      const result = JSON.parse(child.stdout.trim().split("\n").at(-1));
      const sums = Object.fromEntries(columns.map((name) => [name, 0]));
      for (const [group, us] of Object.entries(result.groups)) sums[column(group)] += us;
      const cells = columns.map((name) => (sums[name] >= 0.005 ? sums[name].toFixed(2) : ""));
      console.log(
        `| ${each.name} | ${server} | ${result.profiled.toFixed(2)} | ${cells.join(" | ")} |`,
      );
    }
  }
}

function printPieces() {
  const matchers = PIECES.map(([, file, names]) => ({ file, names: new Set(names) }));
  const piecesOf = new Map();
  const own = (id) => {
    const frame = nodes.get(id).callFrame;
    const out = [];
    matchers.forEach(({ file, names }, i) => {
      if (frame.url.endsWith(file) && names.has(frame.functionName)) out.push(i);
    });
    return out;
  };
  const pieces = (id) => {
    let set = piecesOf.get(id);
    if (set) return set;
    const parent = parents.get(id);
    set = new Set([...(parent === undefined ? [] : pieces(parent)), ...own(id)]);
    piecesOf.set(id, set);
    return set;
  };
  const sums = PIECES.map(() => 0);
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    const { group } = ownerOf(profile.samples[i]);
    if (group === "idle, program" || group === "profiler") continue;
    for (const p of pieces(profile.samples[i])) sums[p] += dt;
  }
  console.log(
    `${serverName}, ${scenarioName}${process.argv.includes("--minimal") ? " (minimal app)" : ""}: ${REQUESTS} requests, profiled ${(total / REQUESTS).toFixed(2)} µs per request (sampled every ${INTERVAL_US} µs; the profiler inflates every figure about alike), Node ${process.version}\n`,
  );
  console.log("| piece (inclusive: with what it calls) | µs/req | share of the profiled time |");
  console.log("|---|---:|---:|");
  PIECES.forEach(([name], i) => {
    console.log(
      `| ${name} | ${(sums[i] / REQUESTS).toFixed(2)} | ${((100 * sums[i]) / total).toFixed(1)} % |`,
    );
  });
}
