// A throwaway PostgreSQL server for the tests: Debian's `postgresql` package (.ci/run installs
// it), a new cluster in a temporary folder, listening on 127.0.0.1 on a free port, trust auth.
// PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../support/node-process.ts";

/** A running PostgreSQL server. */
export interface PostgresServer {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  url(database: string): string;
  stop(): Promise<void>;
}

/** The newest installed PostgreSQL's bin folder; throws when the package is missing. */
function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const bin = versions
    .map((v) => join(root, v, "bin"))
    .find((b) => existsSync(join(b, "postgres")));
  if (!bin)
    throw new Error("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)");
  return bin;
}

/** Starts a new cluster and resolves once it accepts connections. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), "tutorial-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  const [initCmd, initArgs] = run(join(bin, "initdb"), [
    "-D",
    data,
    "-A",
    "trust",
    "-U",
    "postgres",
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  execFileSync(initCmd, initArgs, { stdio: "ignore" });
  const port = await freePort();
  const [cmd, args] = run(join(bin, "postgres"), [
    "-D",
    data,
    "-p",
    String(port),
    "-h",
    "127.0.0.1",
    "-k",
    dir,
    "-c",
    "fsync=off",
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let attempt = 0; ; attempt++) {
    if (/ready to accept connections/.test(stderr)) break;
    if (child.exitCode !== null || attempt > 600) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`PostgreSQL did not start:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      // runuser does not pass signals on: pg_ctl stops the server ("fast": close connections).
      const [stopCmd, stopArgs] = run(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast"]);
      execFileSync(stopCmd, stopArgs, { stdio: "ignore" });
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
