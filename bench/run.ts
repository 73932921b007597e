// The benchmark: the same scenarios against raw node:http, tornado-ts, Fastify, Express, Hono and
// Python Tornado, in one run on one machine. Servers are pinned to one core and the load generator
// (wrk) to the other; every round starts each server afresh, rounds are interleaved, and the table
// reports the median. `npm run bench` (full) or `npm run bench -- --quick` (under two minutes).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const quick = process.argv.includes("--quick");
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const ROUNDS = quick ? 3 : 5;
const DURATION = quick ? 1 : 5;
const WARMUP = 1;
const CONNECTIONS = 64;

interface Framework {
  name: string;
  command: string[];
  env?: Record<string, string>;
  /** Scenario names this framework runs (default: all). */
  scenarios?: string[];
}

interface Scenario {
  name: string;
  path: string;
  lua?: string;
}

const frameworks: Framework[] = [
  { name: "node:http", command: [process.execPath, "bench/servers/raw-node.mjs"] },
  { name: "tornado-ts", command: [process.execPath, "bench/servers/tornado-ts.mjs"] },
  {
    name: "tornado-ts (1 route)",
    command: [process.execPath, "bench/servers/tornado-ts.mjs"],
    env: { ROUTES: "1" },
    scenarios: ["route (1 of 1)"],
  },
  { name: "fastify", command: [process.execPath, "bench/servers/fastify.mjs"] },
  { name: "express", command: [process.execPath, "bench/servers/express.mjs"] },
  { name: "hono", command: [process.execPath, "bench/servers/hono.mjs"] },
];
if (existsSync("/usr/bin/python3") && pythonHasTornado()) {
  frameworks.push({
    name: "tornado (python)",
    command: ["/usr/bin/python3", "bench/servers/python_tornado.py"],
  });
} else {
  console.error(
    "Python Tornado not found (apt-get install -y python3-tornado): its column is left out.",
  );
}

const formLua = join(here, "results", "form.lua");
const scenarios: Scenario[] = [
  { name: "plaintext", path: "/" },
  { name: "json", path: "/json" },
  { name: "route (50 of 100)", path: "/r50/abc/123" },
  { name: "route (1 of 1)", path: "/r0/abc/123" },
  { name: "query + form POST", path: "/form?q=search", lua: formLua },
];

function pythonHasTornado(): boolean {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import tornado"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
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

function pinned(core: number, command: string[]): string[] {
  return ["taskset", "-c", String(core), ...command];
}

async function startServer(framework: Framework): Promise<{ child: ChildProcess; port: number }> {
  const [cmd, ...args] = pinned(0, framework.command);
  const child = spawn(cmd!, args, {
    cwd: root,
    env: { ...process.env, PORT: "0", NODE_ENV: "production", ...framework.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${framework.name} did not start`)), 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`${framework.name} exited with ${code}`)));
  });
  child.removeAllListeners("exit");
  return { child, port };
}

function peakRssKiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function parseLatency(text: string, label: string): number {
  const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
}

function runWrk(port: number, scenario: Scenario, seconds: number): Sample {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency"];
  if (scenario.lua) args.push("-s", scenario.lua);
  args.push(`http://127.0.0.1:${port}${scenario.path}`);
  const out = execFileSync("taskset", ["-c", "1", "wrk", ...args], { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    out,
  );
  const errors =
    non2xx + (socketErrors ? socketErrors.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  return { rps, p50: parseLatency(out, "50"), p99: parseLatency(out, "99"), errors };
}

function median(values: number[]): number {
  const sorted = [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function scenariosOf(framework: Framework): Scenario[] {
  const wanted = scenarios.filter((s) =>
    framework.scenarios ? framework.scenarios.includes(s.name) : s.name !== "route (1 of 1)",
  );
  return only ? wanted.filter((s) => only.some((o) => s.name.startsWith(o))) : wanted;
}

async function main(): Promise<void> {
  requireTool("wrk", "apt-get install -y wrk");
  requireTool("taskset", "apt-get install -y util-linux");
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(
    formLua,
    'wrk.method = "POST"\nwrk.body = "name=sunck&age=18"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n',
  );
  const samples = new Map<string, Sample[]>();
  const memory = new Map<string, number>();
  const started = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    for (const framework of frameworks) {
      const list = scenariosOf(framework);
      if (list.length === 0) continue;
      const { child, port } = await startServer(framework);
      try {
        if (quick) runWrk(port, list[0]!, WARMUP);
        for (const scenario of list) {
          if (!quick) runWrk(port, scenario, WARMUP);
          const sample = runWrk(port, scenario, DURATION);
          const key = `${framework.name}\t${scenario.name}`;
          samples.set(key, [...(samples.get(key) ?? []), sample]);
        }
        memory.set(
          framework.name,
          Math.max(memory.get(framework.name) ?? 0, peakRssKiB(child.pid!)),
        );
      } finally {
        child.kill("SIGKILL");
      }
    }
    process.stderr.write(
      `round ${round + 1}/${ROUNDS} done (${((Date.now() - started) / 1000).toFixed(0)}s)\n`,
    );
  }

  const results: Record<
    string,
    Record<string, { rps: number; p50: number; p99: number; errors: number }>
  > = {};
  for (const [key, list] of samples) {
    const [framework, scenario] = key.split("\t") as [string, string];
    results[scenario] ??= {};
    results[scenario]![framework] = {
      rps: median(list.map((s) => s.rps)),
      p50: median(list.map((s) => s.p50)),
      p99: median(list.map((s) => s.p99)),
      errors: list.reduce((n, s) => n + s.errors, 0),
    };
  }

  const lines: string[] = [];
  lines.push(
    `tornado-ts benchmark, ${new Date().toISOString()} (${quick ? "quick" : "full"}: ${ROUNDS} rounds x ${DURATION}s, wrk -c${CONNECTIONS}, server on core 0, wrk on core 1)`,
  );
  lines.push("");
  lines.push(
    "| scenario | framework | req/s | p50 ms | p99 ms | vs node:http | tornado-ts vs it | errors |",
  );
  lines.push("|---|---|---:|---:|---:|---:|---:|---:|");
  for (const [scenario, byFramework] of Object.entries(results)) {
    const raw = byFramework["node:http"]?.rps;
    const ours = byFramework["tornado-ts"]?.rps ?? byFramework["tornado-ts (1 route)"]?.rps;
    for (const [framework, r] of Object.entries(byFramework)) {
      const vsRaw = raw ? (r.rps / raw).toFixed(2) : "";
      const oursVs = ours && !framework.startsWith("tornado-ts") ? (ours / r.rps).toFixed(2) : "";
      lines.push(
        `| ${scenario} | ${framework} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${vsRaw} | ${oursVs} | ${r.errors} |`,
      );
    }
  }
  lines.push("");
  lines.push("| framework | peak RSS (MiB) |");
  lines.push("|---|---:|");
  for (const [framework, kib] of memory)
    lines.push(`| ${framework} | ${(kib / 1024).toFixed(1)} |`);
  const route100 = results["route (50 of 100)"]?.["tornado-ts"]?.rps;
  const route1 = results["route (1 of 1)"]?.["tornado-ts (1 route)"]?.rps;
  if (route100 && route1) {
    lines.push("");
    lines.push(
      `Routing cost: 100 regex routes run at ${((route100 / route1) * 100).toFixed(1)}% of the 1-route throughput (target: at least 90%).`,
    );
  }
  const table = lines.join("\n");
  console.log(table);
  const machine = {
    cpus: (await import("node:os")).cpus().length,
    node: process.version,
    date: new Date().toISOString(),
  };
  writeFileSync(
    join(here, "results", quick ? "quick.json" : "latest.json"),
    `${JSON.stringify({ machine, quick, rounds: ROUNDS, duration: DURATION, results, memoryKiB: Object.fromEntries(memory) }, null, 2)}\n`,
  );
  writeFileSync(join(here, "results", quick ? "quick.md" : "latest.md"), `${table}\n`);
  writeFileSync(join(here, "results", quick ? "quick.svg" : "chart.svg"), chart(results));
}

/** A grouped bar chart of requests per second, as SVG (no dependencies). */
function chart(results: Record<string, Record<string, { rps: number }>>): string {
  const names = frameworks.map((f) => f.name).filter((n) => n !== "tornado-ts (1 route)");
  const colors = ["#888888", "#d9480f", "#1c7ed6", "#37b24d", "#f59f00", "#7048e8"];
  const scenarioNames = Object.keys(results).filter((s) => s !== "route (1 of 1)");
  const max = Math.max(
    ...scenarioNames.flatMap((s) => names.map((n) => results[s]?.[n]?.rps ?? 0)),
  );
  const barW = 14;
  const groupW = names.length * barW + 30;
  const width = 80 + scenarioNames.length * groupW;
  const height = 320;
  const plotH = 220;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`;
  svg += `<rect width="100%" height="100%" fill="white"/><text x="10" y="18" font-size="14">Requests per second (median; higher is better)</text>`;
  scenarioNames.forEach((scenario, si) => {
    const x0 = 60 + si * groupW;
    names.forEach((name, ni) => {
      const rps = results[scenario]?.[name]?.rps ?? 0;
      const h = max > 0 ? (rps / max) * plotH : 0;
      svg += `<rect x="${x0 + ni * barW}" y="${30 + plotH - h}" width="${barW - 2}" height="${h}" fill="${colors[ni % colors.length]}"><title>${name}: ${rps.toFixed(0)} req/s</title></rect>`;
    });
    svg += `<text x="${x0}" y="${30 + plotH + 16}">${scenario}</text>`;
  });
  names.forEach((name, ni) => {
    svg += `<rect x="${60 + ni * 110}" y="${height - 30}" width="10" height="10" fill="${colors[ni % colors.length]}"/><text x="${74 + ni * 110}" y="${height - 21}">${name}</text>`;
  });
  return `${svg}</svg>\n`;
}

await main();
