/**
 * Work on the worker-thread pool as methods and functions that return promises (Tornado's
 * `tornado.concurrent`, whose `run_on_executor` is the one name with a counterpart here: the rest of
 * that module manages Tornado's `Future`, which a JavaScript `Promise` already is).
 * @module tornado-ts/concurrent
 */
import { type ExecutorModuleTask, IOLoop } from "./ioloop.ts";

// Member access on `this` or `super`: a method sent to a worker thread has neither.
const USES_THIS = /\b(?:this\s*(?:\.|\?\.|\[)|super\s*(?:\.|\())/;

/**
 * The source of a method or function as a self-contained function expression: a method's shorthand
 * (`name(a) {...}`, `async name() {...}`) becomes the value of an object literal's property.
 */
function functionExpressionOf(fn: (...args: never[]) => unknown): string {
  const source = Function.prototype.toString.call(fn);
  if (source.endsWith("{ [native code] }")) {
    throw new TypeError(
      `runOnExecutor cannot send ${fn.name || "a native function"}: it has no source`,
    );
  }
  if (USES_THIS.test(source)) {
    throw new TypeError(
      `runOnExecutor cannot run ${fn.name || "this function"} on a worker thread: it uses this or super, which do not exist there. Pass what it needs as arguments, or put the work in a module and use runOnExecutor({ module, name }).`,
    );
  }
  if (/^(?:async\s+)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(source)) return source;
  if (/^class\b/.test(source)) throw new TypeError("runOnExecutor cannot run a class");
  return `Object.values({ ${source} })[0]`;
}

/** A function that runs on the worker-thread pool and resolves with the result. */
export type ExecutorFunction<Args extends unknown[], R> = (...args: Args) => Promise<Awaited<R>>;

/**
 * Runs a method or function on the worker-thread pool of `IOLoop.current()` (Tornado's
 * `@run_on_executor`), so calling it returns a promise of its result while the event loop keeps
 * serving. Three forms:
 *
 * - a method decorator (TC39): `@runOnExecutor async resize(data: Uint8Array, width: number) {...}`
 *   (or `@runOnExecutor()`); declare the method `async`, since calling it returns a promise;
 * - a plain function: `const fib = runOnExecutor((n: number) => ...)`;
 * - an exported function of a module: `runOnExecutor({ module: new URL("./work.ts",
 *   import.meta.url), name: "resize" })`, the way for real code.
 *
 * A thread has its own memory: a method or function is sent as its source text, so it must be
 * self-contained. It gets its arguments (copied by structured clone) and nothing else: no `this`
 * (a method using `this.` or `super` is refused when decorated), no variables from around it, no
 * imports from the top of its file (`await import(...)` inside it works). The module form has none
 * of these limits: the module is imported on the thread. Errors reject the promise.
 *
 * Differs from Tornado: no `executor` attribute or argument (the pool is the loop's, see
 * `IOLoop.setDefaultExecutor`), and the work runs on threads with their own memory, not on threads
 * sharing the object.
 */
export function runOnExecutor<This, Args extends unknown[], R>(
  method: (this: This, ...args: Args) => R,
  context?: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
): (this: This, ...args: Args) => Promise<Awaited<R>>;
export function runOnExecutor(task: ExecutorModuleTask): (...args: unknown[]) => Promise<unknown>;
export function runOnExecutor(): typeof runOnExecutor;
export function runOnExecutor(
  task?: ((...args: never[]) => unknown) | ExecutorModuleTask,
  _context?: ClassMethodDecoratorContext,
): ((...args: unknown[]) => Promise<unknown>) | typeof runOnExecutor {
  // `@runOnExecutor()`, as Tornado's `@run_on_executor()`: the decorator itself.
  if (task === undefined) return runOnExecutor;
  if (typeof task !== "function") {
    if (task === null || typeof task !== "object" || task.module === undefined) {
      throw new TypeError(
        "runOnExecutor takes a method, a self-contained function, or { module, name }",
      );
    }
    const moduleTask: ExecutorModuleTask = { ...task };
    return (...args) => IOLoop.current().runInExecutor(moduleTask, ...args);
  }
  // runInExecutor sends a function's source text: this wrapper's text is the call of the method's
  // source as a function expression, whatever syntax (method shorthand, async, arrow) it was.
  const expression = functionExpressionOf(task);
  let sendable: (...args: unknown[]) => unknown;
  try {
    sendable = new Function(`return (...args) => (${expression})(...args);`)();
  } catch (error) {
    throw new TypeError(
      `runOnExecutor needs a method or a self-contained function; ${task.name || "this one"} cannot be sent`,
      { cause: error },
    );
  }
  const name = task.name || "executorFunction";
  return {
    [name](...args: unknown[]): Promise<unknown> {
      return IOLoop.current().runInExecutor(sendable, ...args);
    },
  }[name]!;
}
