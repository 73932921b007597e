/**
 * The worker-thread side of `IOLoop.runInExecutor`: runs one task (a function's source, or an export
 * of a module) and returns its result. Loaded by the thread pool, never imported by user code.
 * @module
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** A task sent by `runInExecutor`. */
export type ExecutorTaskMessage =
  | { kind: "function"; source: string; args: unknown[] }
  | { kind: "module"; module: string; name: string; args: unknown[] };

type Callable = (...args: unknown[]) => unknown;

// Transpilers that keep function names (esbuild, and so tsx) insert calls to a module-level
// `__name` helper into function bodies; a function's source run here has no such helper, so an
// identity stand-in is defined for it.
const scope = globalThis as { __name?: (target: unknown) => unknown };
scope.__name ??= (target) => target;

const compiled = new Map<string, Callable>();

function compile(source: string): Callable {
  let fn = compiled.get(source);
  if (fn) return fn;
  try {
    fn = new Function(`return (${source});`)() as Callable;
  } catch (error) {
    throw new TypeError(
      "runInExecutor needs a self-contained function expression or declaration (not a method, a bound or a native function)",
      { cause: error },
    );
  }
  if (typeof fn !== "function") throw new TypeError("runInExecutor was not given a function");
  compiled.set(source, fn);
  return fn;
}

/**
 * Imports a task's module. On Node 20, worker threads do not get the main thread's ESM loader hooks
 * (tsx's, for TypeScript) while CommonJS hooks are set up per thread; a module the ESM loader cannot
 * read for that reason is loaded through `require` instead.
 */
async function load(specifier: string): Promise<Record<string, unknown>> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ERR_UNKNOWN_FILE_EXTENSION"))
      throw error;
    const require = createRequire(join(process.cwd(), "index.js"));
    return require(specifier.startsWith("file:") ? fileURLToPath(specifier) : specifier) as Record<
      string,
      unknown
    >;
  }
}

/** Runs one task on this worker thread. */
export default async function runTask(task: ExecutorTaskMessage): Promise<unknown> {
  if (task.kind === "function") return await compile(task.source)(...task.args);
  const module = await load(task.module);
  const fn = module[task.name];
  if (typeof fn !== "function") {
    throw new TypeError(`${task.module} has no exported function '${task.name}'`);
  }
  return await Reflect.apply(fn, undefined, task.args);
}
