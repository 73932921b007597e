/**
 * The `compressResponse` setting: gzip (or brotli, when the client prefers it) for text responses,
 * as an output transform (Tornado's `GZipContentEncoding`).
 * @module
 */
import { brotliCompressSync, constants, crc32, deflateRawSync, gzipSync } from "node:zlib";
import { byteLength } from "../httputil/body.ts";
import type { HTTPServerRequest } from "../httputil/request.ts";
import type { OutputTransform, RequestHandler } from "./request-handler.ts";

/** Media types compressed besides `text/*` (Tornado's list). */
export const COMPRESSIBLE_TYPES: ReadonlySet<string> = new Set([
  "application/javascript",
  "application/x-javascript",
  "application/xml",
  "application/atom+xml",
  "application/json",
  "application/xhtml+xml",
  "image/svg+xml",
]);

/** Responses sent in one piece are compressed only from this many bytes on (Tornado's `MIN_LENGTH`). */
export const MIN_COMPRESS_LENGTH = 1024;

const GZIP_LEVEL = 6;
const BROTLI_QUALITY = 5;
// Gzip member header (RFC 1952 section 2.3): magic, deflate, no flags, no mtime, OS "Unix".
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);

/** The q-value the Accept-Encoding header gives `coding` (0 when absent), RFC 9110 section 12.5.3. */
function qValue(header: string, coding: string): number {
  let best = 0;
  for (const part of header.split(",")) {
    const [name, ...params] = part.split(";");
    if (name?.trim().toLowerCase() !== coding) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=");
      if (key?.trim().toLowerCase() === "q") q = Number(value?.trim() ?? "1");
    }
    if (Number.isFinite(q)) best = Math.max(best, q);
  }
  return best;
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}

/**
 * Compresses responses for clients that accept it (Tornado's `GZipContentEncoding`, added to
 * `app.transforms` by the `compressResponse` setting).
 *
 * Every response gets `Vary: Accept-Encoding` (appended to an existing `Vary`). A response is
 * compressed when the client's `Accept-Encoding` mentions `gzip` (Tornado's substring test), its
 * media type is `text/*` or in {@link COMPRESSIBLE_TYPES}, it is not already encoded, and it is
 * either at least {@link MIN_COMPRESS_LENGTH} bytes or flushed in several chunks (static files
 * included). The `Etag` stays the one of the uncompressed body.
 *
 * Beyond Tornado: brotli (`Content-Encoding: br`) is used instead of gzip when the client's
 * q-value for `br` is at least its q-value for `gzip`, for responses sent in one piece; flushed
 * responses use gzip, whose stream can be flushed chunk by chunk.
 */
export class GZipContentEncoding implements OutputTransform {
  #gzip: boolean;
  #brotli: boolean;
  #encoding: "gzip" | "br" | null = null;
  #started = false;
  #crc = 0;
  #size = 0;

  constructor(request: HTTPServerRequest) {
    const header = request.headerValue("accept-encoding") ?? "";
    this.#gzip = header.includes("gzip");
    const br = qValue(header, "br");
    this.#brotli = br > 0 && br >= (this.#gzip ? Math.max(qValue(header, "gzip"), 0) : 0);
  }

  transformFirstChunk(
    handler: RequestHandler,
    chunk: Buffer | string,
    finishing: boolean,
  ): Buffer | string {
    const vary = handler.getHeader("Vary");
    handler.setHeader("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
    if (!this.#gzip && !this.#brotli) return chunk;
    const [mediaType = ""] = (handler.getHeader("Content-Type") ?? "").split(";");
    const compressible = mediaType.startsWith("text/") || COMPRESSIBLE_TYPES.has(mediaType);
    if (
      !compressible ||
      (finishing && byteLength(chunk) < MIN_COMPRESS_LENGTH) ||
      handler.getHeader("Content-Encoding") !== undefined
    ) {
      return chunk;
    }
    if (this.#brotli && finishing) this.#encoding = "br";
    else if (this.#gzip) this.#encoding = "gzip";
    else return chunk;
    handler.setHeader("Content-Encoding", this.#encoding);
    const out = this.transformChunk(toBuffer(chunk), finishing);
    if (handler.getHeader("Content-Length") !== undefined) {
      // The length of a complete response is known; a streamed one goes out chunked.
      if (finishing) handler.setHeader("Content-Length", out.length);
      else handler.clearHeader("Content-Length");
    }
    return out;
  }

  transformChunk(chunk: Buffer, finishing: boolean): Buffer {
    if (this.#encoding === "br") {
      return brotliCompressSync(chunk, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: chunk.length,
        },
      });
    }
    if (this.#encoding !== "gzip") return chunk;
    if (finishing && !this.#started) {
      this.#encoding = null;
      return gzipSync(chunk, { level: GZIP_LEVEL });
    }
    // One gzip member across chunks: each chunk's deflate data ends with a sync flush, so the
    // client can decode what it has so far; the last one ends the stream (RFC 1951, 1952).
    const parts: Buffer[] = [];
    if (!this.#started) {
      parts.push(GZIP_HEADER);
      this.#started = true;
    }
    this.#crc = crc32(chunk, this.#crc);
    this.#size = (this.#size + chunk.length) >>> 0;
    parts.push(
      deflateRawSync(chunk, {
        level: GZIP_LEVEL,
        finishFlush: finishing ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      }),
    );
    if (finishing) {
      const trailer = Buffer.allocUnsafe(8);
      trailer.writeUInt32LE(this.#crc >>> 0, 0);
      trailer.writeUInt32LE(this.#size, 4);
      parts.push(trailer);
      this.#encoding = null;
    }
    return Buffer.concat(parts);
  }
}

/** The transform factory that `compressResponse: true` adds to `app.transforms`. */
export function compressionTransform(request: HTTPServerRequest): OutputTransform {
  return new GZipContentEncoding(request);
}
