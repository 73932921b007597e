import { isLegalCookieName } from "../httputil/cookies.ts";
import { formatTimestamp } from "../httputil/dates.ts";

/** Attributes of a cookie set with `setCookie`. */
export interface CookieOptions {
  /** `Domain` attribute. */
  domain?: string;
  /** Expiry: seconds since the epoch or a `Date`. Wins over `expiresDays`. */
  expires?: number | Date;
  /** `Path` attribute (default `/`; `null` or `""` leaves it out). */
  path?: string | null;
  /** Expire this many days from now. */
  expiresDays?: number;
  /** `Max-Age` in seconds. */
  maxAge?: number;
  /** `Secure` flag. */
  secure?: boolean;
  /** `HttpOnly` flag. */
  httpOnly?: boolean;
  /** `SameSite` attribute. */
  sameSite?: "Strict" | "Lax" | "None" | "strict" | "lax" | "none";
}

/** A cookie name or value that HTTP cannot carry. */
export class CookieError extends Error {
  /** The error's name, `"CookieError"`. */
  override readonly name = "CookieError";
}

// Python's SimpleCookie leaves a value unquoted only when it is a non-empty run of these characters;
// an empty value is written `""`.
const UNQUOTED = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/;
const KEPT_IN_QUOTES = new Set([..." ()/<=>?@[]{}"]);

/**
 * Quotes a cookie value as Python's `SimpleCookie` does: legal values as they are, anything else
 * in double quotes with `"` and `\` escaped and other unsafe bytes as octal `\ooo` escapes.
 */
export function quoteCookieValue(value: string): string {
  // An empty value is written as "" (Python's SimpleCookie does the same).
  if (value !== "" && UNQUOTED.test(value)) return value;
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (KEPT_IN_QUOTES.has(ch) || (code > 0x20 && code < 0x7f && ch !== ";" && ch !== ","))
      out += ch;
    else if (code <= 0xff) out += `\\${code.toString(8).padStart(3, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

const ATTRIBUTE_UNSAFE = /[\x00-\x20;\x7f]/;

/**
 * Builds a `Set-Cookie` header value in Tornado's layout: attributes in alphabetical order
 * (`Domain`, `expires`, `HttpOnly`, `Max-Age`, `Path`, `SameSite`, `Secure`).
 * Throws {@link CookieError} for a name, value or attribute that cannot be carried.
 */
export function formatSetCookie(name: string, value: string, options: CookieOptions = {}): string {
  // RFC 6265 section 4.1.1: a cookie name is a token; control characters and spaces in the value
  // would let a caller inject attributes or split the header.
  if (name === "" || !isLegalCookieName(name))
    throw new CookieError(`Invalid cookie name ${JSON.stringify(name)}`);
  // Tornado refuses controls and spaces but lets DEL through; quoting writes it as \177.
  if (/[\x00-\x20]/.test(value)) {
    throw new CookieError(`Invalid cookie ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
  }
  if (/[^\x00-\xff]/.test(value)) {
    throw new CookieError(
      `Invalid cookie ${JSON.stringify(name)}: characters above U+00FF cannot be carried; encode the value first`,
    );
  }
  let out = `${name}=${quoteCookieValue(value)}`;
  const { domain, path = "/", secure, httpOnly, sameSite, maxAge } = options;
  for (const [label, attr] of [
    ["domain", domain],
    ["path", path],
    ["sameSite", sameSite],
  ] as const) {
    if (typeof attr === "string" && ATTRIBUTE_UNSAFE.test(attr)) {
      throw new CookieError(`Invalid cookie attribute ${label}=${JSON.stringify(attr)}`);
    }
  }
  let expires = options.expires;
  if (expires === undefined && options.expiresDays !== undefined) {
    expires = Date.now() / 1000 + options.expiresDays * 86400;
  }
  if (domain) out += `; Domain=${domain}`;
  if (expires !== undefined) out += `; expires=${formatTimestamp(expires)}`;
  if (httpOnly) out += "; HttpOnly";
  if (maxAge !== undefined) {
    if (!Number.isInteger(maxAge))
      throw new CookieError(`Invalid cookie attribute maxAge=${maxAge}`);
    out += `; Max-Age=${maxAge}`;
  }
  if (path) out += `; Path=${path}`;
  // Written as given, as Tornado does (browsers compare the value case-insensitively).
  if (sameSite) out += `; SameSite=${sameSite}`;
  if (secure) out += "; Secure";
  return out;
}
