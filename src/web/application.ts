import type { IncomingMessage, ServerResponse } from "node:http";
import { start as startAutoreload } from "../autoreload.ts";
import {
  connectionInfo,
  HTTPServer,
  type HTTPServerDelegate,
  type HTTPServerOptions,
} from "../httpserver.ts";
import {
  answerBodyError,
  attachBodyLimits,
  RequestBodyTooLargeError,
  readLimitedBody,
  readPlainBody,
  resolveBodyLimits,
  takeContentEncoding,
} from "../httpserver-limits.ts";
import { HTTPServerRequest } from "../httputil/request.ts";
import { accessLog, appLog, genLog, Level } from "../log.ts";
import type { BaseLoader } from "../template/index.ts";
import { compressionTransform } from "./compression.ts";
import type { CookieOptions } from "./cookies.ts";
import { HTTPError } from "./errors.ts";
import { guardHandlerTimeout } from "./handler-timeout.ts";
import {
  handlerInternals,
  type OutputTransform,
  RequestHandler,
  SETTLED,
} from "./request-handler.ts";
import {
  type HandlerClass,
  type InitArgs,
  type Route,
  RouteError,
  type RouteMatch,
  RouteTable,
  toURLSpec,
  type URLSpec,
} from "./routing.ts";
import { StaticFileHandler } from "./static-file-handler.ts";
import { isStreamingClass, streamingBodyReader } from "./stream-request-body.ts";
import type { UIMethodsSetting, UIModulesSetting } from "./ui-module.ts";

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
 * Responds with the given status from `prepare` (Tornado's `ErrorHandler`); also the default 404.
 * Init args: `{ statusCode }`. Skips the XSRF check.
 */
export class ErrorHandler extends RequestHandler {
  #statusCode = 404;

  override initialize(initArgs: InitArgs): void {
    this.#statusCode = Number(initArgs["statusCode"] ?? 404);
  }

  override prepare(): void {
    throw new HTTPError(this.#statusCode);
  }

  override checkXsrfCookie(): void {}
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
  #defaultTable: RouteTable | undefined;
  #listener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  constructor(handlers: readonly Route[] = [], settings: ApplicationSettings = {}) {
    const effective: ApplicationSettings = { ...settings };
    if (effective.debug) {
      effective.autoreload ??= true;
      effective.compiledTemplateCache ??= false;
      effective.staticHashCache ??= false;
      effective.serveTraceback ??= true;
    }
    this.settings = effective;
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

  #addSpecs(into: URLSpec[], handlers: readonly Route[]): void {
    this.#defaultTable = undefined;
    for (const route of handlers) {
      const spec = toURLSpec(route);
      into.push(spec);
      if (spec.name !== undefined) {
        if (this.#namedSpecs.has(spec.name)) {
          genLog.warning(`Multiple handlers named ${spec.name}; replacing previous value`);
        }
        this.#namedSpecs.set(spec.name, spec);
      }
    }
  }

  /**
   * Adds routes for requests whose host name matches `hostPattern` (a regex anchored at the end).
   * Host groups are tried before the routes given to the constructor, in the order added.
   */
  addHandlers(hostPattern: string | RegExp, handlers: readonly Route[]): void {
    let source = typeof hostPattern === "string" ? hostPattern : hostPattern.source;
    if (!source.endsWith("$")) source += "$";
    const group: HostGroup = { pattern: new RegExp(source, "y"), specs: [] };
    this.#addSpecs(group.specs, handlers);
    this.#hostGroups.push(group);
  }

  /** Prepends routes (served before everything else), as Tornado does for static files. */
  protected prependHandlers(handlers: readonly Route[]): void {
    const specs: URLSpec[] = [];
    this.#addSpecs(specs, handlers);
    this.#defaultGroup.unshift(...specs);
    this.#defaultTable = undefined;
  }

  /**
   * The URL path for the route named `name`, with `args` URL-escaped into its groups.
   * Throws a `RouteError` naming the problem for an unknown name or the wrong number of args.
   */
  reverseUrl(name: string, ...args: unknown[]): string {
    const spec = this.#namedSpecs.get(name);
    if (!spec) throw new RouteError(`${name} not found in named urls`);
    return spec.reverse(...args);
  }

  /** Finds the route for a request: host groups first, then the constructor's routes. */
  findHandler(request: HTTPServerRequest): RouteMatch | null {
    const path = request.path;
    if (this.#hostGroups.length > 0) {
      for (const group of this.#hostGroups) {
        group.pattern.lastIndex = 0;
        if (!group.pattern.test(request.hostName)) continue;
        group.table ??= new RouteTable(group.specs);
        const match = group.table.match(path);
        if (match) return match;
      }
    }
    this.#defaultTable ??= new RouteTable(this.#defaultGroup);
    const match = this.#defaultTable.match(path);
    if (match) return match;
    const defaultHost = this.settings.defaultHost;
    if (defaultHost !== undefined && request.headerValue("x-real-ip") === undefined) {
      for (const group of this.#hostGroups) {
        group.pattern.lastIndex = 0;
        if (!group.pattern.test(defaultHost)) continue;
        group.table ??= new RouteTable(group.specs);
        const fallback = group.table.match(path);
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
    return this.#serve(request, this.findHandler(request), streamBody);
  }

  /** The handler class that serves a route match: the route's, else the default or a 404. */
  #handlerClassFor(match: RouteMatch | null): HandlerClass {
    if (match) return match.spec.handlerClass;
    return this.settings.defaultHandlerClass ?? ErrorHandler;
  }

  /** Serves a request whose route has been looked up (`null`: none matched). */
  #serve(
    request: HTTPServerRequest,
    match: RouteMatch | null,
    streamBody?: (handler: RequestHandler) => Promise<void>,
  ): Promise<void> {
    const handlerClass = this.#handlerClassFor(match);
    let initArgs: InitArgs;
    if (match) initArgs = match.spec.initArgs;
    else if (this.settings.defaultHandlerClass) initArgs = this.settings.defaultHandlerArgs ?? {};
    else initArgs = NOT_FOUND_ARGS;
    let handler: RequestHandler;
    try {
      handler = new handlerClass(this, request);
      handler.initialize(initArgs);
    } catch (error) {
      appLog.error(
        `Uncaught exception constructing ${handlerClass.name} for ${request.method} ${request.uri}`,
        error,
      );
      const fallback = new ErrorHandler(this, request);
      fallback.initialize({ statusCode: 500 });
      return handlerInternals().execute(fallback, [], {});
    }
    const running = handlerInternals().execute(
      handler,
      match?.args ?? NO_PATH_ARGS,
      match?.kwargs ?? NO_PATH_KWARGS,
      streamBody && (() => streamBody(handler)),
    );
    const timeout = this.settings.requestHandlerTimeout;
    return timeout ? guardHandlerTimeout(handler, running, timeout) : running;
  }

  /** Makes the Node request listener for a server with these options. */
  createListener(
    options: HTTPServerOptions = {},
  ): (req: IncomingMessage, res: ServerResponse) => void {
    const limits = resolveBodyLimits(options);
    // A buffered body is held in memory: both limits apply to it.
    const maxBodySize = Math.min(limits.maxBodySize, limits.maxBufferSize);
    return (req, res) => {
      const request = new HTTPServerRequest(req, res, connectionInfo(req, options));
      const length = req.headers["content-length"];
      const hasBody =
        (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
      if (!hasBody) {
        const running = this.handleRequest(request);
        if (running !== SETTLED) running.catch(reportListenerError);
        return;
      }
      const encoding = limits.decompress ? takeContentEncoding(req) : undefined;
      // The route is found once, when the headers are in (as Tornado does): it decides how the
      // body is read, and serves the request once the body has been.
      const match = this.findHandler(request);
      if (isStreamingClass(this.#handlerClassFor(match))) {
        attachBodyLimits(request, limits);
        this.#serve(request, match, streamingBodyReader(request, encoding)).catch(
          reportListenerError,
        );
        return;
      }
      if (length !== undefined && Number(length) > maxBodySize) {
        refuseBody(res, maxBodySize, request);
        return;
      }
      // The multipart parser reads the limits later; a form-urlencoded body needs only the size.
      if (!req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) {
        attachBodyLimits(request, limits);
      }
      if (encoding === undefined && limits.bodyTimeoutMs === 0) {
        readPlainBody(req, maxBodySize, (error, body) => {
          if (error) {
            if (error instanceof RequestBodyTooLargeError) refuseBody(res, maxBodySize, request);
            else answerBodyError(res, request, error);
            return;
          }
          request.body = body;
          const running = this.#serve(request, match);
          if (running !== SETTLED) running.catch(reportListenerError);
        });
        return;
      }
      readLimitedBody(req, { maxSize: maxBodySize, timeoutMs: limits.bodyTimeoutMs, encoding })
        .then(
          (body) => {
            request.body = body;
            return this.#serve(request, match);
          },
          (error: unknown) => {
            if (error instanceof RequestBodyTooLargeError) refuseBody(res, maxBodySize, request);
            else answerBodyError(res, request, error);
          },
        )
        .catch(reportListenerError);
    };
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
const NOT_FOUND_ARGS: InitArgs = Object.freeze({ statusCode: 404 });

function refuseBody(res: ServerResponse, limit: number, request: HTTPServerRequest): void {
  genLog.info(`Request body too large from ${request.remoteIp}: more than ${limit} bytes`);
  const page =
    "<html><title>413: Request Entity Too Large</title><body>413: Request Entity Too Large</body></html>";
  res.shouldKeepAlive = false;
  res.writeHead(413, "Request Entity Too Large", [
    "Content-Type",
    "text/html; charset=UTF-8",
    "Content-Length",
    String(page.length),
    "Connection",
    "close",
  ]);
  res.end(page);
  accessLog.warning(`413 ${request.method} ${request.uri} (${request.remoteIp}) 0.00ms`);
}

function reportListenerError(error: unknown): void {
  appLog.error("Uncaught exception serving a request", error);
}
