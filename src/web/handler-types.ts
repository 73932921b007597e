/**
 * Types that read a handler class: its HTTP methods, its `initialize` arguments, its user type.
 *
 * This module imports nothing from the framework (only types live here, structural ones), so
 * `request-handler.ts` and `route-types.ts` can both use it without an import cycle.
 * @module
 */

/** The HTTP methods a handler serves, by the name of the method that serves them. */
export type HandlerVerb = "get" | "post" | "put" | "patch" | "delete" | "head" | "options";

/**
 * The shape every HTTP method of a handler has: path groups arrive as string arguments (an
 * optional group that did not take part as `undefined`); it may return a promise.
 */
export type VerbMethod = (...pathArgs: string[]) => unknown;

/** The methods of `H` that receive path groups and that `H` defines (the HTTP methods, `open`). */
export type DefinedVerbs<H> = {
  [K in HandlerVerb | "open"]: K extends keyof H
    ? undefined extends H[K]
      ? never
      : H[K] extends (...args: never) => unknown
        ? K
        : never
    : never;
}[HandlerVerb | "open"];

/**
 * The user type of a handler: what its `getCurrentUser()` returns, awaited (so an `async`
 * `getCurrentUser(): Promise<User | null>` gives `User | null`). `unknown` when it is not declared.
 */
export type CurrentUserOf<H> =
  H extends Record<"getCurrentUser", () => infer U> ? Awaited<U> : unknown;

/**
 * What a handler's `initialize` accepts as its init arguments: its first parameter's type, or
 * (when it takes none) an empty object.
 */
export type InitArgsOf<H> =
  H extends Record<"initialize", (...args: infer P) => unknown>
    ? P extends readonly []
      ? Record<string, never>
      : P[0]
    : Record<string, never>;

/** True when a route may leave the init arguments out: `initialize` then receives `{}`. */
export type InitArgsOptional<H> = Record<string, never> extends InitArgsOf<H> ? true : false;
