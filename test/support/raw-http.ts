// A raw HTTP/1.x exchange over a socket, for tests that must see the wire exactly (header order and
// casing, chunk framing, status lines) and for conformance suites that send the same bytes to Python
// Tornado and to tornado-ts.
import { connect } from "node:net";

/** A response as it came off the wire. */
export interface RawResponse {
  /** The status line's version, e.g. `HTTP/1.1`. */
  readonly version: string;
  readonly code: number;
  /** The reason phrase as sent (latin-1 decoded). */
  readonly reason: string;
  /** Header lines in wire order and wire casing (values latin-1 decoded). */
  readonly headers: readonly (readonly [string, string])[];
  /** The body bytes after the header block, still chunk-framed when the response was chunked. */
  readonly rawBody: Buffer;
  /** The body with chunk framing removed. */
  readonly body: Buffer;
  /** Everything received. */
  readonly bytes: Buffer;
  /** Status lines of interim (1xx) responses that came before this one, e.g. `HTTP/1.1 100 Continue`. */
  readonly interim: readonly string[];
  /** The first value of a header (case-insensitive), or undefined. */
  header(name: string): string | undefined;
}

/** Sends `request` on a new connection and collects everything until the server closes it. */
export function exchange(
  port: number,
  request: string | Uint8Array,
  options: { idleMs?: number; host?: string } = {},
): Promise<Buffer> {
  const idleMs = options.idleMs ?? 3000;
  return new Promise((resolve, reject) => {
    const socket = connect(port, options.host ?? "127.0.0.1");
    const chunks: Buffer[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(done, idleMs);
    };
    socket.on("connect", () => {
      socket.write(typeof request === "string" ? Buffer.from(request, "latin1") : request);
      arm();
    });
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      arm();
    });
    socket.on("close", done);
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET") done();
      else reject(error);
    });
  });
}

function dechunk(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = Number.parseInt(raw.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * Parses the first final response in `bytes`, after any interim 1xx responses (anything after its
 * header block is taken as its body).
 */
export function parseResponse(bytes: Buffer): RawResponse {
  const interim: string[] = [];
  let start = 0;
  while (/^HTTP\/\d\.\d 1\d\d/.test(bytes.subarray(start, start + 12).toString("latin1"))) {
    const stop = bytes.indexOf("\r\n\r\n", start);
    if (stop < 0) break;
    interim.push(bytes.subarray(start, bytes.indexOf("\r\n", start)).toString("latin1"));
    start = stop + 4;
  }
  const final = bytes.subarray(start);
  const end = final.indexOf("\r\n\r\n");
  if (end < 0)
    throw new Error(`No complete header block in ${JSON.stringify(bytes.toString("latin1"))}`);
  const lines = final.subarray(0, end).toString("latin1").split("\r\n");
  const status = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
  if (!status) throw new Error(`Bad status line ${JSON.stringify(lines[0])}`);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  const rawBody = final.subarray(end + 4);
  const chunked = headers.some(
    ([name, value]) => name.toLowerCase() === "transfer-encoding" && value === "chunked",
  );
  return {
    version: status[1]!,
    code: Number(status[2]),
    reason: status[3] ?? "",
    headers,
    rawBody,
    body: chunked ? dechunk(rawBody) : rawBody,
    bytes,
    interim,
    header: (name) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
  };
}

/**
 * Sends one request and parses the response. `Host: 127.0.0.1:PORT` and `Connection: close` are
 * added unless the caller gives those headers, and `Content-Length` for a body.
 */
export async function rawFetch(
  port: number,
  path: string,
  options: {
    method?: string;
    headers?: readonly (readonly [string, string])[];
    body?: string | Buffer;
    version?: string;
  } = {},
): Promise<RawResponse> {
  return parseResponse(await exchange(port, rawRequestBytes(port, path, options)));
}

/** The bytes {@link rawFetch} sends. */
export function rawRequestBytes(
  port: number,
  path: string,
  options: {
    method?: string;
    headers?: readonly (readonly [string, string])[];
    body?: string | Buffer;
    version?: string;
  } = {},
): Buffer {
  const method = options.method ?? "GET";
  const given = options.headers ?? [];
  const headers: (readonly [string, string])[] = given.some(
    ([name]) => name.toLowerCase() === "host",
  )
    ? [...given]
    : [["Host", `127.0.0.1:${port}`], ...given];
  if (!headers.some(([name]) => name.toLowerCase() === "connection"))
    headers.push(["Connection", "close"]);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  if (
    body !== undefined &&
    !headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name))
  )
    headers.push(["Content-Length", String(body.length)]);
  const head = `${method} ${path} ${options.version ?? "HTTP/1.1"}\r\n${headers
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;
  return body === undefined
    ? Buffer.from(head, "latin1")
    : Buffer.concat([Buffer.from(head, "latin1"), body]);
}
