/**
 * The options of an HTTP server ({@link HTTPServerOptions}, with its {@link MultipartLimits}): apart
 * from `httpserver.ts`, so that the server and its body limits (`httpserver-limits.ts`) both read
 * them without importing each other. Public through `tornado-ts/httpserver`.
 * @module
 */
import type { ServerOptions as TlsServerOptions } from "node:https";

/** Options of an {@link HTTPServer}; the defaults are safe for a server on the open internet. */
export interface HTTPServerOptions {
  /**
   * Trust `X-Real-Ip` / `X-Forwarded-For` for the client address and `X-Scheme` /
   * `X-Forwarded-Proto` for the protocol. Only behind a proxy that sets them. Default `false`.
   */
  xheaders?: boolean;
  /** Proxy addresses skipped when reading `X-Forwarded-For` from the right (with `xheaders`). */
  trustedDownstream?: readonly string[];
  /** Serve HTTPS with these TLS options (certificate and key). */
  sslOptions?: TlsServerOptions;
  /**
   * Serve HTTP/2 as well as HTTP/1.1 over TLS (needs `sslOptions`): each client gets the protocol
   * it prefers in the TLS handshake (ALPN), through `node:http2`'s compatibility API, so handlers
   * run unchanged. HTTP/2 responses carry no reason phrase; `idleConnectionTimeout` applies to
   * HTTP/2 connections too, `noKeepAlive` only to HTTP/1.1 ones. Not in Tornado.
   */
  http2?: boolean;
  /** Close every connection after one response. Default `false`. */
  noKeepAlive?: boolean;
  /** The largest request body accepted, in bytes; larger ones get a 413. Default 100 MiB. */
  maxBodySize?: number;
  /** The largest header block accepted, in bytes; larger ones get a 431. Default 64 KiB. */
  maxHeaderSize?: number;
  /**
   * Seconds an idle connection is kept open: between requests on a kept-alive connection, and
   * before the first request of a new one. Default 5 (Node's; Tornado's is 3600).
   */
  idleConnectionTimeout?: number;
  /** Seconds allowed to receive a request's headers. Default 60. */
  headerTimeout?: number;
  /** Seconds allowed to receive a whole request. Default 300. */
  requestTimeout?: number;
  /** Overrides the protocol reported for requests (`http` or `https`). */
  protocol?: string;
  /**
   * The largest body read into memory, in bytes (a `@streamRequestBody` handler's body is not held
   * in memory, so only `maxBodySize` bounds it). Default 100 MiB; `maxBodySize` defaults to it.
   */
  maxBufferSize?: number;
  /**
   * The bytes all bodies being read into memory at once may hold together (those of requests not
   * yet answered), per server. Each body counts its `Content-Length` (a chunked or compressed body
   * counts the whole body limit, the most it may grow to) from the moment it is accepted until its
   * response ends. A body that would pass the budget gets a **503** with `Retry-After: 5` before
   * any of it is read, and its connection is closed; bodies already accepted are unaffected.
   * Default 512 MiB (five bodies of the largest default size, a fraction of a small server's
   * memory); `Infinity` turns it off. Not in Tornado.
   */
  bufferedBodyBudget?: number;
  /**
   * Seconds allowed to receive a request body once its headers are in; on expiry the connection is
   * closed without a response and `Timeout reading body from IP` is logged. Default: none (Tornado's);
   * `requestTimeout` still bounds the whole request.
   */
  bodyTimeout?: number;
  /**
   * Decompress `Content-Encoding: gzip` request bodies (also `deflate` and `br`, which Tornado does
   * not) before parsing; the inflated size is bounded by the body limits, so a gzip bomb gets a 413.
   * Default `false`.
   */
  decompressRequest?: boolean;
  /** Limits on multipart form bodies (parts, fields, files, sizes); see `MultipartLimits`. */
  multipartLimits?: MultipartLimits;
}

/**
 * Limits on `multipart/form-data` bodies (the `multipartLimits` server option). They apply to
 * buffered bodies and to the streaming parser of `@streamRequestBody` handlers alike.
 */
export interface MultipartLimits {
  /** The most parts (fields and files) a body may have; more is a 400. Default 100 (Tornado 6.5.5). */
  parts?: number;
  /** The most non-file fields; more is a 400. Default: `parts`. */
  fields?: number;
  /** The most files; more is a 400. Default: `parts`. */
  files?: number;
  /** The largest value of a non-file field, in bytes; more is a 413. Default 1 MiB (Tornado has none). */
  fieldSize?: number;
  /** The largest file, in bytes; more is a 413. Default: the body limit. */
  fileSize?: number;
  /** The largest header block of one part, in bytes; more is a 400. Default 10 KiB (Tornado 6.5.5); the streaming parser has busboy's fixed 16 KiB instead. */
  partHeaderSize?: number;
}
