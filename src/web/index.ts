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
export {
  COMPRESSIBLE_TYPES,
  compressionTransform,
  GZipContentEncoding,
  MIN_COMPRESS_LENGTH,
} from "./compression.ts";
export { CookieError, type CookieOptions, formatSetCookie, quoteCookieValue } from "./cookies.ts";
export { Finish, HTTPError, type HTTPErrorOptions, MissingArgumentError } from "./errors.ts";
export {
  type ErrorInfo,
  type HeaderValue,
  type OutputTransform,
  RequestHandler,
  SERVER_VERSION,
  type StaticUrlOptions,
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
export { StaticFileHandler, type StaticFileInitArgs } from "./static-file-handler.ts";
export {
  insertModuleResources,
  type ResourceFiles,
  TemplateModule,
  type UIMethodsSetting,
  UIModule,
  type UIModuleClass,
  type UIModulesSetting,
} from "./ui-module.ts";
