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

/**
 * Quotes a cookie value as Python's `SimpleCookie` does: legal values as they are, anything else
 * in double quotes with `"` and `\` escaped and other unsafe bytes as octal `\ooo` escapes.
 */
export function quoteCookieValue(value: string): string {
  // An empty value is written as "" (Python's SimpleCookie does the same).
  if (value !== "" && UNQUOTED.test(value)) return value;
  // Runs of characters kept as they are (space and visible ASCII but `;` and `,`, and anything
  // above U+00FF) are copied in one piece; `"` and `\` are backslashed, other bytes written octal.
  let out = '"';
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    let escaped: string;
    if (code === 0x22 || code === 0x5c) escaped = `\\${value[i]}`;
    else if ((code >= 0x20 && code < 0x7f && code !== 0x3b && code !== 0x2c) || code > 0xff)
      continue;
    else escaped = `\\${code.toString(8).padStart(3, "0")}`;
    out += value.slice(run, i) + escaped;
    run = i + 1;
  }
  return `${out}${value.slice(run)}"`;
}

const ATTRIBUTE_UNSAFE = /[\x00-\x20;\x7f]/;
const VALUE_UNSAFE = /[\x00-\x20]/;
const ABOVE_LATIN1 = /[^\x00-\xff]/;

function checkAttribute(label: string, value: string | null | undefined): void {
  if (typeof value === "string" && ATTRIBUTE_UNSAFE.test(value)) {
    throw new CookieError(`Invalid cookie attribute ${label}=${JSON.stringify(value)}`);
  }
}

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
  if (VALUE_UNSAFE.test(value)) {
    throw new CookieError(`Invalid cookie ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
  }
  if (ABOVE_LATIN1.test(value)) {
    throw new CookieError(
      `Invalid cookie ${JSON.stringify(name)}: characters above U+00FF cannot be carried; encode the value first`,
    );
  }
  let out = `${name}=${quoteCookieValue(value)}`;
  const { domain, path = "/", secure, httpOnly, sameSite, maxAge } = options;
  checkAttribute("domain", domain);
  checkAttribute("path", path);
  checkAttribute("sameSite", sameSite);
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
