/**
 * Route types: what the compiler learns from a route's pattern literal, checked against its
 * handler class at the `url(...)` call; and {@link urlReverser}, a `reverseUrl` that knows the
 * route names and their argument counts. Beyond Tornado, where a mismatch shows only when a
 * request arrives.
 * @module
 */
import type { DefinedVerbs, InitArgsOf, InitArgsOptional } from "./handler-types.ts";
import {
  type HandlerClass,
  type InitArgs,
  type Route,
  RouteError,
  toURLSpec,
  URLSpec,
} from "./routing.ts";

// ---- reading a pattern ----------------------------------------------------------------------

/** An open group while a pattern is read: its index (never when it does not capture), the indices of the capturing groups inside it, and whether `|` appears directly in it. */
type Frame = [cap: string, inner: string, alt: boolean];

/** What a pattern literal says about its groups. */
export interface PatternGroups<Names extends readonly string[] = string[], Optional = string> {
  /** One entry per capturing group in pattern order: its name, or `""` for a positional group. */
  names: Names;
  /** The indices (as strings) of the groups that may not take part in a match. */
  optional: Optional;
}

/** An unbalanced pattern: not checked here (the Application refuses it when it is built). */
type Unreadable = null;

/** Opens a group. */
type Push<St extends Frame[], F extends Frame> = [...St, F];

/**
 * Reads a pattern one character at a time (tail-recursive). `St` is the stack of open groups, `T`
 * the top level (`[never, inner, alt]`), `G` the names so far, `O` the optional indices.
 */
type Scan<
  S extends string,
  St extends Frame[],
  T extends Frame,
  G extends string[],
  O extends string,
> = S extends `${infer C}${infer R}`
  ? C extends Special
    ? Step<S, St, T, G, O>
    : Scan<R, St, T, G, O>
  : St extends []
    ? PatternGroups<G, O | (T[2] extends true ? T[1] : never)>
    : Unreadable;

/** The characters that matter to {@link Scan}; it steps over any other one by one. */
type Special = "\\" | "[" | "(" | ")" | "|";

/** One step of {@link Scan}: the character (or group opening) at the start of `S`. */
type Step<
  S extends string,
  St extends Frame[],
  T extends Frame,
  G extends string[],
  O extends string,
> = S extends `\\${string}${infer R}`
  ? Scan<R, St, T, G, O>
  : S extends `[${infer R}`
    ? Scan<SkipClass<R>, St, T, G, O>
    : S extends `(?<=${infer R}` | `(?<!${infer R}` | `(?P=${infer R}`
      ? Scan<R, Push<St, [never, never, false]>, T, G, O>
      : S extends `(?P<${infer N}>${infer R}` | `(?<${infer N}>${infer R}`
        ? Scan<R, Push<St, [`${G["length"]}`, never, false]>, T, [...G, N], O>
        : S extends `(?${infer R}`
          ? Scan<R, Push<St, [never, never, false]>, T, G, O>
          : S extends `(${infer R}`
            ? Scan<R, Push<St, [`${G["length"]}`, never, false]>, T, [...G, ""], O>
            : S extends `)${infer R}`
              ? Close<R, St, T, G, O>
              : S extends `|${infer R}`
                ? St extends [...infer Rest extends Frame[], infer F extends Frame]
                  ? Scan<R, [...Rest, [F[0], F[1], true]], T, G, O>
                  : Scan<R, St, [never, T[1], true], G, O>
                : never;

/** Closes the innermost group: `?`, `*` or `{0` after it, or `|` in it, makes groups optional. */
type Close<
  R extends string,
  St extends Frame[],
  T extends Frame,
  G extends string[],
  O extends string,
> = St extends [...infer Rest extends Frame[], infer F extends Frame]
  ? Scan<
      R,
      Rest extends [...infer Up extends Frame[], infer P extends Frame]
        ? [...Up, [P[0], P[1] | F[0] | F[1], P[2]]]
        : Rest,
      Rest extends [] ? [never, T[1] | F[0] | F[1], T[2]] : T,
      G,
      | O
      | (F[2] extends true ? F[1] : never)
      | (R extends `?${string}` | `*${string}` | `{0${string}` ? F[0] | F[1] : never)
    >
  : Unreadable;

/** The rest of a pattern after a character class `[...]` (escapes inside it skipped). */
type SkipClass<S extends string> = S extends `\\${string}${infer R}`
  ? SkipClass<R>
  : S extends `]${infer R}`
    ? R
    : S extends `${string}${infer R}`
      ? SkipClass<R>
      : "";

/**
 * The groups of a route pattern. Python's `(?P<name>...)` counts as a named group, as at run
 * time; a pattern without `(` is read in one step. `null` for a pattern the compiler cannot see
 * (a `RegExp`, a `string` variable): such a route is not checked.
 */
export type GroupsOf<P> = P extends string
  ? string extends P
    ? null
    : P extends `${string}(${string}`
      ? Scan<P, [], [never, never, false], [], never>
      : PatternGroups<[], never>
  : null;

/** The path arguments a pattern passes to the handler's methods, in pattern order. */
export type PathArgsOf<P> =
  GroupsOf<P> extends PatternGroups<infer G, infer O>
    ? { [I in keyof G]: I extends O ? string | undefined : string }
    : string[];

/** The named groups of a pattern as `pathKwargs` holds them (an optional group may be absent). */
export type PathKwargsOf<P> =
  GroupsOf<P> extends PatternGroups<infer G, infer O>
    ? {
        [I in keyof G & `${number}` as I extends O
          ? never
          : G[I] extends ""
            ? never
            : G[I]]: string;
      } & {
        [I in keyof G & `${number}` as I extends O
          ? G[I] extends ""
            ? never
            : G[I]
          : never]?: string;
      }
    : Record<string, string>;

// ---- checking a route -----------------------------------------------------------------------

/**
 * A route the compiler refuses: the handler class is not assignable to this, and the message
 * says why.
 */
export interface RouteTypeError<Message extends string> {
  /** Why the route does not type-check. */
  readonly "route type error": Message;
}

/** The methods of `H` that cannot take the arguments `A` (named: `K` may also take none). */
type BadVerbs<H, A extends readonly unknown[], Named extends boolean> = {
  [K in DefinedVerbs<H>]: H[K] extends (...args: infer P) => unknown
    ? A extends P
      ? never
      : Named extends true
        ? P extends readonly []
          ? never
          : K
        : K
    : never;
}[DefinedVerbs<H>];

/**
 * `unknown` when handler instance `H` can serve pattern `P`, else a {@link RouteTypeError}:
 * each HTTP method `H` defines must take the pattern's groups as string arguments (no fewer
 * parameters, none that a string does not satisfy, none required beyond the groups; for named
 * groups a method may instead take none and read `this.pathKwargs`); what `H` declares for
 * `pathKwargs` must be what the named groups give; and groups are all named or all positional.
 */
export type CheckRoute<P, H> =
  GroupsOf<P> extends PatternGroups<infer G>
    ? "" extends G[number]
      ? Exclude<G[number], ""> extends never
        ? CheckMethods<P, H, false>
        : RouteTypeError<"groups in url regexes must either be all named or all positional">
      : CheckMethods<P, H, true>
    : unknown;

type CheckMethods<P, H, Named extends boolean> =
  BadVerbs<H, PathArgsOf<P>, Named> extends infer Bad extends string
    ? [Bad] extends [never]
      ? H extends { pathKwargs: infer K }
        ? PathKwargsOf<P> extends K
          ? unknown
          : RouteTypeError<"the handler's pathKwargs names groups this pattern does not have">
        : unknown
      : RouteTypeError<`${Bad}() does not take this pattern's ${PathArgsOf<P>["length"] & number} path argument(s) as strings`>
    : unknown;

/** The init arguments and name after `url(pattern, Handler, ...)`. */
export type UrlRest<H, N> =
  InitArgsOptional<H> extends true
    ? [initArgs?: InitArgsOf<H> | undefined, name?: N]
    : [initArgs: InitArgsOf<H>, name?: N];

declare const routeTypes: unique symbol;

/**
 * A {@link URLSpec} whose name and path arguments the compiler knows (what {@link url} returns).
 * The extra member exists in types only.
 */
export type TypedURLSpec<
  Name extends string | undefined,
  Args extends readonly unknown[],
> = URLSpec & {
  /** The route's name and path arguments, for the compiler only (never set). */
  readonly [routeTypes]?: RouteInfo<Name, Args>;
};

/** What the compiler knows of a route: its name and the path arguments its pattern gives. */
export interface RouteInfo<Name, Args extends readonly unknown[]> {
  /** The route's name, `undefined` when it has none. */
  name: Name;
  /** The path arguments, in pattern order. */
  args: Args;
}

/**
 * Makes a route with init args and a name (Tornado's `url()`), checked by the compiler when the
 * pattern is a string literal: each HTTP method of `handlerClass` must take the pattern's groups
 * as string arguments, and `initArgs` must be what its `initialize` accepts (and is required when
 * `initialize` needs one). A `RegExp` or a non-literal pattern is not checked.
 */
export function url<
  const P extends string | RegExp,
  // biome-ignore lint/suspicious/noExplicitAny: any handler subclass, whatever its constructor's parameter types.
  C extends HandlerClass<any>,
  const N extends string | undefined = undefined,
>(
  pattern: P,
  handlerClass: C & CheckRoute<P, InstanceType<C>>,
  ...rest: UrlRest<InstanceType<C>, N>
): TypedURLSpec<N, PathArgsOf<P>> {
  const [initArgs, name] = rest as [InitArgs | undefined, string | undefined];
  return new URLSpec(pattern, handlerClass, initArgs, name);
}

// ---- reversing ------------------------------------------------------------------------------

/** The name and arguments of one route, as the compiler knows them. */
type RouteEntry<R> =
  R extends TypedURLSpec<infer N, infer A>
    ? RouteInfo<N, A>
    : R extends readonly [infer P, unknown, unknown, infer N extends string]
      ? RouteInfo<N, PathArgsOf<P>>
      : R extends URLSpec
        ? RouteInfo<string, unknown[]>
        : RouteInfo<undefined, []>;

/** The route names declared in `R` (any string when `R` is not a constant list). */
export type RouteNames<R extends readonly unknown[]> = number extends R["length"]
  ? string
  : Exclude<RouteEntry<R[number]>["name"], undefined>;

/** The arguments `reverseUrl(name, ...)` takes for route `N` of `R` (unchecked when `R` is not a constant list). */
export type ReverseArgs<R extends readonly unknown[], N> = number extends R["length"]
  ? unknown[]
  : {
      [K in keyof R]: RouteEntry<R[K]> extends RouteInfo<N, infer A>
        ? { [I in keyof A]: string | number }
        : never;
    }[number];

/** A `reverseUrl` that checks the route name and the number of arguments at compile time. */
export type UrlReverser<R extends readonly unknown[]> = <N extends RouteNames<R>>(
  name: N,
  ...args: ReverseArgs<R, N>
) => string;

/**
 * A typed `reverseUrl` for a route list declared as a constant: `urlReverser(routes)("student",
 * 12)` compiles only when a route is named `"student"` and its pattern has one group. At run time
 * it builds the path as `Application.reverseUrl` does (throwing a `RouteError` for an unknown
 * name). Not in Tornado.
 */
export function urlReverser<const R extends readonly Route[]>(routes: R): UrlReverser<R> {
  const byName = new Map<string, URLSpec>();
  for (const route of routes) {
    const spec = toURLSpec(route);
    if (spec.name !== undefined && !byName.has(spec.name)) byName.set(spec.name, spec);
  }
  return (name, ...args) => {
    const spec = byName.get(name);
    if (spec === undefined) throw new RouteError(`${name} not found in named urls`);
    return spec.reverse(...args);
  };
}
