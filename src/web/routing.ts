/**
 * Routes of an Application: `URLSpec` (pattern, handler class, init args, name), the route table
 * that matches paths by first segment, `reverseUrl`'s reversal, and hand-over to other listeners.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { urlEscape } from "../escape.ts";
import type { HTTPServerDelegate, HTTPServerOptions } from "../httpserver.ts";
import type { HTTPServerRequest } from "../httputil/request.ts";
import { errorMessage } from "./errors.ts";
import type { HandlerClass, InitArgs } from "./request-handler.ts";

export type { HandlerClass, InitArgs };

/** A Node request listener. */
type Listener = (req: IncomingMessage, res: ServerResponse) => void;
/** What a route may hand a request to whole: a delegate (an Application, a router) or a listener. */
type Delegate = HTTPServerDelegate | Listener;

/** A route as a tuple: `[pattern, Handler, initArgs?, name?]`. */
export type RouteTuple =
  | readonly [string | RegExp, HandlerClass]
  | readonly [string | RegExp, HandlerClass, InitArgs | undefined]
  | readonly [string | RegExp, HandlerClass, InitArgs | undefined, string | undefined];

/** A route: a tuple or a {@link URLSpec} made with {@link url}. */
export type Route = RouteTuple | URLSpec;

/** The result of matching a path: raw (still percent-encoded) group values. */
export interface RouteMatch {
  /** The route that matched. */
  readonly spec: URLSpec;
  /** Captured groups in pattern order; `undefined` for an optional group that did not take part. */
  readonly args: readonly (string | undefined)[];
  /** Named groups by name (empty for a pattern without names). */
  readonly kwargs: Readonly<Record<string, string | undefined>>;
  /**
   * Set when the route's target is not a handler class (an Application, a router, a Node
   * listener): the request is handed to it whole, before its body is read.
   */
  readonly delegate?: HTTPServerDelegate | ((req: IncomingMessage, res: ServerResponse) => void);
}

// A pattern without groups matches with these: shared, so a match allocates nothing of its own.
const NO_ARGS: readonly string[] = Object.freeze([]);
const NO_KWARGS: Readonly<Record<string, string>> = Object.freeze({});

/** An error in a route definition, raised when the Application is built. */
export class RouteError extends Error {
  /** The error's name, `"RouteError"`. */
  override readonly name = "RouteError";
}

const META = new Set([..."\\^$.|?*+()[]{}"]);

/** Converts Python regex syntax that JavaScript spells differently. */
function toJsRegexSource(pattern: string): string {
  return pattern
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, "(?<$1>")
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, "\\k<$1>")
    .replace(/\\Z/g, "$")
    .replace(/\\A/g, "^");
}

/** The literal text every match must start with, used to skip regex work; "" when unknown. */
function literalPrefix(source: string): { prefix: string; exact: boolean } {
  let i = source.startsWith("^") ? 1 : 0;
  let prefix = "";
  let depth = 0;
  for (let j = i; j < source.length; j++) {
    const ch = source[j];
    if (ch === "\\") j++;
    else if (ch === "[") depth++;
    else if (ch === "]") depth = Math.max(0, depth - 1);
    else if (ch === "|" && depth === 0) return { prefix: "", exact: false };
  }
  for (; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === "\\") {
      const next = source[i + 1];
      // A class escape (`\d`) or an escaped character under a quantifier ends the literal text,
      // and the pattern is then not a literal: leaving the loop would call it exact.
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return { prefix, exact: false };
      if ("?*{".includes(source[i + 2] ?? "")) return { prefix, exact: false };
      prefix += next;
      i++;
      continue;
    }
    if (META.has(ch)) {
      if ("?*{".includes(ch)) prefix = prefix.slice(0, -1);
      const exact = ch === "$" && i === source.length - 1;
      return { prefix, exact };
    }
    prefix += ch;
  }
  return { prefix, exact: true };
}

/**
 * The first path segment (with its trailing `/`, or the whole path for a literal route) every path
 * the route matches starts with, or `undefined` when the pattern does not fix it.
 */
let segmentKeyOf!: (spec: URLSpec) => string | undefined;

/**
 * One route: a pattern, the handler class, its init args and an optional name (Tornado's `URLSpec`).
 *
 * The pattern is a regular expression matched against the start of the raw path and anchored at
 * its end with `$` (unless it ends with one), as Tornado does. Python's `(?P<name>...)` is accepted.
 * Groups must be all named or all positional.
 */
export class URLSpec {
  /** The pattern as written. */
  readonly pattern: string;
  /** The compiled, anchored expression. */
  readonly regex: RegExp;
  /** The handler class. */
  readonly handlerClass: HandlerClass;
  /** Passed to the handler's `initialize()`. */
  readonly initArgs: InitArgs;
  /** The name for `reverseUrl`, if any. */
  readonly name: string | undefined;
  /** The number of capturing groups. */
  readonly groupCount: number;
  /** Named groups in pattern order, empty when the groups are positional. */
  readonly groupNames: readonly string[];
  readonly #prefix: string;
  readonly #exact: boolean;
  readonly #reverseParts: readonly string[] | null;
  /** The match of a pattern without groups, the same every time. */
  readonly #exactMatch: RouteMatch;

  static {
    segmentKeyOf = (spec) => {
      const prefix = spec.#prefix;
      if (!prefix.startsWith("/")) return undefined;
      const slash = prefix.indexOf("/", 1);
      if (slash >= 0) return prefix.slice(0, slash + 1);
      return spec.#exact ? prefix : undefined;
    };
  }

  constructor(
    pattern: string | RegExp,
    handlerClass: HandlerClass,
    initArgs?: InitArgs,
    name?: string,
  ) {
    const source = typeof pattern === "string" ? pattern : pattern.source;
    this.pattern = source;
    let js = toJsRegexSource(source);
    if (!js.endsWith("$")) js += "$";
    try {
      this.regex = new RegExp(js, "y");
    } catch (error) {
      throw new RouteError(
        `Invalid route pattern ${JSON.stringify(source)}: ${errorMessage(error)}`,
      );
    }
    if (typeof handlerClass !== "function") {
      throw new RouteError(`Route ${JSON.stringify(source)} needs a RequestHandler class`);
    }
    this.handlerClass = handlerClass;
    this.initArgs = initArgs ?? {};
    this.name = name;
    this.groupCount = (new RegExp(`${js}|`).exec("")?.length ?? 1) - 1;
    this.groupNames = [...js.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
    if (this.groupNames.length > 0 && this.groupNames.length !== this.groupCount) {
      throw new RouteError(
        `groups in url regexes must either be all named or all positional: ${JSON.stringify(js)}`,
      );
    }
    const { prefix, exact } = literalPrefix(js);
    this.#prefix = prefix;
    this.#exact = exact && this.groupCount === 0;
    this.#reverseParts = reverseParts(js, this.groupCount);
    this.#exactMatch = Object.freeze({ spec: this, args: NO_ARGS, kwargs: NO_KWARGS });
  }

  /**
   * Matches a raw request path; returns the groups (read-only) or `null`. The request is for rules
   * that look at more than the path (`tornado-ts/routing`); a path pattern ignores it.
   */
  match(path: string, _request?: HTTPServerRequest): RouteMatch | null {
    if (this.#exact) return path === this.#prefix ? this.#exactMatch : null;
    if (this.#prefix !== "" && !path.startsWith(this.#prefix)) return null;
    this.regex.lastIndex = 0;
    const m = this.regex.exec(path);
    if (m === null) return null;
    if (m.length === 1) return this.#exactMatch;
    return { spec: this, args: m.slice(1), kwargs: m.groups ? { ...m.groups } : NO_KWARGS };
  }

  /**
   * Builds a path from this pattern with `args` in place of its groups; each is URL-escaped
   * (`/` kept). Throws when the pattern cannot be reversed or the count of args is wrong.
   */
  reverse(...args: unknown[]): string {
    if (this.#reverseParts === null)
      throw new RouteError(`Cannot reverse url regex ${this.pattern}`);
    if (args.length !== this.groupCount) {
      throw new RouteError(
        `required number of arguments not found: ${this.name ?? this.pattern} takes ${this.groupCount}, got ${args.length}`,
      );
    }
    let out = this.#reverseParts[0]!;
    for (let i = 0; i < args.length; i++) {
      const value = args[i];
      // Bytes are escaped as they are (b"\xe9" -> %E9), text as its UTF-8, as in Tornado.
      const part = value instanceof Uint8Array ? value : String(value);
      out += urlEscape(part, false) + this.#reverseParts[i + 1]!;
    }
    return out;
  }
}

// Below this many routes a plain scan is as quick as the index.
const INDEX_MIN_ROUTES = 8;

/**
 * A list of routes matched in order, the first match winning (Tornado's rule), with an index by
 * first path segment in front of the scan: a path is tried only against the routes whose literal
 * start fixes that segment, and those whose pattern does not fix it, in their original order.
 * @internal
 */
export class RouteTable {
  readonly #specs: readonly URLSpec[];
  readonly #bySegment = new Map<string, readonly URLSpec[]>();
  readonly #unindexed: readonly URLSpec[];

  constructor(specs: readonly URLSpec[]) {
    this.#specs = [...specs];
    const keys = this.#specs.map((spec) => segmentKeyOf(spec));
    this.#unindexed = this.#specs.filter((_, i) => keys[i] === undefined);
    for (const key of new Set(keys)) {
      if (key === undefined) continue;
      this.#bySegment.set(
        key,
        this.#specs.filter((_, i) => keys[i] === undefined || keys[i] === key),
      );
    }
  }

  /** The first route matching `path` (raw, percent-encoded), or `null`. */
  match(path: string, request?: HTTPServerRequest): RouteMatch | null {
    let specs = this.#specs;
    if (specs.length >= INDEX_MIN_ROUTES) {
      const slash = path.indexOf("/", 1);
      const key = slash < 0 ? path : path.slice(0, slash + 1);
      specs = this.#bySegment.get(key) ?? this.#unindexed;
    }
    for (const spec of specs) {
      const match = spec.match(path, request);
      if (match) return match;
    }
    return null;
  }
}

/** The literal pieces between groups, or `null` when the pattern cannot be reversed. */
function reverseParts(js: string, groupCount: number): string[] | null {
  let source = js.startsWith("^") ? js.slice(1) : js;
  if (source.endsWith("$")) source = source.slice(0, -1);
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === "\\") {
      const next = source[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return null;
      current += next;
      i++;
    } else if (ch === "(") {
      if (source[i + 1] === "?" && source[i + 2] !== "<") return null;
      let depth = 1;
      let j = i + 1;
      for (; j < source.length && depth > 0; j++) {
        if (source[j] === "\\") j++;
        else if (source[j] === "(") return null;
        else if (source[j] === ")") depth--;
      }
      if (depth !== 0) return null;
      parts.push(current);
      current = "";
      i = j - 1;
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.length - 1 === groupCount ? parts : null;
}

// `url()`, the typed way to make a URLSpec, is in route-types.ts.

/** Turns a route tuple or spec into a {@link URLSpec}. */
export function toURLSpec(route: Route): URLSpec {
  if (route instanceof URLSpec) return route;
  if (!Array.isArray(route) || route.length < 2 || route.length > 4) {
    throw new RouteError(
      `A route is [pattern, Handler, initArgs?, name?] or url(...); got ${String(route)}`,
    );
  }
  const [pattern, handler, initArgs, name]: readonly [
    string | RegExp,
    HandlerClass,
    (InitArgs | undefined)?,
    (string | undefined)?,
  ] = route;
  return new URLSpec(pattern, handler, initArgs, name);
}

/**
 * The listener of `target` for a server with `options`, made once per delegate.
 * @internal
 */
export function serveWith(
  target: Delegate,
  listeners: WeakMap<HTTPServerDelegate, Listener>,
  options: HTTPServerOptions,
): Listener {
  if (typeof target === "function") return target;
  let listener = listeners.get(target);
  if (listener === undefined) {
    listener = target.createListener(options);
    listeners.set(target, listener);
  }
  return listener;
}
