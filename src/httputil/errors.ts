/**
 * The errors of `tornado-ts/httputil`: {@link HTTPOutputError}, a response whose body does not match
 * its framing.
 * @module
 */
/**
 * A response that breaks HTTP framing: more or fewer body bytes than its `Content-Length`
 * (Tornado's `HTTPOutputError`). The connection is closed, since the client could no longer tell
 * where this response ends.
 */
export class HTTPOutputError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "HTTPOutputError";
}
