// `npm run soak`: a soak test of tornado-ts on this machine's loopback.
//
// The representative application (test/reliability/support/app.ts) runs in a child process; this
// process drives it at full load over keep-alive connections with a mix of requests (query
// arguments, forms, JSON, multipart, cookies, path arguments, a static-like file), checks every
// answer, and samples the server's memory (RSS and heap, after a full GC) as it goes. Then it
// opens idle keep-alive connections (10,000 by default) and holds them while checking that the
// server still answers.
//
//   npm run soak                                   # 1,000,000 requests, 10,000 idle connections
//   npm run soak -- --requests=20000 --idle=2000 --concurrency=32 --json
//
// Passes (exit 0) when there were no errors, no lost responses, no upward RSS trend past warm-up,
// and every idle connection was held. It prints its figures (and one JSON line with --json).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";

interface Options {
  requests: number;
  concurrency: number;
  idle: number;
  holdSeconds: number;
  json: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const get = (name: string, fallback: number): number => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    const value = arg === undefined ? fallback : Number(arg.slice(name.length + 3));
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`--${name} must be a whole number`);
    return value;
  };
  return {
    requests: get("requests", 1_000_000),
    concurrency: Math.max(1, get("concurrency", 64)),
    idle: get("idle", 10_000),
    holdSeconds: get("hold", 5),
    json: argv.includes("--json"),
  };
}

/** The open-file limit this process runs under (`ulimit -n`). */
function openFileLimit(): number {
  const out = execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim();
  return out === "unlimited" ? Number.POSITIVE_INFINITY : Number(out);
}

/**
 * Makes sure both processes can hold the idle connections: each needs one descriptor per
 * connection plus some. Node cannot raise its own limit, so the script re-runs itself under
 * `ulimit -n`; when even that is refused (the hard limit is lower), it stops with an error
 * saying what to do.
 */
function ensureFileLimit(options: Options): void {
  const needed = options.idle + options.concurrency + 512;
  const limit = openFileLimit();
  if (limit >= needed) return;
  if (process.env.TORNADO_TS_SOAK_RAISED) {
    throw new Error(
      `The open-file limit is ${limit}, but holding ${options.idle} idle connections needs ${needed}. ` +
        `Raise it (ulimit -n ${needed}, or the hard limit in /etc/security/limits.conf) or pass a smaller --idle.`,
    );
  }
  const script = fileURLToPath(import.meta.url);
  const command = `ulimit -n ${needed} 2>/dev/null || { echo "soak: cannot raise the open-file limit from ${limit} to ${needed} (hard limit: $(ulimit -Hn)); raise it or pass a smaller --idle" >&2; exit 2; }; exec "$0" "$@"`;
  const child = spawn(
    "sh",
    [
      "-c",
      command,
      process.execPath,
      "--conditions=tornado-ts-source",
      "--import",
      "tsx",
      script,
      ...process.argv.slice(2),
    ],
    { stdio: "inherit", env: { ...process.env, TORNADO_TS_SOAK_RAISED: "1" } },
  );
  child.on("exit", (code) => process.exit(code ?? 1));
  throw new RestartedError();
}

class RestartedError extends Error {
  override readonly name = "RestartedError";
}

// ---- the server side (run in a child process) -------------------------------------------------

async function serve(): Promise<void> {
  const { HTTPServer } = await import("tornado-ts/httpserver");
  const { representativeApp } = await import("../test/reliability/support/app.ts");
  const app = representativeApp({ logFunction: () => {} });
  // Idle connections must outlive the hold; everything else keeps its defaults.
  const server = new HTTPServer(app, { idleConnectionTimeout: 600 });
  await server.listen(0, "127.0.0.1");
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on("message", (message: { type: string }) => {
    if (message.type === "sample") {
      gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      server.nodeServer.getConnections((_error, connections) => {
        process.send!({ type: "sample", rss, heapUsed, connections });
      });
    } else if (message.type === "stop") {
      server.closeAllConnections();
      server.stop().then(() => process.exit(0));
    }
  });
  process.send!({ type: "listening", port: server.port });
}

// ---- the load side ----------------------------------------------------------------------------

interface Sample {
  done: number;
  rss: number;
  heapUsed: number;
  connections: number;
}

class ServerProcess {
  readonly child: ChildProcess;
  #waiting: ((sample: Sample) => void)[] = [];

  constructor(child: ChildProcess) {
    this.child = child;
    child.on("message", (message: { type: string } & Sample) => {
      if (message.type === "sample") this.#waiting.shift()?.(message);
    });
  }

  sample(done: number): Promise<Sample> {
    return new Promise((resolve) => {
      this.#waiting.push((s) => resolve({ ...s, done }));
      this.child.send({ type: "sample" });
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.send({ type: "stop" });
    });
  }
}

function startServer(): Promise<{ server: ServerProcess; port: number }> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--conditions=tornado-ts-source", "--import", "tsx", script, "--serve"],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the soak server exited early (${code})`)));
    child.on("message", (message: { type: string; port: number }) => {
      if (message.type === "listening") {
        child.removeAllListeners("exit");
        resolve({ server: new ServerProcess(child), port: message.port });
      }
    });
  });
}

const BOUNDARY = "soakboundary";
const MULTIPART = Buffer.from(
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nsoak\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n${"x".repeat(512)}\r\n` +
    `--${BOUNDARY}--\r\n`,
);

interface Shot {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  expect: string;
}

/** The request mix, each with a piece of text its answer must contain. */
const MIX: Shot[] = [
  { method: "GET", path: "/", expect: "Hello, world" },
  { method: "GET", path: "/args?a=1&b=%C3%A9&a=2", expect: '"count": 2' },
  {
    method: "POST",
    path: "/args",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "name=soak&__proto__=x&n=1",
    expect: '"__proto__": ["x"]',
  },
  {
    method: "POST",
    path: "/json",
    headers: { "content-type": "application/json" },
    body: '{"a":1,"b":[1,2,3],"__proto__":{"polluted":1}}',
    expect: '"polluted": false',
  },
  {
    method: "POST",
    path: "/upload",
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    body: MULTIPART,
    expect: '"files": ["a.txt"]',
  },
  { method: "GET", path: "/path/some%20thing", expect: "path:some thing" },
  { method: "GET", path: "/static/hello.txt", expect: "static hello" },
  {
    method: "GET",
    path: "/cookie",
    headers: { cookie: "session=abc; theme=dark" },
    expect: '"session": "abc"',
  },
];

interface LoadResult {
  sent: number;
  received: number;
  errors: number;
  firstErrors: string[];
  seconds: number;
  samples: Sample[];
}

async function drive(port: number, server: ServerProcess, options: Options): Promise<LoadResult> {
  const pool = new Pool(`http://127.0.0.1:${port}`, {
    connections: options.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const result: LoadResult = {
    sent: 0,
    received: 0,
    errors: 0,
    firstErrors: [],
    seconds: 0,
    samples: [],
  };
  const sampleEvery = Math.max(1000, Math.floor(options.requests / 100));
  let nextSample = sampleEvery;
  let next = 0;
  const started = performance.now();
  result.samples.push(await server.sample(0));
  const fail = (message: string): void => {
    result.errors++;
    if (result.firstErrors.length < 5) result.firstErrors.push(message);
  };
  const worker = async (): Promise<void> => {
    while (next < options.requests) {
      const shot = MIX[next % MIX.length]!;
      next++;
      result.sent++;
      try {
        const res = await pool.request({
          method: shot.method,
          path: shot.path,
          headers: shot.headers,
          body: shot.body,
        });
        const text = await res.body.text();
        result.received++;
        if (res.statusCode !== 200 || !text.includes(shot.expect)) {
          fail(`${shot.method} ${shot.path}: ${res.statusCode} ${text.slice(0, 120)}`);
        }
      } catch (error) {
        fail(`${shot.method} ${shot.path}: ${(error as Error).message}`);
      }
      if (result.received >= nextSample) {
        nextSample += sampleEvery;
        result.samples.push(await server.sample(result.received));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.seconds = (performance.now() - started) / 1000;
  result.samples.push(await server.sample(result.received));
  await pool.close();
  return result;
}

/** Whether RSS kept growing past warm-up: the median of the last quarter against the first. */
function memoryTrend(samples: readonly Sample[]): {
  warm: number;
  last: number;
  growth: number;
  stable: boolean;
} {
  const median = (xs: number[]): number => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  // Warm-up: the first fifth of the run (JIT, pools and caches filling up).
  const after = samples.slice(Math.max(1, Math.floor(samples.length / 5)));
  const quarter = Math.max(1, Math.floor(after.length / 4));
  const warm = median(after.slice(0, quarter).map((s) => s.rss));
  const last = median(after.slice(-quarter).map((s) => s.rss));
  const growth = last - warm;
  // Allowance for allocator noise: 10% or 16 MiB, whichever is larger.
  return { warm, last, growth, stable: growth <= Math.max(warm * 0.1, 16 * 1024 * 1024) };
}

interface IdleResult {
  wanted: number;
  opened: number;
  heldAfter: number;
  serverConnections: number;
  answeredDuringHold: boolean;
  rssBefore: number;
  rssDuring: number;
  seconds: number;
}

/** Opens `count` keep-alive connections, each used for one request and then left idle. */
async function holdIdle(
  port: number,
  server: ServerProcess,
  options: Options,
): Promise<IdleResult> {
  const started = performance.now();
  const before = await server.sample(0);
  const sockets: Socket[] = [];
  let closed = 0;
  const openOne = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      let data = "";
      const onData = (chunk: Buffer): void => {
        data += chunk.toString("latin1");
        if (data.includes("Hello, world")) {
          socket.off("data", onData);
          resolve();
        }
      };
      socket.on("data", onData);
      socket.once("error", reject);
      socket.once("close", () => {
        closed++;
      });
      socket.once("connect", () => {
        socket.write("GET / HTTP/1.1\r\nHost: soak\r\n\r\n");
      });
      sockets.push(socket);
    });
  // Open in batches, so the listen backlog is not overrun.
  for (let i = 0; i < options.idle; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, options.idle - i) }, openOne));
  }
  await new Promise((r) => setTimeout(r, options.holdSeconds * 1000));
  const during = await server.sample(0);
  const probe = await fetch(`http://127.0.0.1:${port}/args?probe=1`).then((r) => r.text());
  const result: IdleResult = {
    wanted: options.idle,
    opened: sockets.length,
    heldAfter: sockets.length - closed,
    serverConnections: during.connections,
    answeredDuringHold: probe.includes('"probe"'),
    rssBefore: before.rss,
    rssDuring: during.rss,
    seconds: (performance.now() - started) / 1000,
  };
  for (const socket of sockets) socket.destroy();
  return result;
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<void> {
  if (process.argv.includes("--serve")) {
    await serve();
    return;
  }
  const options = parseOptions(process.argv.slice(2));
  try {
    ensureFileLimit(options);
  } catch (error) {
    if (error instanceof RestartedError) return;
    throw error;
  }
  const { server, port } = await startServer();
  try {
    const load = await drive(port, server, options);
    const trend = memoryTrend(load.samples);
    const idle = options.idle > 0 ? await holdIdle(port, server, options) : undefined;
    const lost = load.sent - load.received;
    const idleOk =
      idle === undefined || (idle.heldAfter === idle.wanted && idle.answeredDuringHold);
    const ok = load.errors === 0 && lost === 0 && trend.stable && idleOk;
    const summary = {
      ok,
      requests: load.sent,
      received: load.received,
      errors: load.errors,
      lost,
      seconds: Number(load.seconds.toFixed(2)),
      requestsPerSecond: Math.round(load.received / load.seconds),
      concurrency: options.concurrency,
      rss: {
        start: load.samples[0]!.rss,
        afterWarmUp: trend.warm,
        end: trend.last,
        max: Math.max(...load.samples.map((s) => s.rss)),
        growthAfterWarmUp: trend.growth,
        stable: trend.stable,
      },
      heapUsedEnd: load.samples.at(-1)!.heapUsed,
      samples: load.samples.length,
      idle,
      firstErrors: load.firstErrors,
    };
    console.log(
      [
        `soak: ${summary.received}/${summary.requests} answered in ${summary.seconds}s ` +
          `(${summary.requestsPerSecond} req/s, ${options.concurrency} connections), ` +
          `${summary.errors} errors, ${lost} lost`,
        `      RSS ${mib(summary.rss.start)} at start, ${mib(trend.warm)} after warm-up, ` +
          `${mib(trend.last)} at the end (max ${mib(summary.rss.max)}), ` +
          `growth after warm-up ${mib(trend.growth)}: ${trend.stable ? "stable" : "GROWING"}`,
        idle
          ? `      idle: ${idle.heldAfter}/${idle.wanted} keep-alive connections held ${options.holdSeconds}s ` +
            `(server counted ${idle.serverConnections}), RSS ${mib(idle.rssBefore)} -> ${mib(idle.rssDuring)}, ` +
            `served a request meanwhile: ${idle.answeredDuringHold}`
          : "      idle: skipped",
        ...load.firstErrors.map((e) => `      error: ${e}`),
        `      ${ok ? "PASS" : "FAIL"}`,
      ].join("\n"),
    );
    if (options.json) console.log(JSON.stringify(summary));
    process.exitCode = ok ? 0 : 1;
  } finally {
    await server.stop();
  }
}

await main();
