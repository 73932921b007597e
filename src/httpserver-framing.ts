/**
 * Request checks that Node's HTTP parser leaves to the application: the ones a request smuggling or
 * cache poisoning attack relies on.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { clipForLog, genLog } from "./log.ts";

// RFC 3986 section 3.2.2/3.2.3: reg-name or IP-literal, then an optional port. No comma, no space.
const VALID_HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+;=%]*)(?::[0-9]*)?$/;

/**
 * Node's server parser keeps 2,000 `rawHeaders` entries (names and values, so 1,000 header lines,
 * from its default `maxHeadersCount`) and silently drops the rest.
 */
const NODE_MAX_RAW_HEADERS = 2000;

/** Why a request is refused: the status to answer and the reason for the log. */
interface FramingProblem {
  readonly status: 400 | 431;
  readonly reason: string;
}

/**
 * Why an HTTP/1.x request must be refused before any handler sees it, or `undefined` when it is
 * fine:
 * - a version other than HTTP/1.x: Node's parser takes `GET /` (HTTP/0.9) and `HTTP/2.0` request
 *   lines, which Tornado refuses (`Malformed HTTP version`);
 * - as many header lines as Node keeps (1,000): the rest were dropped unseen, and a `Host` or
 *   `Transfer-Encoding` among them would escape the checks below (a 431);
 * - more than one `Host` header, or a `Host` that is not a host name or address with an optional
 *   port (RFC 9112 section 3.2: "MUST respond with a 400"); Tornado 6.5 refuses these too;
 * - a `Transfer-Encoding` other than `chunked` (RFC 9112 section 6.3: a request whose final coding
 *   is not chunked cannot be framed; Node's parser reads it as having no body, which leaves the
 *   body on the connection to be read as the next request: request smuggling). Tornado 6.5
 *   refuses any coding other than `chunked`.
 */
function framingProblem(req: IncomingMessage): FramingProblem | undefined {
  // HTTP/2 requests (Node's compatibility API, which has `stream`) are framed by nghttp2.
  if ("stream" in req && req.stream !== undefined) return undefined;
  if (req.httpVersionMajor !== 1) {
    return {
      status: 400,
      reason: `Malformed HTTP version in HTTP Request-Line: 'HTTP/${req.httpVersion}'`,
    };
  }
  const raw = req.rawHeaders;
  if (raw.length >= NODE_MAX_RAW_HEADERS)
    return { status: 431, reason: `${NODE_MAX_RAW_HEADERS / 2} header lines or more` };
  let hosts = 0;
  let codings = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // The usual spellings first: lower-casing makes a new string.
    if (
      name.length === 4 &&
      (name === "Host" || name === "host" || name.toLowerCase() === "host")
    ) {
      hosts++;
      if (!VALID_HOST.test(raw[i + 1]!))
        return {
          status: 400,
          reason: `Invalid Host header ${clipForLog(JSON.stringify(raw[i + 1]))}`,
        };
    } else if (
      name.length === 17 &&
      (name === "Transfer-Encoding" ||
        name === "transfer-encoding" ||
        name.toLowerCase() === "transfer-encoding")
    ) {
      codings++;
    }
  }
  if (hosts > 1) return { status: 400, reason: "Multiple Host headers" };
  if (hosts === 0 && req.httpVersionMinor >= 1)
    return { status: 400, reason: "Missing Host header" };
  if (codings > 0) {
    const value = req.headers["transfer-encoding"] ?? "";
    if (codings > 1 || value.trim().toLowerCase() !== "chunked")
      return {
        status: 400,
        reason: `Unsupported Transfer-Encoding ${clipForLog(JSON.stringify(value))}`,
      };
  }
  return undefined;
}

/**
 * Wraps a request listener so requests with a {@link framingProblem} get Tornado's low-level
 * answer, `HTTP/1.1 400 Bad Request` (431 for too many header lines) with the connection closed
 * (and an INFO line `Malformed HTTP message from IP: reason` on `tornado.general`), and never
 * reach a handler.
 */
export function refuseMalformed(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const problem = framingProblem(req);
    if (problem === undefined) {
      listener(req, res);
      return;
    }
    const status =
      problem.status === 400 ? "400 Bad Request" : "431 Request Header Fields Too Large";
    refuseConnection(req.socket, problem.reason, status);
  };
}

/**
 * Answers a request that cannot be served as Tornado does at the connection level: the bare status
 * line (`HTTP/1.1 400 Bad Request`, with `Connection: close`), no body, and the connection closed,
 * since what follows on it cannot be framed. Logs `Malformed HTTP message from IP: reason` at INFO.
 */
export function refuseConnection(socket: Socket, reason: string, status = "400 Bad Request"): void {
  const ip = socket.remoteAddress?.replace(/^::ffff:(?=\d+\.)/, "") ?? "0.0.0.0";
  genLog.info(`Malformed HTTP message from ${ip}: ${reason}`);
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  socket.destroySoon();
}
