/**
 * The request as handlers see it (Tornado's `HTTPServerRequest`): method, URI, version, headers,
 * client address and protocol, the body and its parsed arguments and files, and cookies, built over
 * Node's `IncomingMessage`.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { clipForLog } from "../log.ts";
import { type ArgumentMap, emptyMap, type FileMap, type HTTPFile, parseQsBytes } from "./body.ts";
import { requestCookies } from "./cookies.ts";
import { HTTPHeaders } from "./headers.ts";

/** What the server knows about the connection a request came on. */
export interface RequestConnectionInfo {
  /** The client's address, after `xheaders` processing. */
  remoteIp: string;
  /** `http` or `https`, after `xheaders` processing. */
  protocol: string;
}

/**
 * One HTTP request as the server received it (Tornado's `HTTPServerRequest`).
 *
 * `path` and `uri` are as sent, still percent-encoded. Query arguments, headers and cookies are
 * parsed on first use; body arguments and files are filled in before the handler's `prepare`.
 */
export class HTTPServerRequest {
  /** The HTTP method, e.g. `GET`. */
  readonly method: string;
  /** The request target as sent: path plus query, still percent-encoded. */
  readonly uri: string;
  /** The part of `uri` before the first `?`, still percent-encoded. */
  readonly path: string;
  /** The part of `uri` after the first `?` (empty when there is none). */
  readonly query: string;
  /** The `Host` header as sent (case kept), or `127.0.0.1` when the request has none. */
  readonly host: string;
  /** The client's IP address (see the server's `xheaders` option). */
  remoteIp: string;
  /** `http` or `https`. */
  protocol: string;
  /** The request body (empty when there is none). */
  body: Buffer = EMPTY;
  /** Node's request object, for what this class does not cover. */
  readonly raw: IncomingMessage;
  /**
   * Node's response object for this request. The framework writes through it; writing to it directly
   * bypasses headers, cookies, ETags and logging.
   */
  readonly rawResponse: ServerResponse | undefined;
  /** When the request object was created, from `performance.now()`. */
  readonly #start = performance.now();
  #headers: HTTPHeaders | undefined;
  #queryArguments: ArgumentMap | undefined;
  #arguments: ArgumentMap | undefined;
  #cookies: Record<string, string> | undefined;
  // Made on first use: most requests never read them. Making the request takes about 65 ns this
  // way against 128 ns with the three made in the constructor (Node 20,
  // bench/micro/optimisations.mjs request-fields).
  #hostName: string | undefined;
  #bodyArguments: ArgumentMap | undefined;
  #files: FileMap | undefined;

  constructor(
    raw: IncomingMessage,
    rawResponse: ServerResponse | undefined,
    info: RequestConnectionInfo,
  ) {
    this.raw = raw;
    this.rawResponse = rawResponse;
    this.method = raw.method ?? "GET";
    const uri = raw.url ?? "/";
    this.uri = uri;
    const q = uri.indexOf("?");
    this.path = q < 0 ? uri : uri.slice(0, q);
    this.query = q < 0 ? "" : uri.slice(q + 1);
    const host = raw.headers.host;
    this.host = host === undefined || host === "" ? "127.0.0.1" : host;
    this.remoteIp = info.remoteIp;
    this.protocol = info.protocol;
  }

  /** `HTTP/1.1` or `HTTP/1.0`. */
  get version(): string {
    return `HTTP/${this.raw.httpVersion}`;
  }

  /** `host` lower-cased without a trailing `:port`. */
  get hostName(): string {
    this.#hostName ??= hostNameOf(this.host);
    return this.#hostName;
  }

  /** Arguments from a form-urlencoded or multipart body, by name. */
  get bodyArguments(): ArgumentMap {
    this.#bodyArguments ??= emptyMap<Buffer>();
    return this.#bodyArguments;
  }

  /** Files from a multipart body, by form field name. */
  get files(): FileMap {
    this.#files ??= emptyMap<HTTPFile>();
    return this.#files;
  }

  /** The request headers. */
  get headers(): HTTPHeaders {
    this.#headers ??= HTTPHeaders.fromRaw(this.raw.rawHeaders);
    return this.#headers;
  }

  /** Arguments from the query string, by name; values are raw bytes, blank values kept. */
  get queryArguments(): ArgumentMap {
    this.#queryArguments ??= parseQsBytes(this.query);
    return this.#queryArguments;
  }

  /** Query arguments followed by body arguments, by name. */
  get arguments(): ArgumentMap {
    if (this.#arguments === undefined) {
      const merged = emptyMap<Buffer>();
      for (const source of [this.queryArguments, this.bodyArguments]) {
        for (const name in source) {
          const values = source[name]!;
          const list = merged[name];
          if (list) list.push(...values);
          else merged[name] = [...values];
        }
      }
      this.#arguments = merged;
    }
    return this.#arguments;
  }

  /** Forgets the merged arguments so they are rebuilt after the body has been parsed. */
  invalidateArguments(): void {
    this.#arguments = undefined;
  }

  /** Request cookies by name (parsed from the `Cookie` header on first use). */
  get cookies(): Record<string, string> {
    this.#cookies ??= requestCookies(this.headerValue("cookie") ?? "");
    return this.#cookies;
  }

  /** One request header by lower-case name, joined with `,` when repeated; fast path for the framework. */
  headerValue(lowerName: string): string | undefined {
    const value = this.raw.headers[lowerName];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(",") : value;
  }

  /** The socket the request came on. */
  get socket(): Socket {
    return this.raw.socket;
  }

  /**
   * The full URL: `protocol://host` plus `uri`. The host is the client's `Host` header as sent
   * (and the protocol its `X-Scheme`/`X-Forwarded-Proto` with `xheaders`): list the names the
   * application answers in the `allowedHosts` setting before trusting it in links or emails, as
   * requests for other hosts are then refused before any handler runs.
   */
  fullUrl(): string {
    return `${this.protocol}://${this.host}${this.uri}`;
  }

  /** Seconds since the request object was created. */
  requestTime(): number {
    return (performance.now() - this.#start) / 1000;
  }

  /** A one-line description, as Tornado's `repr()` of the request. */
  toString(): string {
    // The host and URI are the client's: cut and escaped for the log lines this goes into.
    return `HTTPServerRequest(protocol='${this.protocol}', host='${clipForLog(this.host)}', method='${this.method}', uri='${clipForLog(this.uri)}', version='${this.version}', remote_ip='${this.remoteIp}')`;
  }
}

const EMPTY = Buffer.alloc(0);

function hostNameOf(host: string): string {
  return host.toLowerCase().replace(/:\d+$/, "");
}
