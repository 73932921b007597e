/**
 * Request-body limits of the HTTP server: size, buffering, timeouts, request decompression and
 * multipart limits, shared by the buffered body reader and `@streamRequestBody` handlers.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { HTTPServerOptions, MultipartLimits } from "./httpserver-options.ts";
import type { BodyParseLimits } from "./httputil/body.ts";
import type { HTTPServerRequest } from "./httputil/request.ts";
import { accessLog, clipForLog, genLog } from "./log.ts";
import { isPromise } from "./promise.ts";

/** The default for `maxBufferSize`: 100 MiB, as Tornado. */
export const DEFAULT_MAX_BUFFER_SIZE = 100 * 1024 * 1024;

/** The body limits in force for one server, every default filled in. */
interface BodyLimits {
  /** Bytes a body may have (after decompression). */
  readonly maxBodySize: number;
  /** Bytes a body read into memory may have (the smaller of this and `maxBodySize` applies). */
  readonly maxBufferSize: number;
  /** Milliseconds allowed to read a body, or 0 for no limit. */
  readonly bodyTimeoutMs: number;
  /** Whether `Content-Encoding: gzip` (and `deflate`, `br`) request bodies are decompressed. */
  readonly decompress: boolean;
  /** Bytes all buffered bodies of the server may hold together. */
  readonly bufferedBodyBudget: number;
  /** The multipart limits, every default filled in (`fileSize` left to the body limit when unset). */
  readonly multipart: Required<Omit<MultipartLimits, "fileSize">> & { fileSize?: number };
}

/** A body larger than allowed (after decompression, when the body was compressed): a 413. */
export class RequestBodyTooLargeError extends Error {
  /** The error's name, `"RequestBodyTooLargeError"`. */
  override readonly name = "RequestBodyTooLargeError";
  /** The limit that was passed, in bytes. */
  readonly limit: number;
  constructor(limit: number, what = "Request body") {
    super(`${what} larger than ${limit} bytes`);
    this.limit = limit;
  }
}

/** The client took longer than `bodyTimeout` to send the body: the connection is closed. */
export class BodyTimeoutError extends Error {
  /** The error's name, `"BodyTimeoutError"`. */
  override readonly name = "BodyTimeoutError";
  /** The timeout, in milliseconds. */
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`Timeout reading body after ${timeoutMs / 1000}s`);
    this.timeoutMs = timeoutMs;
  }
}

/** A compressed request body that does not decompress: a 400. */
export class RequestDecompressionError extends Error {
  /** The error's name, `"RequestDecompressionError"`. */
  override readonly name = "RequestDecompressionError";
}

/** The client went away before the body was complete. */
export class BodyAbortedError extends Error {
  /** The error's name, `"BodyAbortedError"`. */
  override readonly name = "BodyAbortedError";
  constructor() {
    super("Connection closed before the request body was complete");
  }
}

/** The default `bufferedBodyBudget`: 512 MiB. */
const DEFAULT_BUFFERED_BODY_BUDGET = 512 * 1024 * 1024;

/** Fills in the defaults of the body options of a server. */
export function resolveBodyLimits(options: HTTPServerOptions): BodyLimits {
  const maxBufferSize = options.maxBufferSize ?? DEFAULT_MAX_BUFFER_SIZE;
  // Tornado: max_body_size defaults to max_buffer_size.
  const maxBodySize = options.maxBodySize ?? maxBufferSize;
  const given = options.multipartLimits ?? {};
  const parts = given.parts ?? 100;
  const multipart: BodyLimits["multipart"] = {
    parts,
    fields: given.fields ?? parts,
    files: given.files ?? parts,
    fieldSize: given.fieldSize ?? 1024 * 1024,
    partHeaderSize: given.partHeaderSize ?? 10 * 1024,
  };
  if (given.fileSize !== undefined) multipart.fileSize = given.fileSize;
  return {
    maxBodySize,
    maxBufferSize,
    bodyTimeoutMs: Math.max(0, (options.bodyTimeout ?? 0) * 1000),
    decompress: options.decompressRequest === true,
    bufferedBodyBudget: options.bufferedBodyBudget ?? DEFAULT_BUFFERED_BODY_BUDGET,
    multipart,
  };
}

interface RequestOverrides {
  limits: BodyLimits;
  maxBodySize?: number;
  bodyTimeoutMs?: number;
}

const perRequest = new WeakMap<HTTPServerRequest, RequestOverrides>();

// Requests that sent `Expect: 100-continue` and have not been told to go on yet.
const awaitingContinue = new WeakSet<IncomingMessage>();

/**
 * Holds back the `100 Continue` of a request that asked for one (RFC 9110 section 10.1.1), until
 * {@link sendContinue}: a request refused before its body is read gets only its final status.
 */
export function deferContinue(req: IncomingMessage): void {
  awaitingContinue.add(req);
}

/** Sends the `100 Continue` a request asked for, once it is certain that its body will be read. */
export function sendContinue(req: IncomingMessage, res: ServerResponse): void {
  if (awaitingContinue.delete(req)) res.writeContinue();
}

/** Records the server's limits on a request with a body, for the parsers that run later. */
export function attachBodyLimits(request: HTTPServerRequest, limits: BodyLimits): void {
  perRequest.set(request, { limits });
}

/** The body limits in force for `request` (the server's, with this request's overrides). */
export function bodyLimitsOf(request: HTTPServerRequest): BodyLimits | undefined {
  const entry = perRequest.get(request);
  if (!entry) return undefined;
  if (entry.maxBodySize === undefined && entry.bodyTimeoutMs === undefined) return entry.limits;
  return {
    ...entry.limits,
    maxBodySize: entry.maxBodySize ?? entry.limits.maxBodySize,
    bodyTimeoutMs: entry.bodyTimeoutMs ?? entry.limits.bodyTimeoutMs,
  };
}

/**
 * Changes the body size limit for this request only (Tornado's
 * `request.connection.set_max_body_size`). Useful in `prepare` of a `@streamRequestBody` handler,
 * whose body is read after `prepare`; a buffered body has already been read by then.
 */
export function setMaxBodySize(request: HTTPServerRequest, bytes: number): void {
  const entry = perRequest.get(request);
  if (entry) entry.maxBodySize = bytes;
}

/**
 * Changes the body timeout for this request only, in seconds (Tornado's
 * `request.connection.set_body_timeout`); 0 turns it off. As `setMaxBodySize`, for streaming handlers.
 */
export function setBodyTimeout(request: HTTPServerRequest, seconds: number): void {
  const entry = perRequest.get(request);
  if (entry) entry.bodyTimeoutMs = Math.max(0, seconds * 1000);
}

/** The multipart limits of a request in the shape the in-memory parser takes. */
export function multipartParseLimits(request: HTTPServerRequest): BodyParseLimits | undefined {
  const limits = bodyLimitsOf(request);
  if (!limits) return undefined;
  const m = limits.multipart;
  return {
    maxParts: m.parts,
    maxPartHeaderSize: m.partHeaderSize,
    maxFields: m.fields,
    maxFiles: m.files,
    maxFieldSize: m.fieldSize,
    maxFileSize: m.fileSize ?? limits.maxBodySize,
  };
}

function decoderFor(encoding: string): Transform | undefined {
  switch (encoding) {
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "deflate":
      return createInflate();
    case "br":
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * With `decompressRequest` on, prepares a compressed request for decompression as Tornado does:
 * `Content-Encoding` is removed from the request's headers and `X-Consumed-Content-Encoding` added
 * (`Content-Length` keeps the compressed length). Returns the encoding to undo, or `undefined`.
 * Only a single coding is undone; unknown codings are left alone and the body passed on as sent.
 *
 * Differs from Tornado: `deflate` and `br` are decompressed too (Tornado only gzip).
 */
export function takeContentEncoding(req: IncomingMessage): string | undefined {
  const header = req.headers["content-encoding"];
  if (header === undefined) return undefined;
  const encoding = header.trim().toLowerCase();
  if (decoderFor(encoding) === undefined) return undefined;
  delete req.headers["content-encoding"];
  req.headers["x-consumed-content-encoding"] = header;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === "content-encoding") {
      raw[i] = "X-Consumed-Content-Encoding";
      break;
    }
  }
  return encoding;
}

/** What {@link consumeBody} needs to know about one body. */
interface ConsumeOptions {
  /** Bytes allowed, counted after decompression and, for a compressed body, before it too. */
  maxSize: number;
  /** Milliseconds allowed for the whole body, or 0. */
  timeoutMs: number;
  /** The content coding to undo (from {@link takeContentEncoding}), if any. */
  encoding?: string | undefined;
}

/**
 * Reads a request body chunk by chunk, passing each (decompressed) chunk to `onChunk`. When
 * `onChunk` returns a promise, reading pauses until it settles, so a slow consumer (a disk) holds
 * the client back instead of filling memory. Resolves when the body has ended; rejects with
 * {@link RequestBodyTooLargeError}, {@link BodyTimeoutError}, {@link RequestDecompressionError},
 * {@link BodyAbortedError}, or what `onChunk` threw. After a rejection nothing more is read.
 */
export function consumeBody(
  req: IncomingMessage,
  options: ConsumeOptions,
  onChunk: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const { maxSize, timeoutMs } = options;
    const decoder = options.encoding ? decoderFor(options.encoding) : undefined;
    let received = 0;
    let produced = 0;
    let settled = false;
    let pending = 0;
    let ended = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const cleanup = (): void => {
      settled = true;
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      if (decoder) {
        decoder.removeAllListeners("data");
        decoder.removeAllListeners("end");
        decoder.on("error", () => {});
        decoder.destroy();
      }
    };
    const fail = (error: unknown): void => {
      if (settled) return;
      cleanup();
      req.pause();
      reject(error);
    };
    const finishIfDone = (): void => {
      if (!settled && ended && pending === 0) {
        cleanup();
        resolve();
      }
    };
    const paused = (): Readable => decoder ?? req;
    const deliver = (chunk: Buffer): void => {
      produced += chunk.length;
      if (produced > maxSize) {
        fail(new RequestBodyTooLargeError(maxSize));
        return;
      }
      let result: void | Promise<void>;
      try {
        result = onChunk(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (isPromise(result)) {
        pending++;
        paused().pause();
        result.then(
          () => {
            pending--;
            if (settled) return;
            if (pending === 0) {
              paused().resume();
              finishIfDone();
            }
          },
          (error: unknown) => {
            pending--;
            fail(error);
          },
        );
      }
    };
    const onData = (chunk: Buffer): void => {
      if (settled) return;
      received += chunk.length;
      // The compressed size is bounded too, so a body cannot grow without limit on the wire.
      if (received > maxSize) {
        fail(new RequestBodyTooLargeError(maxSize));
        return;
      }
      if (decoder) {
        if (!decoder.write(chunk)) req.pause();
      } else {
        deliver(chunk);
      }
    };
    const onEnd = (): void => {
      if (decoder) decoder.end();
      else {
        ended = true;
        finishIfDone();
      }
    };
    const onError = (): void => fail(new BodyAbortedError());
    const onClose = (): void => {
      if (!req.complete) fail(new BodyAbortedError());
    };

    if (decoder) {
      decoder.on("data", (chunk: Buffer) => {
        if (!settled) deliver(chunk);
      });
      decoder.on("drain", () => {
        if (!settled && pending === 0) req.resume();
      });
      decoder.on("end", () => {
        ended = true;
        finishIfDone();
      });
      decoder.on("error", (error: Error) =>
        fail(new RequestDecompressionError(`Invalid ${options.encoding} body: ${error.message}`)),
      );
    }
    if (timeoutMs > 0) {
      timer = setTimeout(() => fail(new BodyTimeoutError(timeoutMs)), timeoutMs);
      timer.unref();
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
    if (req.complete && req.readableEnded) onEnd();
  });
}

type Readable = IncomingMessage | Transform;

/**
 * Reads a whole request body into memory within `options.maxSize` bytes; see {@link consumeBody}
 * for the errors.
 */
export async function readLimitedBody(
  req: IncomingMessage,
  options: ConsumeOptions,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  await consumeBody(req, options, (chunk) => {
    chunks.push(chunk);
    size += chunk.length;
  });
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * Answers a request whose buffered body could not be read: a body timeout closes the connection
 * without a response (logging `Timeout reading body from IP` at INFO, as Tornado); a body that does
 * not decompress gets a 400 and the connection is closed; a client that went away is let go.
 * (A body over the limit is answered by the caller with its 413.)
 */
export function answerBodyError(
  res: ServerResponse,
  request: HTTPServerRequest,
  error: unknown,
): void {
  if (error instanceof BodyTimeoutError) {
    genLog.info(`Timeout reading body from ${request.remoteIp}`);
    res.destroy();
    return;
  }
  if (error instanceof RequestDecompressionError && !res.headersSent && !res.destroyed) {
    genLog.info(`${error.message} from ${request.remoteIp}`);
    answerUnreadAndClose(res, request, 400, "Bad Request");
    return;
  }
  res.destroy();
}

/**
 * Answers a request refused before its handler ran with Tornado's plain error page for `status`,
 * closes the connection (its body may be unread), and writes the access-log line.
 */
export function answerUnreadAndClose(
  res: ServerResponse,
  request: HTTPServerRequest,
  status: number,
  reason: string,
): void {
  const page = `<html><title>${status}: ${reason}</title><body>${status}: ${reason}</body></html>`;
  res.shouldKeepAlive = false;
  res.writeHead(status, reason, [
    "Content-Type",
    "text/html; charset=UTF-8",
    "Content-Length",
    String(page.length),
    "Connection",
    "close",
  ]);
  res.end(page);
  accessLog.warning(
    `${status} ${request.method} ${clipForLog(request.uri)} (${request.remoteIp}) 0.00ms`,
  );
}

/**
 * As {@link readLimitedBody} for a body with no content coding to undo and no timeout (the usual
 * case), with a callback instead of promises: the handler runs in the turn that read the last
 * chunk. `done` is called once, with the body or with a {@link RequestBodyTooLargeError} or
 * {@link BodyAbortedError}.
 */
export function readPlainBody(
  req: IncomingMessage,
  maxSize: number,
  done: (error: Error | undefined, body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (error: Error | undefined): void => {
    if (settled) return;
    settled = true;
    if (error) {
      req.pause();
      done(error, EMPTY_BODY);
    } else {
      // The body has been read: tell Node so, or once the response is sent it "dumps" the request
      // (reads what is left of it), removing the data listener on the way, which turns the
      // request's listener table into a slow dictionary: about 0.45 µs of CPU per POST /form
      // (7.25 against 7.69 µs; Node 20, bench/micro/optimisations.mjs body-consuming).
      (req as IncomingMessage & { _consuming?: boolean })._consuming = true;
      done(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    }
  };
  // The listeners stay: once settled they do nothing, and they go with the request. A body cut
  // short (the client gone, a timeout) ends in an `error` event: Node destroys an unfinished
  // request with an "aborted" error.
  req.on("data", (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > maxSize) settle(new RequestBodyTooLargeError(maxSize));
    else chunks.push(chunk);
  });
  req.on("end", () => settle(undefined));
  req.on("error", () => settle(new BodyAbortedError()));
  if (req.complete && req.readableEnded) settle(undefined);
}

const EMPTY_BODY = Buffer.alloc(0);
