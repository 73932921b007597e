/**
 * `StaticFileHandler` (Tornado's): files under the `staticPath` setting, with ranges, 304s against
 * `If-None-Match` and `If-Modified-Since`, and the `?v=` content hash of `staticUrl`.
 * @module
 */
import { createHash } from "node:crypto";
import type { Stats } from "node:fs";
import { closeSync, lstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve, sep } from "node:path";
import type * as MimeTypes from "mime-types";
import { parseHttpDate } from "../httputil/dates.ts";
import { clipForLog, genLog } from "../log.ts";
import { isPromise } from "../promise.ts";
import { HTTPError } from "./errors.ts";
import { unsafeRedirectReason } from "./redirect-target.ts";
import { type ApplicationSettings, RequestHandler } from "./request-handler.ts";
import type { InitArgs } from "./routing.ts";

// mime-types (and its database) loads on the first file served, not with the framework.
const require = createRequire(import.meta.url);
let mimeTypes: typeof MimeTypes | undefined;

/** The init args of a {@link StaticFileHandler} route. */
export interface StaticFileInitArgs {
  /** The directory the files are served from. */
  path: string;
  /** The file served for a directory (such as `index.html`); without it directories are 403. */
  defaultFilename?: string;
  /**
   * Serve files and folders whose name starts with `.` (`.env`, `.git/`, `.well-known/`). Default
   * false: they are answered with 404, as a missing file. Tornado serves them.
   */
  allowDotfiles?: boolean;
}

const CHUNK_SIZE = 64 * 1024;

/**
 * Bodies up to this size are read synchronously, in one piece, as Tornado reads every file in
 * its event loop; larger ones are streamed in {@link CHUNK_SIZE} chunks through the thread pool.
 */
const SYNC_READ_LIMIT = 64 * 1024;

// Content versions (SHA-512 hex digests) by absolute path, for the whole process; `null` records
// a file that could not be read.
const versions = new Map<string, string | null>();

function isInside(root: string, path: string): boolean {
  const base = root.endsWith(sep) ? root : root + sep;
  return (path + sep).startsWith(base);
}

// Real paths of static roots: a root is fixed for its route, and its real path is looked up once.
// (Were a root's own symbolic link re-pointed while serving, a stale entry could only refuse files.)
const MAX_REAL_ROOTS = 64;
const realRoots = new Map<string, string>();

function realRoot(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = realpathSync.native(root);
    const oldest = realRoots.keys().next();
    if (realRoots.size >= MAX_REAL_ROOTS && !oldest.done) realRoots.delete(oldest.value);
    realRoots.set(root, real);
  }
  return real;
}

/**
 * `found` when its real path is inside the root's, else `undefined`: a symbolic link inside the
 * root may point anywhere, and what lies outside is answered exactly as a missing file (a 403 for
 * files that exist and a 404 for the others would tell a client what exists outside the root).
 */
function insideRealRoot(
  root: string,
  found: { info: Stats; real: string } | undefined,
): { info: Stats; real: string } | undefined {
  return found && isInside(realRoot(root), found.real) ? found : undefined;
}

/** Whether a segment of `target` below `root` (both resolved) starts with a dot. */
function hasDotSegment(root: string, target: string): boolean {
  // With a leading separator added, a root with or without its own trailing one works alike.
  return (sep + target.slice(root.length)).includes(`${sep}.`);
}

/** `lstat()` of a path, or `undefined` when it cannot be read (missing, not a directory, ...). */
function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * The `stat()` and real path of `target`, a path below `root`, or `undefined` when it cannot be
 * stat-ed. With no symbolic link between them, the real path is the root's real path joined with
 * the rest and the stat is the `lstat()` of the last level: one system call per level below the
 * root (the C library's realpath reads every level from `/` up, and a separate stat() would be one
 * more). A link anywhere below the root falls back to stat() and realpath().
 */
function statBelow(root: string, target: string): { info: Stats; real: string } | undefined {
  // Both paths are resolved (no "." or ".." parts, no doubled separators), so the levels are
  // prefixes of `target` that end just before a separator.
  const restStart = root.length + (root.endsWith(sep) ? 0 : 1);
  const rest = target.slice(restStart);
  let info: Stats | undefined;
  for (let end = target.indexOf(sep, restStart); ; end = target.indexOf(sep, end + 1)) {
    info = lstatOrUndefined(end === -1 ? target : target.slice(0, end));
    if (info === undefined) return undefined;
    if (info.isSymbolicLink()) {
      const followed = statOrUndefined(target);
      return followed && { info: followed, real: realpathSync.native(target) };
    }
    if (end === -1) break;
  }
  return info && { info, real: join(realRoot(root), rest) };
}

/**
 * Hashes a file for {@link StaticFileHandler.cachedVersion}: off the event loop's critical path
 * with the default getContentVersion, through `cls`'s own when overridden; `null` (logged) when
 * the file cannot be read. Cached unless `useCache` is false.
 */
async function hashVersion(
  cls: typeof StaticFileHandler,
  absolutePath: string,
  useCache: boolean,
): Promise<string | null> {
  let version: string | null;
  try {
    if (cls.getContentVersion !== StaticFileHandler.getContentVersion) {
      version = cls.getContentVersion(absolutePath);
    } else if (cls.getContent !== StaticFileHandler.getContent) {
      // A handler that serves its own content (not files) is versioned by that content, as in
      // Tornado, whose version hashes what get_content yields.
      const hash = createHash("sha512");
      for await (const chunk of cls.getContent(absolutePath)) hash.update(chunk);
      version = hash.digest("hex");
    } else {
      version = await hashFile(absolutePath);
    }
  } catch {
    logUnreadable(absolutePath);
    version = null;
  }
  if (useCache) versions.set(absolutePath, version);
  return version;
}

function logUnreadable(absolutePath: string): void {
  genLog.error(`Could not open static file '${absolutePath}'`);
}

/** `stat()` of a path, or `undefined` when it cannot be stat-ed (missing, not permitted, ...). */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * `length` bytes of a small file from `position`, read synchronously; fewer when the file has
 * shrunk since it was stat-ed.
 */
function readSmallFileSync(path: string, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  const fd = openSync(path, "r");
  let total = 0;
  try {
    while (total < length) {
      const n = readSync(fd, buffer, total, length - total, position + total);
      if (n === 0) break;
      total += n;
    }
  } finally {
    closeSync(fd);
  }
  return total === length ? buffer : buffer.subarray(0, total);
}

/** The SHA-512 hex digest of a file, read in 64 KiB chunks (never the whole file in memory). */
function hashFileSync(path: string): string {
  const hash = createHash("sha512");
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer))
      hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha512");
  const file = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_SIZE, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest("hex");
}

/**
 * Parses a `Range` header as Tornado does: only one `bytes=` range; returns `[start, end)` with
 * `start` negative for a suffix range, `null` for a header to ignore.
 */
function parseRange(header: string): [number | null, number | null] | null {
  const eq = header.indexOf("=");
  const unit = (eq === -1 ? header : header.slice(0, eq)).trim();
  const value = eq === -1 ? "" : header.slice(eq + 1).trim();
  if (unit !== "bytes") return null;
  const dash = value.indexOf("-");
  const startText = (dash === -1 ? value : value.slice(0, dash)).trim();
  const endText = (dash === -1 ? "" : value.slice(dash + 1)).trim();
  const parse = (text: string): number | null | undefined => {
    if (text === "") return null;
    // Python's int(): optional sign, digits with single underscores between them.
    return /^[+-]?\d+(?:_\d+)*$/.test(text) ? Number(text.replaceAll("_", "")) : undefined;
  };
  let start = parse(startText);
  let end = parse(endText);
  if (start === undefined || end === undefined) return null;
  if (end !== null) {
    if (start === null) {
      if (end !== 0) {
        start = -end;
        end = null;
      }
    } else end += 1;
  }
  return [start, end];
}

/**
 * Serves files from a directory (Tornado's `StaticFileHandler`).
 *
 * Route it with a group for the file path and init args `{ path, defaultFilename? }`:
 * `[/\/content\/(.*)/, StaticFileHandler, { path: "static" }]`, or as the catch-all last route
 * `["/(.*)$", StaticFileHandler, { path: "static/html", defaultFilename: "index.html" }]`.
 * The `staticPath` setting adds `/static/(.*)`, `/favicon.ico` and `/robots.txt` routes for it.
 *
 * Responses carry `Accept-Ranges`, an `Etag` (the file's SHA-512), `Last-Modified` and the
 * content type from the file name; `If-None-Match` and `If-Modified-Since` give 304s, a single
 * `Range` gives 206 (or 416), and a `v` query argument (as `staticUrl` adds) gives ten years of
 * `Cache-Control`. Paths outside the root are refused with 403; a symbolic link inside the root
 * that points outside it is answered as a missing file, 404 (Tornado follows it). Files and folders
 * whose name starts with `.` are 404 unless the `allowDotfiles` init arg is true (Tornado serves
 * them). Directories without a default file are 403, missing files 404, and a directory URL
 * without its trailing slash is redirected. Bodies up to 64 KiB are
 * read synchronously in one chunk (as Tornado reads files in its event loop), larger ones
 * streamed from disk in 64 KiB chunks; each chunk is flushed.
 *
 * Subclass it to change a hook (`getContentType`, `getCacheTime`, `setExtraHeaders`, ...), or to
 * do more per request, such as reading `this.xsrfToken` in the constructor to set the XSRF
 * cookie on every page it serves.
 */
export class StaticFileHandler extends RequestHandler {
  /** The `Cache-Control` max-age for versioned URLs: ten years, in seconds. */
  static CACHE_MAX_AGE = 86400 * 365 * 10;

  /** The root directory (the `path` init arg). */
  root = "";
  /** The file served for directories (the `defaultFilename` init arg). */
  defaultFilename: string | undefined;
  /** Whether files and folders whose name starts with `.` are served (the `allowDotfiles` init arg). */
  allowDotfiles = false;
  /** The requested path, relative to the root. */
  path = "";
  /** The absolute path of the file being served, once validated. */
  absolutePath: string | undefined;
  /** The file's modification time, truncated to seconds. */
  modified: Date | undefined;
  #stat: Stats | undefined;
  #version: string | null = null;

  /** This handler's class, for its static methods (which a subclass may override). */
  get #statics(): typeof StaticFileHandler {
    return this.constructor as typeof StaticFileHandler;
  }

  override initialize(initArgs: InitArgs): void {
    const args: Partial<StaticFileInitArgs> = initArgs;
    if (typeof args.path !== "string") {
      throw new TypeError("StaticFileHandler needs a 'path' init arg (the directory to serve)");
    }
    this.root = args.path;
    this.defaultFilename = args.defaultFilename;
    this.allowDotfiles = args.allowDotfiles === true;
  }

  /** Serves the file. */
  override get(path = ""): void | Promise<void> {
    return this.#serve(path ?? "", true);
  }

  /** As `get`, without the body. */
  override head(path = ""): void | Promise<void> {
    return this.#serve(path ?? "", false);
  }

  // The steps below return a promise only where something must be waited for (an async
  // validateAbsolutePath, a file's first hashing, a large body): a 304 or a small file from the
  // version cache is answered without a promise, as a synchronous handler is.
  #serve(urlPath: string, includeBody: boolean): void | Promise<void> {
    this.path = this.parseUrlPath(urlPath);
    const absolute = this.#statics.getAbsolutePath(this.root, this.path);
    const validated = this.validateAbsolutePath(this.root, absolute);
    if (isPromise(validated)) {
      return validated.then((path) => this.#serveValidated(path, includeBody));
    }
    return this.#serveValidated(validated, includeBody);
  }

  #serveValidated(validated: string | null, includeBody: boolean): void | Promise<void> {
    if (validated === null) return;
    this.absolutePath = validated;
    const version = this.#statics.cachedVersion(validated, this.settings.staticHashCache !== false);
    if (isPromise(version)) {
      return version.then((known) => this.#serveVersioned(validated, known, includeBody));
    }
    return this.#serveVersioned(validated, version, includeBody);
  }

  #serveVersioned(
    validated: string,
    version: string | null,
    includeBody: boolean,
  ): void | Promise<void> {
    this.#version = version;
    this.modified = this.getModifiedTime();
    this.setHeaders();
    if (this.shouldReturn304()) {
      this.setStatus(304);
      return;
    }
    const size = this.getContentSize();
    let start: number | null = null;
    let end: number | null = null;
    const rangeHeader = this.request.headerValue("range");
    // RFC 9110 section 14.2: a Range header the server does not understand is ignored.
    const range = rangeHeader ? parseRange(rangeHeader) : null;
    if (range) {
      [start, end] = range;
      if (start !== null && start < 0) start = Math.max(0, start + size);
      if ((start !== null && (start >= size || (end !== null && start >= end))) || end === 0) {
        // RFC 9110 section 15.5.17: the range is unsatisfiable.
        this.setStatus(416);
        this.setHeader("Content-Type", "text/plain");
        this.setHeader("Content-Range", `bytes */${size}`);
        return;
      }
      if (end !== null && end > size) end = size;
      // Only a range smaller than the whole file is a 206 (browsers mishandle "bytes=0-" as 206).
      if (size !== (end || size) - (start || 0)) {
        this.setStatus(206);
        this.setHeader("Content-Range", `bytes ${start || 0}-${(end || size) - 1}/${size}`);
      }
    }
    const length = end !== null ? end - (start ?? 0) : start !== null ? size - start : size;
    this.setHeader("Content-Length", length);
    if (!includeBody) return;
    const cls = this.#statics;
    if (length <= SYNC_READ_LIMIT && cls.getContent === StaticFileHandler.getContent) {
      // A small file is read in the event loop, in one piece (the one chunk getContent would
      // yield), without the thread pool's round trips; an overridden getContent is honoured.
      const chunk = length === 0 ? null : readSmallFileSync(validated, start ?? 0, length);
      if (chunk === null || chunk.length === 0 || this.connectionClosed) return;
      this.write(chunk);
      // Without output transforms finish() sends it with the headers, in one write. With them it
      // is flushed first, as Tornado's handler flushes every chunk: a transform sees a flushed
      // chunk (so compression takes even a tiny file, chunked, as in Tornado).
      if (this.application.transforms.length === 0) return;
      return this.flush().catch(() => {
        // The client has gone: nothing more to send.
      });
    }
    return this.#stream(validated, start, end);
  }

  async #stream(validated: string, start: number | null, end: number | null): Promise<void> {
    const cls = this.#statics;
    for await (const chunk of cls.getContent(validated, start, end)) {
      if (this.connectionClosed) return;
      this.write(chunk);
      try {
        await this.flush();
      } catch {
        return;
      }
    }
  }

  /** Sets the file's headers: Accept-Ranges, Etag, Last-Modified, Content-Type and the cache headers. */
  setHeaders(): void {
    this.setHeader("Accept-Ranges", "bytes");
    this.setEtagHeader();
    if (this.modified) this.setHeader("Last-Modified", this.modified);
    const contentType = this.getContentType();
    if (contentType) this.setHeader("Content-Type", contentType);
    const cacheTime = this.getCacheTime(this.path, this.modified, contentType);
    if (cacheTime > 0) {
      this.setHeader("Expires", new Date(Date.now() + cacheTime * 1000));
      this.setHeader("Cache-Control", `max-age=${cacheTime}`);
    }
    this.setExtraHeaders(this.path);
  }

  /**
   * Whether to answer 304: `If-None-Match` decides when present (`If-Modified-Since` is then
   * ignored, RFC 9110 section 13.1.3); otherwise an `If-Modified-Since` at or after the file's
   * modification time.
   */
  shouldReturn304(): boolean {
    if (this.request.headerValue("if-none-match")) return this.checkEtagHeader();
    const ims = this.request.headerValue("if-modified-since");
    if (ims !== undefined && this.modified) {
      const since = parseHttpDate(ims);
      if (since !== null && since * 1000 >= this.modified.getTime()) return true;
    }
    return false;
  }

  /** The Etag: the file's SHA-512 hex digest in quotes (the same for full and partial responses). */
  override computeEtag(): string | null {
    return this.#version ? `"${this.#version}"` : null;
  }

  /** Turns the URL path group into a path relative to the root (override to map URLs to files). */
  parseUrlPath(urlPath: string): string {
    return sep === "/" ? urlPath : urlPath.replaceAll("/", sep);
  }

  /** The absolute path for `path` under `root` (not yet checked). */
  static getAbsolutePath(root: string, path: string): string {
    return resolve(root, path);
  }

  /**
   * Checks the absolute path and returns the file to serve, or `null` after redirecting a
   * directory URL to its trailing-slash form. Throws `HTTPError` 403 for paths outside the root
   * and for directories or other non-files, 404 for missing files, dotfiles (unless allowed) and
   * files reached through a symbolic link that leaves the root.
   * Synchronous, as in Tornado; an override may be async.
   */
  validateAbsolutePath(root: string, absolutePath: string): string | null | Promise<string | null> {
    const rootPath = resolve(root);
    // Path traversal (CWE-22): after "..", absolute paths and decoded "%2e%2e%2f" are resolved,
    // the file must still be inside the root directory.
    if (!isInside(rootPath, absolutePath)) {
      throw new HTTPError(403, `${clipForLog(this.path)} is not in root static directory`);
    }
    let target = absolutePath;
    if (target.includes("\0")) throw new HTTPError(404);
    // Dotfiles (.env, .git/, .htpasswd) are refused as missing unless allowed, as serve-static does.
    if (!this.allowDotfiles && hasDotSegment(rootPath, target)) throw new HTTPError(404);
    // Metadata is read synchronously, as Tornado does: each call is one system call, about 1.9 µs
    // for an lstat against 17.5 µs awaited through fs/promises and the thread pool (Node 20,
    // bench/micro/optimisations.mjs static-stat).
    let found = insideRealRoot(rootPath, statBelow(rootPath, target));
    if (found?.info.isDirectory() && this.defaultFilename !== undefined) {
      const requestPath = this.request.path;
      if (!requestPath.endsWith("/")) {
        // "//host/..." or "/\\host/..." would name another host: an open redirect (CWE-601).
        if (unsafeRedirectReason(requestPath) !== null) {
          throw new HTTPError(403, "cannot redirect path with two initial slashes");
        }
        this.redirect(`${requestPath}/`, true);
        return null;
      }
      target = join(target, this.defaultFilename);
      found = insideRealRoot(rootPath, statBelow(rootPath, target));
    }
    if (found === undefined) throw new HTTPError(404);
    const { info } = found;
    if (!info.isFile()) throw new HTTPError(403, `${clipForLog(this.path)} is not a file`);
    this.#stat = info;
    return target;
  }

  /**
   * The file's bytes from `start` to `end` (exclusive; `null` for the whole file), read in
   * 64 KiB chunks.
   */
  static async *getContent(
    absolutePath: string,
    start: number | null = null,
    end: number | null = null,
  ): AsyncGenerator<Buffer> {
    let file: FileHandle | undefined;
    try {
      file = await open(absolutePath, "r");
      let position = start ?? 0;
      let remaining = end !== null ? end - position : Number.POSITIVE_INFINITY;
      while (remaining > 0) {
        const buffer = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, remaining));
        const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) return;
        position += bytesRead;
        remaining -= bytesRead;
        yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      }
    } finally {
      await file?.close();
    }
  }

  /** The content version of a file: the hex SHA-512 of its bytes. */
  static getContentVersion(absolutePath: string): string {
    return hashFileSync(absolutePath);
  }

  /**
   * The version of `absolutePath`, cached for the process unless `useCache` is false; `null`
   * (logged, and cached too) for a file that cannot be read. Known versions come back at once, a
   * file still to be hashed as a promise.
   */
  static cachedVersion(
    absolutePath: string,
    useCache = true,
  ): string | null | Promise<string | null> {
    if (useCache && versions.has(absolutePath)) return versions.get(absolutePath)!;
    // biome-ignore lint/complexity/noThisInStatic: subclasses override the static hooks, as in Tornado.
    return hashVersion(this, absolutePath, useCache);
  }

  /** As {@link cachedVersion}, synchronously (for `staticUrl` inside templates). */
  static cachedVersionSync(absolutePath: string, useCache = true): string | null {
    if (useCache && versions.has(absolutePath)) return versions.get(absolutePath)!;
    let version: string | null;
    try {
      // biome-ignore lint/complexity/noThisInStatic: subclasses override the static hooks, as in Tornado.
      version = this.getContentVersion(absolutePath);
    } catch {
      logUnreadable(absolutePath);
      version = null;
    }
    if (useCache) versions.set(absolutePath, version);
    return version;
  }

  /**
   * The version string for `path` under the `staticPath` setting (its SHA-512), or `null` when
   * the file cannot be read or lies outside the static directory.
   */
  static getVersion(settings: ApplicationSettings, path: string): string | null {
    const root = resolve(settings.staticPath ?? ".");
    // biome-ignore lint/complexity/noThisInStatic: subclasses override the static hooks, as in Tornado.
    const absolutePath = this.getAbsolutePath(root, path);
    if (!isInside(root, absolutePath)) return null;
    try {
      if (!isInside(realpathSync(root), realpathSync(absolutePath))) return null;
    } catch {
      // Missing files are reported (and cached) by cachedVersionSync below.
    }
    // biome-ignore lint/complexity/noThisInStatic: subclasses override the static hooks, as in Tornado.
    return this.cachedVersionSync(absolutePath, settings.staticHashCache !== false);
  }

  /**
   * The URL for a static file: `staticUrlPrefix + path`, with `?v=<sha512>` unless
   * `includeVersion` is false or the file cannot be read. The path is not URL-escaped.
   */
  static makeStaticUrl(settings: ApplicationSettings, path: string, includeVersion = true): string {
    const url = (settings.staticUrlPrefix ?? "/static/") + path;
    if (!includeVersion) return url;
    // biome-ignore lint/complexity/noThisInStatic: subclasses override the static hooks, as in Tornado.
    const version = this.getVersion(settings, path);
    return version ? `${url}?v=${version}` : url;
  }

  /** Forgets every cached file version (Tornado's `reset`). */
  static reset(): void {
    versions.clear();
  }

  /** The file's size in bytes. */
  getContentSize(): number {
    return this.#stat?.size ?? 0;
  }

  /** The file's modification time, truncated to whole seconds. */
  getModifiedTime(): Date | undefined {
    return this.#stat ? new Date(Math.floor(this.#stat.mtimeMs / 1000) * 1000) : undefined;
  }

  /**
   * The Content-Type for the file, from its name (no charset added): compressed files are
   * `application/gzip` (RFC 6713) or `application/octet-stream`, unknown types the latter too.
   */
  getContentType(): string {
    const name = this.absolutePath ?? "";
    if (/\.(?:gz|tgz|taz|tz|svgz)$/.test(name)) return "application/gzip";
    if (/\.(?:Z|bz2|xz|br|tbz2|txz)$/.test(name)) return "application/octet-stream";
    mimeTypes ??= require("mime-types") as typeof MimeTypes;
    return mimeTypes.lookup(name) || "application/octet-stream";
  }

  /** Seconds the client may cache the file: ten years when the URL has a `v` argument, else 0. */
  getCacheTime(_path: string, _modified: Date | undefined, _mimeType: string): number {
    return "v" in this.request.arguments ? this.#statics.CACHE_MAX_AGE : 0;
  }

  /** Sets more headers for the file; the default sets none. */
  setExtraHeaders(_path: string): void {}
}
