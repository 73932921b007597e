/**
 * The Application (Tornado's `web.Application`): the settings, the route table (host groups,
 * rules, named routes for `reverseUrl`), `findHandler`, the output transforms and `listen`. The
 * requests themselves are taken in by dispatch.ts.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { start as startAutoreload } from "../autoreload.ts";
import { HTTPServer, type HTTPServerDelegate, type HTTPServerOptions } from "../httpserver.ts";
import type { HTTPServerRequest } from "../httputil/request.ts";
import { accessLog, genLog, Level } from "../log.ts";
import {
  isHandlerClass,
  Matcher,
  PathMatches,
  type RequestDelegate,
  Router,
  Rule,
  type RuleSpec,
  toRule,
} from "../routing.ts";
import type { BaseLoader } from "../template/index.ts";
import { compileAllowedHosts } from "./allowed-hosts.ts";
import { compressionTransform } from "./compression.ts";
import type { CookieOptions } from "./cookies.ts";
import { createDispatcher, type HandlerTarget, serve } from "./dispatch.ts";
import { ErrorHandler } from "./handlers.ts";
import type { OutputTransform, RequestHandler } from "./request-handler.ts";
import {
  type HandlerClass,
  type InitArgs,
  type Route,
  RouteError,
  type RouteMatch,
  RouteTable,
  toURLSpec,
  URLSpec,
} from "./routing.ts";
import { StaticFileHandler } from "./static-file-handler.ts";
import { type UIMethodsSetting, type UIModulesSetting, UIRegistry } from "./ui-module.ts";

/**
 * Application settings (Tornado's `settings`, with camelCase names).
 *
 * Keys are checked by the type checker: a misspelt or snake_case key is an error. Add your own
 * settings by augmenting this interface:
 * `declare module "tornado-ts/web" { interface ApplicationSettings { db?: Db } }`.
 */
export interface ApplicationSettings {
  /** Development mode: turns on `autoreload`, `serveTraceback`, and turns off `compiledTemplateCache` and `staticHashCache` unless they are set. */
  debug?: boolean;
  /** Restart the process when a source file changes. */
  autoreload?: boolean;
  /** Cache compiled templates (default true; false under `debug`). */
  compiledTemplateCache?: boolean;
  /** Cache static file hashes for `static_url` (default true; false under `debug`). */
  staticHashCache?: boolean;
  /** Send the error's stack on error pages (default false; true under `debug`). */
  serveTraceback?: boolean;
  /** Folder served under `staticUrlPrefix`. */
  staticPath?: string;
  /** URL prefix for static files (default `/static/`). */
  staticUrlPrefix?: string;
  /** The handler class for static files. */
  staticHandlerClass?: HandlerClass;
  /** Extra init args for the static file handler. */
  staticHandlerArgs?: InitArgs;
  /** Folder of templates for `render`. */
  templatePath?: string;
  /** The template loader for `render` (instead of one made from `templatePath`). */
  templateLoader?: BaseLoader;
  /** The escape function name for `{{ }}` in templates (default `xhtml_escape`; `null` turns escaping off). */
  autoescape?: string | null;
  /** Whitespace mode for templates: `all`, `single` or `oneline`. */
  templateWhitespace?: "all" | "single" | "oneline";
  /** Secret for signed cookies and XSRF tokens, or `{ keyVersion: secret }` for key rotation. */
  cookieSecret?: string | Record<number, string>;
  /** The key version used to sign, with a versioned `cookieSecret`. */
  keyVersion?: number;
  /**
   * The oldest signed-value format `getSecureCookie` accepts: 1 (default, as Tornado: the legacy
   * HMAC-SHA1 format too) or 2 (only the current format; set it once no version 1 cookie is
   * still in use).
   */
  minSignedValueVersion?: 1 | 2;
  /** Check XSRF tokens on POST, PUT, PATCH and DELETE. */
  xsrfCookies?: boolean;
  /** XSRF token format (default 2). */
  xsrfCookieVersion?: 1 | 2;
  /** Attributes for the XSRF cookie. */
  xsrfCookieKwargs?: CookieOptions;
  /** The XSRF cookie's name (default `_xsrf`; `__Host-xsrf` needs `secure` and path `/`). */
  xsrfCookieName?: string;
  /** Where `@authenticated` sends anonymous users. */
  loginUrl?: string;
  /** Handler class for requests no route matches (default: a 404). */
  defaultHandlerClass?: HandlerClass;
  /** Init args for `defaultHandlerClass`. */
  defaultHandlerArgs?: InitArgs;
  /** Host whose handlers serve requests for unknown hosts (see `addHandlers`). */
  defaultHost?: string;
  /** Compress text responses (gzip, or brotli when the client prefers it). */
  compressResponse?: boolean;
  /** UI modules for templates: `UIModule` subclasses by name (or a list of such objects). */
  uiModules?: UIModulesSetting;
  /** UI methods for templates: functions by name, called with the handler first (or a list). */
  uiMethods?: UIMethodsSetting;
  /** Seconds between WebSocket pings (0 or unset: none). */
  websocketPingInterval?: number;
  /** Seconds to wait for a pong before closing. */
  websocketPingTimeout?: number;
  /** The largest WebSocket message accepted, in bytes (default 10 MiB). */
  websocketMaxMessageSize?: number;
  /**
   * The most frames one WebSocket message may come in (default 131,072); past it the connection
   * closes with 1008. Each frame of an unfinished message costs about 110 bytes of memory, so the
   * default bounds a peer sending 1-byte frames to about 14 MB per connection; 0 turns the limit
   * off. Not in Tornado, which has no such limit.
   */
  websocketMaxFragments?: number;
  /** Replaces the access log line: called with each finished handler. */
  logFunction?: (handler: RequestHandler) => void;
  /**
   * Seconds a handler may take to finish its response; past it the client gets a 503 (or, when
   * headers were already sent, the connection is closed) and an ERROR line is logged, while the
   * handler's own work is left to end by itself. Default: no limit (as Tornado, where long polling
   * is legitimate). Not in Tornado.
   */
  requestHandlerTimeout?: number;
  /**
   * The host names this application answers, as in a `Host` header: `example.com` (that name),
   * `.example.com` (the name and all its subdomains), `*` (any), each optionally with a port
   * (`localhost:8000`; without one, any port). A request whose `Host` matches none gets a 400
   * before routing, with its body unread, and a WARNING naming the host. Default: unset, every
   * host is answered (as Tornado, where `fullUrl()`, `reverseUrl` hosts and redirects trust the
   * client's `Host`); set it on a server reachable from a network. Not in Tornado.
   */
  allowedHosts?: readonly string[];
}

/**
 * A route of an Application: a {@link Route} (`[pattern, Handler, initArgs?, name?]` or `url()`),
 * or a rule of `tornado-ts/routing` (`Rule`, or `[Matcher, target, initArgs?, name?]`) whose target
 * may be a handler class, another Application, a router, a Node request listener or a list of
 * rules.
 */
export type ApplicationRoute = Route | RuleSpec;

/** Options of {@link Application.getHandlerDelegate}. */
export interface HandlerDelegateOptions {
  /** Passed to the handler's `initialize()`. */
  initArgs?: InitArgs;
  /** Positional arguments of the handler's method. */
  pathArgs?: readonly string[];
  /** Named arguments of the handler's method. */
  pathKwargs?: Readonly<Record<string, string>>;
}

/**
 * A route whose rule is more than a path pattern with a handler class: its matcher sees the whole
 * request, and its target may be a list of rules, a router or an Application.
 */
class RuleEntry extends URLSpec {
  readonly rule: Rule;
  readonly #nested: RouteTable | undefined;
  readonly #delegate: RequestDelegate | undefined;

  constructor(rule: Rule, nested: URLSpec[] | undefined) {
    const target = rule.target;
    super("", isHandlerClass(target) ? target : ErrorHandler, rule.initArgs, rule.name);
    this.rule = rule;
    this.#nested = nested && new RouteTable(nested);
    this.#delegate = nested || isHandlerClass(target) ? undefined : (target as RequestDelegate);
  }

  override match(path: string, request?: HTTPServerRequest): RouteMatch | null {
    const found = request && this.rule.matcher.match(request);
    if (!found) return null;
    if (this.#nested) return this.#nested.match(path, request);
    const args = found.pathArgs ?? NO_PATH_ARGS;
    const kwargs = found.pathKwargs ?? NO_PATH_KWARGS;
    const target = this.#delegate;
    if (target === undefined) return { spec: this, args, kwargs };
    const delegate = target instanceof Router ? target.findHandler(request) : target;
    return delegate === null ? null : { spec: this, args, kwargs, delegate };
  }

  override reverse(...args: unknown[]): string {
    const path = this.rule.reverse(...args);
    if (path === null) throw new RouteError(`Cannot reverse the rule named ${this.name}`);
    return path;
  }

  /** The target, when it can build URLs of its own. */
  get reversibleTarget(): Reversible | undefined {
    const target = this.#delegate;
    return isReversible(target) ? target : undefined;
  }
}

/** Makes the output transforms of one request (one per transform class). */
export type TransformFactory = (request: HTTPServerRequest) => OutputTransform | null;

interface HostGroup {
  pattern: RegExp;
  specs: URLSpec[];
  /** The specs indexed for matching, made on first use after a change. */
  table?: RouteTable | undefined;
}

/**
 * A web application: routes, settings, and the entry point for the server (Tornado's `Application`).
 *
 * ```ts
 * const app = new Application([["/", IndexHandler]], { debug: true });
 * await app.listen(8000);
 * ```
 *
 * Routes are tried in order and the first match wins. It is also a Node request listener
 * (`http.createServer(app.listener)`).
 */
export class Application implements HTTPServerDelegate {
  /** The settings, with the `debug` defaults applied. */
  readonly settings: ApplicationSettings;
  /** Output transforms applied to every response (compression, ...). */
  readonly transforms: TransformFactory[] = [];
  readonly #namedSpecs = new Map<string, URLSpec>();
  readonly #hostGroups: HostGroup[] = [];
  readonly #defaultGroup: URLSpec[] = [];
  readonly #reversibleTargets: RuleEntry[] = [];
  #defaultTable: RouteTable | undefined;
  #listener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  readonly #hostAllowed: ((host: string, protocol: string) => boolean) | undefined;
  /**
   * The UI modules and methods of the settings, for the `ui` namespace of this application's
   * handlers.
   * @internal
   */
  readonly uiRegistry: UIRegistry;

  /**
   * `handlers`: the routes, tried in order; a plain `[pattern, Handler]` list is matched through an
   * index by first path segment. Rules of `tornado-ts/routing` may be mixed in (see
   * {@link ApplicationRoute}).
   */
  constructor(handlers: readonly ApplicationRoute[] = [], settings: ApplicationSettings = {}) {
    const effective: ApplicationSettings = { ...settings };
    if (effective.debug) {
      effective.autoreload ??= true;
      effective.compiledTemplateCache ??= false;
      effective.staticHashCache ??= false;
      effective.serveTraceback ??= true;
    }
    this.settings = effective;
    this.uiRegistry = new UIRegistry(effective);
    this.#hostAllowed =
      effective.allowedHosts === undefined
        ? undefined
        : compileAllowedHosts(effective.allowedHosts);
    this.#addSpecs(this.#defaultGroup, handlers);
    if (effective.staticPath !== undefined) {
      // As Tornado: the static routes come first, so they win over the application's own routes.
      effective.staticHandlerClass ??= StaticFileHandler;
      const handlerClass = effective.staticHandlerClass;
      const args = { ...effective.staticHandlerArgs, path: effective.staticPath };
      const prefix = (effective.staticUrlPrefix ?? "/static/").replace(
        /[\\^$.*+?()[\]{}|]/g,
        "\\$&",
      );
      this.prependHandlers([
        ["/(robots\\.txt)", handlerClass, args],
        ["/(favicon\\.ico)", handlerClass, args],
        [`${prefix}(.*)`, handlerClass, args],
      ]);
    }
    if (effective.compressResponse) this.transforms.push(compressionTransform);
  }

  #addSpecs(into: URLSpec[], handlers: readonly ApplicationRoute[]): void {
    this.#defaultTable = undefined;
    for (const route of handlers) {
      const spec = this.#toSpec(route);
      into.push(spec);
      if (spec.name !== undefined) {
        if (this.#namedSpecs.has(spec.name)) {
          genLog.warning(`Multiple handlers named ${spec.name}; replacing previous value`);
        }
        this.#namedSpecs.set(spec.name, spec);
      }
    }
  }

  /** A route as the table holds it: a URLSpec, or a RuleEntry for a rule that needs one. */
  #toSpec(route: ApplicationRoute): URLSpec {
    if (route instanceof URLSpec) return route;
    const isRule =
      route instanceof Rule ||
      (Array.isArray(route) && (route[0] instanceof Matcher || isOtherTarget(route[1])));
    if (!isRule) return toURLSpec(route as Route);
    const rule = toRule(route as RuleSpec);
    if (rule.matcher instanceof PathMatches && isHandlerClass(rule.target)) {
      return new URLSpec(rule.matcher.pattern, rule.target, rule.initArgs, rule.name);
    }
    let nested: URLSpec[] | undefined;
    if (Array.isArray(rule.target)) {
      nested = [];
      this.#addSpecs(nested, rule.target as readonly ApplicationRoute[]);
    }
    const entry = new RuleEntry(rule, nested);
    if (entry.reversibleTarget) this.#reversibleTargets.push(entry);
    return entry;
  }

  /**
   * Adds routes for requests whose host name matches `hostPattern` (a regex anchored at the end).
   * Host groups are tried before the routes given to the constructor, in the order added.
   */
  addHandlers(hostPattern: string | RegExp, handlers: readonly ApplicationRoute[]): void {
    let source = typeof hostPattern === "string" ? hostPattern : hostPattern.source;
    if (!source.endsWith("$")) source += "$";
    const group: HostGroup = { pattern: new RegExp(source, "y"), specs: [] };
    this.#addSpecs(group.specs, handlers);
    this.#hostGroups.push(group);
  }

  /** Prepends routes (served before everything else), as Tornado does for static files. */
  protected prependHandlers(handlers: readonly ApplicationRoute[]): void {
    const specs: URLSpec[] = [];
    this.#addSpecs(specs, handlers);
    this.#defaultGroup.unshift(...specs);
    this.#defaultTable = undefined;
  }

  /**
   * The URL path for the route named `name`, with `args` URL-escaped into its groups; a name this
   * application does not know is asked of the routers and Applications its rules route to.
   * Throws a `RouteError` naming the problem for an unknown name or the wrong number of args.
   */
  reverseUrl(name: string, ...args: unknown[]): string {
    const spec = this.#namedSpecs.get(name);
    if (spec) return spec.reverse(...args);
    for (const entry of this.#reversibleTargets) {
      try {
        const found = entry.reversibleTarget?.reverseUrl(name, ...args);
        if (typeof found === "string") return found;
      } catch (error) {
        if (!(error instanceof RouteError)) throw error;
      }
    }
    throw new RouteError(`${name} not found in named urls`);
  }

  /**
   * A delegate that serves a request with `handlerClass` of this application, for a custom
   * `Router`'s `findHandler` (Tornado's `get_handler_delegate`; the request is not an argument:
   * the delegate is handed the request itself).
   */
  getHandlerDelegate(
    handlerClass: HandlerClass,
    options: HandlerDelegateOptions = {},
  ): HTTPServerDelegate {
    const target: HandlerTarget = {
      spec: { handlerClass, initArgs: options.initArgs ?? {} },
      args: options.pathArgs ?? NO_PATH_ARGS,
      kwargs: options.pathKwargs ?? NO_PATH_KWARGS,
    };
    return {
      createListener: (serverOptions) =>
        createDispatcher(this, serverOptions, target, this.#hostAllowed),
    };
  }

  /** Finds the route for a request: host groups first, then the constructor's routes. */
  findHandler(request: HTTPServerRequest): RouteMatch | null {
    const path = request.path;
    if (this.#hostGroups.length > 0) {
      for (const group of this.#hostGroups) {
        group.pattern.lastIndex = 0;
        if (!group.pattern.test(request.hostName)) continue;
        group.table ??= new RouteTable(group.specs);
        const match = group.table.match(path, request);
        if (match) return match;
      }
    }
    this.#defaultTable ??= new RouteTable(this.#defaultGroup);
    const match = this.#defaultTable.match(path, request);
    if (match) return match;
    const defaultHost = this.settings.defaultHost;
    if (defaultHost !== undefined && request.headerValue("x-real-ip") === undefined) {
      for (const group of this.#hostGroups) {
        group.pattern.lastIndex = 0;
        if (!group.pattern.test(defaultHost)) continue;
        group.table ??= new RouteTable(group.specs);
        const fallback = group.table.match(path, request);
        if (fallback) return fallback;
      }
    }
    return null;
  }

  /** The output transforms for one request. */
  createTransforms(request: HTTPServerRequest): readonly OutputTransform[] {
    if (this.transforms.length === 0) return NO_TRANSFORMS;
    const out: OutputTransform[] = [];
    for (const factory of this.transforms) {
      const transform = factory(request);
      if (transform) out.push(transform);
    }
    return out;
  }

  /**
   * Writes the access log line for a finished request: `200 GET /path (ip) 1.23ms` at INFO below
   * 400, WARNING for 4xx, ERROR for 5xx; or calls the `logFunction` setting instead.
   */
  logRequest(handler: RequestHandler): void {
    const logFunction = this.settings.logFunction;
    if (logFunction) {
      logFunction(handler);
      return;
    }
    const status = handler.getStatus();
    const level = status < 400 ? Level.INFO : status < 500 ? Level.WARNING : Level.ERROR;
    if (!accessLog.isEnabledFor(level)) return;
    const ms = handler.request.requestTime() * 1000;
    accessLog.log(level, `${status} ${handler.requestSummary()} ${ms.toFixed(2)}ms`);
  }

  /**
   * Serves one request that has been read (body included), or, with `streamBody`, whose body is
   * read by `streamBody` after the handler's `prepare` (for `@streamRequestBody` handlers). Not an
   * `async` function: it returns the handler's own promise, which saves a promise and a turn of the
   * microtask queue per request.
   */
  handleRequest(
    request: HTTPServerRequest,
    streamBody?: (handler: RequestHandler) => Promise<void>,
  ): Promise<void> {
    return serve(this, request, this.findHandler(request), streamBody) ?? Promise.resolve();
  }

  /** Makes the Node request listener for a server with these options. */
  createListener(
    options: HTTPServerOptions = {},
  ): (req: IncomingMessage, res: ServerResponse) => void {
    return createDispatcher(this, options, undefined, this.#hostAllowed);
  }

  /**
   * This application as a Node request listener, for `http.createServer(app.listener)` and test
   * tools. It skips {@link HTTPServer}'s own request checks (HTTP version, Host header), so serve
   * the open internet through `listen()` or an `HTTPServer`.
   */
  get listener(): (req: IncomingMessage, res: ServerResponse) => void {
    this.#listener ??= this.createListener({});
    return this.#listener;
  }

  /**
   * Starts an {@link HTTPServer} for this application on `port` (and `address`); resolves with the
   * server once it is listening. Options go to the server.
   *
   * With the `autoreload` setting (on under `debug`), the first call makes this process an
   * autoreload watcher that runs the program again in a child process on every source change (see
   * `tornado-ts/autoreload`); in the watcher the returned promise never resolves.
   */
  async listen(
    port: number,
    address?: string,
    options: HTTPServerOptions = {},
  ): Promise<HTTPServer> {
    if (this.settings.autoreload) await startAutoreload();
    const server = new HTTPServer(this, options);
    await server.listen(port, address);
    return server;
  }
}

const NO_TRANSFORMS: readonly OutputTransform[] = Object.freeze([]);
const NO_PATH_ARGS: readonly string[] = Object.freeze([]);
const NO_PATH_KWARGS: Readonly<Record<string, string>> = Object.freeze({});

/** A rule target that builds URLs of its own (an Application, a `ReversibleRouter`). */
interface Reversible {
  reverseUrl(name: string, ...args: unknown[]): unknown;
}

function isReversible(target: unknown): target is Reversible {
  return (
    (typeof target === "object" || typeof target === "function") &&
    target !== null &&
    "reverseUrl" in target &&
    typeof target.reverseUrl === "function"
  );
}

/** Whether a route's second element is a rule target other than a handler class. */
function isOtherTarget(target: unknown): boolean {
  if (target === null || (typeof target !== "object" && typeof target !== "function")) return false;
  return !isHandlerClass(target);
}
