/**
 * HTTP/2 over TLS for {@link HTTPServer} (its `http2` option), through `node:http2`'s
 * compatibility API so that handlers run unchanged. Internal: not a public subpath.
 * @module
 */
import {
  type ServerOptions as HttpServerOptions,
  type IncomingMessage,
  Server,
  type ServerResponse,
} from "node:http";
import {
  createSecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import type { ServerOptions as TlsServerOptions } from "node:https";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

// RFC 9113 section 8.2.2: connection-specific fields must not appear in HTTP/2 messages (Node
// refuses to send them); they describe an HTTP/1.1 connection that does not exist here.
const CONNECTION_FIELDS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Presents an HTTP/2 request as the framework reads HTTP/1.1 ones: the `:authority` pseudo-header
 * stands for `Host` (RFC 9113 section 8.3.1) and the other pseudo-headers (`:path`, `:method`,
 * `:scheme`) leave the raw header list, since the request line carries them. A body sent without
 * `Content-Length` is announced as `Transfer-Encoding: chunked` in `req.headers` (not in the raw
 * list), the HTTP/1.1 way of saying that a body of unknown length follows, so the server reads
 * it; in HTTP/2 its end is the stream's END_STREAM flag (RFC 9113 section 8.1). The response drops
 * the reason phrase, which HTTP/2 does not have (RFC 9113 section 8.3.2), and connection-specific
 * fields.
 */
function adaptHttp2(req: Http2ServerRequest, res: Http2ServerResponse): void {
  const authority = req.headers[":authority"];
  if (req.headers.host === undefined && typeof authority === "string") {
    req.headers.host = authority;
  }
  const raw = req.rawHeaders;
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!raw[i]!.startsWith(":")) kept.push(raw[i]!, raw[i + 1]!);
  }
  if (
    typeof authority === "string" &&
    !kept.some((name, i) => i % 2 === 0 && name.toLowerCase() === "host")
  ) {
    kept.unshift("Host", authority);
  }
  if (!req.stream.endAfterHeaders && req.headers["content-length"] === undefined) {
    req.headers["transfer-encoding"] = "chunked";
  }
  // Http2ServerRequest hands out the same array each time; edit it in place.
  raw.splice(0, raw.length, ...kept);
  const writeHead = res.writeHead.bind(res);
  const adapted = (
    statusCode: number,
    reason?: unknown,
    headers?: unknown,
  ): Http2ServerResponse => {
    const given = typeof reason === "string" ? headers : reason;
    if (Array.isArray(given)) {
      const flat: string[] = [];
      for (let i = 0; i + 1 < given.length; i += 2) {
        if (!CONNECTION_FIELDS.has(String(given[i]).toLowerCase()))
          flat.push(given[i], given[i + 1]);
      }
      return writeHead(statusCode, flat as unknown as Record<string, string>);
    }
    return given === undefined
      ? writeHead(statusCode)
      : writeHead(statusCode, given as Record<string, string>);
  };
  Object.defineProperty(res, "writeHead", { value: adapted, configurable: true, writable: true });
}

/**
 * An HTTP server that speaks TLS on its connections and hands each one to HTTP/2 or HTTP/1.1 by
 * the protocol the client chose in the TLS handshake (ALPN, RFC 7301): `h2` goes to a
 * `node:http2` server, anything else (`http/1.1`, or a client without ALPN) to this server's own
 * HTTP/1.1 handling with all its limits and timeouts. It is still an `http.Server`, so
 * {@link HTTPServer} manages it as any other; closing connections covers the HTTP/2 sessions.
 */
class TlsAlpnServer extends Server {
  readonly #sessions = new Set<Http2Session>();

  constructor(options: HttpServerOptions, tlsOptions: TlsServerOptions, listener: Listener) {
    super(options, listener);
    const [http1Connection] = this.listeners("connection");
    if (http1Connection === undefined) {
      throw new Error("node:http changed: expected a connection listener on its server");
    }
    this.removeAllListeners("connection");
    // allowHTTP1 makes Node's HTTP/2 server offer both protocols in the TLS handshake (ALPN, RFC
    // 7301); a client that offers only http/1.1 would otherwise fail the handshake.
    const http2 = createSecureServer({ ...tlsOptions, allowHTTP1: true }, (req, res) => {
      adaptHttp2(req, res);
      // The compatibility objects carry the parts of IncomingMessage and ServerResponse that the
      // framework uses (method, url, headers, body stream; writeHead, write, end, close events).
      listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    });
    // Its own HTTP/1.1 fallback is replaced: HTTP/1.1 connections get this server's handling, with
    // its limits, timeouts and connection tracking.
    const sessionListeners = http2.listeners("secureConnection");
    const [startSession] = sessionListeners;
    if (sessionListeners.length !== 1 || startSession === undefined) {
      throw new Error("node:http2 changed: expected one secureConnection listener on its server");
    }
    http2.removeAllListeners("secureConnection");
    http2.on("secureConnection", (socket: TLSSocket) => {
      if (socket.alpnProtocol === "h2") startSession.call(http2, socket);
      else http1Connection.call(this, socket);
    });
    // An HTTP/2 connection left without traffic is closed (GOAWAY) after the same idle time as an
    // HTTP/1.1 keep-alive connection.
    const idleMs = options.keepAliveTimeout ?? 5000;
    http2.on("session", (session: Http2Session) => {
      this.#sessions.add(session);
      if (idleMs > 0) session.setTimeout(idleMs, () => session.close());
      session.once("close", () => this.#sessions.delete(session));
    });
    this.on("connection", (socket: Socket) => http2.emit("connection", socket));
  }

  /** Closes idle HTTP/1.1 connections, and asks HTTP/2 clients to go (GOAWAY) once their streams end. */
  override closeIdleConnections(): void {
    super.closeIdleConnections();
    for (const session of this.#sessions) session.close();
  }

  /** Closes every connection at once, HTTP/2 sessions included. */
  override closeAllConnections(): void {
    super.closeAllConnections();
    for (const session of this.#sessions) session.destroy();
  }
}

/** Makes the node server for {@link HTTPServerOptions.http2}: TLS with HTTP/2 and HTTP/1.1. */
export function createHttp2Server(
  options: HttpServerOptions,
  tlsOptions: TlsServerOptions | undefined,
  listener: Listener,
): Server {
  if (!tlsOptions) {
    throw new Error("HTTPServer's http2 option needs sslOptions: HTTP/2 is served over TLS only");
  }
  return new TlsAlpnServer(options, tlsOptions, listener);
}
