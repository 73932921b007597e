/**
 * Parses a `Cookie` request header the way browsers and Tornado do: pieces split on `;`, each split
 * at its first `=` (a piece without `=` has the empty name), names and values trimmed, and values
 * in double quotes unquoted (`\"`, `\\` and octal `\ooo` escapes decoded inside quotes only).
 * Later pieces win. As Tornado's `request.cookies`, pieces whose name is empty, not a token, or
 * a cookie attribute name (`path`, `expires`, ...) are dropped. The result has no prototype, so
 * any name is a plain key.
 */
export function parseCookie(header: string): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  for (const piece of header.split(";")) {
    const eq = piece.indexOf("=");
    const name = (eq < 0 ? "" : piece.slice(0, eq)).trim();
    const value = (eq < 0 ? piece : piece.slice(eq + 1)).trim();
    if (name === "" && value === "") continue;
    if (name === "" || !isLegalCookieName(name) || RESERVED.has(name.toLowerCase())) continue;
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
