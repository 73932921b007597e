/**
 * The web framework (Tornado's `tornado.web`): Application, RequestHandler, routing and errors.
 * @module tornado-ts/web
 */
export {
  Application,
  type ApplicationSettings,
  ErrorHandler,
  type TransformFactory,
} from "./application.ts";
export { CookieError, type CookieOptions, formatSetCookie, quoteCookieValue } from "./cookies.ts";
export { Finish, HTTPError, type HTTPErrorOptions, MissingArgumentError } from "./errors.ts";
export {
  addslash,
  FallbackHandler,
  type HandlerMethod,
  RedirectHandler,
  removeslash,
} from "./handlers.ts";
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
