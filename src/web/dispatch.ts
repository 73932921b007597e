/**
 * The intake (Tornado's `_HandlerDelegate`): a request comes in from Node, its route is found, the
 * body policy is chosen (read it, stream it to the handler, or refuse it unread with a 400, 403,
 * 413 or 503), the handler is made and its lifecycle run through `_execute`, with the
 * `requestHandlerTimeout` guard. The Application hands requests here; it keeps the routes and the
 * settings.
 * @module
 */
import type { ServerResponse } from "node:http";
import { connectionInfo, type HTTPServerDelegate, type HTTPServerOptions } from "../httpserver.ts";
import {
  answerBodyError,
  answerUnreadAndClose,
  attachBodyLimits,
  RequestBodyTooLargeError,
  readLimitedBody,
  readPlainBody,
  resolveBodyLimits,
  sendContinue,
  takeContentEncoding,
} from "../httpserver-limits.ts";
import { HTTPServerRequest } from "../httputil/request.ts";
import { accessLog, appLog, clipForLog, genLog } from "../log.ts";
import type { RequestListener } from "../routing.ts";
import { HTTPError } from "./errors.ts";
import { guardHandlerTimeout } from "./handler-timeout.ts";
import { ErrorHandler } from "./handlers.ts";
import { type Application, type ApplicationSettings, RequestHandler } from "./request-handler.ts";
import { type HandlerClass, type InitArgs, type RouteMatch, serveWith } from "./routing.ts";
import { isStreamingClass, streamingBodyReader } from "./stream-request-body.ts";
import {
  decodeXsrfToken,
  verifyXsrfToken,
  XSRF_ARGUMENT,
  XSRF_UNREAD_MIN_BODY,
  xsrfCookieName,
  xsrfRefusedUnread,
} from "./xsrf.ts";

/**
 * What serves a request: a route match, or (from `getHandlerDelegate`) the same shape naming a
 * handler class and init args without a route.
 */
export interface HandlerTarget {
  readonly spec: { readonly handlerClass: HandlerClass; readonly initArgs: InitArgs };
  readonly args: readonly (string | undefined)[];
  readonly kwargs: Readonly<Record<string, string | undefined>>;
  readonly delegate?: RouteMatch["delegate"];
}

const NO_PATH_ARGS: readonly string[] = Object.freeze([]);
const NO_PATH_KWARGS: Readonly<Record<string, string>> = Object.freeze({});
const NOT_FOUND_ARGS: InitArgs = Object.freeze({ statusCode: 404 });

/** Answers a request whose `Host` is not in the `allowedHosts` setting: a 400, before routing. */
class DisallowedHostHandler extends RequestHandler {
  override prepare(): void {
    throw new HTTPError(
      400,
      `Invalid Host header ${clipForLog(this.request.host)}: not in the allowedHosts setting`,
    );
  }

  override checkXsrfCookie(): void {}
}

/** What a request is served by: a route match, a forced target, or `null` when no route matched. */
type Served = HandlerTarget | null;

/** The handler class that serves a request: the route's, else the default or a 404. */
function handlerClassFor(settings: ApplicationSettings, match: Served): HandlerClass {
  if (match === null) return settings.defaultHandlerClass ?? ErrorHandler;
  return match.spec.handlerClass;
}

/**
 * Serves a request whose route has been looked up (`null`: none matched): makes the handler, calls
 * its `initialize`, runs its lifecycle. `undefined` when all of it ran within this call, else a
 * promise of its end.
 */
export function serve(
  application: Application,
  request: HTTPServerRequest,
  match: Served,
  streamBody?: (handler: RequestHandler) => Promise<void>,
): Promise<void> | undefined {
  const settings = application.settings;
  const handlerClass = handlerClassFor(settings, match);
  let initArgs: InitArgs;
  if (match !== null) initArgs = match.spec.initArgs;
  else if (settings.defaultHandlerClass) initArgs = settings.defaultHandlerArgs ?? {};
  else initArgs = NOT_FOUND_ARGS;
  const args = match?.args ?? NO_PATH_ARGS;
  const kwargs = match?.kwargs ?? NO_PATH_KWARGS;
  let handler: RequestHandler;
  try {
    handler = new handlerClass(application, request);
    handler.initialize(initArgs);
  } catch (error) {
    appLog.error(
      `Uncaught exception constructing ${handlerClass.name} for ${request.method} ${clipForLog(request.uri)}`,
      error,
    );
    const fallback = new ErrorHandler(application, request);
    fallback.initialize({ statusCode: 500 });
    return fallback._execute(NO_PATH_ARGS, NO_PATH_KWARGS);
  }
  const running = handler._execute(args, kwargs, streamBody && (() => streamBody(handler)));
  const timeout = settings.requestHandlerTimeout;
  return timeout ? guardHandlerTimeout(handler, running ?? Promise.resolve(), timeout) : running;
}

/**
 * The Node request listener of `application` for a server with `options`; with `forced`, every
 * request is served by that target instead of the routes (`getHandlerDelegate`).
 */
export function createDispatcher(
  application: Application,
  options: HTTPServerOptions,
  forced: HandlerTarget | undefined,
  hostAllowed: ((host: string, protocol: string) => boolean) | undefined,
): RequestListener {
  const settings = application.settings;
  const limits = resolveBodyLimits(options);
  const delegates = new WeakMap<HTTPServerDelegate, RequestListener>();
  // A buffered body is held in memory: both limits apply to it.
  const maxBodySize = Math.min(limits.maxBodySize, limits.maxBufferSize);
  // Bytes claimed by the buffered bodies of requests not yet answered (`bufferedBodyBudget`).
  let claimed = 0;
  return (req, res) => {
    const request = new HTTPServerRequest(req, res, connectionInfo(req, options));
    const length = req.headers["content-length"];
    const hasBody =
      (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
    if (hostAllowed !== undefined && !hostAllowed(request.host, request.protocol)) {
      // The body is not read: the connection is closed after the answer.
      if (hasBody) res.shouldKeepAlive = false;
      const refusal = new DisallowedHostHandler(application, request);
      refusal._execute([], {})?.catch(reportListenerError);
      return;
    }
    if (!hasBody) {
      const match: Served = forced ?? application.findHandler(request);
      if (match?.delegate !== undefined) {
        serveWith(match.delegate, delegates, options)(req, res);
        return;
      }
      const running = serve(application, request, match);
      running?.catch(reportListenerError);
      return;
    }
    const encoding = limits.decompress ? takeContentEncoding(req) : undefined;
    // The route is found once, when the headers are in (as Tornado does): it decides how the
    // body is read, and serves the request once the body has been.
    const match: Served = forced ?? application.findHandler(request);
    if (match?.delegate !== undefined) {
      serveWith(match.delegate, delegates, options)(req, res);
      return;
    }
    if (isStreamingClass(handlerClassFor(settings, match))) {
      sendContinue(req, res);
      attachBodyLimits(request, limits);
      serve(application, request, match, streamingBodyReader(request, encoding))?.catch(
        reportListenerError,
      );
      return;
    }
    if (length !== undefined && Number(length) > maxBodySize) {
      refuseBody(res, maxBodySize, request);
      return;
    }
    if (match === null && settings.defaultHandlerClass === undefined) {
      // No route: the 404 does not depend on the body, which is not read.
      res.shouldKeepAlive = false;
      serve(application, request, match)?.catch(reportListenerError);
      return;
    }
    if (
      (length === undefined || Number(length) > XSRF_UNREAD_MIN_BODY) &&
      xsrfFailsWhateverTheBody(settings, handlerClassFor(settings, match), request)
    ) {
      // The handler answers its 403 with an empty body; what the client sends is not read.
      res.shouldKeepAlive = false;
      xsrfRefusedUnread.add(request);
      serve(application, request, match)?.catch(reportListenerError);
      return;
    }
    // A body's claim is all it may hold: its declared length, or the limit when it is chunked or
    // is inflated while read. The claim is given back when the response ends, however it ends.
    const claim = encoding === undefined && length !== undefined ? Number(length) : maxBodySize;
    if (claimed + claim > limits.bufferedBodyBudget) {
      refuseBusy(res, request, claimed, limits.bufferedBodyBudget);
      return;
    }
    claimed += claim;
    res.once("close", () => {
      claimed -= claim;
    });
    sendContinue(req, res);
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
        const running = serve(application, request, match);
        running?.catch(reportListenerError);
      });
      return;
    }
    readLimitedBody(req, { maxSize: maxBodySize, timeoutMs: limits.bodyTimeoutMs, encoding })
      .then(
        (body) => {
          request.body = body;
          return serve(application, request, match);
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
 * Whether the XSRF check of `handlerClass` is certain to refuse `request` whatever its body
 * holds, so the body need not be read: the check applies and is the framework's own, no `_xsrf`
 * query argument was given, and either the request has no XSRF cookie that decodes (no token
 * can match then) or it sends an `X-Xsrftoken`/`X-Csrftoken` header that does not match it.
 *
 * Only bodies over 64 KiB (or chunked) are refused unread; smaller ones are read first, as
 * Tornado does, so its log messages stay exact. Differs from Tornado in one case: such a large
 * body with a wrong header token and a right `_xsrf` argument inside (which Tornado accepts, the
 * argument taking precedence) is refused.
 */
function xsrfFailsWhateverTheBody(
  settings: ApplicationSettings,
  handlerClass: HandlerClass,
  request: HTTPServerRequest,
): boolean {
  if (!settings.xsrfCookies) return false;
  const method = request.method;
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return false;
  const base = RequestHandler.prototype;
  const proto = handlerClass.prototype as RequestHandler;
  if (proto.checkXsrfCookie !== base.checkXsrfCookie) return false;
  if (getterOf(proto, "xsrfCheckNeeded") !== getterOf(base, "xsrfCheckNeeded")) return false;
  if (Object.hasOwn(request.queryArguments, XSRF_ARGUMENT)) return false;
  const cookie = request.cookies[xsrfCookieName(settings)];
  const expected = cookie ? decodeXsrfToken(cookie) : null;
  if (!expected) return true;
  const header = request.headerValue("x-xsrftoken") || request.headerValue("x-csrftoken");
  if (!header) return false;
  try {
    verifyXsrfToken(header, expected.token);
    return false;
  } catch {
    return true;
  }
}

function refuseBody(res: ServerResponse, limit: number, request: HTTPServerRequest): void {
  genLog.info(`Request body too large from ${request.remoteIp}: more than ${limit} bytes`);
  answerUnreadAndClose(res, request, 413, "Request Entity Too Large");
}

/** The getter `name` resolves to on `proto`'s chain, if any. */
function getterOf(proto: object, name: string): unknown {
  for (let p: object | null = proto; p !== null; p = Object.getPrototypeOf(p)) {
    const descriptor = Object.getOwnPropertyDescriptor(p, name);
    if (descriptor) return descriptor.get;
  }
  return undefined;
}

/**
 * Answers a request whose body would take the buffered bodies past `bufferedBodyBudget`: a 503
 * with `Retry-After`, before the body is read, and the connection closed.
 */
function refuseBusy(
  res: ServerResponse,
  request: HTTPServerRequest,
  claimed: number,
  budget: number,
): void {
  genLog.warning(
    `Buffered request bodies at ${claimed} of ${budget} bytes (bufferedBodyBudget): ` +
      `503 for a body from ${request.remoteIp}`,
  );
  const page =
    "<html><title>503: Service Unavailable</title><body>503: Service Unavailable</body></html>";
  res.shouldKeepAlive = false;
  res.writeHead(503, "Service Unavailable", [
    "Content-Type",
    "text/html; charset=UTF-8",
    "Content-Length",
    String(page.length),
    "Retry-After",
    "5",
    "Connection",
    "close",
  ]);
  res.end(page);
  accessLog.error(`503 ${request.method} ${clipForLog(request.uri)} (${request.remoteIp}) 0.00ms`);
}

function reportListenerError(error: unknown): void {
  appLog.error("Uncaught exception serving a request", error);
}
