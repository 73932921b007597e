/**
 * Restart the server when a source file changes (Tornado's `tornado.autoreload`), for development.
 *
 * Node cannot replace a running program in place as Python's `exec` does, so `start()` turns the
 * process into a watcher that runs the program as a child process with the same arguments and
 * runs it again after every change. The watcher itself runs the program's code up to `start()`
 * (with `debug` or `autoreload` on, `Application.listen` calls it) and never serves.
 *
 * A change that breaks the program (a syntax error) does not stop the watcher: the child exits,
 * the watcher logs it and waits, and the next save starts the program again. Tornado needs a manual
 * restart then.
 * @module tornado-ts/autoreload
 */
import { type ChildProcess, fork } from "node:child_process";
import cluster from "node:cluster";
import { type FSWatcher, readdirSync, statSync, watch as watchPath } from "node:fs";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { genLog } from "./log.ts";

/** Set in the child process that serves under an autoreload watcher. */
export const AUTORELOAD_ENV = "TORNADO_TS_AUTORELOAD_CHILD";

/** The file extensions whose changes restart the program (besides files given to `watch`). */
export const SOURCE_EXTENSIONS: readonly string[] = [
  ".ts",
  ".tsx",
  ".mts",
  ".cts",
  ".js",
  ".mjs",
  ".cjs",
  ".json",
  ".toml",
];

/** Options of {@link start}. */
export interface AutoreloadOptions {
  /** The folder watched, with its subfolders (default: the folder of the program's main script). */
  root?: string;
  /** Milliseconds of quiet after a change before restarting, so one save restarts once (default 100). */
  debounce?: number;
}

type Message = { tornadoTs: "autoreload-exit" } | { tornadoTs: "autoreload-watch"; path: string };

function isMessage(value: unknown): value is Message {
  return typeof value === "object" && value !== null && "tornadoTs" in value;
}

const reloadHooks: (() => unknown)[] = [];
const extraPaths = new Set<string>();
let started: Promise<void> | undefined;
let watcher: Watcher | undefined;

/** Whether this process is the child an autoreload watcher runs. */
export function isAutoreloadChild(): boolean {
  return process.env[AUTORELOAD_ENV] === "1";
}

/**
 * Adds a function run in the serving process just before it is stopped for a restart (Tornado's
 * `add_reload_hook`).
 */
export function addReloadHook(hook: () => unknown): void {
  reloadHooks.push(hook);
}

/**
 * Watches one more file or folder (templates, a config file outside the watched folder, ...):
 * any change to it restarts the program.
 */
export function watch(path: string): void {
  const full = resolve(path);
  if (isAutoreloadChild()) {
    process.send?.({ tornadoTs: "autoreload-watch", path: full } satisfies Message);
    return;
  }
  extraPaths.add(full);
  watcher?.watchExtra(full);
}

/**
 * Starts autoreloading. In the serving child it sets up the restart hand-shake and resolves at
 * once; in the program's first process it starts the watcher and the child, and never resolves
 * (the watcher must not go on to serve). Calling it again returns the same promise.
 *
 * Autoreload is left off in a cluster worker (multi-process serving restarts through SIGHUP) and
 * under Node's test runner, so that a test that calls `listen` on a `debug` application does not
 * turn into a watcher.
 */
export function start(options: AutoreloadOptions = {}): Promise<void> {
  if (started) return started;
  if (cluster.isWorker || process.env["NODE_TEST_CONTEXT"] !== undefined) {
    started = Promise.resolve();
    return started;
  }
  if (isAutoreloadChild()) {
    process.on("message", (message: unknown) => {
      if (isMessage(message) && message.tornadoTs === "autoreload-exit") void exitForReload();
    });
    // The channel to the watcher must not keep a program alive that has finished on its own.
    process.channel?.unref();
    started = Promise.resolve();
    return started;
  }
  watcher = new Watcher(options);
  watcher.start();
  started = new Promise(() => {});
  return started;
}

async function exitForReload(): Promise<never> {
  for (const hook of reloadHooks) {
    try {
      await hook();
    } catch (error) {
      genLog.error("Autoreload: a reload hook failed", error);
    }
  }
  process.exit(0);
}

function skipFolder(name: string): boolean {
  return name === "node_modules" || name.startsWith(".");
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `was killed by signal ${signal}` : `exited with status ${code}`;
}

class Watcher {
  readonly #root: string;
  readonly #debounce: number;
  readonly #watchers: FSWatcher[] = [];
  readonly #watchedExtras = new Set<string>();
  readonly #watchedDirs = new Set<string>();
  #child: ChildProcess | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #changed = "";
  #restarting = false;
  #again = false;

  constructor(options: AutoreloadOptions) {
    const main = process.argv[1];
    this.#root = resolve(options.root ?? (main ? dirname(main) : process.cwd()));
    this.#debounce = options.debounce ?? 100;
  }

  start(): void {
    this.#watchTree(this.#root);
    for (const path of extraPaths) this.watchExtra(path);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.on(signal, () => void this.#stop());
    }
    genLog.info(`Autoreload: watching ${this.#root} for changes`);
    this.#spawn();
  }

  /**
   * Watches a folder and its subfolders, one watcher each, skipping `node_modules` and dot folders
   * (a recursive watch would walk `node_modules` too); folders created later are added as they
   * appear.
   */
  #watchTree(dir: string): void {
    if (this.#watchedDirs.has(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watchPath(dir, (_event, name) => {
        if (name === null) return;
        const path = join(dir, name.toString());
        if (isFolder(path)) {
          if (!skipFolder(name.toString())) this.#watchTree(path);
        } else if (this.#isSource(path)) {
          this.#onChange(path);
        }
      });
    } catch {
      return;
    }
    watcher.on("error", () => {
      watcher.close();
      this.#watchedDirs.delete(dir);
    });
    this.#watchedDirs.add(dir);
    this.#watchers.push(watcher);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !skipFolder(entry.name)) this.#watchTree(join(dir, entry.name));
    }
  }

  /** Watches a path outside the root; watching its folder survives editors that save by renaming. */
  watchExtra(path: string): void {
    if (this.#watchedExtras.has(path) || path.startsWith(this.#root + sep)) return;
    this.#watchedExtras.add(path);
    const folder = dirname(path);
    const name = basename(path);
    try {
      const extra = watchPath(folder, (_event, changed) => {
        if (changed !== null && changed.toString() === name) this.#onChange(path);
      });
      this.#watchers.push(extra);
    } catch (error) {
      genLog.warning(`Autoreload: cannot watch ${path}`, error);
    }
  }

  #isSource(path: string): boolean {
    if (basename(path).startsWith(".")) return false;
    return SOURCE_EXTENSIONS.includes(extname(path)) || extraPaths.has(path);
  }

  #onChange(path: string): void {
    this.#changed = path;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#restart(), this.#debounce);
  }

  async #restart(): Promise<void> {
    if (this.#restarting) {
      this.#again = true;
      return;
    }
    this.#restarting = true;
    try {
      do {
        this.#again = false;
        genLog.info(`${this.#changed} modified; restarting server`);
        await this.#stopChild();
        this.#spawn();
      } while (this.#again);
    } finally {
      this.#restarting = false;
    }
  }

  #spawn(): void {
    const main = process.argv[1];
    if (!main) throw new Error("Autoreload needs the program's main script (process.argv[1])");
    const child = fork(main, process.argv.slice(2), {
      execArgv: process.execArgv,
      env: { ...process.env, [AUTORELOAD_ENV]: "1" },
      stdio: "inherit",
    });
    this.#child = child;
    child.on("message", (message: unknown) => {
      if (isMessage(message) && message.tornadoTs === "autoreload-watch") {
        extraPaths.add(message.path);
        this.watchExtra(message.path);
      }
    });
    child.on("exit", (code, signal) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      if (this.#restarting) return;
      genLog.warning(`Autoreload: the server ${describeExit(code, signal)}; waiting for a change`);
    });
  }

  #stopChild(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.#child = undefined;
      return Promise.resolve();
    }
    return new Promise((done) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      child.once("exit", () => {
        clearTimeout(timer);
        if (this.#child === child) this.#child = undefined;
        done();
      });
      if (child.connected) child.send({ tornadoTs: "autoreload-exit" } satisfies Message);
      else child.kill("SIGTERM");
    });
  }

  async #stop(): Promise<void> {
    for (const w of this.#watchers) w.close();
    clearTimeout(this.#timer);
    this.#restarting = true;
    await this.#stopChild();
    process.exit(0);
  }
}
