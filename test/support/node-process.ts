// Runs a TypeScript program as a real Node process (as `npm start` would: tsx, "tornado-ts-source" condition),
// collects its output, and fetches from it over fresh connections. For tests of examples,
// multi-process serving, signals and autoreload.
import { type ChildProcess, spawn } from "node:child_process";
import { type Agent, request } from "node:http";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The project's root folder. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A program running in its own process group (so its workers are cleaned up with it). */
export class NodeProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  #output = "";
  #stdout = "";
  readonly #waiters = new Set<() => void>();
  /** Whether its stdout and stderr have closed: output can still arrive after `exit`. */
  #streamsClosed = false;

  private constructor(child: ChildProcess) {
    this.child = child;
    const onData = (chunk: Buffer, stdout: boolean): void => {
      const text = chunk.toString();
      this.#output += text;
      if (stdout) this.#stdout += text;
      for (const waiter of this.#waiters) waiter();
    };
    child.stdout!.on("data", (chunk: Buffer) => onData(chunk, true));
    child.stderr!.on("data", (chunk: Buffer) => onData(chunk, false));
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        resolve({ code, signal });
        for (const waiter of this.#waiters) waiter();
      });
    });
    child.on("close", () => {
      this.#streamsClosed = true;
      for (const waiter of this.#waiters) waiter();
    });
  }

  /** Starts `script` (relative to the project root) with `args`. */
  static start(
    script: string,
    args: readonly string[] = [],
    options: { env?: Record<string, string>; cwd?: string } = {},
  ): NodeProcess {
    // A program started from a test is not itself a test (autoreload stays off under the runner).
    const env: Record<string, string | undefined> = { ...process.env, ...options.env };
    delete env["NODE_TEST_CONTEXT"];
    const child = spawn(
      process.execPath,
      ["--conditions=tornado-ts-source", "--import", "tsx", script, ...args],
      {
        cwd: options.cwd ?? ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    return new NodeProcess(child);
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Everything written to stdout and stderr so far, interleaved. */
  get output(): string {
    return this.#output;
  }

  /** Everything written to stdout so far. */
  get stdout(): string {
    return this.#stdout;
  }

  /** A position in the output, for `waitFor(..., {from})`. */
  mark(): number {
    return this.#output.length;
  }

  /**
   * Resolves with the first match of `pattern` in the output after `from`; rejects after
   * `timeoutMs`, or when the process has exited without printing it (once its output streams
   * have closed, or a second after the exit when workers still hold them open).
   */
  waitFor(
    pattern: RegExp,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<RegExpExecArray> {
    const from = options.from ?? 0;
    return new Promise((resolve, reject) => {
      let grace: NodeJS.Timeout | undefined;
      let graceOver = false;
      const check = (): void => {
        const match = pattern.exec(this.#output.slice(from));
        if (match) {
          finish();
          resolve(match);
          return;
        }
        const exited = this.child.exitCode !== null || this.child.signalCode !== null;
        if (!exited) return;
        if (this.#streamsClosed || graceOver) {
          finish();
          reject(new Error(`process exited before printing ${pattern}:\n${this.#output}`));
        } else {
          grace ??= setTimeout(() => {
            graceOver = true;
            check();
          }, 1000);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out waiting for ${pattern}:\n${this.#output}`));
      }, options.timeoutMs ?? 30_000);
      const finish = (): void => {
        clearTimeout(timer);
        clearTimeout(grace);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Sends a signal to the process. */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Kills the whole process group (the program and any workers) unless it has exited. */
  async kill(): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.pid, "SIGKILL");
      } catch {
        // The group is already gone.
      }
    }
    return this.exited;
  }
}

/** A response read by {@link get}. */
export interface SimpleResponse {
  status: number;
  body: string;
}

/**
 * GETs `path` from 127.0.0.1:`port`, on a new connection (`Connection: close`) unless a keep-alive
 * `agent` is given.
 */
export function get(
  port: number,
  path = "/",
  options: { agent?: Agent; timeoutMs?: number } = {},
): Promise<SimpleResponse> {
  const { agent = false, timeoutMs = 10_000 } = options;
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** GETs until a response comes (the server may still be starting); rejects after `timeoutMs`. */
export async function getWhenUp(
  port: number,
  path = "/",
  timeoutMs = 30_000,
): Promise<SimpleResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await get(port, path);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
