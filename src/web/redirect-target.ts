/**
 * What a browser makes of a `Location` header: the checks `redirect()` and the handlers that build a
 * redirect from the request path run before sending one.
 * @module
 */

// WHATWG URL parsing (the URL Standard, "basic URL parser"): leading and trailing C0 controls and
// spaces are stripped, and every tab, LF and CR is removed, before anything else is looked at. So
// "/\t/evil.example" is read as "//evil.example".
const IGNORED_EDGES = /^[\0-\x20]+|[\0-\x20]+$/g;
const IGNORED_INSIDE = /[\t\n\r]/g;
// RFC 3986 section 3.1: a scheme is a letter, then letters, digits, "+", "-" or ".", then ":".
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
// RFC 3986 section 4.2: a reference starting with "//" is a network-path reference naming another
// host; browsers read "\" as "/" in http(s) URLs, so "/\", "\/" and "\\" do the same.
const NETWORK_PATH = /^[/\\]{2}/;

/**
 * Why `url` is not a safe redirect target, or `null` when it is: an absolute `http:` or `https:`
 * URL, or a reference on the same host (a path such as `/login`, `../up`, `?page=2`).
 *
 * Refused: any other scheme (`javascript:`, `data:`, `vbscript:`, `file:`, ...), and a reference
 * that a browser reads as another host without a scheme (`//evil.example`, `/\evil.example`,
 * `\\evil.example`, `/<TAB>/evil.example`). Percent-encoded forms (`/%2f%2fevil.example`,
 * `/%5cevil.example`) are paths on this host, since browsers do not decode them in a `Location`.
 */
export function unsafeRedirectReason(url: string): string | null {
  const seen = url.replace(IGNORED_EDGES, "").replace(IGNORED_INSIDE, "");
  const scheme = SCHEME.exec(seen)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme === "http" || scheme === "https") return null;
    const shown = scheme.length > 32 ? `${scheme.slice(0, 32)}...` : scheme;
    return `the scheme '${shown}:' is not http or https`;
  }
  if (NETWORK_PATH.test(seen)) return "it starts with two slashes, which names another host";
  return null;
}
