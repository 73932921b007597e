/**
 * Parses a `Cookie` request header the way browsers and Tornado do: pieces split on `;`, each split
 * at its first `=` (a piece without `=` has the empty name), names and values trimmed, and values
 * in double quotes unquoted (`\"`, `\\` and octal `\ooo` escapes decoded inside quotes only).
 * Later pieces win. As Tornado's `request.cookies`, pieces whose name is empty, not a token, or
 * a cookie attribute name (`path`, `expires`, ...) are dropped. The result has no prototype, so
 * any name is a plain key.
 */
export function parseCookie(header: string): Record<string, string> {
  // A literal cut loose from Object.prototype before any key goes in (so `__proto__` is a plain
  // key): Object.create(null) makes a dictionary-mode object, where storing a fresh key string
  // costs about 0.5 us; this one keeps fast properties.
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
    // A piece without `=` has the empty name, and so is dropped.
    if (eq < 0 || eq > end) continue;
    const name = header.slice(pieceStart, eq).trim();
    if (name === "" || !isLegalCookieName(name) || RESERVED.has(name.toLowerCase())) continue;
    cookies[name] = unquoteCookieValue(header.slice(eq + 1, end).trim());
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
