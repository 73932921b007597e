/**
 * The ready-made handlers (Tornado's `ErrorHandler`, `RedirectHandler`, `FallbackHandler`) and
 * the `addslash` / `removeslash` decorators.
 * @module
 */
import { IncomingMessage, type RequestListener } from "node:http";
import { urlEscape, urlUnescapeToBytes } from "../escape.ts";
import { appLog } from "../log.ts";
import { HTTPError } from "./errors.ts";
import { unsafeRedirectReason } from "./redirect-target.ts";
import { RequestHandler } from "./request-handler.ts";
import { type InitArgs, RouteError } from "./routing.ts";

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

type TemplatePart = string | { index: number } | { name: string };

/** Splits a `str.format`-style template into text and `{0}` / `{}` / `{name}` fields. */
function parseUrlTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = "";
  let autoIndex = 0;
  let numbering: "auto" | "manual" | undefined;
  const fail = (problem: string): never => {
    throw new RouteError(`RedirectHandler url ${JSON.stringify(template)}: ${problem}`);
  };
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === "}") {
      if (template[i + 1] !== "}") fail("single '}' (write '}}' for a brace)");
      text += "}";
      i++;
      continue;
    }
    if (ch !== "{") {
      text += ch;
      continue;
    }
    if (template[i + 1] === "{") {
      text += "{";
      i++;
      continue;
    }
    const end = template.indexOf("}", i);
    if (end < 0) fail("'{' without its '}'");
    const field = template.slice(i + 1, end);
    if (text) parts.push(text);
    text = "";
    if (field === "" || /^\d+$/.test(field)) {
      const kind = field === "" ? "auto" : "manual";
      if (numbering !== undefined && numbering !== kind) {
        fail("cannot mix automatic '{}' and numbered '{0}' fields");
      }
      numbering = kind;
      parts.push({ index: field === "" ? autoIndex++ : Number(field) });
    } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) {
      parts.push({ name: field });
    } else {
      fail(`unsupported field {${field}} (only {}, {0} and {name} are supported)`);
    }
    i = end;
  }
  if (text) parts.push(text);
  return parts;
}

/** Appends `pairs` to `url`'s query, re-encoding the query it already has, as Tornado's `url_concat`. */
function concatQuery(url: string, pairs: readonly (readonly [string, Uint8Array])[]): string {
  const hash = url.indexOf("#");
  const fragment = hash < 0 ? "" : url.slice(hash);
  const withoutFragment = hash < 0 ? url : url.slice(0, hash);
  const mark = withoutFragment.indexOf("?");
  const base = mark < 0 ? withoutFragment : withoutFragment.slice(0, mark);
  const encoded: string[] = [];
  if (mark >= 0) {
    for (const piece of withoutFragment.slice(mark + 1).split("&")) {
      if (piece === "") continue;
      const eq = piece.indexOf("=");
      const name = urlUnescapeToBytes(eq < 0 ? piece : piece.slice(0, eq));
      const value = urlUnescapeToBytes(eq < 0 ? "" : piece.slice(eq + 1));
      encoded.push(`${urlEscape(name)}=${urlEscape(value)}`);
    }
  }
  for (const [name, value] of pairs) encoded.push(`${urlEscape(name)}=${urlEscape(value)}`);
  return `${base}?${encoded.join("&")}${fragment}`;
}

/**
 * Redirects GET requests to a URL made from the path (Tornado's `RedirectHandler`).
 *
 * Init args: `{ url, permanent? }`. `url` may hold `{0}`, `{1}`, ... (or `{}`) for the route's
 * positional groups and `{name}` for named groups; `{{` and `}}` are literal braces. The request's
 * query arguments are appended. The redirect is permanent (301) unless `permanent` is false (302).
 *
 * ```ts
 * ["/old/(.*)", RedirectHandler, { url: "/new/{0}" }]  // GET /old/a?x=1 -> 301 /new/a?x=1
 * ```
 *
 * Only the `{}`, `{0}` and `{name}` fields of Python's `str.format` are supported; others (format
 * specs, attributes) are refused with a {@link RouteError} when the handler is set up. A group
 * that did not take part in the match is substituted as an empty string (Python writes `None`).
 */
export class RedirectHandler extends RequestHandler {
  #parts: TemplatePart[] = [];
  #permanent = true;

  override initialize(initArgs: InitArgs): void {
    const url: unknown = initArgs["url"];
    if (typeof url !== "string") throw new RouteError("RedirectHandler needs a `url` init arg");
    this.#parts = parseUrlTemplate(url);
    this.#permanent = initArgs["permanent"] !== false;
  }

  /** Redirects to the `url` init arg with the path groups and query arguments filled in. */
  override get(...args: string[]): void {
    let target = "";
    for (const part of this.#parts) {
      if (typeof part === "string") target += part;
      else if ("index" in part) {
        if (part.index >= args.length) {
          throw new RouteError(
            `RedirectHandler url has {${part.index}} but the path gave ${args.length} groups`,
          );
        }
        target += args[part.index] ?? "";
      } else {
        const value = this.pathKwargs[part.name];
        if (value === undefined && !Object.hasOwn(this.pathKwargs, part.name)) {
          throw new RouteError(
            `RedirectHandler url has {${part.name}} but the path has no such group`,
          );
        }
        target += value ?? "";
      }
    }
    const pairs: [string, Uint8Array][] = [];
    for (const [name, values] of Object.entries(this.request.queryArguments)) {
      for (const value of values) pairs.push([name, value]);
    }
    if (pairs.length > 0) target = concatQuery(target, pairs);
    // Path groups are decoded ("%2f" is "/"), so a template such as "/{0}" can be made to name
    // another host or a script scheme: that is the client's doing, and refused as such.
    if (
      this.#parts.some((part) => typeof part !== "string") &&
      unsafeRedirectReason(target) !== null
    ) {
      throw new HTTPError(403, "redirect target from the path names another host or scheme");
    }
    this.redirect(target, this.#permanent);
  }
}

/** An IncomingMessage that replays a body the server has already read. */
class ReplayedRequest extends IncomingMessage {
  override _read(): void {}
}

function replayRequest(raw: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new ReplayedRequest(raw.socket);
  copy.method = raw.method;
  copy.url = raw.url;
  copy.httpVersion = raw.httpVersion;
  copy.httpVersionMajor = raw.httpVersionMajor;
  copy.httpVersionMinor = raw.httpVersionMinor;
  copy.headers = raw.headers;
  copy.rawHeaders = raw.rawHeaders;
  copy.trailers = raw.trailers;
  copy.rawTrailers = raw.rawTrailers;
  // An IncomingMessage destroyed before it is complete counts as aborted and takes the socket
  // down with it; this one holds the whole body.
  copy.complete = true;
  if (body.length > 0) copy.push(body);
  copy.push(null);
  return copy;
}

/**
 * Hands the request to another Node request listener, such as an Express or Connect app, which
 * then writes the whole response (Tornado's `FallbackHandler`, which takes a WSGI app).
 *
 * Init args: `{ fallback }`, a `(req, res) => void` listener. It gets Node's own request and
 * response objects; the URL is the full one, not cut at the route's prefix. The body the server
 * has already read is replayed to it, so body parsers work as usual. The framework writes nothing
 * to the response: the access log line is written when the fallback finishes, with the status it
 * sent, and then `onFinish` runs.
 *
 * ```ts
 * const legacy = express();
 * new Application([["/new", NewHandler], ["/.*", FallbackHandler, { fallback: legacy }]]);
 * ```
 *
 * Over HTTP/2 (the server's `http2` option) the fallback gets `node:http2`'s compatibility
 * request and response, which not every framework supports.
 *
 * Differs from Tornado: the XSRF check is skipped (the mounted app has its own protection), and
 * an access log line is written for the request.
 */
export class FallbackHandler extends RequestHandler {
  #fallback: RequestListener | undefined;

  override initialize(initArgs: InitArgs): void {
    const fallback: unknown = initArgs["fallback"];
    if (typeof fallback !== "function") {
      throw new RouteError("FallbackHandler needs a `fallback` init arg: a (req, res) listener");
    }
    this.#fallback = fallback as RequestListener;
  }

  override checkXsrfCookie(): void {}

  /** Does nothing: the fallback owns the connection, and may close it. */
  override onConnectionClose(): void {}

  /** Calls the fallback with Node's request and response; it writes the whole response. */
  override prepare(): void {
    const res = this.request.rawResponse;
    if (!res) throw new Error("FallbackHandler needs a request received by a server");
    const fallback = this.#fallback;
    if (fallback === undefined) throw new Error("FallbackHandler was not initialized");
    this.detach();
    const raw = this.request.raw;
    // The server reads request bodies before routing; hand the fallback a request it can read again.
    const req = raw.readableDidRead ? replayRequest(raw, this.request.body) : raw;
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      this.setStatus(res.statusCode);
      this.application.logRequest(this);
      try {
        const result = this.onFinish();
        if (result instanceof Promise) {
          result.catch((error: unknown) => appLog.error("Exception in onFinish", error));
        }
      } catch (error) {
        appLog.error("Exception in onFinish", error);
      }
    };
    res.once("finish", done);
    res.once("close", done);
    try {
      fallback(req, res);
    } catch (error) {
      if (!res.headersSent) {
        // Nothing was sent: the framework answers with its error page and logs the request.
        res.off("finish", done);
        res.off("close", done);
        throw error;
      }
      appLog.error(`Uncaught exception in fallback for ${this.requestSummary()}`, error);
      res.destroy();
    }
  }

  /** Does nothing: the fallback answered the request in `prepare`. */
  override get(): void {}
  /** Does nothing: the fallback answered the request in `prepare`. */
  override head(): void {}
  /** Does nothing: the fallback answered the request in `prepare`. */
  override post(): void {}
  /** Does nothing: the fallback answered the request in `prepare`. */
  override put(): void {}
  /** Does nothing: the fallback answered the request in `prepare`. */
  override delete(): void {}
  /** Does nothing: the fallback answered the request in `prepare`. */
  override patch(): void {}
  /** Does nothing: the fallback answered the request in `prepare`. */
  override options(): void {}
}

/** A handler method as the decorators take and give it: `this` is the handler, the arguments are path groups. */
export type HandlerMethod<This, Args extends unknown[], R> = (this: This, ...args: Args) => R;

function slashRedirect(handler: RequestHandler, path: string): void {
  // A crafted path such as "//evil.example/" or "/\\evil.example" names another host in a
  // Location (RFC 3986 section 4.2): redirecting there would be an open redirect (CWE-601).
  if (unsafeRedirectReason(path) !== null)
    throw new HTTPError(403, "cannot redirect path with two initial slashes");
  const query = handler.request.query;
  handler.redirect(query ? `${path}?${query}` : path, true);
}

/**
 * Redirects GET and HEAD requests for a path ending in `/` to the path without it (301, query
 * kept), and answers other methods on such paths with 404; `/` itself is served (Tornado's
 * `@removeslash`). Use it as a decorator on a handler method, or call it on a function:
 *
 * ```ts
 * class PageHandler extends RequestHandler {
 *   @removeslash
 *   get(name: string) { ... }
 * }
 * // JavaScript without decorators: PageHandler.prototype.get = removeslash(function (name) { ... });
 * ```
 *
 * Differs from Tornado: a redirect to a path starting with `//` (another host) is refused with 403.
 */
export function removeslash<This extends RequestHandler, Args extends unknown[], R>(
  method: HandlerMethod<This, Args, R>,
  _context?: ClassMethodDecoratorContext<This, HandlerMethod<This, Args, R>>,
): HandlerMethod<This, Args, R> {
  return function (this: This, ...args: Args): R {
    const { path, method: verb } = this.request;
    if (path.endsWith("/")) {
      if (verb !== "GET" && verb !== "HEAD") throw new HTTPError(404);
      const trimmed = path.replace(/\/+$/, "");
      if (trimmed) {
        slashRedirect(this, trimmed);
        // The response is finished; the framework does not look at what a method returns.
        return undefined as R;
      }
    }
    return method.apply(this, args);
  };
}

/**
 * Redirects GET and HEAD requests for a path not ending in `/` to the path with it (301, query
 * kept), and answers other methods on such paths with 404 (Tornado's `@addslash`). A decorator
 * on a handler method, or a function wrapper, as {@link removeslash}.
 *
 * Differs from Tornado: a redirect to a path starting with `//` (another host) is refused with 403.
 */
export function addslash<This extends RequestHandler, Args extends unknown[], R>(
  method: HandlerMethod<This, Args, R>,
  _context?: ClassMethodDecoratorContext<This, HandlerMethod<This, Args, R>>,
): HandlerMethod<This, Args, R> {
  return function (this: This, ...args: Args): R {
    const { path, method: verb } = this.request;
    if (!path.endsWith("/")) {
      if (verb !== "GET" && verb !== "HEAD") throw new HTTPError(404);
      slashRedirect(this, `${path}/`);
      // The response is finished; the framework does not look at what a method returns.
      return undefined as R;
    }
    return method.apply(this, args);
  };
}
