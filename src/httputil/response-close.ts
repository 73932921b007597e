/**
 * One `close` listener per response, shared by the server's bookkeeping and the request handler:
 * a second listener makes Node keep the listeners in an array and copy it on every emit. Adding
 * and emitting the handler's close costs about 61 ns this way against 132 ns with a second `once`
 * listener (Node 20, bench/micro/optimisations.mjs close-listener). Internal; not exported from
 * `tornado-ts/httputil`.
 * @module
 */
import type { ServerResponse } from "node:http";

const closeHook = Symbol("tornado-ts.closeHook");

declare module "node:http" {
  interface ServerResponse {
    /** `null`: the server listens and no hook is set yet; a function: the hook; absent: no server listener. */
    [closeHook]?: (() => void) | null;
  }
}

/**
 * Listens for `res`'s close on the server's behalf with `listener` (one function shared by every
 * response, called with the response as `this`), which must call {@link runCloseHook} last.
 */
export function watchResponseClose(
  res: ServerResponse,
  listener: (this: ServerResponse) => void,
): void {
  res[closeHook] = null;
  res.on("close", listener);
}

/** Calls the hook {@link onResponseClose} set on `res`, if any: for the server's close listener. */
export function runCloseHook(res: ServerResponse): void {
  const hook = res[closeHook];
  if (hook) hook();
}

/** Calls `fn` when `res` closes: through the server's listener when it has one, else its own. */
export function onResponseClose(res: ServerResponse, fn: () => void): void {
  if (res[closeHook] === null) res[closeHook] = fn;
  else res.on("close", fn);
}
