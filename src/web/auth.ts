/**
 * Authentication helpers (Tornado's `@tornado.web.authenticated`), plus a guard against open
 * redirects through a `next` argument, which Tornado leaves to the application.
 * @module
 */
import { urlEscape } from "../escape.ts";
import { HTTPError } from "./errors.ts";
import type { RequestHandler } from "./request-handler.ts";

// RFC 3986 section 3.1: a scheme is a letter followed by letters, digits, "+", "-" or ".".
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Where `@authenticated` sends an anonymous GET or HEAD: the handler's `getLoginUrl()` plus
 * `?next=<this request>`, or the login URL unchanged when it already has a query. `next` is the
 * request's URI for a relative login URL and its full URL for an absolute one, encoded as
 * Python's `urlencode` does (`/login?next=%2Fauth%3Fa%3D1`).
 */
export function loginRedirectUrl(handler: RequestHandler): string {
  let url = handler.getLoginUrl();
  if (!url.includes("?")) {
    const next = HAS_SCHEME.test(url) ? handler.request.fullUrl() : handler.request.uri;
    url += `?next=${urlEscape(next)}`;
  }
  return url;
}

/**
 * Requires a logged-in user for a handler method (Tornado's `@tornado.web.authenticated`).
 *
 * When `this.currentUser` is falsy, GET and HEAD are redirected (302) to the login URL with a
 * `next` argument (see {@link loginRedirectUrl}) and every other method gets a 403. Otherwise the
 * method runs as usual. Works as a standard (TC39) method decorator, `@authenticated get() {}`, and
 * as a plain function for JavaScript: `Handler.prototype.get = authenticated(Handler.prototype.get)`.
 * An `async getCurrentUser()` has been awaited by the time the method runs.
 */
export function authenticated<This extends RequestHandler, Args extends unknown[], Return>(
  method: (this: This, ...args: Args) => Return,
  _context?: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Return>,
): (this: This, ...args: Args) => Return {
  return function authenticatedMethod(this: This, ...args: Args): Return {
    if (!this.currentUser) {
      const verb = this.request.method;
      if (verb === "GET" || verb === "HEAD") {
        this.redirect(loginRedirectUrl(this));
        return undefined as Return;
      }
      throw new HTTPError(403);
    }
    return method.apply(this, args);
  };
}

/** Options for {@link isSafeRedirect} and {@link safeNextUrl}. */
export interface SafeRedirectOptions {
  /**
   * Hosts (`name` or `name:port`, compared case-insensitively) that absolute `http`/`https` URLs
   * may point to. Without it only paths on this site (`/...`) are safe.
   */
  allowedHosts?: readonly string[];
}

const BASE = "http://redirect-check.invalid";
// Controls, spaces and backslashes: browsers drop or reinterpret them when parsing a URL (WHATWG
// URL: leading C0 and spaces are stripped, "\" counts as "/"), so "/\evil.example" and
// " //evil.example" would leave the site.
const UNSAFE_CHARS = /[\x00-\x20\x7f\\]/;

/**
 * Whether `url` is safe to redirect to after a login: a path on this site (`/home?x=1`), or an
 * absolute `http`/`https` URL on one of `allowedHosts`. Protocol-relative URLs (`//evil.example`),
 * other schemes (`javascript:`), relative paths without a leading `/`, and anything with control
 * characters, spaces or backslashes are not.
 *
 * Not in Tornado, whose `next` handling follows any URL (an open redirect, CWE-601).
 */
export function isSafeRedirect(url: string, options: SafeRedirectOptions = {}): boolean {
  if (typeof url !== "string" || url === "" || UNSAFE_CHARS.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url, BASE);
  } catch {
    return false;
  }
  if (url.startsWith("/")) return !url.startsWith("//") && parsed.origin === BASE;
  if (!HAS_SCHEME.test(url) || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    return false;
  }
  const host = parsed.host.toLowerCase();
  return (options.allowedHosts ?? []).some((allowed) => allowed.toLowerCase() === host);
}

/** Options for {@link safeNextUrl}. */
export interface SafeNextUrlOptions extends SafeRedirectOptions {
  /** The argument holding the URL (default `next`). */
  argument?: string;
  /** Where to go when the argument is missing or unsafe (default `/`). */
  fallback?: string;
}

/**
 * The `next` argument of a login request when it is safe to redirect to (see
 * {@link isSafeRedirect}), else `fallback` (`/`). Use it instead of `getArgument("next")` when
 * redirecting after a login, so a crafted link cannot send users to another site.
 */
export function safeNextUrl(handler: RequestHandler, options: SafeNextUrlOptions = {}): string {
  const fallback = options.fallback ?? "/";
  const next = handler.getArgument(options.argument ?? "next", null);
  return next !== null && isSafeRedirect(next, options) ? next : fallback;
}
