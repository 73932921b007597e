/**
 * Routers (Tornado's `tornado.routing`): send a request to an `Application`, a Node request
 * listener, another router or (inside an Application) a RequestHandler class, by rules.
 *
 * ```ts
 * const router = new RuleRouter([
 *   [new PathMatches("/api/.*"), apiApp],
 *   [new HostMatches("admin\\.example\\.com"), adminApp],
 *   [new AnyMatches(), (req, res) => res.end("fallback")],
 * ]);
 * await new HTTPServer(router).listen(8000);
 * ```
 *
 * A router is an `HTTPServerDelegate`: an `HTTPServer` (or `router.listener` with
 * `http.createServer`) serves it. A rule's target gets the request before its body is read, so each
 * target reads the body its own way.
 * @module tornado-ts/routing
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isReadonlyArray } from "./guards.ts";
import { connectionInfo, type HTTPServerDelegate, type HTTPServerOptions } from "./httpserver.ts";
import { HTTPServerRequest } from "./httputil/request.ts";
import { appLog } from "./log.ts";
import { type HandlerClass, type InitArgs, RouteError, serveWith, URLSpec } from "./web/routing.ts";

/** A Node request listener, as `http.createServer` takes: a rule target served as it is. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * What a router hands a request to: a Node request listener, or a delegate (an `Application`, a
 * router, or any object with `createListener`) that makes one for the server's options.
 */
export type RequestDelegate = HTTPServerDelegate | RequestListener;

/** The values a {@link Matcher} took from the request, passed to a handler's method. */
export interface MatchResult {
  /** Positional path groups, still percent-encoded. */
  readonly pathArgs?: readonly (string | undefined)[];
  /** Named path groups, still percent-encoded. */
  readonly pathKwargs?: Readonly<Record<string, string | undefined>>;
}

const EMPTY_MATCH: MatchResult = Object.freeze({});

/** Decides whether a rule applies to a request (Tornado's `Matcher`). Subclass it for your own. */
export abstract class Matcher {
  /** The values taken from the request when it matches (`{}` for none), else `null`. */
  abstract match(request: HTTPServerRequest): MatchResult | null;

  /** The path this matcher matches with `args` in its groups, or `null` when it has no path. */
  reverse(..._args: unknown[]): string | null {
    return null;
  }
}

/** Matches every request. */
export class AnyMatches extends Matcher {
  /** Always `{}`. */
  match(_request: HTTPServerRequest): MatchResult {
    return EMPTY_MATCH;
  }
}

function anchoredHost(pattern: string | RegExp): RegExp {
  let source = typeof pattern === "string" ? pattern : pattern.source;
  if (!source.endsWith("$")) source += "$";
  return new RegExp(source, "y");
}

/** Matches requests whose host name (lower-cased, without the port) matches a regex anchored at both ends. */
export class HostMatches extends Matcher {
  /** The compiled pattern. */
  readonly hostPattern: RegExp;

  /** `hostPattern`: a regex (string or RegExp) matched from the start of the host name to its end. */
  constructor(hostPattern: string | RegExp) {
    super();
    this.hostPattern = anchoredHost(hostPattern);
  }

  /** `{}` when the request's host name matches. */
  match(request: HTTPServerRequest): MatchResult | null {
    this.hostPattern.lastIndex = 0;
    return this.hostPattern.test(request.hostName) ? EMPTY_MATCH : null;
  }
}

/** What {@link DefaultHostMatches} reads the `defaultHost` setting from: an `Application`. */
export interface HasSettings {
  /** The application's settings, of which the `defaultHost` is read. */
  readonly settings: {
    /** The host whose rules serve requests for unknown hosts. */
    readonly defaultHost?: string | undefined;
  };
}

/**
 * Matches when the application's `defaultHost` setting matches `hostPattern`, for requests without
 * an `X-Real-Ip` header (those come through a proxy that names the host itself), as Tornado's.
 */
export class DefaultHostMatches extends Matcher {
  /** The application whose `defaultHost` setting is read on each request. */
  readonly application: HasSettings;
  /** The compiled pattern. */
  readonly hostPattern: RegExp;

  /** `application`: whose `defaultHost` setting is read; `hostPattern` as {@link HostMatches}. */
  constructor(application: HasSettings, hostPattern: string | RegExp) {
    super();
    this.application = application;
    this.hostPattern = anchoredHost(hostPattern);
  }

  /** `{}` when the default host matches and the request has no `X-Real-Ip`. */
  match(request: HTTPServerRequest): MatchResult | null {
    const defaultHost = this.application.settings.defaultHost;
    if (defaultHost === undefined || request.headerValue("x-real-ip") !== undefined) return null;
    this.hostPattern.lastIndex = 0;
    return this.hostPattern.test(defaultHost) ? EMPTY_MATCH : null;
  }
}

/** Marks the URLSpec a PathMatches compiles its pattern with: never constructed. */
class PathOnly {}

/**
 * Matches the request path against a regex, as a route's pattern: anchored at its end, Python's
 * `(?P<name>...)` accepted, groups all named or all positional. The groups become the handler's
 * path arguments.
 */
export class PathMatches extends Matcher {
  readonly #spec: URLSpec;

  /** `pathPattern`: a regex (string or RegExp) matched against the raw (percent-encoded) path. */
  constructor(pathPattern: string | RegExp) {
    super();
    this.#spec = new URLSpec(pathPattern, PathOnly as unknown as HandlerClass);
  }

  /** The pattern as written. */
  get pattern(): string {
    return this.#spec.pattern;
  }

  /** The compiled, anchored expression. */
  get regex(): RegExp {
    return this.#spec.regex;
  }

  /** The path groups when the path matches: named groups as `pathKwargs`, else `pathArgs`. */
  match(request: HTTPServerRequest): MatchResult | null {
    return this.matchPath(request.path);
  }

  /** As {@link match}, for a path. */
  matchPath(path: string): MatchResult | null {
    const m = this.#spec.match(path);
    if (m === null) return null;
    if (this.#spec.groupNames.length > 0) return { pathKwargs: m.kwargs };
    return m.args.length === 0 ? EMPTY_MATCH : { pathArgs: m.args };
  }

  /** The path with `args` URL-escaped into the groups; `null` when the pattern cannot be reversed. */
  override reverse(...args: unknown[]): string | null {
    try {
      return this.#spec.reverse(...args);
    } catch (error) {
      if (error instanceof RouteError && /Cannot reverse/.test(error.message)) return null;
      throw error;
    }
  }
}

/** A rule's target: see {@link Rule}. */
export type RuleTarget = RequestDelegate | HandlerClass | readonly RuleSpec[];

/**
 * A rule as a tuple: `[matcher, target, initArgs?, name?]`; a string or RegExp in the first place
 * is a {@link PathMatches} pattern.
 */
export type RuleTuple = readonly [
  matcher: Matcher | string | RegExp,
  target: RuleTarget,
  initArgs?: InitArgs | undefined,
  name?: string | undefined,
];

/** A rule or its tuple form. */
export type RuleSpec = Rule | RuleTuple;

/**
 * A matcher, a target, the target's init args and an optional name for `reverseUrl`.
 *
 * Targets: an `Application` or any router (the request is handed over whole), a Node request
 * listener `(req, res) => void`, a list of rules (a nested router), or, in an Application's routes,
 * a RequestHandler class (served by that application with `initArgs`).
 */
export class Rule {
  /** Decides whether the rule applies. */
  readonly matcher: Matcher;
  /** Where a matching request goes. */
  readonly target: RuleTarget;
  /** A handler class target's init args (Tornado's `target_kwargs`). */
  readonly initArgs: InitArgs;
  /** The name for `reverseUrl`, if any. */
  readonly name: string | undefined;

  /** A string or RegExp `matcher` is a {@link PathMatches} pattern. */
  constructor(
    matcher: Matcher | string | RegExp,
    target: RuleTarget,
    initArgs?: InitArgs,
    name?: string,
  ) {
    this.matcher =
      matcher instanceof Matcher
        ? matcher
        : typeof matcher === "string" || matcher instanceof RegExp
          ? new PathMatches(matcher)
          : badMatcher(matcher);
    if (target === null || (typeof target !== "function" && typeof target !== "object")) {
      throw new RouteError(`A rule's target must be a router, listener or handler; got ${target}`);
    }
    if (typeof target === "function" && !isHandlerClass(target) && isClass(target)) {
      throw new RouteError(
        `${target.name} is a class but not a RequestHandler: a rule needs a RequestHandler class, an Application, a router or a request listener`,
      );
    }
    this.target = target;
    this.initArgs = initArgs ?? {};
    this.name = name;
  }

  /** The path of this rule with `args` in its groups, or `null` (see {@link Matcher.reverse}). */
  reverse(...args: unknown[]): string | null {
    return this.matcher.reverse(...args);
  }
}

function isClass(value: (...args: never[]) => unknown): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function badMatcher(matcher: unknown): never {
  throw new RouteError(`A rule's matcher must be a Matcher or a path pattern; got ${matcher}`);
}

/** Turns a rule tuple into a {@link Rule}. */
export function toRule(spec: RuleSpec): Rule {
  if (spec instanceof Rule) return spec;
  if (!Array.isArray(spec) || spec.length < 2 || spec.length > 4) {
    throw new RouteError(`A rule is [matcher, target, initArgs?, name?]; got ${String(spec)}`);
  }
  const [matcher, target, initArgs, name] = spec;
  return new Rule(matcher, target, initArgs, name);
}

/** Whether `value` is a RequestHandler class (its prototype has the handler's life-cycle methods). */
export function isHandlerClass(value: unknown): value is HandlerClass {
  if (typeof value !== "function") return false;
  const proto: unknown = value.prototype;
  return (
    typeof proto === "object" &&
    proto !== null &&
    "initialize" in proto &&
    typeof proto.initialize === "function" &&
    "prepare" in proto &&
    typeof proto.prepare === "function" &&
    "onFinish" in proto &&
    typeof proto.onFinish === "function"
  );
}

/** Client text for a log line, cut to `max` characters. */
function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

const NOT_FOUND_PAGE = "<html><title>404: Not Found</title><body>404: Not Found</body></html>";
const ERROR_PAGE =
  "<html><title>500: Internal Server Error</title><body>500: Internal Server Error</body></html>";

function sendPage(res: ServerResponse, status: number, reason: string, page: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, reason, {
    "Content-Type": "text/html; charset=UTF-8",
    "Content-Length": String(page.length),
  });
  res.end(page);
}

/**
 * Finds where a request goes (Tornado's `Router`). Subclass it and implement {@link findHandler};
 * an `HTTPServer` takes the router as its delegate. A request no target takes gets a 404.
 */
export abstract class Router implements HTTPServerDelegate {
  #listener: RequestListener | undefined;

  /**
   * Where `request` goes, or `null` when nowhere (a 404). Called when the headers are in, before
   * the body is read.
   */
  abstract findHandler(request: HTTPServerRequest): RequestDelegate | null;

  /** Makes the Node request listener for a server with these options. */
  createListener(options: HTTPServerOptions = {}): RequestListener {
    const listeners = new WeakMap<HTTPServerDelegate, RequestListener>();
    return (req, res) => {
      const request = new HTTPServerRequest(req, res, connectionInfo(req, options));
      let target: RequestDelegate | null;
      try {
        target = this.findHandler(request);
      } catch (error) {
        appLog.error(
          `Uncaught exception routing ${bounded(request.method, 20)} ${bounded(request.uri, 200)}`,
          error,
        );
        sendPage(res, 500, "Internal Server Error", ERROR_PAGE);
        return;
      }
      if (target === null || target === undefined) {
        // The body is never read: close the connection rather than read an unwanted body.
        if (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"]) {
          res.shouldKeepAlive = false;
        }
        sendPage(res, 404, "Not Found", NOT_FOUND_PAGE);
        return;
      }
      serveWith(target, listeners, options)(req, res);
    };
  }

  /** This router as a Node request listener, for `http.createServer(router.listener)`. */
  get listener(): RequestListener {
    this.#listener ??= this.createListener({});
    return this.#listener;
  }
}

/** A router that can build a URL for a name (Tornado's `ReversibleRouter`). */
export abstract class ReversibleRouter extends Router {
  /**
   * `instanceof ReversibleRouter` holds for every router with a `reverseUrl` method (such as
   * {@link ReversibleRuleRouter}, which extends RuleRouter), as a Python class with both bases.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: a subclass (this) keeps the ordinary check.
    if (this !== ReversibleRouter) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      value instanceof Router && "reverseUrl" in value && typeof value.reverseUrl === "function"
    );
  }

  /** The path for `name` with `args` in its groups, or `null` when this router does not know it. */
  abstract reverseUrl(name: string, ...args: unknown[]): string | null;
}

/**
 * Tries its rules in order (Tornado's `RuleRouter`): the first whose matcher matches and whose
 * target takes the request wins. A nested router that finds nothing lets the next rules try.
 */
export class RuleRouter extends Router {
  /** The rules, in order. */
  readonly rules: Rule[] = [];

  /** `rules`: {@link Rule}s or tuples `[matcher, target, initArgs?, name?]`. */
  constructor(rules: readonly RuleSpec[] = []) {
    super();
    this.addRules(rules);
  }

  /** Appends rules. */
  addRules(rules: readonly RuleSpec[]): void {
    for (const spec of rules) this.rules.push(this.processRule(toRule(spec)));
  }

  /**
   * Checks or rewrites a rule as it is added: here a list target becomes a nested `RuleRouter`
   * (a `ReversibleRuleRouter` in one), and a RequestHandler class is refused (it needs an `Application` to serve it: put
   * the rule in an Application's routes).
   */
  protected processRule(rule: Rule): Rule {
    if (isReadonlyArray(rule.target)) {
      const rules = rule.target;
      const nested =
        this instanceof ReversibleRuleRouter
          ? new ReversibleRuleRouter(rules)
          : new RuleRouter(rules);
      return new Rule(rule.matcher, nested, rule.initArgs, rule.name);
    }
    if (isHandlerClass(rule.target)) {
      throw new RouteError(
        `${rule.target.name} is a RequestHandler class: route it in an Application's handlers (or an Application), not a bare RuleRouter`,
      );
    }
    return rule;
  }

  /** The target of the first rule that matches and takes the request. */
  findHandler(request: HTTPServerRequest): RequestDelegate | null {
    for (const rule of this.rules) {
      const match = rule.matcher.match(request);
      if (match === null) continue;
      const delegate = this.getTargetDelegate(rule.target, request, match, rule);
      if (delegate !== null) return delegate;
    }
    return null;
  }

  /**
   * The delegate for a matched rule's target: a router is asked in turn (its `null` lets the next
   * rule try); an Application, a listener or a delegate object is the answer itself.
   */
  protected getTargetDelegate(
    target: RuleTarget,
    request: HTTPServerRequest,
    _match: MatchResult,
    _rule: Rule,
  ): RequestDelegate | null {
    if (target instanceof Router) return target.findHandler(request);
    return target as RequestDelegate;
  }
}

/** A {@link RuleRouter} whose named rules (and nested reversible routers) build URLs. */
export class ReversibleRuleRouter extends RuleRouter implements ReversibleRouter {
  /** The path of the rule named `name`, else the first nested router's answer, else `null`. */
  reverseUrl(name: string, ...args: unknown[]): string | null {
    for (const rule of this.rules) {
      if (rule.name === name) return rule.reverse(...args);
    }
    for (const rule of this.rules) {
      const target = rule.target;
      if (!("reverseUrl" in target) || typeof target.reverseUrl !== "function") continue;
      try {
        const found: unknown = target.reverseUrl(name, ...args);
        if (typeof found === "string") return found;
      } catch (error) {
        // An Application throws for a name it does not know: the next target may know it.
        if (!(error instanceof RouteError)) throw error;
      }
    }
    return null;
  }
}
