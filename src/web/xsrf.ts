/**
 * XSRF tokens (Tornado's `xsrf_token`, `check_xsrf_cookie` and `xsrf_form_html`), byte-compatible
 * with Tornado 6: a token or `_xsrf` cookie made by Python Tornado is accepted here and the other
 * way round.
 *
 * A token hides a 16-byte random secret that lives in the `_xsrf` cookie. Version 2 (the default)
 * is `2|<mask hex>|<masked token hex>|<timestamp>`: the secret XORed with 4 fresh random bytes, so
 * the token differs on every page (which defeats BREACH-style compression attacks) while the secret
 * stays the same. Version 1 is the secret in hex. A form submission passes when the secret in its
 * token equals the secret in the cookie, compared in constant time.
 * @module
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { xhtmlEscape } from "../escape.ts";
import type { CookieOptions } from "./cookies.ts";
import { HTTPError } from "./errors.ts";

/** A decoded XSRF token or cookie. */
export interface XsrfTokenParts {
  /** The format it was written in. */
  readonly version: 1 | 2;
  /** The secret (16 bytes when made by Tornado or tornado-ts). */
  readonly token: Buffer;
  /** When the secret was made (seconds since the epoch); version 1 has none, so it is "now". */
  readonly timestamp: number;
}

/** Options for {@link encodeXsrfToken}. */
export interface EncodeXsrfTokenOptions {
  /** Format version, 1 or 2 (default 2). */
  version?: number;
  /** The 4 mask bytes for version 2 (default: fresh random bytes). */
  mask?: Uint8Array;
  /** The timestamp written into a version 2 token (default: now); fractions are dropped. */
  timestamp?: number;
}

/** The default name of the XSRF cookie, and always the name of the form argument. */
export const XSRF_ARGUMENT = "_xsrf";

// A leading version number, as Tornado matches it (Python's `.` and `$` rules).
const VERSION_PREFIX = /^([1-9][0-9]*)\|[^\n]*\n?$/;
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;
// Python's int(): surrounding whitespace, a sign, and underscores between digits.
const PY_INT = /^[\t\n\v\f\r ]*([+-]?[0-9]+(?:_[0-9]+)*)[\t\n\v\f\r ]*$/;

function nowSeconds(): number {
  return Date.now() / 1000;
}

function parseHex(text: string): Buffer | null {
  return HEX.test(text) ? Buffer.from(text, "hex") : null;
}

function parsePythonInt(text: string): number | null {
  const match = PY_INT.exec(text);
  const digits = match?.[1];
  return digits === undefined ? null : Number(digits.replaceAll("_", ""));
}

/**
 * XORs `data` with `mask` repeated every 4 bytes (the WebSocket masking function, RFC 6455
 * section 5.3). A mask shorter than 4 bytes is padded with zero bytes, as Tornado's C helper
 * behaves; a longer one uses its first 4 bytes.
 */
function applyMask(mask: Uint8Array, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ (mask[i % 4] ?? 0);
  return out;
}

/**
 * Decodes an XSRF token or cookie value as Tornado does, or returns `null` when it is invalid.
 *
 * `2|mask|masked|timestamp` is unmasked (exactly four fields, hex mask and token, an integer
 * timestamp in ASCII digits, where Python would also take other Unicode digits); any other `N|...`
 * prefix is invalid. Anything else is version 1: the hex-decoded
 * value, or, when it is not hex, the value's own UTF-8 bytes (so every such string is a token).
 */
export function decodeXsrfToken(
  value: string,
  clock: () => number = nowSeconds,
): XsrfTokenParts | null {
  const bytes = Buffer.from(value, "utf8");
  const match = VERSION_PREFIX.exec(bytes.toString("latin1"));
  if (!match) {
    return { version: 1, token: parseHex(value) ?? bytes, timestamp: Math.trunc(clock()) };
  }
  if (match[1] !== "2") return null;
  const [, maskText, maskedText, timestampText, ...extra] = value.split("|");
  if (timestampText === undefined || extra.length > 0) return null;
  const mask = parseHex(maskText ?? "");
  const masked = parseHex(maskedText ?? "");
  const timestamp = parsePythonInt(timestampText);
  if (mask === null || masked === null || timestamp === null) return null;
  return { version: 2, token: applyMask(mask, masked), timestamp };
}

/**
 * Writes an XSRF token for `token` (the secret): version 2 masked with `mask` (fresh random bytes
 * unless given) and stamped with `timestamp`, or version 1 as plain hex.
 */
export function encodeXsrfToken(token: Uint8Array, options: EncodeXsrfTokenOptions = {}): string {
  const version = options.version ?? 2;
  if (version === 1) return Buffer.from(token).toString("hex");
  if (version === 2) {
    const mask = options.mask ?? randomBytes(4);
    const timestamp = Math.trunc(options.timestamp ?? nowSeconds());
    return `2|${Buffer.from(mask).toString("hex")}|${applyMask(mask, token).toString("hex")}|${timestamp}`;
  }
  throw new RangeError(`Unknown XSRF cookie version ${version}`);
}

/** Whether two XSRF secrets are equal; constant time for equal lengths. */
export function xsrfTokensMatch(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The hidden form field carrying `token`: `<input type="hidden" name="_xsrf" value="..."/>`. */
export function xsrfFormHtml(token: string): string {
  return `<input type="hidden" name="${XSRF_ARGUMENT}" value="${xhtmlEscape(token)}"/>`;
}

/**
 * Requests answered without their body being read, because their XSRF check could only fail
 * (see `Application`): their check names that instead of a token it could not see.
 */
export const xsrfRefusedUnread = new WeakSet<object>();

/**
 * Bodies up to this size are read before the XSRF check, as Tornado does, so its log messages
 * stay exact; larger ones are refused unread when the check can only fail.
 */
export const XSRF_UNREAD_MIN_BODY = 64 * 1024;

/** The XSRF cookie's name: the `xsrfCookieName` setting, or `_xsrf`. */
export function xsrfCookieName(settings: { readonly xsrfCookieName?: string | undefined }): string {
  return settings.xsrfCookieName ?? XSRF_ARGUMENT;
}

/**
 * The secret behind this request's XSRF cookie, or a new one when the request has no cookie or
 * one that does not decode. `fromCookie` tells whether a cookie must be set.
 */
export function rawXsrfToken(cookie: string | undefined): XsrfTokenParts & { fromCookie: boolean } {
  const decoded = cookie ? decodeXsrfToken(cookie) : null;
  if (decoded) return { ...decoded, fromCookie: true };
  return { version: 2, token: randomBytes(16), timestamp: nowSeconds(), fromCookie: false };
}

/**
 * The attributes of a new XSRF cookie: the `xsrfCookieKwargs` setting, plus a 30-day lifetime
 * when a user is logged in and the setting gives no `expiresDays`, as Tornado does.
 */
export function xsrfCookieOptions(
  settings: { readonly xsrfCookieKwargs?: CookieOptions | undefined },
  loggedIn: boolean,
): CookieOptions {
  const options: CookieOptions = { ...settings.xsrfCookieKwargs };
  if (loggedIn && options.expiresDays === undefined) options.expiresDays = 30;
  return options;
}

/**
 * Checks a submitted token against the cookie's secret, throwing Tornado's 403s: no token
 * (`'_xsrf' argument missing from POST`, whatever the method), a token that does not decode
 * (`'_xsrf' argument has invalid format`), or a different secret
 * (`XSRF cookie does not match POST argument`, also the answer when there is no cookie).
 */
export function verifyXsrfToken(submitted: string | null | undefined, expected: Uint8Array): void {
  if (!submitted) throw new HTTPError(403, "'_xsrf' argument missing from POST");
  const decoded = decodeXsrfToken(submitted);
  if (!decoded || decoded.token.length === 0) {
    throw new HTTPError(403, "'_xsrf' argument has invalid format");
  }
  // Only the secrets are compared (masks and timestamps do not matter), in constant time so the
  // comparison does not reveal how much of a guessed token is right.
  if (!xsrfTokensMatch(decoded.token, expected)) {
    throw new HTTPError(403, "XSRF cookie does not match POST argument");
  }
}
