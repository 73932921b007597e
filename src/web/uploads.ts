/**
 * Helpers for using names that come from a request as file names and paths.
 * @module
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { clipForLog } from "../log.ts";
import { HTTPError } from "./errors.ts";

// Characters that are path separators, controls, or reserved in file names on common systems
// (POSIX "/" and NUL; Windows <>:"/\|?* and 0x00-0x1F); 0x7F is removed too.
const UNSAFE_CHARS = /[\x00-\x1f\x7f<>:"/\\|?*]/g;
// Windows device names, reserved whatever the extension ("con.txt" opens the console).
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_BYTES = 255;

/**
 * Makes a client-supplied file name (an upload's `filename`) safe to use as one path segment:
 * keeps only the last segment of a path (`C:\Users\a\x.png` and `../../etc/passwd` give `x.png` and
 * `passwd`), drops control characters and characters reserved on Windows or POSIX, removes leading
 * dots and spaces (no `..`, no hidden files) and trailing dots and spaces, renames Windows device
 * names (`con.txt` becomes `_con.txt`), normalises to Unicode NFC, and cuts the name to 255 UTF-8
 * bytes keeping the extension. An empty result becomes `fallback`.
 *
 * Not in Tornado, whose upload example writes `filename` as given (path traversal, CWE-22).
 */
export function safeFilename(filename: string, fallback = "upload"): string {
  let name = filename.normalize("NFC");
  const lastSeparator = Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\"));
  if (lastSeparator >= 0) name = name.slice(lastSeparator + 1);
  name = name.replace(UNSAFE_CHARS, "");
  name = name.replace(/^[.\s]+/, "").replace(/[.\s]+$/, "");
  if (RESERVED.test(name)) name = `_${name}`;
  if (Buffer.byteLength(name) > MAX_BYTES) name = truncateKeepingExtension(name);
  return name === "" ? fallback : name;
}

function truncateKeepingExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
  let stem = ext ? name.slice(0, dot) : name;
  const budget = MAX_BYTES - Buffer.byteLength(ext);
  // Cut by code points so no character is split.
  const points = [...stem];
  while (Buffer.byteLength(stem) > budget) {
    points.pop();
    stem = points.join("");
  }
  return stem.replace(/[.\s]+$/, "") + ext;
}

/**
 * Joins `root` and a relative path taken from a request, refusing (403) any result outside `root`:
 * `..` segments that climb out, absolute paths, NUL bytes, and drive or UNC prefixes. Returns the
 * absolute path. Checks names only; a symbolic link inside `root` that points outside is followed
 * by whatever opens the path.
 *
 * Not in Tornado (its StaticFileHandler has its own check).
 */
export function safeJoin(root: string, requestPath: string): string {
  // RFC 3986 section 3.3 / CWE-22: a path from a request must not leave the folder it names into.
  if (requestPath.includes("\0")) throw new HTTPError(403, "NUL byte in path");
  const base = resolve(root);
  const target = resolve(base, requestPath.replace(/^[/\\]+/, ""));
  const rel = relative(base, target);
  if (rel === "") return base;
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new HTTPError(403, `${clipForLog(requestPath)} is not in root directory ${base}`);
  }
  return target;
}
