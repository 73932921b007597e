/**
 * The web framework (Tornado's `tornado.web`): Application, RequestHandler, routing and errors.
 * @module tornado-ts/web
 */
export {
  Application,
  type ApplicationRoute,
  type ApplicationSettings,
  type HandlerDelegateOptions,
  type TransformFactory,
} from "./application.ts";
export {
  authenticated,
  isSafeRedirect,
  loginRedirectUrl,
  type SafeNextUrlOptions,
  type SafeRedirectOptions,
  safeNextUrl,
} from "./auth.ts";
export type {
  BodyError,
  SchemaOutput,
  StandardSchemaV1,
  ValidatedBody,
} from "./body-schema.ts";
export {
  COMPRESSIBLE_TYPES,
  compressionTransform,
  GZipContentEncoding,
  MIN_COMPRESS_LENGTH,
} from "./compression.ts";
export { CookieError, type CookieOptions, formatSetCookie, quoteCookieValue } from "./cookies.ts";
export {
  CurrentUserError,
  Finish,
  HTTPError,
  type HTTPErrorOptions,
  MissingArgumentError,
  MissingSettingError,
  UnsafeRedirectError,
} from "./errors.ts";
export { guardHandlerTimeout } from "./handler-timeout.ts";
export type {
  CurrentUserOf,
  HandlerVerb,
  InitArgsOf,
  VerbMethod,
} from "./handler-types.ts";
export {
  addslash,
  ErrorHandler,
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
  type StaticUrlOptions,
  type WriteChunk,
} from "./request-handler.ts";
export {
  type CheckRoute,
  type GroupsOf,
  type PathArgsOf,
  type PathKwargsOf,
  type PatternGroups,
  type ReverseArgs,
  type RouteInfo,
  type RouteNames,
  type RouteTypeError,
  type TypedURLSpec,
  type UrlRest,
  type UrlReverser,
  url,
  urlReverser,
} from "./route-types.ts";
export {
  type HandlerClass,
  type InitArgs,
  type Route,
  RouteError,
  type RouteMatch,
  type RouteTuple,
  URLSpec,
} from "./routing.ts";
export {
  type Clock,
  type CookieSecret,
  type CreateSignedValueOptions,
  createSignedValue,
  DEFAULT_SIGNED_VALUE_MIN_VERSION,
  DEFAULT_SIGNED_VALUE_VERSION,
  type DecodeSignedValueOptions,
  decodeSignedValue,
  decodeSignedValueBytes,
  type GetSignedCookieOptions,
  getSignatureKeyVersion,
  type SecretKey,
  type SignedCookieOptions,
  SignedValueError,
} from "./signed-value.ts";
export { StaticFileHandler, type StaticFileInitArgs } from "./static-file-handler.ts";
export {
  defaultUploadDir,
  isStreamingClass,
  type MultipartStreamOptions,
  MultipartStreamParser,
  MultipartUploadHandler,
  streamRequestBody,
  type UploadedFile,
} from "./stream-request-body.ts";
export {
  insertModuleResources,
  type ResourceFiles,
  TemplateModule,
  type UIMethodsSetting,
  UIModule,
  type UIModuleClass,
  type UIModulesSetting,
} from "./ui-module.ts";
export { safeFilename, safeJoin } from "./uploads.ts";
export {
  decodeXsrfToken,
  type EncodeXsrfTokenOptions,
  encodeXsrfToken,
  XSRF_ARGUMENT,
  type XsrfTokenParts,
  xsrfTokensMatch,
} from "./xsrf.ts";
