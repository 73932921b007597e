/**
 * Streaming request bodies (Tornado's `@stream_request_body`), and a streaming multipart parser on
 * top of them that writes uploaded files to disk part by part.
 * @module
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, rmSync, type WriteStream } from "node:fs";
import { lstat, mkdir, mkdtemp, unlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Busboy, BusboyConfig, FieldInfo, FileInfo } from "busboy";
import {
  BodyAbortedError,
  BodyTimeoutError,
  bodyLimitsOf,
  consumeBody,
  RequestBodyTooLargeError,
  RequestDecompressionError,
  resolveBodyLimits,
} from "../httpserver-limits.ts";
import type { MultipartLimits } from "../httpserver-options.ts";
import { parseHeaderParams } from "../httputil/body.ts";
import type { HTTPServerRequest } from "../httputil/request.ts";
import { clipForLog, genLog } from "../log.ts";
import { errorMessage, HTTPError } from "./errors.ts";
import { RequestHandler } from "./request-handler.ts";
import type { HandlerClass } from "./routing.ts";
import { safeFilename } from "./uploads.ts";

// busboy loads with the first multipart body streamed, not with the framework.
const require = createRequire(import.meta.url);
let busboy: ((config: BusboyConfig) => Busboy) | undefined;

const STREAMING = Symbol("tornado-ts.streamRequestBody");

/**
 * Marks a handler class as taking its request body as a stream (Tornado's `@stream_request_body`).
 *
 * For such a handler `prepare` runs as soon as the headers are in, then `dataReceived(chunk)` is
 * called for every chunk of the body as it arrives (a returned promise holds reading back until it
 * settles, so a slow disk slows the client instead of filling memory), then the HTTP method runs.
 * `request.body` stays empty and body arguments are not parsed (see {@link MultipartUploadHandler}
 * for forms). The body size limit is the server's `maxBodySize` only (not `maxBufferSize`); it can
 * be changed for one request in `prepare` with `setMaxBodySize(this.request, bytes)`. Subclasses
 * of a marked class are marked too.
 *
 * A standard (TC39) class decorator, `@streamRequestBody class Upload extends RequestHandler {}`,
 * and a plain function for JavaScript: `streamRequestBody(Upload)`.
 */
export function streamRequestBody<C extends HandlerClass>(
  handlerClass: C,
  _context?: ClassDecoratorContext<C>,
): C {
  Object.defineProperty(handlerClass, STREAMING, { value: true, configurable: true });
  return handlerClass;
}

/** Whether `handlerClass` (or a class it extends) was marked with {@link streamRequestBody}. */
export function isStreamingClass(handlerClass: HandlerClass): boolean {
  return (handlerClass as unknown as Record<symbol, unknown>)[STREAMING] === true;
}

function waitForClose(request: HTTPServerRequest): Promise<void> {
  const res = request.rawResponse;
  if (!res || res.closed) return Promise.resolve();
  return new Promise((resolve) => res.once("close", () => resolve()));
}

/**
 * Makes the body reader the Application runs between a streaming handler's `prepare` and its
 * method: it applies the request's body limits (as changed in `prepare`), undoes `encoding` when
 * the server decompresses bodies, and feeds `dataReceived`. A body over the limit becomes a 413, a
 * body that does not decompress a 400; either way the connection is closed after the answer,
 * since the rest of the body is left unread (also when the handler answers in `prepare`). A body
 * timeout (logged as Tornado does) or a client that went away closes the connection without an
 * answer.
 */
export function streamingBodyReader(
  request: HTTPServerRequest,
  encoding: string | undefined,
): (handler: RequestHandler) => Promise<void> {
  // A handler may answer before reading the body (prepare finished the response): the rest of
  // the body is then not read as the next request, nor drained; the connection is closed, as
  // Tornado does.
  request.rawResponse?.once("finish", () => {
    if (!request.raw.complete) request.raw.socket.destroySoon();
  });
  return async (handler) => {
    const limits = bodyLimitsOf(request) ?? resolveBodyLimits({});
    const res = request.rawResponse;
    const req = request.raw;
    const length = req.headers["content-length"];
    const maxSize = limits.maxBodySize;
    const closeAfterAnswer = (): void => {
      if (res && !res.headersSent) res.shouldKeepAlive = false;
    };
    if (length !== undefined && Number(length) > maxSize) {
      closeAfterAnswer();
      throw new HTTPError(413, `Content-Length too long: more than ${maxSize} bytes`);
    }
    try {
      await consumeBody(req, { maxSize, timeoutMs: limits.bodyTimeoutMs, encoding }, (chunk) =>
        handler.dataReceived(chunk),
      );
    } catch (error) {
      if (error instanceof BodyTimeoutError || error instanceof BodyAbortedError) {
        if (error instanceof BodyTimeoutError)
          genLog.info(`Timeout reading body from ${request.remoteIp}`);
        res?.destroy();
        await waitForClose(request);
        // The connection is gone: the handler sees onConnectionClose and no answer is attempted.
        throw new HTTPError(400, undefined, { cause: error });
      }
      closeAfterAnswer();
      if (error instanceof RequestBodyTooLargeError)
        throw new HTTPError(413, error.message, { cause: error });
      if (error instanceof RequestDecompressionError)
        throw new HTTPError(400, error.message, { cause: error });
      throw error;
    }
  };
}

/** A file of a multipart body, written to disk by {@link MultipartStreamParser}. */
export interface UploadedFile {
  /** The form field name. */
  readonly fieldName: string;
  /** The file name as the client sent it. Never use it as a path: see `safeName`. */
  readonly filename: string;
  /** `filename` made safe to use as one path segment ({@link safeFilename}). */
  readonly safeName: string;
  /** The part's `Content-Type`, or `application/unknown` when the client sent none (as Tornado). */
  readonly contentType: string;
  /** Where the bytes are: a new file in the upload folder, readable only by this user. */
  readonly path: string;
  /** The file's size in bytes. */
  readonly size: number;
}

/** Options of a {@link MultipartStreamParser}. */
export interface MultipartStreamOptions {
  /**
   * The folder files are written to. When missing it is created (mode 0700); when present it must
   * be a directory (not a symbolic link) owned by the server's user, or the upload fails with a
   * 500. Default: a fresh private folder made for the process by {@link defaultUploadDir}.
   */
  uploadDir?: string;
  /** Limits; by default the server's `multipartLimits` (file size: the request's body limit). */
  limits?: MultipartLimits;
}

let processUploadDir: Promise<string> | undefined;

/**
 * The default folder for uploaded files: a fresh folder in the OS temp folder
 * (`tornado-ts-uploads-` and six random characters), made with `mkdtemp` on first use, so only this user can enter it
 * (mode 0700) and no other user can have made or linked it beforehand; one per process, removed
 * when the process exits. Differs from earlier releases, which used a fixed, predictable name.
 */
export function defaultUploadDir(): Promise<string> {
  processUploadDir ??= mkdtemp(join(tmpdir(), "tornado-ts-uploads-")).then((dir) => {
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  });
  return processUploadDir;
}

/**
 * Makes `dir` (mode 0700) when missing, then checks that it is a directory, not a symbolic link,
 * owned by this process's user: a folder someone else controls could be swapped for a link to
 * another place, or read by its owner.
 */
async function checkedUploadDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (info.isSymbolicLink()) throw new Error(`The upload folder ${dir} is a symbolic link`);
  if (!info.isDirectory()) throw new Error(`The upload folder ${dir} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(
      `The upload folder ${dir} is owned by user ${info.uid}, not by this server's user ${uid}`,
    );
  }
  return dir;
}

function decodeName(name: string): string {
  // busboy hands names over as latin-1 text (defCharset below); they are UTF-8 bytes on the wire,
  // except for RFC 5987 `name*=` values, which it has decoded already (characters above U+00FF).
  if (/[^\x00-\xff]/.test(name)) return name;
  const bytes = Buffer.from(name, "latin1");
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : name;
}

/**
 * Parses a `multipart/form-data` body as it streams in (on `busboy`): fields go to
 * `request.bodyArguments` (so `getBodyArgument` works as usual), files are written to new files in
 * `uploadDir` part by part and never held in memory whole. Feed it from `dataReceived` with
 * `write(chunk)` and call `end()` once the body is complete.
 *
 * Limits (parts, fields, files, field size, file size) come from the server's
 * `multipartLimits` or the `limits` option: too many parts is a 400, a field or file too large a
 * 413, a malformed body a 400 (as `HTTPError`s). A part's header block is bounded by busboy's own
 * 16 KiB limit rather than `partHeaderSize`. On any failure the files written so far are
 * removed. Parts with a non-empty file name are files, the others fields, as in Tornado.
 * Differs from Tornado's in-memory parser: a part without a `Content-Disposition` header, or
 * whose disposition is not `form-data`, is skipped rather than refused (busboy's rule); nothing of
 * it is stored. A `form-data` part without a name is refused (400), as in Tornado.
 *
 * Not in Tornado, where `@stream_request_body` handlers parse bodies themselves.
 */
export class MultipartStreamParser {
  /** Files in the order their parts began (a small file may reach the disk before a large one). */
  readonly #received: { file: UploadedFile | undefined }[] = [];
  readonly #request: HTTPServerRequest;
  readonly #uploadDir: string | undefined;
  readonly #limits: Required<Omit<MultipartLimits, "fileSize">> & { fileSize: number };
  readonly #busboy: Busboy;
  readonly #writes = new Set<Promise<void>>();
  readonly #paths = new Set<string>();
  readonly #open = new Set<WriteStream>();
  #failure: HTTPError | undefined;
  #finished: Promise<void>;
  #dirReady: Promise<string> | undefined;

  constructor(request: HTTPServerRequest, options: MultipartStreamOptions = {}) {
    this.#request = request;
    this.#uploadDir = options.uploadDir;
    const server = bodyLimitsOf(request) ?? resolveBodyLimits({});
    const given = options.limits ?? {};
    const parts = given.parts ?? server.multipart.parts;
    this.#limits = {
      parts,
      fields: given.fields ?? (given.parts !== undefined ? parts : server.multipart.fields),
      files: given.files ?? (given.parts !== undefined ? parts : server.multipart.files),
      fieldSize: given.fieldSize ?? server.multipart.fieldSize,
      fileSize: given.fileSize ?? server.multipart.fileSize ?? server.maxBodySize,
      partHeaderSize: given.partHeaderSize ?? server.multipart.partHeaderSize,
    };
    const contentType = request.headerValue("content-type") ?? "";
    const [type, params] = parseHeaderParams(contentType);
    if (type !== "multipart/form-data") {
      throw new HTTPError(
        415,
        `Expected a multipart/form-data body, got ${clipForLog(contentType)}`,
      );
    }
    if (!params["boundary"]) {
      throw new HTTPError(400, "Invalid multipart/form-data: missing boundary");
    }
    try {
      busboy ??= require("busboy") as (config: BusboyConfig) => Busboy;
      this.#busboy = busboy({
        headers: { ...request.raw.headers, "content-type": contentType },
        // Latin-1 keeps the bytes as sent: values go back to bytes, names are decoded as UTF-8.
        defCharset: "latin1",
        defParamCharset: "latin1",
        preservePath: true,
        limits: {
          // One over each count limit, so that passing it is seen (busboy stops quietly at it).
          parts: this.#limits.parts + 1,
          fields: this.#limits.fields + 1,
          files: this.#limits.files + 1,
          fieldSize: this.#limits.fieldSize,
          fileSize: this.#limits.fileSize,
          // busboy bounds a part's header block itself (16 KiB); `partHeaderSize` is not used here.
          headerPairs: 64,
          fieldNameSize: 1024,
        },
      });
    } catch (error) {
      throw new HTTPError(400, `Invalid multipart/form-data: ${clipForLog(errorMessage(error))}`, {
        cause: error,
      });
    }
    this.#finished = new Promise((resolve) => this.#busboy.once("close", () => resolve()));
    this.#finished.catch(() => {});
    this.#busboy.on("error", (error: unknown) =>
      this.#fail(400, `Invalid multipart/form-data: ${clipForLog(errorMessage(error))}`),
    );
    this.#busboy.on("partsLimit", () =>
      this.#fail(400, `Invalid multipart/form-data: more than ${this.#limits.parts} parts`),
    );
    this.#busboy.on("filesLimit", () =>
      this.#fail(400, `Invalid multipart/form-data: more than ${this.#limits.files} files`),
    );
    this.#busboy.on("fieldsLimit", () =>
      this.#fail(400, `Invalid multipart/form-data: more than ${this.#limits.fields} fields`),
    );
    this.#busboy.on("field", (name: string | undefined, value: string, info: FieldInfo) =>
      this.#onField(name, Buffer.from(value, "latin1"), info.nameTruncated, info.valueTruncated),
    );
    this.#busboy.on("file", (name: string | undefined, stream: Readable, info: FileInfo) => {
      // Tornado: a part without a file name (or with an empty one) is an argument, whatever its type.
      if (info.filename) this.#onFile(name, stream, info.filename, info.mimeType);
      else this.#onUnnamedFile(name, stream);
    });
  }

  #fail(status: number, message: string): void {
    if (this.#failure) return;
    this.#failure = new HTTPError(status, message);
    for (const stream of this.#open) stream.destroy();
  }

  #onField(
    name: string | undefined,
    bytes: Buffer,
    nameTruncated: boolean,
    valueTruncated: boolean,
  ): void {
    if (this.#failure) return;
    if (!name || nameTruncated) {
      this.#fail(400, "Invalid multipart/form-data: value missing name");
      return;
    }
    if (valueTruncated) {
      this.#fail(
        413,
        `Invalid multipart/form-data: field larger than ${this.#limits.fieldSize} bytes`,
      );
      return;
    }
    const key = decodeName(name);
    const args = this.#request.bodyArguments;
    const list = args[key];
    if (list) list.push(bytes);
    else args[key] = [bytes];
    this.#request.invalidateArguments();
  }

  /** A part busboy takes for a file (`application/octet-stream`) but that has no file name. */
  #onUnnamedFile(name: string | undefined, stream: Readable): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    stream.on("error", (error: Error) => {
      this.#fail(400, `Invalid multipart/form-data: ${error.message}`);
    });
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.#limits.fieldSize) truncated = true;
      else chunks.push(chunk);
    });
    stream.on("end", () => this.#onField(name, Buffer.concat(chunks), false, truncated));
  }

  #onFile(name: string | undefined, stream: Readable, rawFilename: string, mimeType: string): void {
    // A body that ends inside a part errors the part's stream; the parser reports it as a 400.
    stream.on("error", (error: Error) => {
      this.#fail(400, `Invalid multipart/form-data: ${error.message}`);
    });
    if (this.#failure || !name) {
      if (!this.#failure) this.#fail(400, "Invalid multipart/form-data: value missing name");
      stream.resume();
      return;
    }
    const fieldName = decodeName(name);
    const filename = decodeName(rawFilename);
    const slot: { file: UploadedFile | undefined } = { file: undefined };
    this.#received.push(slot);
    const write = this.#ensureDir().then(
      (dir) =>
        new Promise<void>((resolve) => {
          if (this.#failure) {
            stream.resume();
            resolve();
            return;
          }
          const path = join(dir, `${randomBytes(16).toString("hex")}.upload`);
          this.#paths.add(path);
          // "wx": never follow or overwrite something already at the path; 0600: private.
          const out = createWriteStream(path, { flags: "wx", mode: 0o600 });
          this.#open.add(out);
          let size = 0;
          stream.on("data", (chunk: Buffer) => {
            size += chunk.length;
          });
          stream.once("limit", () =>
            this.#fail(
              413,
              `Invalid multipart/form-data: file larger than ${this.#limits.fileSize} bytes`,
            ),
          );
          out.once("error", (error) => {
            this.#fail(500, `Cannot write upload: ${error.message}`);
            stream.resume();
          });
          out.once("close", () => {
            this.#open.delete(out);
            if (!this.#failure) {
              const file: UploadedFile = {
                fieldName,
                filename,
                safeName: safeFilename(filename),
                contentType: mimeType || "application/unknown",
                path,
                size,
              };
              slot.file = file;
            }
            resolve();
          });
          stream.pipe(out);
        }),
      (error: unknown) => {
        this.#fail(500, `Cannot write upload: ${errorMessage(error)}`);
        stream.resume();
      },
    );
    this.#writes.add(write);
  }

  #ensureDir(): Promise<string> {
    this.#dirReady ??=
      this.#uploadDir === undefined ? defaultUploadDir() : checkedUploadDir(this.#uploadDir);
    return this.#dirReady;
  }

  /** Passes the next chunk of the body on; resolves when the parser can take more. */
  write(chunk: Buffer): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#busboy.write(chunk, (error) => {
        if (this.#failure) reject(this.#failure);
        else if (error) reject(new HTTPError(400, `Invalid multipart/form-data: ${error.message}`));
        else resolve();
      });
    });
  }

  /**
   * Ends the body: resolves with the files once every part is parsed and every file is on disk,
   * or rejects with an `HTTPError` (after removing the files written) when the body was refused.
   */
  async end(): Promise<Record<string, UploadedFile[]>> {
    if (!this.#failure) {
      this.#busboy.end();
      await Promise.race([
        this.#finished,
        new Promise<void>((resolve) => this.#busboy.once("error", () => resolve())),
      ]);
    }
    await Promise.all(this.#writes);
    if (this.#failure) {
      await this.discard();
      throw this.#failure;
    }
    return this.files;
  }

  /** The files written completely so far, by field name, in the order their parts came. */
  get files(): Record<string, UploadedFile[]> {
    const out: Record<string, UploadedFile[]> = Object.create(null);
    for (const { file } of this.#received) {
      if (!file) continue;
      const list = out[file.fieldName];
      if (list) list.push(file);
      else out[file.fieldName] = [file];
    }
    return out;
  }

  /**
   * Stops parsing and removes every file this parser wrote that is still where it was written
   * (files the application has moved elsewhere are left alone).
   */
  async discard(): Promise<void> {
    this.#failure ??= new HTTPError(400, "Upload discarded");
    for (const stream of this.#open) stream.destroy();
    this.#busboy.removeAllListeners("field");
    this.#busboy.removeAllListeners("close");
    this.#busboy.removeAllListeners("file");
    this.#busboy.on("error", () => {});
    await Promise.all(this.#writes);
    await Promise.all([...this.#paths].map((path) => unlink(path).catch(() => undefined)));
    this.#paths.clear();
  }

  /** Removes the uploaded files that are still in the upload folder; for after the response. */
  async cleanup(): Promise<void> {
    await Promise.all(this.#writes);
    await Promise.all([...this.#paths].map((path) => unlink(path).catch(() => undefined)));
    this.#paths.clear();
  }
}

/**
 * A base for handlers that take multipart uploads larger than memory: the body is streamed through
 * a {@link MultipartStreamParser}, files go to disk as they arrive, and form fields are available
 * through `getBodyArgument` as usual once `await this.receiveUploads()` has returned in the HTTP
 * method. Files still in the upload folder after the response (not moved away by the handler) are
 * removed, as they are when the client goes away mid-upload.
 *
 * Override `multipartOptions()` to choose the upload folder and limits. A subclass that overrides
 * `dataReceived`, `onFinish` or `onConnectionClose` must call `super`.
 *
 * ```ts
 * class Upload extends MultipartUploadHandler {
 *   async post() {
 *     const files = await this.receiveUploads();
 *     for (const file of files["file"] ?? []) await rename(file.path, join(dir, file.safeName));
 *     this.write(`${this.getBodyArgument("title")}: ok`);
 *   }
 * }
 * ```
 *
 * Not in Tornado.
 */
@streamRequestBody
export class MultipartUploadHandler extends RequestHandler {
  #parser: MultipartStreamParser | undefined;

  /** Options for the parser (upload folder, limits); the defaults unless overridden. */
  multipartOptions(): MultipartStreamOptions {
    return {};
  }

  #ensureParser(): MultipartStreamParser {
    this.#parser ??= new MultipartStreamParser(this.request, this.multipartOptions());
    return this.#parser;
  }

  override dataReceived(chunk: Buffer): Promise<void> {
    return this.#ensureParser().write(chunk);
  }

  /**
   * Waits until the whole body is parsed and every file is on disk; resolves with the files by
   * field name. Throws the parser's `HTTPError` (400, 413) when the body was refused.
   */
  receiveUploads(): Promise<Record<string, UploadedFile[]>> {
    return this.#ensureParser().end();
  }

  override onFinish(): void | Promise<void> {
    return this.#parser?.cleanup();
  }

  override onConnectionClose(): void | Promise<void> {
    return this.#parser?.discard();
  }
}
