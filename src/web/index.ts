/**
 * The web framework (Tornado's `tornado.web`): Application, RequestHandler, routing and errors.
 * @module
 */
export {
  Application,
  type ApplicationSettings,
  ErrorHandler,
  type TransformFactory,
} from "./application.ts";
export { CookieError, type CookieOptions, formatSetCookie, quoteCookieValue } from "./cookies.ts";
export { Finish, HTTPError, type HTTPErrorOptions, MissingArgumentError } from "./errors.ts";
export { guardHandlerTimeout } from "./handler-timeout.ts";
export {
  type ErrorInfo,
  type HeaderValue,
  type OutputTransform,
  RequestHandler,
  SERVER_VERSION,
  type WriteChunk,
} from "./request-handler.ts";
export {
  type HandlerClass,
  type InitArgs,
  type Route,
  RouteError,
  type RouteMatch,
  type RouteTuple,
  URLSpec,
  url,
} from "./routing.ts";
export {
  defaultUploadDir,
  isStreamingClass,
  type MultipartStreamOptions,
  MultipartStreamParser,
  MultipartUploadHandler,
  streamRequestBody,
  type UploadedFile,
} from "./stream-request-body.ts";
export { safeFilename, safeJoin } from "./uploads.ts";
