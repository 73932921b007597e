/**
 * Multi-process serving (Tornado's `tornado.process`) on Node's `cluster` module.
 *
 * `forkProcesses(n)` turns the running script into a primary that supervises `n` workers, each a
 * fresh run of the same script with the same arguments. The primary accepts connections and hands
 * them to the workers; it runs no application code after `forkProcesses` (its promise never
 * resolves there). The primary:
 *
 * - restarts a worker that dies (same task id; at most `maxRestarts` restarts in all), logging why;
 * - on SIGHUP replaces the workers one at a time: the new worker is listening before the old one
 *   is told to drain, so no request is dropped, and new code on disk is picked up;
 * - on SIGTERM or SIGINT tells every worker to drain (finish in-flight requests within
 *   `drainTimeout`) and exits 0 when they are gone;
 * - on SIGUSR2 logs each worker's counters, and with `statsPort` serves them as JSON.
 *
 * HTTPServer's `start(n)` calls this; use it directly for other set-ups.
 *
 * {@link Subprocess} runs a command with its pipes read and written asynchronously.
 * @module tornado-ts/process
 */
import { type ChildProcess, spawn } from "node:child_process";
import cluster, { type Worker } from "node:cluster";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { availableParallelism, constants as osConstants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { genLog, TASK_ID_ENV } from "./log.ts";

/** The number of CPUs this process may use (`os.availableParallelism()`). */
export function cpuCount(): number {
  return availableParallelism();
}

/**
 * This worker's task id (`0` to `n - 1`), stable across restarts of the worker; `null` in a process
 * that was not started by {@link forkProcesses} (and in the primary).
 */
export function taskId(): number | null {
  if (!cluster.isWorker) return null;
  const id = process.env[TASK_ID_ENV];
  return id === undefined || id === "" ? null : Number(id);
}

/** Options of {@link forkProcesses} (and of `HTTPServer.start`). */
export interface ForkOptions {
  /** Restarts of crashed workers allowed in all before the primary gives up (default 100, as Tornado). */
  maxRestarts?: number;
  /** Seconds a draining worker may take to finish its in-flight requests (default 10). */
  drainTimeout?: number;
  /** Seconds a new worker may take to start listening during a rolling restart (default 60). */
  startTimeout?: number;
  /** Serve the workers' counters as JSON on this port of `statsAddress` (default: no endpoint). */
  statsPort?: number;
  /** The address of the stats endpoint (default `127.0.0.1`). */
  statsAddress?: string;
}

/** One process's counters, as the primary reads them from each worker. */
export interface WorkerStats {
  /** The task id (`null` outside multi-process mode). */
  id: number | null;
  /** The process id. */
  pid: number;
  /** Requests received. */
  requests: number;
  /** Responses with a 5xx status, and requests whose connection closed before the response ended. */
  errors: number;
  /** Requests received and not finished yet. */
  inFlight: number;
  /** Resident memory, in bytes. */
  rss: number;
  /** JavaScript heap in use, in bytes. */
  heapUsed: number;
  /** Seconds since the process started. */
  uptime: number;
  /** How many times this task id's worker was restarted after a crash (filled in by the primary). */
  restarts?: number;
}

/** What the stats endpoint and {@link collectWorkerStats} report. */
export interface ClusterStats {
  /** The primary process. */
  primary: {
    /** Its process id. */
    pid: number;
    /** Seconds since it started. */
    uptime: number;
    /** Workers restarted so far. */
    restarts: number;
  };
  /** One entry per worker: its counters, or why they could not be read. */
  workers: (
    | WorkerStats
    | {
        /** The worker's task id. */
        id: number;
        /** Its process id. */
        pid: number;
        /** Why its counters could not be read. */
        error: string;
      }
  )[];
}

type Message =
  | { tornadoTs: "drain"; timeout?: number }
  | { tornadoTs: "drained" }
  | { tornadoTs: "stats"; seq: number }
  | { tornadoTs: "stats-reply"; seq: number; stats: WorkerStats };

function isMessage(value: unknown): value is Message {
  return typeof value === "object" && value !== null && "tornadoTs" in value;
}

const counters = { requests: 0, errors: 0, inFlight: 0 };

/**
 * Counts one request in this process's counters (requests, in flight, errors), until its response
 * closes. HTTPServer counts every request it receives (through {@link requestStarted} and
 * {@link requestEnded}, from the close listener it has anyway).
 */
export function trackRequest(res: ServerResponse): void {
  requestStarted();
  res.once("close", () => requestEnded(res));
}

/** Counts a request as received and in flight (see {@link trackRequest}). */
export function requestStarted(): void {
  counters.requests++;
  counters.inFlight++;
}

/** Counts a request's response as closed: no longer in flight, and an error when unfinished or 5xx. */
export function requestEnded(res: ServerResponse): void {
  counters.inFlight--;
  if (!res.writableFinished || res.statusCode >= 500) counters.errors++;
}

/** This process's counters and memory use. */
export function processStats(): WorkerStats {
  const memory = process.memoryUsage();
  return {
    id: taskId(),
    pid: process.pid,
    requests: counters.requests,
    errors: counters.errors,
    inFlight: counters.inFlight,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    uptime: process.uptime(),
  };
}

/** Drains one server: stops accepting, waits for its requests (at most `timeoutMs`), then closes. */
export type DrainHook = (timeoutMs: number) => Promise<void>;

const drainHooks = new Set<DrainHook>();
let draining: Promise<never> | undefined;
let signalsInstalled = false;
let drainTimeoutMs = 10_000;

/**
 * Registers what to drain when this process is told to stop (HTTPServer registers itself while
 * listening). Returns a function that unregisters it.
 */
export function onDrain(hook: DrainHook): () => void {
  drainHooks.add(hook);
  return () => drainHooks.delete(hook);
}

/**
 * Drains every registered server (each within `timeoutMs`, default the configured drain timeout),
 * then exits with status 0. Calling it again while draining returns the same promise.
 */
export function drainAndExit(reason: string, timeoutMs = drainTimeoutMs): Promise<never> {
  draining ??= (async () => {
    genLog.info(
      `${reason}: draining ${counters.inFlight} request${counters.inFlight === 1 ? "" : "s"} in flight`,
    );
    await Promise.allSettled([...drainHooks].map((hook) => hook(timeoutMs)));
    if (cluster.isWorker && process.connected) await handBack();
    genLog.info("drained, exiting");
    process.exit(0);
  })();
  return draining;
}

/**
 * Tells the primary this worker has drained and waits until the primary disconnects it. The primary
 * may have handed this worker a connection just before learning that its server closed; such a
 * connection is refused by the worker and given to another one, but only if this process is still
 * there to read the hand-over. The disconnect comes after every such message, so waiting for it
 * means no connection is left behind.
 */
function handBack(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5000);
    process.once("disconnect", () => {
      clearTimeout(timer);
      resolve();
    });
    process.send?.({ tornadoTs: "drained" } satisfies Message);
  });
}

/**
 * Makes SIGTERM and SIGINT drain this process and exit 0 (a second such signal exits at once,
 * with status 1). `HTTPServer.start()` installs it; installing it twice does nothing.
 */
export function drainOnSignals(timeoutSeconds?: number): void {
  if (timeoutSeconds !== undefined) drainTimeoutMs = timeoutSeconds * 1000;
  if (signalsInstalled) return;
  signalsInstalled = true;
  let signals = 0;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      // Only a second signal forces the exit: a terminal's Ctrl-C reaches the workers both as a
      // signal and as the primary's drain message, and that must not cut the drain short.
      if (++signals > 1) process.exit(1);
      void drainAndExit(`${signal} received`);
    });
  }
}

let workerSetUp = false;

function setUpWorker(options: ForkOptions): void {
  if (workerSetUp) return;
  workerSetUp = true;
  drainOnSignals(options.drainTimeout ?? 10);
  // The primary coordinates restarts; a SIGHUP reaching a worker (a closed terminal) is left to it.
  process.on("SIGHUP", () => {});
  process.on("message", (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.tornadoTs === "drain") {
      const timeout = message.timeout;
      void drainAndExit("told to drain", timeout === undefined ? undefined : timeout * 1000);
    } else if (message.tornadoTs === "stats") {
      process.send?.({ tornadoTs: "stats-reply", seq: message.seq, stats: processStats() });
    }
  });
  // Without the primary nobody supervises this worker; finish what is in flight and go.
  process.on("disconnect", () => void drainAndExit("primary process gone"));
}

let supervisor: Supervisor | undefined;

/**
 * Starts `numProcesses` worker processes (`null`, 0 or a negative number: one per CPU) and supervises
 * them (Tornado's `fork_processes`). In a worker it resolves with the worker's task id at once; in
 * the primary it never resolves: the primary only supervises, and exits when the workers are gone.
 * A number as `options` is `maxRestarts`, as in Tornado.
 *
 * A worker that has finished its work exits with `process.exit(0)`: it is not restarted, and the
 * primary exits 0 once every worker has exited so.
 *
 * Differs from Tornado: workers are new processes running the script from the top (not forks of the
 * primary's memory), so code before this call runs in every process; a worker stays alive (its
 * channel to the primary keeps it) until it exits explicitly; and the primary handles SIGHUP
 * (rolling restart), SIGTERM/SIGINT (drain) and SIGUSR2 (counters).
 */
export function forkProcesses(
  numProcesses?: number | null,
  options: ForkOptions | number = {},
): Promise<number> {
  const settings = typeof options === "number" ? { maxRestarts: options } : options;
  if (cluster.isWorker) {
    setUpWorker(settings);
    return Promise.resolve(taskId() ?? 0);
  }
  if (supervisor) throw new Error("forkProcesses() was already called in this process");
  const count =
    numProcesses === null || numProcesses === undefined || numProcesses <= 0
      ? cpuCount()
      : numProcesses;
  supervisor = new Supervisor(count, settings);
  supervisor.start();
  return new Promise(() => {});
}

/**
 * The counters of every worker, read by the primary (over IPC, waiting at most two seconds for each).
 * Throws unless this process is a primary started by {@link forkProcesses}.
 */
export function collectWorkerStats(): Promise<ClusterStats> {
  if (!supervisor)
    throw new Error("collectWorkerStats() needs a primary started by forkProcesses()");
  return supervisor.collectStats();
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `killed by signal ${signal}` : `exited with status ${code}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

class Supervisor {
  readonly #count: number;
  readonly #maxRestarts: number;
  readonly #drainTimeout: number;
  readonly #startTimeout: number;
  readonly #options: ForkOptions;
  readonly #workers = new Map<number, Worker>();
  readonly #pending = new Set<Worker>();
  readonly #retired = new Set<Worker>();
  readonly #restartsById = new Map<number, number>();
  #restarts = 0;
  #rolling = false;
  #shuttingDown = false;
  #statsServer: Server | undefined;
  #seq = 0;

  constructor(count: number, options: ForkOptions) {
    this.#count = count;
    this.#options = options;
    this.#maxRestarts = options.maxRestarts ?? 100;
    this.#drainTimeout = options.drainTimeout ?? 10;
    this.#startTimeout = options.startTimeout ?? 60;
  }

  start(): void {
    genLog.info(`Starting ${this.#count} processes`);
    for (let id = 0; id < this.#count; id++) this.#workers.set(id, this.#fork(id));
    process.on("SIGHUP", () => void this.rollingRestart());
    process.on("SIGTERM", () => void this.shutdown("SIGTERM received"));
    process.on("SIGINT", () => void this.shutdown("SIGINT received"));
    process.on("SIGUSR2", () => void this.#logStats());
    if (this.#options.statsPort !== undefined) this.#serveStats(this.#options.statsPort);
  }

  #fork(id: number): Worker {
    const worker = cluster.fork({ [TASK_ID_ENV]: String(id) });
    worker.on("exit", (code, signal) => this.#onExit(id, worker, code, signal));
    worker.on("message", (message: unknown) => {
      if (isMessage(message) && message.tornadoTs === "drained") worker.disconnect();
    });
    // A worker that is gone cannot receive; sends racing its exit are harmless.
    worker.on("error", () => {});
    return worker;
  }

  #onExit(id: number, worker: Worker, code: number | null, signal: string | null): void {
    const pid = worker.process.pid;
    if (this.#retired.delete(worker)) {
      genLog.info(`child ${id} (pid ${pid}) drained and ${describeExit(code, signal)}`);
      return;
    }
    if (this.#pending.has(worker)) return;
    if (this.#workers.get(id) !== worker) return;
    this.#workers.delete(id);
    if (this.#shuttingDown) return;
    if (signal === null && code === 0) {
      genLog.info(`child ${id} (pid ${pid}) exited normally`);
      if (this.#workers.size === 0) process.exit(0);
      return;
    }
    genLog.warning(`child ${id} (pid ${pid}) ${describeExit(code, signal)}, restarting`);
    this.#restarts++;
    this.#restartsById.set(id, (this.#restartsById.get(id) ?? 0) + 1);
    if (this.#restarts > this.#maxRestarts) {
      genLog.error("Too many child restarts, giving up");
      void this.shutdown("giving up", 1);
      return;
    }
    this.#workers.set(id, this.#fork(id));
  }

  /** Replaces every worker, one at a time, each new one listening before the old one drains. */
  async rollingRestart(): Promise<void> {
    if (this.#shuttingDown) return;
    if (this.#rolling) {
      genLog.warning("SIGHUP received during a rolling restart; ignored");
      return;
    }
    this.#rolling = true;
    genLog.info(`SIGHUP received: replacing ${this.#workers.size} workers one at a time`);
    try {
      for (const id of [...this.#workers.keys()].sort((a, b) => a - b)) {
        if (this.#shuttingDown) return;
        const fresh = this.#fork(id);
        this.#pending.add(fresh);
        const outcome = await this.#waitListening(fresh);
        this.#pending.delete(fresh);
        if (outcome !== "listening" || this.#shuttingDown) {
          if (!fresh.isDead()) await this.#retire(fresh);
          if (outcome !== "listening") {
            genLog.error(
              `rolling restart stopped: the new worker for task ${id} ${outcome}; the running workers keep serving`,
            );
          }
          return;
        }
        const old = this.#workers.get(id);
        this.#workers.set(id, fresh);
        genLog.info(`child ${id} replaced by pid ${fresh.process.pid}`);
        if (old) await this.#retire(old);
      }
      genLog.info("rolling restart done");
    } finally {
      this.#rolling = false;
    }
  }

  #waitListening(worker: Worker): Promise<string> {
    return new Promise((resolve) => {
      const done = (outcome: string): void => {
        clearTimeout(timer);
        worker.off("listening", onListening);
        worker.off("exit", onExit);
        resolve(outcome);
      };
      const onListening = (): void => done("listening");
      const onExit = (code: number | null, signal: string | null): void =>
        done(`${describeExit(code, signal)} before listening`);
      const timer = setTimeout(
        () => done(`did not listen within ${this.#startTimeout}s`),
        this.#startTimeout * 1000,
      );
      worker.on("listening", onListening);
      worker.on("exit", onExit);
    });
  }

  #retire(worker: Worker): Promise<void> {
    if (worker.isDead()) return Promise.resolve();
    this.#retired.add(worker);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          genLog.warning(`child (pid ${worker.process.pid}) did not drain in time; killing it`);
          worker.process.kill("SIGKILL");
        },
        (this.#drainTimeout + 5) * 1000,
      );
      worker.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        worker.send({ tornadoTs: "drain", timeout: this.#drainTimeout } satisfies Message);
      } catch {
        worker.process.kill("SIGTERM");
      }
    });
  }

  /** Drains every worker, then exits with `code`. */
  async shutdown(reason: string, code = 0): Promise<void> {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    const all = [...this.#workers.values(), ...this.#pending];
    genLog.info(`${reason}: draining ${all.length} workers`);
    await Promise.all(all.map((worker) => this.#retire(worker)));
    this.#statsServer?.close();
    genLog.info("all workers stopped");
    process.exit(code);
  }

  async collectStats(): Promise<ClusterStats> {
    const entries = [...this.#workers.entries()].sort(([a], [b]) => a - b);
    const workers = await Promise.all(
      entries.map(async ([id, worker]) => {
        const stats = await this.#askStats(worker);
        const pid = worker.process.pid ?? 0;
        if (!stats) return { id, pid, error: "no answer" };
        return { ...stats, restarts: this.#restartsById.get(id) ?? 0 };
      }),
    );
    return {
      primary: { pid: process.pid, uptime: process.uptime(), restarts: this.#restarts },
      workers,
    };
  }

  #askStats(worker: Worker): Promise<WorkerStats | undefined> {
    const seq = ++this.#seq;
    return new Promise((resolve) => {
      const done = (stats: WorkerStats | undefined): void => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        resolve(stats);
      };
      const onMessage = (message: unknown): void => {
        if (isMessage(message) && message.tornadoTs === "stats-reply" && message.seq === seq) {
          done(message.stats);
        }
      };
      const timer = setTimeout(() => done(undefined), 2000);
      worker.on("message", onMessage);
      try {
        worker.send({ tornadoTs: "stats", seq } satisfies Message);
      } catch {
        done(undefined);
      }
    });
  }

  async #logStats(): Promise<void> {
    const stats = await this.collectStats();
    genLog.info(
      `primary (pid ${stats.primary.pid}): ${stats.workers.length} workers, ${stats.primary.restarts} restarts`,
    );
    for (const worker of stats.workers) {
      if ("error" in worker) {
        genLog.warning(`child ${worker.id} (pid ${worker.pid}): ${worker.error}`);
        continue;
      }
      genLog.info(
        `child ${worker.id} (pid ${worker.pid}): ${worker.requests} requests, ${worker.errors} errors, ${worker.inFlight} in flight, rss ${megabytes(worker.rss)}, heap ${megabytes(worker.heapUsed)}, ${worker.restarts ?? 0} restarts`,
      );
    }
  }

  #serveStats(port: number): void {
    const address = this.#options.statsAddress ?? "127.0.0.1";
    const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      this.collectStats().then(
        (stats) => {
          const body = JSON.stringify(stats);
          res.writeHead(200, {
            "Content-Type": "application/json; charset=UTF-8",
            "Content-Length": Buffer.byteLength(body),
          });
          res.end(body);
        },
        (error: unknown) => {
          genLog.error("stats endpoint failed", error);
          res.writeHead(500).end();
        },
      );
    });
    server.on("error", (error) =>
      genLog.error(`stats endpoint on ${address}:${port} failed`, error),
    );
    server.listen(port, address, () => genLog.info(`worker stats on http://${address}:${port}/`));
    server.unref();
    this.#statsServer = server;
  }
}

/** How {@link Subprocess} connects a standard stream of the child. */
export type SubprocessStdio = "stream" | "inherit" | "ignore";

/** Options of {@link Subprocess}. */
export interface SubprocessOptions {
  /** `Subprocess.STREAM` to write to the child through `stdin` (default: inherited). */
  stdin?: SubprocessStdio;
  /** `Subprocess.STREAM` to read the child's output through `stdout` (default: inherited). */
  stdout?: SubprocessStdio;
  /** `Subprocess.STREAM` to read it through `stderr`, or `Subprocess.STDOUT` to merge it into `stdout`. */
  stderr?: SubprocessStdio | "stdout";
  /** Working folder of the child. */
  cwd?: string;
  /** Environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/** A child exited with a non-zero status (Python's `subprocess.CalledProcessError`). */
export class CalledProcessError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "CalledProcessError";
  /** The exit status, or minus the signal number when a signal ended the child. */
  readonly returncode: number;
  /** The command that ran. */
  readonly cmd: readonly string[];
  constructor(returncode: number, cmd: readonly string[]) {
    super(`Command '${cmd.join(" ")}' returned non-zero exit status ${returncode}.`);
    this.returncode = returncode;
    this.cmd = cmd;
  }
}

/** Output of a {@link Subprocess}, read by delimiter or to the end (the reading side of a pipe). */
export class SubprocessOutput {
  #buffer = Buffer.alloc(0);
  #closed = false;
  readonly #source: Readable;
  readonly #waiters = new Set<() => void>();

  /** @internal Made by {@link Subprocess}. */
  constructor(source: Readable) {
    this.#source = source;
    source.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    source.once("close", () => {
      this.#closed = true;
      this.#wake();
    });
    source.on("error", () => undefined);
  }

  #wake(): void {
    for (const waiter of this.#waiters) waiter();
    this.#waiters.clear();
  }

  #changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.add(resolve));
  }

  /**
   * Resolves with everything up to and including `delimiter`; rejects with `Error("Stream is
   * closed")` when the output ends first.
   */
  async readUntil(delimiter: string | Uint8Array): Promise<Buffer> {
    const needle = typeof delimiter === "string" ? Buffer.from(delimiter) : delimiter;
    for (;;) {
      const at = this.#buffer.indexOf(needle);
      if (at >= 0) {
        const data = this.#buffer.subarray(0, at + needle.length);
        this.#buffer = this.#buffer.subarray(at + needle.length);
        return Buffer.from(data);
      }
      if (this.#closed) throw new Error("Stream is closed");
      await this.#changed();
    }
  }

  /** Resolves with everything left once the child has closed the output. */
  async readUntilClose(): Promise<Buffer> {
    while (!this.#closed) await this.#changed();
    const data = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return data;
  }

  /** Stops reading and closes this end of the pipe. */
  close(): void {
    this.#source.destroy();
  }
}

/** Input of a {@link Subprocess} (the writing side of a pipe). */
export class SubprocessInput {
  readonly #sink: Writable;

  /** @internal Made by {@link Subprocess}. */
  constructor(sink: Writable) {
    this.#sink = sink;
    sink.on("error", () => undefined);
  }

  /** Writes `data`; resolves once it is handed to the pipe. */
  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#sink.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Closes the pipe: the child reads end-of-file. */
  close(): void {
    this.#sink.end();
  }
}

/**
 * Runs a command as a child process with its pipes readable and writable asynchronously
 * (Tornado's `tornado.process.Subprocess`). `stdin`, `stdout` and `stderr` are set for the streams
 * given as `Subprocess.STREAM`; `stderr: Subprocess.STDOUT` reads both outputs through `stdout`.
 *
 * ```ts
 * const child = new Subprocess(["python3", "-c", "print(42)"], { stdout: Subprocess.STREAM });
 * const line = await child.stdout!.readUntil("\n");
 * await child.waitForExit();
 * ```
 *
 * Differs from Tornado: no `initialize()` / `uninitialize()` (Node reaps children itself), and the
 * streams are pipe readers and writers rather than `IOStream`s.
 */
export class Subprocess {
  /** Connect the stream through a pipe (Tornado's `Subprocess.STREAM`). */
  static readonly STREAM = "stream" as const;
  /** For `stderr`: merge it into `stdout` (Python's `subprocess.STDOUT`). */
  static readonly STDOUT = "stdout" as const;
  /** The Node child process. */
  readonly proc: ChildProcess;
  /** The child's input, when `stdin` is `STREAM`. */
  readonly stdin: SubprocessInput | null;
  /** The child's output, when `stdout` is `STREAM` (with stderr too when merged). */
  readonly stdout: SubprocessOutput | null;
  /** The child's error output, when `stderr` is `STREAM`. */
  readonly stderr: SubprocessOutput | null;
  /** The exit status once the child has exited (minus the signal number for a signal), else `null`. */
  returncode: number | null = null;
  readonly #args: readonly string[];
  readonly #exit: Promise<number>;

  constructor(args: readonly string[], options: SubprocessOptions = {}) {
    if (args.length === 0) throw new TypeError("Subprocess needs a command");
    const mode = (value: SubprocessStdio | "stdout" | undefined): "pipe" | "inherit" | "ignore" =>
      value === "stream" || value === "stdout" ? "pipe" : (value ?? "inherit");
    this.#args = [...args];
    // Merging needs one pipe behind both descriptors (two pipes read side by side can reorder
    // output), so the shell duplicates stdout onto stderr before running the command (POSIX, as
    // Tornado's Subprocess).
    const merge = options.stderr === "stdout";
    const [file, ...rest] = merge ? ["/bin/sh", "-c", 'exec "$0" "$@" 2>&1', ...args] : args;
    this.proc = spawn(file!, rest, {
      stdio: [mode(options.stdin), mode(options.stdout), merge ? "inherit" : mode(options.stderr)],
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
    });
    this.stdin = this.proc.stdin ? new SubprocessInput(this.proc.stdin) : null;
    this.stdout = this.proc.stdout ? new SubprocessOutput(this.proc.stdout) : null;
    this.stderr = this.proc.stderr ? new SubprocessOutput(this.proc.stderr) : null;
    this.#exit = new Promise((resolve, reject) => {
      this.proc.once("error", reject);
      this.proc.once("exit", (code, signal) => {
        this.returncode = signal !== null ? -(osConstants.signals[signal] ?? 0) : (code ?? 0);
        resolve(this.returncode);
      });
    });
    this.#exit.catch(() => undefined);
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Calls `callback` with the exit status once the child has exited (Tornado's `set_exit_callback`). */
  setExitCallback(callback: (returncode: number) => void): void {
    this.#exit.then(callback, () => undefined);
  }

  /**
   * Resolves with the exit status once the child has exited. A non-zero status rejects with
   * {@link CalledProcessError}, unless `raiseError` is false.
   */
  async waitForExit(raiseError = true): Promise<number> {
    const code = await this.#exit;
    if (code !== 0 && raiseError) throw new CalledProcessError(code, this.#args);
    return code;
  }
}
