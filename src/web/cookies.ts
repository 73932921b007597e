/**
 * Cookie options and the `Set-Cookie` line in Tornado's layout, with the checks that keep a name
 * or value from breaking the header.
 * @module
 */
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
// Visible ASCII but `"`, `,`, `;` and `\`: a value of these is written as it is, or in quotes.
const QUOTABLE_AS_IS = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/;

// How formatSetCookie writes each latin-1 character of a value: 0 as it is, 1 as it is but only
// inside double quotes, 2 escaped inside double quotes (as quoteCookieValue does), 3 refused
// (controls and space).
const BARE = 0;
const IN_QUOTES = 1;
const ESCAPED = 2;
const REFUSED = 3;
const VALUE_CHARS = new Uint8Array(256).fill(ESCAPED);
for (let code = 0x21; code < 0x7f; code++) {
  VALUE_CHARS[code] = UNQUOTED.test(String.fromCharCode(code)) ? BARE : IN_QUOTES;
}
VALUE_CHARS.fill(REFUSED, 0, 0x21);
for (const char of ';,"\\') VALUE_CHARS[char.charCodeAt(0)] = ESCAPED;

// The last name found legal: responses set the same few cookies over and over (the same name
// again: about 5 ns against 23 ns for the pattern; Node 20, bench/micro/optimisations.mjs cookie-name).
let lastLegalName: string | undefined;

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
  if (name !== lastLegalName) {
    if (name === "" || !isLegalCookieName(name))
      throw new CookieError(`Invalid cookie name ${JSON.stringify(name)}`);
    lastLegalName = name;
  }
  // One pass over the value finds what it needs: nothing, quotes, or escapes inside quotes.
  // Tornado refuses controls and spaces but lets DEL through; quoting writes it as \177.
  // The usual values (a signed value, a token) are visible ASCII without `"`, `,`, `;` or `\`:
  // two native scans settle those, about 235 ns against 300 ns for the loop below on a
  // 118-character v2 signed value (Node 20, bench/micro/optimisations.mjs cookie-scan).
  let needs = value === "" ? IN_QUOTES : BARE;
  let aboveLatin1 = false;
  const plain = value !== "" && QUOTABLE_AS_IS.test(value);
  if (plain) needs = UNQUOTED.test(value) ? BARE : IN_QUOTES;
  for (let i = 0; !plain && i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) {
      aboveLatin1 = true;
      continue;
    }
    const kind = VALUE_CHARS[code]!;
    if (kind === REFUSED) {
      throw new CookieError(`Invalid cookie ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
    }
    if (kind > needs) needs = kind;
  }
  if (aboveLatin1) {
    throw new CookieError(
      `Invalid cookie ${JSON.stringify(name)}: characters above U+00FF cannot be carried; encode the value first`,
    );
  }
  const quoted =
    needs === BARE ? value : needs === IN_QUOTES ? `"${value}"` : quoteCookieValue(value);
  let out = `${name}=${quoted}`;
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
