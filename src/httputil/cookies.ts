/**
 * The `Cookie` request header read as Tornado reads it (`parse_cookie`, and the stricter
 * `request.cookies`), with cookie-name checks and the unquoting of quoted values.
 * @module
 */
/**
 * Parses a `Cookie` request header as Tornado's `parse_cookie` does (the way browsers read
 * `document.cookie`): pieces split on `;`, each split at its first `=` (a piece without `=` is a
 * value with the empty name), names and values trimmed, values in double quotes unquoted (`\"`,
 * `\\` and octal `\ooo` escapes decoded inside quotes only). Pieces empty on both sides are
 * skipped; later pieces win. Every name is kept; `request.cookies` drops the ones Tornado's
 * `request.cookies` drops (empty names, names that are not tokens, cookie attribute names). The
 * result has no prototype, so any name is a plain key.
 */
export function parseCookie(header: string): Record<string, string> {
  return parsePieces(header, false);
}

/**
 * Parses a `Cookie` header as Tornado's `request.cookies`: {@link parseCookie}, without the
 * pieces whose name is empty, not a token, or a cookie attribute name (`path`, `expires`, ...),
 * which Python's `SimpleCookie` refuses.
 */
export function requestCookies(header: string): Record<string, string> {
  return parsePieces(header, true);
}

function parsePieces(header: string, legalNamesOnly: boolean): Record<string, string> {
  // A literal cut loose from Object.prototype before any key goes in (so `__proto__` is a plain
  // key). Object.create(null) would make a dictionary-mode object: GET /cookie of the in-process
  // bench app took about 3,000 more instructions per request with it (141,347 against 138,364;
  // npm run bench:instructions -- "--scenarios=GET /cookie" --n1=20000 --n2=80000), though a
  // loop of parseCookie alone runs it about 10 % faster (bench/micro/optimisations.mjs cookie-object).
  const cookies: Record<string, string> = {};
  Object.setPrototypeOf(cookies, null);
  const length = header.length;
  // The next `=` at or after the piece start, found once per `=` so that a header of many pieces
  // without one stays linear.
  let eq = -2;
  for (let start = 0; start <= length; ) {
    let end = header.indexOf(";", start);
    if (end < 0) end = length;
    if (eq !== -1 && eq < start) eq = header.indexOf("=", start);
    const pieceStart = start;
    start = end + 1;
    if (eq < 0 || eq > end) {
      // A piece without `=` is a value with the empty name, which request.cookies drops.
      if (legalNamesOnly) continue;
      const value = header.slice(pieceStart, end).trim();
      if (value !== "") cookies[""] = unquoteCookieValue(value);
      continue;
    }
    const name = header.slice(pieceStart, eq).trim();
    if (legalNamesOnly) {
      if (name === "" || !isLegalCookieName(name) || RESERVED.has(name.toLowerCase())) continue;
    }
    const value = header.slice(eq + 1, end).trim();
    if (name === "" && value === "") continue;
    cookies[name] = unquoteCookieValue(value);
  }
  return cookies;
}

// Attribute names Python's SimpleCookie refuses as cookie names (Tornado drops such cookies).
const RESERVED = new Set([
  "expires",
  "path",
  "comment",
  "domain",
  "max-age",
  "secure",
  "httponly",
  "version",
  "samesite",
]);

const LEGAL_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]*$/;

/** Whether `name` is a legal cookie name (an RFC 6265 token, plus `:` as Python allows). */
export function isLegalCookieName(name: string): boolean {
  return LEGAL_NAME.test(name);
}

/** Removes the double quotes around a cookie value and decodes the escapes inside them. */
export function unquoteCookieValue(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value;
  const inner = value.slice(1, -1);
  if (!inner.includes("\\")) return inner;
  return inner.replace(
    /\\(?:([0-3][0-7][0-7])|(.))/g,
    (_m, octal: string | undefined, ch: string) =>
      octal ? String.fromCharCode(Number.parseInt(octal, 8)) : ch,
  );
}
