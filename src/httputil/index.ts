/**
 * HTTP utilities shared by the server and client (Tornado's `tornado.httputil`).
 * @module tornado-ts/httputil
 */
export {
  type ArgumentMap,
  BodyParseError,
  type BodyParseLimits,
  BodyPartTooLargeError,
  type FileMap,
  type HTTPFile,
  parseBodyArguments,
  parseHeaderParams,
  parseMultipartFormData,
  parseQsBytes,
  urlConcat,
} from "./body.ts";
export { isLegalCookieName, parseCookie, unquoteCookieValue } from "./cookies.ts";
export { formatTimestamp, parseHttpDate } from "./dates.ts";
export { HTTPOutputError } from "./errors.ts";
export { HTTPHeaders, normalizeHeaderName } from "./headers.ts";
export { HTTPServerRequest, type RequestConnectionInfo } from "./request.ts";
export { responses } from "./responses.ts";
