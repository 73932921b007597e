// The benchmark: the same scenarios against raw node:http, tornado-ts, Fastify, Express, Hono and
// Python Tornado, in one run on one machine. Servers are pinned to core 0 and the load generator
// (wrk -c64) to core 1. Each round starts every server afresh and then measures scenario by
// scenario, every framework in turn (the order rotates from round to round), so a slow moment of
// a shared machine touches all of them alike. The main figure is the server's CPU time per request
// (utime + stime from /proc/<pid>/stat over the measurement, divided by the requests wrk
// counted), reported as the median of the rounds with its min-max; req/s are given too, but on a
// shared machine they move with the neighbours far more than CPU per request does. Each
// scenario's answer is checked once per server before it is loaded.
//
//   npm run bench                       full run, 5 rounds (results in bench/results/latest.*)
//   npm run bench -- --quick            one short round, under two minutes (bench/results/quick.*)
//   --only=plaintext,json               scenarios whose names start with these
//   --frameworks=node:http,tornado-ts   frameworks whose names start with these
//   --rounds=N --duration=S             override the rounds and the seconds per measurement
//   --out=NAME                          results in bench/results/NAME.* (a narrowed run, one with
//                                       --only or --frameworks, writes partial.* by default and
//                                       never latest.*)
//   --baseline=REF [--candidate=REF]    before/after: tornado-ts built from the git ref REF (in a
//                                       temporary tree, see baselineTree) runs interleaved with the
//                                       current tree (or with --candidate's build), on the same
//                                       apps; by default on the issue's scenarios (plaintext,
//                                       JSON, route, form POST, signed cookie, the minimal app's
//                                       two); results in bench/results/baseline.*
//
// The "minimal" scenarios run the issue's minimal apps (bench/servers/minimal-*.mjs: tornado-ts's
// `write("sunck is a good man ")` and `write({...})`, a raw node:http server, a Fastify 5 app);
// the others run the full apps (100 routes, templates, static files, cookies, uploads).
//
// Besides wrk scenarios: 10,000 idle keep-alive connections (memory per connection, from a
// separate client process, bench/idle-client.mjs), start(1) against start(2) for tornado-ts, and
// the template engines without HTTP (bench/template-render.ts). The long-soak memory check is
// scripts/soak.ts, not this script.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const resultsDir = join(here, "results");
const tmpDir = join(resultsDir, "tmp");
const args = process.argv.slice(2);
const option = (name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const listOption = (name: string): string[] | undefined => option(name)?.split(",");
const quick = args.includes("--quick");
const onlyScenarios = listOption("only");
const onlyFrameworks = listOption("frameworks");
const baselineRef = option("baseline");
const candidateRef = option("candidate");
/** The scenarios a before/after run takes by default: the ones issue 18 holds within 3 %. */
const BASELINE_SCENARIOS = [
  "minimal plaintext",
  "minimal json",
  "plaintext",
  "json",
  "route (50 of 100)",
  "query + form POST",
  "signed cookie",
];
const scenarioFilter = onlyScenarios ?? (baselineRef ? BASELINE_SCENARIOS : undefined);
const narrowed = onlyScenarios !== undefined || onlyFrameworks !== undefined;
const outName =
  option("out") ?? (baselineRef ? "baseline" : quick ? "quick" : narrowed ? "partial" : "latest");
const ROUNDS = Number(option("rounds") ?? (quick ? 1 : 5));
const DURATION = Number(option("duration") ?? (quick ? 1 : 3));
const WARMUP = 1;
const CONNECTIONS = 64;
const IDLE_CONNECTIONS = 10_000;
const ENGINE_SECONDS = quick ? 0.3 : 2;
const SERVER_CORES = "0";
const LOAD_CORES = "1";
const BOTH_CORES = "0,1";

interface Framework {
  name: string;
  command: string[];
  /** The minimal app's command; a framework without one sits the minimal scenarios out. */
  minimal?: string[];
  /** The folder the server runs in (a baseline's build); the repository by default. */
  cwd?: string;
  env?: Record<string, string>;
  /** The scenarios this framework runs; without it, every scenario not marked `only`. */
  scenarios?: string[];
  /** CPUs for the server and for wrk (default: the server on core 0, wrk on core 1). */
  serverCores?: string;
  loadCores?: string;
  /** Worker processes that each print "ready" (start(n)). */
  processes?: number;
}

interface Check {
  status: number;
  body?: RegExp;
  length?: number;
}

interface Scenario {
  name: string;
  kind: "wrk" | "idle";
  /** Which app answers it: the full one (default) or the minimal one. */
  app?: "full" | "minimal";
  path: string;
  method?: "GET" | "POST";
  /** A wrk script (method and body), and the same request for the check. */
  lua?: string;
  body?: { type: string; data: Buffer };
  /** Request headers found by a first request (an ETag, a cookie). */
  prime?: (port: number) => Promise<Record<string, string>>;
  check: Check;
  /** Only frameworks naming it run it. */
  only?: boolean;
}

interface Sample {
  rps: number;
  /** Server CPU time (user + system) per request, in microseconds: steadier than req/s on a shared machine. */
  cpuUs: number;
  p50: number;
  p99: number;
  errors: number;
  peakRssKiB: number;
}

interface IdleSample {
  connections: number;
  baseRssKiB: number;
  rssKiB: number;
  peakRssKiB: number;
  closedEarly: number;
}

const node = process.execPath;
// --expose-gc lets the idle scenario compare memory after a full collection (common.mjs).
const nodeServer = [node, "--expose-gc"];
const frameworks: Framework[] = [
  {
    name: "node:http",
    command: [...nodeServer, "bench/servers/raw-node.mjs"],
    minimal: [...nodeServer, "bench/servers/minimal-node.mjs"],
  },
  {
    name: "tornado-ts",
    command: [...nodeServer, "bench/servers/tornado-ts.mjs"],
    minimal: [...nodeServer, "bench/servers/minimal-tornado-ts.mjs"],
  },
  {
    name: "tornado-ts (1 route)",
    command: [...nodeServer, "bench/servers/tornado-ts.mjs"],
    env: { ROUTES: "1" },
    scenarios: ["route (1 of 1)"],
  },
  {
    name: "tornado-ts start(1)",
    command: [node, "bench/servers/tornado-ts.mjs"],
    env: { START: "1" },
    scenarios: ["plaintext, both cores shared"],
    serverCores: BOTH_CORES,
    loadCores: BOTH_CORES,
  },
  {
    name: "tornado-ts start(2)",
    command: [node, "bench/servers/tornado-ts.mjs"],
    env: { START: "2" },
    scenarios: ["plaintext, both cores shared"],
    serverCores: BOTH_CORES,
    loadCores: BOTH_CORES,
    processes: 2,
  },
  {
    name: "fastify",
    command: [...nodeServer, "bench/servers/fastify.mjs"],
    minimal: [...nodeServer, "bench/servers/minimal-fastify.mjs"],
  },
  { name: "express", command: [...nodeServer, "bench/servers/express.mjs"] },
  { name: "hono", command: [...nodeServer, "bench/servers/hono.mjs"] },
];
const PYTHON = "/usr/bin/python3";
const pythonTornado = pythonTornadoVersion();
if (pythonTornado) {
  frameworks.push({
    name: "tornado (python)",
    command: [PYTHON, "bench/servers/python_tornado.py"],
  });
} else {
  console.error(
    "Python Tornado not found (apt-get install -y python3-tornado): its column is left out.",
  );
}

const BOUNDARY = "----tornado-ts-bench-boundary";
const UPLOAD_SIZE = 1024 * 1024;
const uploadBody = Buffer.concat([
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nbenchmark\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="upload.bin"\r\n` +
      "Content-Type: application/octet-stream\r\n\r\n",
  ),
  Buffer.alloc(UPLOAD_SIZE, "x"),
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);
const FORM_TYPE = "application/x-www-form-urlencoded";
const UPLOAD_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

const scenarios: Scenario[] = [
  {
    name: "minimal plaintext",
    kind: "wrk",
    app: "minimal",
    path: "/",
    check: { status: 200, body: /^sunck is a good man $/ },
  },
  {
    name: "minimal json",
    kind: "wrk",
    app: "minimal",
    path: "/json",
    check: {
      status: 200,
      body: /^\{"name": ?"sunck", ?"age": ?18, ?"good": ?true, ?"motto": ?"sunck is a good man"\}$/,
    },
  },
  { name: "plaintext", kind: "wrk", path: "/", check: { status: 200, body: /^Hello, World!$/ } },
  {
    name: "json",
    kind: "wrk",
    path: "/json",
    check: { status: 200, body: /^\{"message": ?"Hello, World!"\}$/ },
  },
  {
    name: "route (50 of 100)",
    kind: "wrk",
    path: "/r50/abc/123",
    check: { status: 200, body: /^abc:123$/ },
  },
  {
    name: "route (1 of 1)",
    kind: "wrk",
    path: "/r0/abc/123",
    check: { status: 200, body: /^abc:123$/ },
    only: true,
  },
  {
    name: "query + form POST",
    kind: "wrk",
    path: "/form?q=search",
    method: "POST",
    lua: "form.lua",
    body: { type: FORM_TYPE, data: Buffer.from("name=sunck&age=18") },
    check: { status: 200, body: /^search sunck 18$/ },
  },
  {
    name: "template page",
    kind: "wrk",
    path: "/page",
    check: {
      status: 200,
      body: /<title>Users &amp; &lt;friends&gt;<\/title>[\s\S]*<td>User &lt;99&gt; &amp; co<\/td>[\s\S]*<\/html>/,
    },
  },
  {
    name: "static 4 KiB",
    kind: "wrk",
    path: "/static/file4k.txt",
    check: { status: 200, length: 4096 },
  },
  {
    name: "static 304",
    kind: "wrk",
    path: "/static/file4k.txt",
    prime: async (port) => {
      const etag = (await request(port, "GET", "/static/file4k.txt", {})).headers.etag;
      if (!etag) throw new Error("no ETag on the static file");
      return { "If-None-Match": etag };
    },
    check: { status: 304 },
  },
  {
    name: "signed cookie",
    kind: "wrk",
    path: "/cookie",
    prime: async (port) => {
      const setCookie = (await request(port, "GET", "/cookie", {})).headers["set-cookie"] ?? [];
      const cookie = setCookie.find((c) => c.startsWith("session="));
      if (!cookie) throw new Error("no session cookie set");
      return { Cookie: cookie.split(";")[0]! };
    },
    check: { status: 200, body: /^Hello user-42$/ },
  },
  {
    name: "1 MiB upload",
    kind: "wrk",
    path: "/upload",
    method: "POST",
    lua: "upload.lua",
    body: { type: UPLOAD_TYPE, data: uploadBody },
    check: { status: 200, body: /^upload\.bin 1048576$/ },
  },
  {
    name: "plaintext, both cores shared",
    kind: "wrk",
    path: "/",
    check: { status: 200, body: /^Hello, World!$/ },
    only: true,
  },
  {
    name: `${IDLE_CONNECTIONS} idle keep-alive connections`,
    kind: "idle",
    path: "/",
    check: { status: 200, body: /^Hello, World!$/ },
  },
];

function pythonTornadoVersion(): string | null {
  if (!existsSync(PYTHON)) return null;
  try {
    return execFileSync(PYTHON, ["-c", "import tornado; print(tornado.version)"], {
      encoding: "utf8",
    }).trim();
  } catch {
    return null;
  }
}

function requireTool(tool: string, hint: string): void {
  try {
    execFileSync("which", [tool], { stdio: "ignore" });
  } catch {
    console.error(`${tool} is needed for the benchmark: ${hint}`);
    process.exit(2);
  }
}

/** The soft and hard limits on open files, as the shell reports them. */
function fileLimits(): { soft: number; hard: number } {
  const [soft, hard] = execFileSync("sh", ["-c", "ulimit -Sn; ulimit -Hn"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((v) => (v === "unlimited" ? Number.POSITIVE_INFINITY : Number(v)));
  return { soft: soft!, hard: hard! };
}

// Each server and the idle client need a descriptor per connection, plus some of their own.
const FILES_NEEDED = IDLE_CONNECTIONS + 1024;
let raiseFileLimit = false;

/** The command under `taskset`, with the open-file limit raised when the idle scenario needs it. */
function pinned(cores: string, command: string[]): string[] {
  const inner = ["taskset", "-c", cores, ...command];
  if (!raiseFileLimit) return inner;
  return ["sh", "-c", `ulimit -n ${FILES_NEEDED} && exec "$@"`, "sh", ...inner];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

interface Running {
  child: ChildProcess;
  port: number;
}

type App = "full" | "minimal";

async function startServer(framework: Framework, app: App = "full"): Promise<Running> {
  const command = app === "minimal" ? framework.minimal : framework.command;
  if (!command) throw new Error(`${framework.name} has no ${app} app`);
  const [cmd, ...rest] = pinned(framework.serverCores ?? SERVER_CORES, command);
  const processes = framework.processes ?? 1;
  // Workers of start(n) share one port, so it is chosen here rather than by the OS in each.
  const fixedPort = framework.env?.["START"] ? await freePort() : 0;
  const child = spawn(cmd!, rest, {
    cwd: framework.cwd ?? root,
    env: { ...process.env, PORT: String(fixedPort), NODE_ENV: "production", ...framework.env },
    stdio: ["pipe", "pipe", "inherit"],
    // Its own process group, so that start(n) workers are stopped with it.
    detached: true,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${framework.name} did not start`)), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const readies = [...out.matchAll(/ready (\d+)/g)];
      if (readies.length >= processes) {
        clearTimeout(timer);
        resolve(Number(readies[0]![1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${framework.name} exited with ${code}`));
    });
  });
  child.removeAllListeners("exit");
  child.stdin!.on("error", () => {});
  return { child, port };
}

/** Asks the server for a full garbage collection (see `ready` in bench/servers/common.mjs). */
async function collectGarbage(running: Running): Promise<void> {
  const stdout = running.child.stdout!;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(finish, 3000);
    function finish(): void {
      clearTimeout(timer);
      stdout.off("data", onData);
      resolve();
    }
    function onData(chunk: Buffer): void {
      if (chunk.toString().includes("gc done")) finish();
    }
    stdout.on("data", onData);
  });
  running.child.stdin!.write("gc\n");
  await done;
  await sleep(200);
}

function stopServer(running: Running): Promise<void> {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null || running.child.signalCode !== null) {
      resolve();
      return;
    }
    running.child.once("exit", () => resolve());
    try {
      process.kill(-running.child.pid!, "SIGKILL");
    } catch {
      resolve();
    }
  });
}

/** The process and its descendants (start(n) workers), from /proc. */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while the list was read.
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]!) ?? []));
  return out;
}

function statusKiB(pid: number, field: "VmHWM" | "VmRSS"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Resets the peak RSS (VmHWM) of the server's processes, so it can be read per scenario. */
function resetPeak(pid: number): void {
  for (const p of processTree(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, "5");
    } catch {
      // Without clear_refs (old kernels) the peak covers the server's life so far.
    }
  }
}

/** Peak RSS (or current RSS) summed over the server's processes. */
function memoryKiB(pid: number, field: "VmHWM" | "VmRSS"): number {
  return processTree(pid).reduce((sum, p) => sum + statusKiB(p, field), 0);
}

const CLOCK_TICKS =
  Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** CPU seconds (user + system) used so far by the server's processes. */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended.
    }
  }
  return ticks / CLOCK_TICKS;
}

function parseLatency(text: string, label: string): number {
  const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
}

function runWrk(
  framework: Framework,
  running: Running,
  scenario: Scenario,
  headers: Record<string, string>,
  seconds: number,
): Omit<Sample, "peakRssKiB"> {
  const port = running.port;
  const cpuBefore = cpuSeconds(running.child.pid!);
  const wrkArgs = ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency"];
  for (const [name, value] of Object.entries(headers)) wrkArgs.push("-H", `${name}: ${value}`);
  if (scenario.lua) wrkArgs.push("-s", join(tmpDir, scenario.lua));
  wrkArgs.push(`http://127.0.0.1:${port}${scenario.path}`);
  const out = execFileSync(
    "taskset",
    ["-c", framework.loadCores ?? LOAD_CORES, "wrk", ...wrkArgs],
    {
      encoding: "utf8",
      timeout: (seconds + 60) * 1000,
    },
  );
  const cpu = cpuSeconds(running.child.pid!) - cpuBefore;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    out,
  );
  const errors =
    non2xx + (socketErrors ? socketErrors.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  return {
    rps,
    cpuUs: requests > 0 ? (cpu / requests) * 1e6 : Number.NaN,
    p50: parseLatency(out, "50"),
    p99: parseLatency(out, "99"),
    errors,
  };
}

/** One request through node:http (not fetch, which adds cache headers to conditional requests). */
function request(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Sends the scenario's request once and checks the answer; returns a problem or null. */
async function checkAnswer(
  port: number,
  scenario: Scenario,
  headers: Record<string, string>,
): Promise<string | null> {
  const all = { ...headers };
  if (scenario.body) all["Content-Type"] = scenario.body.type;
  const res = await request(
    port,
    scenario.method ?? "GET",
    scenario.path,
    all,
    scenario.body?.data,
  );
  const { check } = scenario;
  if (res.status !== check.status) return `status ${res.status}, expected ${check.status}`;
  const text = res.body.toString("utf8");
  if (check.body && !check.body.test(text)) {
    return `unexpected body ${JSON.stringify(text.slice(0, 200))}`;
  }
  if (check.length !== undefined && res.body.length !== check.length) {
    return `body of ${res.body.length} bytes, expected ${check.length}`;
  }
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens the idle connections from bench/idle-client.mjs and measures the server's RSS growth. */
async function runIdle(framework: Framework, running: Running): Promise<IdleSample> {
  const pid = running.child.pid!;
  await collectGarbage(running);
  const baseRssKiB = memoryKiB(pid, "VmRSS");
  resetPeak(pid);
  const [cmd, ...rest] = pinned(framework.loadCores ?? LOAD_CORES, [node, "bench/idle-client.mjs"]);
  const client = spawn(cmd!, rest, {
    cwd: root,
    env: { ...process.env, PORT: String(running.port), COUNT: String(IDLE_CONNECTIONS) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  client.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  client.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => client.once("exit", resolve));
  const opened = await Promise.race([
    (async () => {
      while (!/open (\d+)/.test(out)) {
        if (client.exitCode !== null) return null;
        await sleep(50);
      }
      return Number(/open (\d+)/.exec(out)![1]);
    })(),
    new Promise<null>((resolve) => setTimeout(resolve, 120_000, null).unref()),
  ]);
  if (opened === null) {
    client.kill("SIGKILL");
    await exited;
    throw new Error(`the idle client failed: ${err.trim() || "timed out"}`);
  }
  await sleep(500);
  await collectGarbage(running);
  const rssKiB = memoryKiB(pid, "VmRSS");
  const peakRssKiB = memoryKiB(pid, "VmHWM");
  client.stdin!.end();
  await exited;
  const closedEarly = Number(/closed-early (\d+)/.exec(out)?.[1] ?? 0);
  return { connections: opened, baseRssKiB, rssKiB, peakRssKiB, closedEarly };
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function selected(name: string, filter: string[] | undefined): boolean {
  return !filter || filter.some((f) => name.startsWith(f));
}

function scenariosOf(framework: Framework, kind: Scenario["kind"]): Scenario[] {
  return scenarios.filter(
    (s) =>
      s.kind === kind &&
      selected(s.name, scenarioFilter) &&
      (s.app !== "minimal" || framework.minimal !== undefined) &&
      (framework.scenarios ? framework.scenarios.includes(s.name) : !s.only),
  );
}

function writeScripts(): void {
  mkdirSync(tmpDir, { recursive: true });
  const luaString = (text: string) => JSON.stringify(text);
  writeFileSync(
    join(tmpDir, "form.lua"),
    `wrk.method = "POST"\nwrk.body = "name=sunck&age=18"\nwrk.headers["Content-Type"] = ${luaString(FORM_TYPE)}\n`,
  );
  const head = uploadBody.subarray(0, uploadBody.indexOf("xxxx")).toString("latin1");
  const tail = `\r\n--${BOUNDARY}--\r\n`;
  writeFileSync(
    join(tmpDir, "upload.lua"),
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = ${luaString(UPLOAD_TYPE)}\n` +
      `wrk.body = ${luaString(head)} .. string.rep("x", ${UPLOAD_SIZE}) .. ${luaString(tail)}\n`,
  );
  // Hono's page is JSX: compiled once, as a Hono user's build would.
  const jsx = readFileSync(join(here, "servers", "hono-page.jsx"), "utf8");
  const compiled = transformSync(jsx, {
    loader: "jsx",
    jsx: "automatic",
    jsxImportSource: "hono/jsx",
    format: "esm",
  });
  writeFileSync(join(tmpDir, "hono-page.mjs"), compiled.code);
}

interface EngineResult {
  perSecond: number;
  bytes: number;
}

function runTemplateEngines(): Record<string, EngineResult> | null {
  try {
    const out = execFileSync(
      "taskset",
      ["-c", SERVER_CORES, node, "--import", "tsx", "bench/template-render.ts", "--json"],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, BENCH_SECONDS: String(ENGINE_SECONDS) },
      },
    );
    return JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, EngineResult>;
  } catch (error) {
    console.error(`template engine benchmark failed: ${(error as Error).message}`);
    return null;
  }
}

/** One scenario's figures for one framework over the rounds. */
interface Summary {
  rps: number;
  rpsMin: number;
  rpsMax: number;
  cpuUs: number;
  cpuUsMin: number;
  cpuUsMax: number;
  /** Per round (NaN where a round has no sample), for the paired before/after ratios. */
  cpuUsRounds: number[];
  rpsRounds: number[];
  p50: number;
  p99: number;
  errors: number;
  peakRssKiB: number;
}

type Results = Record<string, Record<string, Summary>>;

/** The newest modification time of the files under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The servers load the built package: build it when src/ has changed since the last build. */
function ensureBuilt(): void {
  const marker = join(root, "dist", "index.js");
  if (existsSync(marker) && statSync(marker).mtimeMs >= newestMtime(join(root, "src"))) return;
  process.stderr.write("building the package (npm run build)...\n");
  execFileSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * The tree of git ref `ref`, built, with the current bench/servers copied in, so that the same
 * apps run on that ref's framework (the servers import "tornado-ts/...", which resolves to the
 * nearest package.json of that name: the tree's own dist/). The tree is `git archive` output in
 * the system's temporary folder, one per commit and kept for the next run; unlike a
 * `git worktree`, it leaves no entry in the repository to prune if the run is stopped.
 */
function baselineTree(ref: string): { dir: string; sha: string } {
  const sha = execFileSync("git", ["rev-parse", "--verify", `${ref}^{commit}`], {
    cwd: root,
    encoding: "utf8",
  }).trim();
  const dir = join(tmpdir(), "tornado-ts-bench-trees", sha);
  if (!existsSync(join(dir, "dist", "index.js"))) {
    process.stderr.write(`building ${ref} (${sha.slice(0, 7)}) in ${dir}...\n`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync("sh", ["-c", `git archive ${sha} | tar -x -C "${dir}"`], { cwd: root });
    // The dependencies of the current tree: a ref with other dependencies needs its own install.
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    try {
      execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], {
        cwd: dir,
        stdio: ["ignore", "inherit", "inherit"],
      });
    } catch (error) {
      // tsc still writes its output on a type error; a branch in progress can be measured so.
      if (!existsSync(join(dir, "dist", "index.js"))) throw error;
      process.stderr.write(`${ref} has type errors (above); measuring its output all the same\n`);
    }
  }
  cpSync(join(here, "servers"), join(dir, "bench", "servers"), { recursive: true, force: true });
  return { dir, sha };
}

/** tornado-ts's two apps, run from another tree (a baseline's build). */
function tornadoFrom(name: string, dir: string): Framework {
  return {
    name,
    cwd: dir,
    command: [...nodeServer, "bench/servers/tornado-ts.mjs"],
    minimal: [...nodeServer, "bench/servers/minimal-tornado-ts.mjs"],
  };
}

/** The frameworks of this run: the peers, or for --baseline the two builds of tornado-ts. */
function activeFrameworks(): { active: Framework[]; before?: string; after?: string } {
  if (!baselineRef) return { active: frameworks.filter((f) => selected(f.name, onlyFrameworks)) };
  const base = baselineTree(baselineRef);
  const before = `tornado-ts @ ${baselineRef} (${base.sha.slice(0, 7)})`;
  const active = [tornadoFrom(before, base.dir)];
  let after = "tornado-ts (this tree)";
  if (candidateRef) {
    const candidate = baselineTree(candidateRef);
    after = `tornado-ts @ ${candidateRef} (${candidate.sha.slice(0, 7)})`;
    active.push(tornadoFrom(after, candidate.dir));
  } else {
    active.push({ ...frameworks.find((f) => f.name === "tornado-ts")!, name: after });
  }
  // Peers only when asked for (--frameworks=node:http gives the machine's drift a reference).
  if (onlyFrameworks) {
    active.push(
      ...frameworks.filter(
        (f) => !f.name.startsWith("tornado-ts") && selected(f.name, onlyFrameworks),
      ),
    );
  }
  return { active, before, after };
}

/** `list` turned `by` places: the order in which round `by` visits the frameworks. */
function rotate<T>(list: T[], by: number): T[] {
  if (list.length === 0) return list;
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

async function main(): Promise<void> {
  requireTool("wrk", "apt-get install -y wrk");
  requireTool("taskset", "apt-get install -y util-linux");
  ensureBuilt();
  const { active, before, after } = activeFrameworks();
  const wantIdle = active.some((f) => scenariosOf(f, "idle").length > 0);
  if (wantIdle) {
    const { soft, hard } = fileLimits();
    if (hard < FILES_NEEDED) {
      console.error(
        `The idle keep-alive scenario needs ${FILES_NEEDED} open files per process, but the hard limit (ulimit -Hn) is ${hard}. Raise it (as root: ulimit -Hn ${FILES_NEEDED}, or nofile in /etc/security/limits.conf), or leave the scenario out with --only=...`,
      );
      process.exit(2);
    }
    raiseFileLimit = soft < FILES_NEEDED;
  }
  writeScripts();
  const samples = new Map<string, (Sample & { round: number })[]>();
  const idleSamples = new Map<string, IdleSample[]>();
  const problems: string[] = [];
  const broken = new Set<string>();
  const started = Date.now();
  const key = (f: string, s: string) => `${f}\t${s}`;
  const wrkScenarios = scenarios.filter((s) => s.kind === "wrk");

  for (let round = 0; round < ROUNDS; round++) {
    // Every server this round needs, started afresh; idle ones cost no CPU while others are measured.
    const servers = new Map<string, Running>();
    const serverKey = (f: Framework, app: App) => `${f.name}\t${app}`;
    try {
      for (const framework of active) {
        for (const app of ["full", "minimal"] as const) {
          const list = scenariosOf(framework, "wrk").filter(
            (s) => (s.app ?? "full") === app && !broken.has(key(framework.name, s.name)),
          );
          if (list.length === 0) continue;
          try {
            const running = await startServer(framework, app);
            servers.set(serverKey(framework, app), running);
            if (quick) runWrk(framework, running, list[0]!, {}, WARMUP);
          } catch (error) {
            for (const s of list) broken.add(key(framework.name, s.name));
            problems.push(`${framework.name} (${app} app): ${(error as Error).message}`);
          }
        }
      }
      for (const scenario of wrkScenarios) {
        for (const framework of rotate(active, round)) {
          if (!scenariosOf(framework, "wrk").includes(scenario)) continue;
          if (broken.has(key(framework.name, scenario.name))) continue;
          const running = servers.get(serverKey(framework, scenario.app ?? "full"));
          if (!running) continue;
          let headers: Record<string, string> = {};
          try {
            headers = scenario.prime ? await scenario.prime(running.port) : {};
            const problem = await checkAnswer(running.port, scenario, headers);
            if (problem) throw new Error(problem);
          } catch (error) {
            broken.add(key(framework.name, scenario.name));
            problems.push(`${framework.name}, ${scenario.name}: ${(error as Error).message}`);
            continue;
          }
          resetPeak(running.child.pid!);
          if (!quick) runWrk(framework, running, scenario, headers, WARMUP);
          const sample = runWrk(framework, running, scenario, headers, DURATION);
          const peakRssKiB = memoryKiB(running.child.pid!, "VmHWM");
          const k = key(framework.name, scenario.name);
          samples.set(k, [...(samples.get(k) ?? []), { ...sample, peakRssKiB, round }]);
        }
      }
    } finally {
      for (const running of servers.values()) await stopServer(running);
    }
    // The idle scenario runs once per round in a full run, once in a quick one, on a fresh server.
    for (const framework of active) {
      for (const scenario of scenariosOf(framework, "idle")) {
        if (quick && round > 0) continue;
        if (broken.has(key(framework.name, scenario.name))) continue;
        const running = await startServer(framework);
        try {
          const problem = await checkAnswer(running.port, scenario, {});
          if (problem) throw new Error(problem);
          if (!quick)
            runWrk(framework, running, scenarios.find((s) => s.name === "plaintext")!, {}, WARMUP);
          const sample = await runIdle(framework, running);
          idleSamples.set(framework.name, [...(idleSamples.get(framework.name) ?? []), sample]);
        } catch (error) {
          broken.add(key(framework.name, scenario.name));
          problems.push(`${framework.name}, ${scenario.name}: ${(error as Error).message}`);
        } finally {
          await stopServer(running);
        }
      }
    }
    process.stderr.write(
      `round ${round + 1}/${ROUNDS} done (${((Date.now() - started) / 1000).toFixed(0)}s)\n`,
    );
  }
  const engines =
    !baselineRef && selected("template engines", onlyScenarios) ? runTemplateEngines() : null;

  const results: Results = {};
  for (const [k, list] of samples) {
    const [framework, scenario] = k.split("\t") as [string, string];
    const perRound = (pick: (s: Sample) => number) =>
      Array.from({ length: ROUNDS }, (_, r) => {
        const sample = list.find((s) => s.round === r);
        return sample ? pick(sample) : Number.NaN;
      });
    const cpu = list.map((s) => s.cpuUs).filter((v) => !Number.isNaN(v));
    const rps = list.map((s) => s.rps);
    results[scenario] ??= {};
    results[scenario]![framework] = {
      rps: median(rps),
      rpsMin: Math.min(...rps),
      rpsMax: Math.max(...rps),
      cpuUs: median(cpu),
      cpuUsMin: cpu.length > 0 ? Math.min(...cpu) : Number.NaN,
      cpuUsMax: cpu.length > 0 ? Math.max(...cpu) : Number.NaN,
      cpuUsRounds: perRound((s) => s.cpuUs),
      rpsRounds: perRound((s) => s.rps),
      p50: median(list.map((s) => s.p50)),
      p99: median(list.map((s) => s.p99)),
      errors: list.reduce((n, s) => n + s.errors, 0),
      peakRssKiB: Math.max(...list.map((s) => s.peakRssKiB)),
    };
  }
  // Scenarios in the order of the list above, frameworks in the order of `active`.
  const ordered: Results = {};
  for (const scenario of scenarios) {
    const byFramework = results[scenario.name];
    if (!byFramework) continue;
    ordered[scenario.name] = {};
    for (const f of active)
      if (byFramework[f.name]) ordered[scenario.name]![f.name] = byFramework[f.name]!;
  }
  const idle: Record<string, IdleSummary> = {};
  for (const [framework, list] of idleSamples) {
    const perConnection = list.map((s) => (s.rssKiB - s.baseRssKiB) / s.connections);
    idle[framework] = {
      connections: Math.min(...list.map((s) => s.connections)),
      perConnectionKiB: median(perConnection),
      rssDeltaMiB: median(list.map((s) => (s.rssKiB - s.baseRssKiB) / 1024)),
      peakRssMiB: Math.max(...list.map((s) => s.peakRssKiB)) / 1024,
      closedEarly: list.reduce((n, s) => n + s.closedEarly, 0),
    };
  }

  const machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg().map((v) => Number(v.toFixed(2))),
    kernel: execFileSync("uname", ["-r"], { encoding: "utf8" }).trim(),
    node: process.version,
    pythonTornado,
    wrk: execFileSync("sh", ["-c", "wrk -v 2>&1 | head -1"], { encoding: "utf8" }).trim(),
    commit: gitDescribe(),
    date: new Date().toISOString(),
  };
  const settings = {
    mode: quick ? "quick" : "full",
    command: `npm run bench --${args.length > 0 ? ` ${args.map(shellQuote).join(" ")}` : ""}`,
    rounds: ROUNDS,
    seconds: DURATION,
    warmupSeconds: WARMUP,
    connections: CONNECTIONS,
    idleConnections: IDLE_CONNECTIONS,
    elapsedSeconds: Math.round((Date.now() - started) / 1000),
  };
  const comparison = before && after ? { before, after } : null;
  const report = {
    machine,
    settings,
    comparison,
    results: ordered,
    idle,
    templateEngines: engines,
    problems,
  };
  const table = comparison
    ? formatComparison(report, comparison.before, comparison.after)
    : formatReport(report);
  console.log(table);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${outName}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(resultsDir, `${outName}.md`), `${table}\n`);
  process.stderr.write(`results in bench/results/${outName}.md and .json\n`);
  if (outName === "latest" || outName === "quick") {
    const svgPath = join(resultsDir, outName === "quick" ? "quick.svg" : "chart.svg");
    const { svg, width, height } = chart(ordered, machine.date);
    writeFileSync(svgPath, svg);
    renderPng(svgPath, svgPath.replace(/\.svg$/, ".png"), width, height);
  }
}

interface IdleSummary {
  connections: number;
  perConnectionKiB: number;
  rssDeltaMiB: number;
  peakRssMiB: number;
  closedEarly: number;
}

interface Report {
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  results: Results;
  idle: Record<string, IdleSummary>;
  templateEngines: Record<string, EngineResult> | null;
  problems: string[];
}

/** The checked-out commit, with "+changes" when the tree has uncommitted edits. */
function gitDescribe(): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    return dirty ? `${sha}+changes in src/` : sha;
  } catch {
    return "unknown";
  }
}

const shellQuote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg}"`);

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || Number.isNaN(n) ? "" : n.toFixed(digits);

/** A median with its spread over the rounds: "25.9 (25.1-27.0)". */
const spread = (median: number, min: number, max: number, digits = 1): string =>
  Number.isNaN(median) ? "" : `${fmt(median, digits)} (${fmt(min, digits)}-${fmt(max, digits)})`;

function header(report: Report): string[] {
  const { machine, settings } = report;
  return [
    `tornado-ts benchmark, ${machine["date"]}, commit ${machine["commit"]}: ${machine["cpu"]}, ${machine["cores"]} cores, ${machine["memoryGiB"]} GiB, Linux ${machine["kernel"]}, Node ${machine["node"]}, Python Tornado ${machine["pythonTornado"] ?? "absent"}, ${machine["wrk"]}; load average at the end ${(machine["loadAverage"] as number[]).join(", ")} (the machine is shared with other work).`,
    `\`${settings["command"]}\`: ${settings["mode"]} run, ${settings["rounds"]} interleaved round(s), ${settings["seconds"]}s per measurement${settings["mode"] === "full" ? ` after a ${settings["warmupSeconds"]}s warm-up` : ""}, wrk -t1 -c${settings["connections"]}; each server on core 0 and wrk on core 1 (except the start(n) rows); CPU µs/req is the server's user + system time (from /proc/<pid>/stat) per request; medians over rounds with (min-max); peak RSS is the largest over rounds, per scenario; took ${settings["elapsedSeconds"]}s.`,
  ];
}

function formatReport(report: Report): string {
  const { results, idle, templateEngines, problems } = report;
  const lines = header(report);
  if (Object.keys(results).length > 0) {
    lines.push("");
    lines.push(
      "| scenario | framework | CPU µs/req (min-max) | tornado-ts ÷ it, CPU | req/s (min-max) | tornado-ts ÷ it, req/s | p50 ms | p99 ms | peak RSS MiB | errors |",
    );
    lines.push("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  }
  for (const [scenario, byFramework] of Object.entries(results)) {
    const ours = byFramework["tornado-ts"] ?? byFramework["tornado-ts (1 route)"];
    for (const [framework, r] of Object.entries(byFramework)) {
      const peer = ours && !framework.startsWith("tornado-ts");
      // Above 1 means tornado-ts is the better: less CPU per request, more requests per second.
      const cpuRatio = peer ? fmt(r.cpuUs / ours.cpuUs, 2) : "";
      const rpsRatio = peer ? fmt(ours.rps / r.rps, 2) : "";
      lines.push(
        `| ${scenario} | ${framework} | ${spread(r.cpuUs, r.cpuUsMin, r.cpuUsMax)} | ${cpuRatio} | ${spread(r.rps, r.rpsMin, r.rpsMax, 0)} | ${rpsRatio} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.peakRssKiB / 1024, 1)} | ${r.errors} |`,
      );
    }
  }
  if (Object.keys(idle).length > 0) {
    lines.push("");
    lines.push(
      "| idle keep-alive connections | connections | RSS growth MiB | KiB per connection | vs node:http | peak RSS MiB | closed by the server |",
    );
    lines.push("|---|---:|---:|---:|---:|---:|---:|");
    const rawIdle = idle["node:http"]?.perConnectionKiB;
    for (const [framework, r] of Object.entries(idle)) {
      lines.push(
        `| ${framework} | ${r.connections} | ${fmt(r.rssDeltaMiB, 1)} | ${fmt(r.perConnectionKiB, 2)} | ${rawIdle ? fmt(r.perConnectionKiB / rawIdle, 2) : ""} | ${fmt(r.peakRssMiB, 1)} | ${r.closedEarly} |`,
      );
    }
  }
  const scaling = results["plaintext, both cores shared"];
  const one = scaling?.["tornado-ts start(1)"]?.rps;
  const two = scaling?.["tornado-ts start(2)"]?.rps;
  if (one && two) {
    lines.push("");
    lines.push(
      `start(n) scaling (plaintext; the server processes and wrk share both cores, so a second worker competes with wrk for the second core): start(1) ${fmt(one)} req/s, start(2) ${fmt(two)} req/s, ${fmt(two / one, 2)}x.`,
    );
  }
  if (templateEngines) {
    lines.push("");
    lines.push(
      "| template engine (the page, no HTTP) | renders/s | page bytes | tornado-ts ÷ it |",
    );
    lines.push("|---|---:|---:|---:|");
    const ours = templateEngines["tornado-ts template"]?.perSecond;
    for (const [name, r] of Object.entries(templateEngines)) {
      lines.push(
        `| ${name} | ${fmt(r.perSecond)} | ${r.bytes} | ${ours && !name.startsWith("tornado-ts") ? fmt(ours / r.perSecond, 2) : ""} |`,
      );
    }
  }
  lines.push("");
  lines.push(...targets(results, idle, templateEngines));
  lines.push(...problemLines(problems));
  return lines.join("\n");
}

function problemLines(problems: string[]): string[] {
  if (problems.length === 0) return [];
  return [
    "",
    "Left out (the server did not start or the answer check failed):",
    ...problems.map((p) => `- ${p}`),
  ];
}

/**
 * The before/after table of a --baseline run. Besides each side's median, "after ÷ before" is
 * the median of the per-round ratios: the two builds run back to back within a round, so a ratio
 * within one round is less exposed to a shared machine's drift than a ratio of medians.
 */
function formatComparison(report: Report, before: string, after: string): string {
  const lines = header(report);
  lines.push("");
  lines.push(`before: ${before}; after: ${after}.`);
  lines.push("");
  lines.push(
    "| scenario | before CPU µs/req (min-max) | after CPU µs/req (min-max) | after ÷ before, CPU (per-round min-max) | within 3 % | before req/s | after req/s |",
  );
  lines.push("|---|---:|---:|---:|:---:|---:|---:|");
  for (const [scenario, byFramework] of Object.entries(report.results)) {
    const b = byFramework[before];
    const a = byFramework[after];
    if (!a || !b) continue;
    const ratios = a.cpuUsRounds
      .map((v, i) => v / b.cpuUsRounds[i]!)
      .filter((v) => !Number.isNaN(v));
    const ratio = median(ratios);
    const within = Number.isNaN(ratio) ? "" : ratio <= 1.03 ? "yes" : "no";
    lines.push(
      `| ${scenario} | ${spread(b.cpuUs, b.cpuUsMin, b.cpuUsMax)} | ${spread(a.cpuUs, a.cpuUsMin, a.cpuUsMax)} | ${spread(ratio, Math.min(...ratios), Math.max(...ratios), 3)} | ${within} | ${fmt(b.rps)} | ${fmt(a.rps)} |`,
    );
  }
  const peers = Object.values(report.results).some((byFramework) =>
    Object.keys(byFramework).some((f) => f !== before && f !== after),
  );
  if (peers) {
    lines.push("");
    lines.push("Reference servers in the same rounds (CPU µs/req, median (min-max)):");
    lines.push("");
    lines.push("| scenario | framework | CPU µs/req (min-max) | req/s |");
    lines.push("|---|---|---:|---:|");
    for (const [scenario, byFramework] of Object.entries(report.results)) {
      for (const [framework, r] of Object.entries(byFramework)) {
        if (framework === before || framework === after) continue;
        lines.push(
          `| ${scenario} | ${framework} | ${spread(r.cpuUs, r.cpuUsMin, r.cpuUsMax)} | ${fmt(r.rps)} |`,
        );
      }
    }
  }
  lines.push(...problemLines(report.problems));
  return lines.join("\n");
}

/** The issue's targets, from the CPU per request, each marked met or not met. */
function targets(
  results: Results,
  idle: Record<string, { perConnectionKiB: number }>,
  engines: Record<string, EngineResult> | null,
): string[] {
  // [target, CPU ratio, req/s ratio, goal, goal text]
  const rows: [string, number | undefined, number | undefined, number, string][] = [];
  const get = (scenario: string, framework: string) => results[scenario]?.[framework];
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 && !Number.isNaN(a) && !Number.isNaN(b)
      ? a / b
      : undefined;
  // Peer CPU ÷ tornado-ts CPU: above 1 means tornado-ts spends less per request.
  const versus = (scenario: string, ours: string, peer: string) =>
    [
      ratio(get(scenario, peer)?.cpuUs, get(scenario, ours)?.cpuUs),
      ratio(get(scenario, ours)?.rps, get(scenario, peer)?.rps),
    ] as const;
  const nodeTargets = [
    "minimal plaintext",
    "minimal json",
    "plaintext",
    "json",
    "route (50 of 100)",
    "query + form POST",
  ];
  for (const scenario of Object.keys(results)) {
    if (scenario === "route (1 of 1)" || scenario.includes("both cores")) continue;
    const peers: [string, number, string][] = [
      ["fastify", 1, "≥ 1.0"],
      ["express", 1, "≥ 1.0"],
      ["tornado (python)", 5, "≥ 5"],
    ];
    if (nodeTargets.includes(scenario)) peers.unshift(["node:http", 0.9, "≥ 0.90"]);
    for (const [peer, goal, goalText] of peers) {
      const [cpu, rps] = versus(scenario, "tornado-ts", peer);
      if (cpu === undefined) continue;
      rows.push([`${scenario}: tornado-ts ÷ ${peer}`, cpu, rps, goal, goalText]);
    }
  }
  const [routeCpu, routeRps] = versus("route (50 of 100)", "tornado-ts", "tornado-ts (1 route)");
  if (routeCpu === undefined) {
    // Different scenarios: the 50th of 100 routes against the one-route app.
    const many = get("route (50 of 100)", "tornado-ts");
    const one = get("route (1 of 1)", "tornado-ts (1 route)");
    rows.push([
      "routing: 100 regex routes ÷ 1 route",
      ratio(one?.cpuUs, many?.cpuUs),
      ratio(many?.rps, one?.rps),
      0.9,
      "≥ 0.90",
    ]);
  } else {
    rows.push(["routing: 100 regex routes ÷ 1 route", routeCpu, routeRps, 0.9, "≥ 0.90"]);
  }
  if (engines) {
    const ours = engines["tornado-ts template"]?.perSecond;
    rows.push([
      "template engine: tornado-ts ÷ EJS",
      ratio(ours, engines["EJS 3"]?.perSecond),
      undefined,
      1,
      "≥ 1.0",
    ]);
    rows.push([
      "template engine: tornado-ts ÷ Tornado's",
      ratio(ours, engines["Tornado 6.2 template (CPython)"]?.perSecond),
      undefined,
      5,
      "≥ 5",
    ]);
  }
  rows.push([
    "idle connection memory: node:http ÷ tornado-ts",
    ratio(idle["node:http"]?.perConnectionKiB, idle["tornado-ts"]?.perConnectionKiB),
    undefined,
    1 / 1.1,
    "≥ 0.91 (at most +10%)",
  ]);
  const out = [
    "Targets, judged on CPU per request (a peer's CPU µs/req ÷ tornado-ts's; above 1, tornado-ts spends less); the req/s ratio of the same run beside it. Template engines and idle memory have their own measures.",
    "",
    "| target | value (CPU) | req/s ratio | goal | met |",
    "|---|---:|---:|---:|:---:|",
  ];
  for (const [name, value, rps, goal, goalText] of rows) {
    if (value === undefined) continue;
    out.push(
      `| ${name} | ${value.toFixed(2)} | ${fmt(rps, 2)} | ${goalText} | ${value >= goal ? "yes" : "no"} |`,
    );
  }
  return out;
}

const COLORS: Record<string, string> = {
  "node:http": "#868e96",
  "tornado-ts": "#d9480f",
  fastify: "#1c7ed6",
  express: "#37b24d",
  hono: "#f59f00",
  "tornado (python)": "#7048e8",
};

const escapeXml = (text: string) =>
  text.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);

/**
 * Small multiples as SVG (no dependencies): one panel per scenario, a horizontal bar per
 * framework on the panel's own scale, labelled with its requests per second of server CPU.
 */
function chart(results: Results, date: string): { svg: string; width: number; height: number } {
  const names = Object.keys(COLORS);
  const panels = Object.keys(results).filter((s) => names.some((n) => results[s]?.[n]));
  const columns = 3;
  const panelW = 330;
  const barH = 16;
  const panelH = 34 + names.length * (barH + 4);
  const labelW = 110;
  const width = columns * panelW + 20;
  const height = 50 + Math.ceil(panels.length / columns) * (panelH + 14) + 10;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">`;
  svg += `<rect width="100%" height="100%" fill="white"/>`;
  svg += `<text x="10" y="22" font-size="15" font-weight="bold">tornado-ts and its peers: requests per second of server CPU (10⁶ ÷ CPU µs/req, median; higher is better)</text>`;
  svg += `<text x="10" y="40" fill="#555">${escapeXml(date.slice(0, 10))}; each panel has its own scale; server on one core, wrk on the other</text>`;
  panels.forEach((scenario, i) => {
    const x0 = 10 + (i % columns) * panelW;
    const y0 = 50 + Math.floor(i / columns) * (panelH + 14);
    const byFramework = results[scenario]!;
    const perCpuSecond = (n: string) => {
      const us = byFramework[n]?.cpuUs;
      return us && !Number.isNaN(us) ? 1e6 / us : undefined;
    };
    const max = Math.max(...names.map((n) => perCpuSecond(n) ?? 0));
    svg += `<rect x="${x0}" y="${y0}" width="${panelW - 10}" height="${panelH}" fill="#f8f9fa" stroke="#dee2e6"/>`;
    svg += `<text x="${x0 + 8}" y="${y0 + 18}" font-size="12" font-weight="bold">${escapeXml(scenario)}</text>`;
    names.forEach((name, ni) => {
      const y = y0 + 28 + ni * (barH + 4);
      const value = perCpuSecond(name);
      svg += `<text x="${x0 + 8}" y="${y + 12}">${escapeXml(name)}</text>`;
      if (value === undefined) {
        svg += `<text x="${x0 + labelW}" y="${y + 12}" fill="#999">n/a</text>`;
        return;
      }
      const w = max > 0 ? (value / max) * (panelW - labelW - 80) : 0;
      svg += `<rect x="${x0 + labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[name]}"><title>${escapeXml(name)}: ${value.toFixed(0)} requests per CPU second</title></rect>`;
      svg += `<text x="${(x0 + labelW + w + 4).toFixed(1)}" y="${y + 12}">${value.toFixed(0)}</text>`;
    });
  });
  return { svg: `${svg}</svg>\n`, width, height };
}

/** Renders the SVG to PNG with rsvg-convert, or headless Chromium; skipped when neither is there. */
function renderPng(svgPath: string, pngPath: string, width: number, height: number): void {
  const has = (tool: string) => {
    try {
      execFileSync("which", [tool], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  try {
    if (has("rsvg-convert")) {
      execFileSync("rsvg-convert", ["-o", pngPath, svgPath]);
    } else if (has("chromium")) {
      execFileSync(
        "chromium",
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--hide-scrollbars",
          `--window-size=${width},${height}`,
          `--screenshot=${pngPath}`,
          `file://${svgPath}`,
        ],
        { stdio: "ignore", timeout: 60_000 },
      );
    } else {
      console.error("No rsvg-convert or chromium: the PNG chart is not made.");
    }
  } catch (error) {
    console.error(`The PNG chart could not be made: ${(error as Error).message}`);
  }
}

await main();
