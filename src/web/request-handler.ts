/**
 * RequestHandler (Tornado's `web.RequestHandler`): the API a handler is written against (input,
 * cookies, signed values, output, errors, locale, templates, static URLs, XSRF) and the request's
 * lifecycle in one function (`#run`). What it writes is kept by its HandlerResponse (response.ts).
 * @module
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { callerFile } from "../caller.ts";
import { jsonEncode, urlUnescapeToBytes, xhtmlEscape } from "../escape.ts";
import { multipartParseLimits } from "../httpserver-limits.ts";
import { BodyParseError, BodyPartTooLargeError, parseBodyArguments } from "../httputil/body.ts";
import type { HTTPServerRequest } from "../httputil/request.ts";
import { Locale } from "../locale.ts";
import { appLog, clipForLog, genLog } from "../log.ts";
import { isPromise } from "../promise.ts";
import { pyBytesRepr, pyStrip } from "../python.ts";
import { type BaseLoader, Loader, type LoaderOptions } from "../template/index.ts";
// The one import that closes a circle in web/ (application.ts imports this file to build and run
// handlers): a handler is typed with the Application it serves (`this.application`, `settings`,
// handler classes' constructors), which is a type only, erased from the output. Files below the
// Application get its types from here rather than importing application.ts themselves.
import type { Application, ApplicationSettings } from "./application.ts";
import {
  type StandardSchemaV1,
  type ValidatedBody,
  validateFormBody,
  validateJsonBody,
} from "./body-schema.ts";
import { type CookieOptions, formatSetCookie } from "./cookies.ts";
import { acceptsHtml, renderDebugPage, renderTracebackText } from "./debug-page.ts";
import {
  CurrentUserError,
  errorMessage,
  Finish,
  HTTPError,
  MissingArgumentError,
  MissingSettingError,
  UnsafeRedirectError,
} from "./errors.ts";
import type { CurrentUserOf } from "./handler-types.ts";
import { unsafeRedirectReason } from "./redirect-target.ts";
import { HandlerResponse, type HeaderValue } from "./response.ts";
import {
  createSignedValue,
  decodeSignedValue,
  type GetSignedCookieOptions,
  getSignatureKeyVersion,
  requireCookieSecret,
  type SignedCookieOptions,
  signedCookieOptions,
  signingKeyVersion,
} from "./signed-value.ts";
import {
  encodeXsrfToken,
  rawXsrfToken,
  verifyXsrfToken,
  XSRF_ARGUMENT,
  type XsrfTokenParts,
  xsrfCookieName,
  xsrfCookieOptions,
  xsrfFormHtml,
  xsrfRefusedUnread,
} from "./xsrf.ts";

/** What `write()` accepts: text, bytes, or a plain object sent as JSON. */
export type WriteChunk = string | Uint8Array | Record<string, unknown>;

export { type HeaderValue, SERVER_VERSION } from "./response.ts";
export type { Application, ApplicationSettings };

/** Options passed to a handler's `initialize()`: the third element of a route. */
// biome-ignore lint/suspicious/noExplicitAny: init args are whatever the user's initialize() accepts.
export type InitArgs = Record<string, any>;

/** A RequestHandler subclass, as routes name it. */
export type HandlerClass<H extends RequestHandler = RequestHandler> = new (
  application: Application,
  request: HTTPServerRequest,
) => H;

/**
 * Changes a response on its way out (compression, for instance): one instance per request, made by
 * the Application. It may change the handler's headers in `transformFirstChunk`.
 */
export interface OutputTransform {
  /** Called with the first chunk; `finishing` is true when it is also the last (nothing was flushed). */
  transformFirstChunk(
    handler: RequestHandler,
    chunk: Buffer | string,
    finishing: boolean,
  ): Buffer | string;
  /** Called with every later chunk. */
  transformChunk(chunk: Buffer, finishing: boolean): Buffer;
}

/** What `sendError` passes on to `writeError`. */
export interface ErrorInfo {
  /** The error that caused the response, when one did. */
  error?: unknown;
  /** A reason phrase to use instead of the standard one. */
  reason?: string;
  /** Anything else the caller of `sendError` passed. */
  [key: string]: unknown;
}

/** Options for {@link RequestHandler.staticUrl}. */
export interface StaticUrlOptions {
  /** Prefix `protocol://host` (default: the handler's `includeHost`). */
  includeHost?: boolean | undefined;
  /** Add the `?v=` content hash (default true). */
  includeVersion?: boolean | undefined;
}

/** What `staticUrl` needs of the `staticHandlerClass` setting (StaticFileHandler has it). */
interface StaticUrlMaker {
  makeStaticUrl(settings: ApplicationSettings, path: string, includeVersion?: boolean): string;
}

function isStaticUrlMaker(value: unknown): value is StaticUrlMaker {
  return (
    typeof value === "function" &&
    "makeStaticUrl" in value &&
    typeof value.makeStaticUrl === "function"
  );
}

// Template loaders by directory and settings, for the whole process (as Tornado keeps them).
const templateLoaders = new Map<string, BaseLoader>();
const FRAMEWORK_SOURCE = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The directory of the first source file on the stack outside tornado-ts itself. */
function callerDirectory(): string {
  const file = callerFile((path) => !path.startsWith(FRAMEWORK_SOURCE));
  return file === undefined ? process.cwd() : dirname(file);
}

const CONTROL_CHARS = /[\x00-\x08\x0e-\x1f]/g;
const ETAG_TOKENS = /\*|(?:W\/)?"[^"]*"/g;
// `ignoreBOM` keeps a leading byte-order mark in the text, as Python's UTF-8 decoding does.
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const WRITE_TYPE_ERROR = "write() only accepts bytes, unicode, and dict objects";
const FORM_METHODS_WITHOUT_XSRF = new Set(["GET", "HEAD", "OPTIONS"]);

const AsyncFunction = (async () => {}).constructor;
// The steps of the lifecycle (see RequestHandler's #run), in order.
const XSRF_STEP = 0;
const USER_STEP = 1;
const PREPARE_STEP = 2;
const BODY_STEP = 3;
const FINISH_STEP = 5; // after METHOD_STEP, 4

// The handler method for each standard HTTP method, without lower-casing per request: the method
// is found in about 16 ns against 73 ns with a lower-cased (not internalized) name (Node 20,
// bench/micro/optimisations.mjs method-table).
const METHOD_FUNCTIONS: Readonly<Record<string, string>> = {
  GET: "get",
  HEAD: "head",
  POST: "post",
  DELETE: "delete",
  PATCH: "patch",
  PUT: "put",
  OPTIONS: "options",
};

// A path group that URL-decodes and UTF-8-decodes to itself: ASCII with no `%` escape.
const PLAIN_PATH_ARGUMENT = /^[\x00-\x24\x26-\x7f]*$/;

/**
 * Base class for HTTP request handlers (Tornado's `RequestHandler`).
 *
 * Subclass it and define the HTTP methods you serve (`get`, `post`, `put`, `delete`, `patch`,
 * `head`, `options`), plain or `async`; path groups arrive as string arguments. A handler object
 * serves one request. The lifecycle is Tornado's: `setDefaultHeaders`, `initialize(initArgs)`,
 * `prepare`, the method, `onFinish`; on an error `setDefaultHeaders` runs again, then `writeError`,
 * then `onFinish`. A method the handler does not define answers 405 (HEAD included: it is not
 * mapped to GET, as in Tornado).
 */
export class RequestHandler {
  /** The methods this handler class accepts at all; others get 405 before `prepare`. */
  static SUPPORTED_METHODS: readonly string[] = [
    "GET",
    "HEAD",
    "POST",
    "DELETE",
    "PATCH",
    "PUT",
    "OPTIONS",
  ];

  // The public fields are declared only and set in the constructor: a class field is defined on
  // every new object, and with many handler subclasses (each with its own object shape) those
  // definitions go megamorphic, about 100 ns each; plain assignments stay cheap.
  /** The application serving this request. Redeclare it (`declare readonly application: MyApp`) for a subclass. */
  declare readonly application: Application;
  /** The request being served. */
  declare readonly request: HTTPServerRequest;
  /** Path groups, URL-decoded, in pattern order (as passed to the method). */
  declare pathArgs: string[];
  /** Named path groups by name, URL-decoded (empty for positional patterns). */
  declare pathKwargs: Record<string, string>;

  readonly #response: HandlerResponse;
  /** What `sendError` left running when `writeError` returned a promise. */
  #pendingError: Promise<void> | undefined;
  /** `detach()` was called: the handler finishes the response itself. */
  #detached = false;
  #extras: HandlerExtras | undefined;

  constructor(application: Application, request: HTTPServerRequest) {
    this.application = application;
    this.request = request;
    this.pathArgs = [];
    this.pathKwargs = {};
    this.#response = new HandlerResponse(request, application.transforms);
    this.clear();
  }

  /** The state few requests use, made on first use. */
  get #more(): HandlerExtras {
    this.#extras ??= new HandlerExtras();
    return this.#extras;
  }

  /** The application's settings. */
  get settings(): ApplicationSettings {
    return this.application.settings;
  }

  // ---- HTTP methods ------------------------------------------------------------------------
  // Declared for the type checker only, so a subclass's `override get(id: string)` is checked
  // (and `override Get()` refused); none exists at run time, so a method the subclass does not
  // define still answers 405. Path groups arrive as strings (`undefined` for an optional group
  // that did not take part).

  /** Serves GET. */
  get?(...pathArgs: string[]): unknown;
  /** Serves HEAD (not mapped to `get`, as in Tornado). */
  head?(...pathArgs: string[]): unknown;
  /** Serves POST. */
  post?(...pathArgs: string[]): unknown;
  /** Serves PUT. */
  put?(...pathArgs: string[]): unknown;
  /** Serves PATCH. */
  patch?(...pathArgs: string[]): unknown;
  /** Serves DELETE. */
  delete?(...pathArgs: string[]): unknown;
  /** Serves OPTIONS. */
  options?(...pathArgs: string[]): unknown;

  // ---- hooks -------------------------------------------------------------------------------

  /** Receives the route's init args. Called after construction, before `prepare`. */
  initialize(_initArgs: InitArgs): void {}

  /** Sets headers every response of this handler carries; runs again before an error page. */
  setDefaultHeaders(): void {}

  /** Runs before the HTTP method; may be async. Finishing the response here skips the method. */
  prepare(): void | Promise<void> {}

  /**
   * Receives the next chunk of the request body, for handler classes marked `@streamRequestBody`:
   * it runs after `prepare` and before the HTTP method, once per chunk; a returned promise holds
   * further reading back until it settles. The default throws: a streaming handler must define it.
   */
  dataReceived(_chunk: Buffer): void | Promise<void> {
    throw new Error(
      `${this.constructor.name} is marked @streamRequestBody but has no dataReceived()`,
    );
  }

  /** Runs after the response has been sent; for clean-up and logging. May be async. */
  onFinish(): void | Promise<void> {}

  /**
   * Called when the client closes the connection before the response is finished (while an async
   * handler is still working), so long work can stop. May be async; the handler's method keeps
   * running, and `finish()` still logs the request. `connectionClosed` is true from then on.
   */
  onConnectionClose(): void | Promise<void> {}

  /**
   * Writes the error page. The default is Tornado's page, `<html><title>404: Not Found</title>...`.
   * With `serveTraceback` (on under `debug`) and an error, a browser (a request that accepts
   * `text/html`) gets the debug page: the error, the template lines for a template error, the
   * stack with the application's source lines, and the request with credentials and signed values
   * masked; other clients get the error's stack as plain text, as Tornado sends it. May be async.
   */
  writeError(statusCode: number, info: ErrorInfo = {}): void | Promise<void> {
    if (this.settings.serveTraceback && info.error !== undefined) {
      if (acceptsHtml(this.request)) {
        this.setHeader("Content-Type", "text/html; charset=UTF-8");
        this.setHeader("Cache-Control", "no-store");
        const loader = this.settings.templateLoader;
        this.finish(
          renderDebugPage({
            statusCode,
            reason: this.#response.reason,
            error: info.error,
            request: this.request,
            templateRoot: loader instanceof Loader ? loader.root : this.getTemplatePath(),
          }),
        );
        return;
      }
      this.setHeader("Content-Type", "text/plain");
      this.finish(renderTracebackText(info.error));
      return;
    }
    const message = xhtmlEscape(this.#response.reason);
    this.finish(
      `<html><title>${statusCode}: ${message}</title><body>${statusCode}: ${message}</body></html>`,
    );
  }

  /**
   * The user for this request; override to authenticate (a falsy result means nobody is logged
   * in). The default is `null`. It is called at most once per request, through `currentUser`.
   * It may be `async`: the framework then awaits it before `prepare()` (Tornado requires it to be
   * synchronous and suggests setting `currentUser` in `prepare` instead, which works here too).
   */
  getCurrentUser(): unknown {
    return null;
  }

  /** The login URL for `@authenticated`; the `loginUrl` setting by default. */
  getLoginUrl(): string {
    const loginUrl = this.settings.loginUrl;
    if (!loginUrl) {
      throw new MissingSettingError(
        "loginUrl",
        "You must define the 'loginUrl' setting in your application to use @authenticated",
      );
    }
    return loginUrl;
  }

  /**
   * The current user: `getCurrentUser()`'s result, computed on first use and kept for the rest of
   * the request (even when falsy); assignable, e.g. in `prepare`. Throws a `CurrentUserError` when
   * `getCurrentUser()` returns a promise without being declared `async` (declare it `async`, or
   * `await this.loadCurrentUser()` first). Its type is what `getCurrentUser()` returns, awaited.
   */
  get currentUser(): CurrentUserOf<this> {
    const s = this.#more;
    if (!s.currentUserLoaded && isPromise(this.#startCurrentUser())) {
      throw new CurrentUserError(
        `${this.constructor.name}.getCurrentUser() returned a promise: declare it async (the framework then awaits it before prepare()) or await this.loadCurrentUser() before reading currentUser`,
      );
    }
    return s.currentUser as CurrentUserOf<this>;
  }
  /** Sets the current user for the rest of the request. */
  set currentUser(user: unknown) {
    const s = this.#more;
    s.currentUser = user;
    s.currentUserLoaded = true;
  }

  /** Resolves `currentUser`, awaiting `getCurrentUser()` when it returns a promise (once per request). */
  async loadCurrentUser(): Promise<CurrentUserOf<this>> {
    const s = this.#more;
    if (!s.currentUserLoaded) await this.#startCurrentUser();
    return s.currentUser as CurrentUserOf<this>;
  }

  /** Calls `getCurrentUser()` once: the user, or the pending promise of an async one. */
  #startCurrentUser(): unknown {
    const s = this.#more;
    if (s.currentUserPending) return s.currentUserPending;
    const user = this.getCurrentUser();
    if (!isPromise(user)) {
      this.currentUser = user;
      return user;
    }
    const pending = Promise.resolve(user).then((value) => {
      if (!s.currentUserLoaded) this.currentUser = value;
      return s.currentUser;
    });
    // The failure surfaces where the promise is awaited; this only keeps it from being reported
    // as unhandled when nobody does.
    pending.catch(() => {});
    s.currentUserPending = pending;
    return pending;
  }

  /** The user when it is known without waiting (`undefined` while an async lookup is pending). */
  #knownCurrentUser(): unknown {
    const s = this.#more;
    if (s.currentUserLoaded) return s.currentUser;
    if (this.getCurrentUser instanceof AsyncFunction) return undefined;
    const user = this.#startCurrentUser();
    return isPromise(user) ? undefined : user;
  }

  // ---- input -------------------------------------------------------------------------------

  /**
   * Decodes an argument's raw bytes to a string: strict UTF-8 (a 400 on invalid bytes).
   * Override to accept another encoding.
   */
  decodeArgument(value: Uint8Array, name?: string): string {
    try {
      return utf8Strict.decode(value);
    } catch {
      throw new HTTPError(
        400,
        `Invalid unicode in ${name ?? "url"}: ${pyBytesRepr(value.subarray(0, 40))}`,
      );
    }
  }

  /** A path group, URL-decoded and decoded by `decodeArgument`. */
  #pathArgument(raw: string, name: string): string {
    // Plain ASCII with no escapes decodes to itself: skip the bytes, unless decodeArgument is overridden.
    const plain = this.decodeArgument === RequestHandler.prototype.decodeArgument;
    if (plain && PLAIN_PATH_ARGUMENT.test(raw)) return raw;
    return this.decodeArgument(urlUnescapeToBytes(raw, false), name);
  }

  #argumentValue(value: Buffer, name: string, strip: boolean): string {
    let text = this.decodeArgument(value, name);
    CONTROL_CHARS.lastIndex = 0;
    if (CONTROL_CHARS.test(text)) text = text.replace(CONTROL_CHARS, " ");
    return strip ? pyStrip(text) : text;
  }

  #argument(source: Record<string, Buffer[]>, name: string, rest: unknown[]): unknown {
    const values = source[name];
    if (values === undefined || values.length === 0) {
      if (rest.length === 0) throw new MissingArgumentError(name);
      return rest[0];
    }
    const strip = rest.length > 1 ? rest[1] !== false : true;
    return this.#argumentValue(values[values.length - 1]!, name, strip);
  }

  #argumentList(source: Record<string, Buffer[]>, name: string, strip: boolean): string[] {
    const values = source[name];
    if (values === undefined) return [];
    return values.map((value) => this.#argumentValue(value, name, strip));
  }

  /**
   * The last value of the query or body argument `name`, decoded and (unless `strip` is false)
   * trimmed. Without a default a missing argument is a 400 ({@link MissingArgumentError}).
   */
  getArgument(name: string): string;
  getArgument(name: string, defaultValue: string, strip?: boolean): string;
  getArgument<D>(name: string, defaultValue: D, strip?: boolean): string | D;
  getArgument(name: string, ...rest: unknown[]): unknown {
    return this.#argument(this.request.arguments, name, rest);
  }

  /** Every value of the query or body argument `name` (empty when absent). */
  getArguments(name: string, strip = true): string[] {
    return this.#argumentList(this.request.arguments, name, strip);
  }

  /** As {@link getArgument}, from the query string only. */
  getQueryArgument(name: string): string;
  getQueryArgument(name: string, defaultValue: string, strip?: boolean): string;
  getQueryArgument<D>(name: string, defaultValue: D, strip?: boolean): string | D;
  getQueryArgument(name: string, ...rest: unknown[]): unknown {
    return this.#argument(this.request.queryArguments, name, rest);
  }

  /** As {@link getArguments}, from the query string only. */
  getQueryArguments(name: string, strip = true): string[] {
    return this.#argumentList(this.request.queryArguments, name, strip);
  }

  /** As {@link getArgument}, from the request body only. */
  getBodyArgument(name: string): string;
  getBodyArgument(name: string, defaultValue: string, strip?: boolean): string;
  getBodyArgument<D>(name: string, defaultValue: D, strip?: boolean): string | D;
  getBodyArgument(name: string, ...rest: unknown[]): unknown {
    return this.#argument(this.request.bodyArguments, name, rest);
  }

  /** As {@link getArguments}, from the request body only. */
  getBodyArguments(name: string, strip = true): string[] {
    return this.#argumentList(this.request.bodyArguments, name, strip);
  }

  /**
   * The request body parsed as JSON (parsed once, then cached). Answers 415 when the content type
   * is not JSON and 400 when the body is not valid JSON. Keys named `__proto__` are dropped, so the
   * result can be merged into other objects safely.
   *
   * With a Standard Schema validator (zod, valibot, arktype, ...), the body is validated and the
   * result typed by the schema: the value, or a promise of it when the validator is async (so
   * `await` it). A body that is not JSON or that the schema refuses answers 415 or 400 with the
   * JSON `{"errors": [{"path": [...], "message": "..."}, ...]}`.
   *
   * Not in Tornado, where handlers call `json.loads(self.request.body)` themselves.
   */
  getJsonBody<S extends StandardSchemaV1>(schema: S): ValidatedBody<S>;
  getJsonBody<T = unknown>(): T;
  getJsonBody(schema?: StandardSchemaV1): unknown {
    if (schema !== undefined) return validateJsonBody(this, schema);
    const s = this.#more;
    if (s.jsonBody === undefined) {
      const [mediaType = ""] = (this.request.headerValue("content-type") ?? "").split(";");
      const type = mediaType.trim().toLowerCase();
      if (type !== "application/json" && !type.endsWith("+json")) {
        throw new HTTPError(
          415,
          `Expected a JSON body, got Content-Type ${clipForLog(JSON.stringify(type))}`,
        );
      }
      let text: string;
      try {
        text = utf8Strict.decode(this.request.body);
      } catch {
        throw new HTTPError(400, "Invalid JSON body: not valid UTF-8");
      }
      let value: unknown;
      try {
        // Dropping `__proto__` keys keeps a later merge (Object.assign, spread into a prototype
        // chain walker) from changing an object's prototype.
        value = JSON.parse(text, (key, v) => (key === "__proto__" ? undefined : v));
      } catch (error) {
        throw new HTTPError(400, `Invalid JSON body: ${clipForLog(errorMessage(error))}`);
      }
      s.jsonBody = { value };
    }
    return s.jsonBody.value;
  }

  /**
   * The form body (urlencoded or multipart fields) validated by a Standard Schema validator: a
   * field sent once is a string, one sent several times an array of strings. The value, or a
   * promise of it for an async validator; a body the schema refuses answers 400 with the JSON
   * `{"errors": [{"path": [...], "message": "..."}, ...]}`. Not in Tornado.
   */
  getFormBody<S extends StandardSchemaV1>(schema: S): ValidatedBody<S> {
    return validateFormBody(this, schema);
  }

  /** The request cookie `name`, or `defaultValue` (default `undefined`). */
  getCookie(name: string): string | undefined;
  getCookie<D>(name: string, defaultValue: D): string | D;
  getCookie<D>(name: string, defaultValue?: D): string | D | undefined {
    const value = this.request.cookies[name];
    return value === undefined ? defaultValue : value;
  }

  // ---- signed cookies ----------------------------------------------------------------------

  /**
   * Sets a cookie holding `value` signed with the `cookieSecret` setting (and timestamped), so it
   * cannot be forged (Tornado's `set_secure_cookie`; the value is readable, not encrypted).
   * `expiresDays` defaults to 30; `null` makes a session cookie. With a versioned `cookieSecret`
   * map, the `keyVersion` setting picks the key. Throws a `MissingSettingError` without a secret.
   */
  setSecureCookie(
    name: string,
    value: string | Uint8Array,
    options: SignedCookieOptions = {},
  ): void {
    const signed = this.createSignedValue(name, value, { version: options.version });
    // setCookie ignores `version`.
    this.setCookie(name, signed, signedCookieOptions(options));
  }

  /** Tornado 6.3's name for {@link setSecureCookie}. */
  setSignedCookie(
    name: string,
    value: string | Uint8Array,
    options: SignedCookieOptions = {},
  ): void {
    this.setSecureCookie(name, value, options);
  }

  /**
   * The value of the signed cookie `name` (or of `options.value`) when its signature checks out,
   * else `null`: a missing, tampered, expired (older than `maxAgeDays`, default 31), renamed,
   * too old a format (below `minVersion`, default the `minSignedValueVersion` setting) or
   * otherwise invalid cookie reads as absent, never as an error. Only request cookies are seen.
   * Returns text where Tornado returns bytes; use `decodeSignedValueBytes` for binary values.
   */
  getSecureCookie(name: string, options: GetSignedCookieOptions = {}): string | null {
    const secret = requireCookieSecret(this.settings);
    const value = options.value ?? this.getCookie(name);
    // No spread copies here: in V8 they are slow to make and to read from.
    return decodeSignedValue(secret, name, value, {
      maxAgeDays: options.maxAgeDays,
      minVersion: options.minVersion ?? this.settings.minSignedValueVersion,
    });
  }

  /** Tornado 6.3's name for {@link getSecureCookie}. */
  getSignedCookie(name: string, options: GetSignedCookieOptions = {}): string | null {
    return this.getSecureCookie(name, options);
  }

  /** The key version of the signed cookie `name` (or of `value`), unchecked; `null` when none. */
  getSecureCookieKeyVersion(name: string, value?: string | null): number | null {
    requireCookieSecret(this.settings);
    return getSignatureKeyVersion(value ?? this.getCookie(name) ?? null);
  }

  /** Tornado 6.3's name for {@link getSecureCookieKeyVersion}. */
  getSignedCookieKeyVersion(name: string, value?: string | null): number | null {
    return this.getSecureCookieKeyVersion(name, value);
  }

  /**
   * Signs `value` under `name` with the application's `cookieSecret` (and `keyVersion`), for
   * signed values sent some other way than a cookie (a URL, a header).
   */
  createSignedValue(
    name: string,
    value: string | Uint8Array,
    options: { version?: number } = {},
  ): string {
    const secret = requireCookieSecret(this.settings);
    return createSignedValue(secret, name, value, {
      keyVersion: signingKeyVersion(this.settings),
      version: options.version,
    });
  }

  // ---- output ------------------------------------------------------------------------------

  /** Resets the status, headers and body to their defaults and calls `setDefaultHeaders`; cookies stay. */
  clear(): void {
    this.#response.clear();
    this.setDefaultHeaders();
  }

  /**
   * Sets the status code and reason phrase. Without a reason the standard phrase is used
   * (`Unknown` for codes that have none, as in Tornado 6). A reason HTTP cannot carry (control
   * characters, or `<`) is replaced by `Unknown`, as Tornado does.
   */
  setStatus(statusCode: number, reason?: string): void {
    this.#response.setStatus(statusCode, reason);
  }

  /** The response status code. */
  getStatus(): number {
    return this.#response.status;
  }

  /** The response reason phrase. */
  get reason(): string {
    return this.#response.reason;
  }

  /**
   * Sets a response header, replacing earlier values and keeping its position. Values with control
   * characters (CR, LF, ...) are refused with an error.
   */
  setHeader(name: string, value: HeaderValue): void {
    this.#response.setHeader(name, value);
  }

  /** Adds a response header, keeping earlier values of the same name (several header lines). */
  addHeader(name: string, value: HeaderValue): void {
    this.#response.addHeader(name, value);
  }

  /** Removes a response header (a default one too). Unknown names are ignored. */
  clearHeader(name: string): void {
    this.#response.clearHeader(name);
  }

  /** A response header set so far, several values joined with `,`. */
  getHeader(name: string): string | undefined {
    return this.#response.getHeader(name);
  }

  /**
   * Sets a cookie, with Tornado's `Set-Cookie` layout (`Path=/` by default). Setting a name again
   * in the same response replaces it. Names and values HTTP cannot carry throw a `CookieError`.
   */
  setCookie(name: string, value: string | Uint8Array, options: CookieOptions = {}): void {
    const text = typeof value === "string" ? value : Buffer.from(value).toString("latin1");
    this.#response.setCookie(name, formatSetCookie(name, text, options));
  }

  /** Deletes a cookie: sets it empty with an expiry a year in the past (same `path` and `domain` needed). */
  clearCookie(
    name: string,
    options: Omit<CookieOptions, "expires" | "maxAge" | "expiresDays"> = {},
  ): void {
    this.setCookie(name, "", { ...options, expires: Date.now() / 1000 - 365 * 86400 });
  }

  /** Deletes every cookie the request brought. */
  clearAllCookies(options: Omit<CookieOptions, "expires" | "maxAge" | "expiresDays"> = {}): void {
    for (const name of Object.keys(this.request.cookies)) {
      if (name !== "") this.clearCookie(name, options);
    }
  }

  /**
   * The `Set-Cookie` lines this response will send: those set by hand with `setHeader` /
   * `addHeader` (sent in their header position, as in Tornado), then those from `setCookie`.
   */
  get outgoingCookies(): readonly string[] {
    return this.#response.outgoingCookies();
  }

  /**
   * Appends to the response body. A string is sent as UTF-8, bytes as they are, and a plain object
   * as JSON (Tornado's layout, `</` escaped) with `Content-Type: application/json; charset=UTF-8`.
   * Arrays are refused, as in Tornado (a JSON array at the top level was once a security risk).
   */
  write(chunk: WriteChunk): void {
    const response = this.#response;
    if (response.finished) throw new Error("Cannot write() after finish()");
    if (typeof chunk === "string" || chunk instanceof Uint8Array) {
      response.write(chunk);
      return;
    }
    if (Array.isArray(chunk)) {
      throw new TypeError(
        `${WRITE_TYPE_ERROR}. Lists not accepted for security reasons; see https://www.tornadoweb.org/en/stable/web.html#tornado.web.RequestHandler.write`,
      );
    }
    if (chunk !== null && typeof chunk === "object") {
      response.write(jsonEncode(chunk));
      this.setHeader("Content-Type", "application/json; charset=UTF-8");
      return;
    }
    throw new TypeError(WRITE_TYPE_ERROR);
  }

  /** Whether `finish()` has run. */
  get finished(): boolean {
    return this.#response.finished;
  }

  /** Whether the status line and headers have been sent (after the first `flush()`). */
  get headersWritten(): boolean {
    return this.#response.headersWritten;
  }

  /**
   * The response headers as they stand, in Tornado's order, as `[name, value]` pairs (cookies
   * last). Output transforms (compression) read and change them through this view.
   */
  get responseHeaders(): [string, string][] {
    return this.#response.headerPairs();
  }

  /**
   * Sends what has been written so far; the first call sends the status and headers, and the body
   * goes out chunked. Resolves once the data has been handed to the socket.
   */
  flush(): Promise<void> {
    return this.#response.flush(this);
  }

  /**
   * Finishes the response: adds the automatic ETag (and answers 304 when it matches
   * `If-None-Match`), sets Content-Length, sends everything, logs the request and runs `onFinish`.
   * Throws an `HTTPOutputError` (and closes the connection) when the body does not match a
   * Content-Length the handler set itself.
   */
  finish(chunk?: WriteChunk): Promise<void> {
    return this.#finish(chunk, true) ?? Promise.resolve();
  }

  /**
   * `finish()`, and the framework's own finish after the handler's method when `awaited` is
   * false: nobody waits for that one, so no promise is made. Behind HTTPServer the promise and its
   * close hook cost about 80 ns of CPU per minimal GET / (4.83 against 4.91 µs, within the rounds'
   * spread; Node 20, bench/micro/optimisations.mjs finish-promise).
   */
  #finish(chunk: WriteChunk | undefined, awaited: boolean): Promise<void> | undefined {
    const response = this.#response;
    if (response.finished) throw new Error("finish() called twice");
    if (chunk !== undefined && chunk !== null) this.write(chunk);
    if (!response.headersWritten) {
      const method = this.request.method;
      if (
        response.status === 200 &&
        (method === "GET" || method === "HEAD") &&
        !response.hasHeader("etag")
      ) {
        this.setEtagHeader();
      }
      if (this.checkEtagHeader()) {
        response.clearBody();
        this.setStatus(304);
      }
    }
    const done = response.finish(this, awaited);
    this.application.logRequest(this);
    this.#runOnFinish();
    return done;
  }

  #runOnFinish(): void {
    try {
      const result = this.onFinish();
      if (isPromise(result)) {
        Promise.resolve(result).catch((error: unknown) =>
          appLog.error("Exception in onFinish", error),
        );
      }
    } catch (error) {
      appLog.error("Exception in onFinish", error);
    }
  }

  /**
   * Redirects to `url` (302, 301 when `permanent`, or `status`, which must be 3xx) and finishes.
   * `url` is an absolute `http`/`https` URL or a reference on this host (`/login`, `../up`); see
   * `isSafeRedirect` for checking a user-supplied `next` URL.
   *
   * Differs from Tornado: any other scheme (`javascript:`, `data:`, `file:`, ...) and a reference a
   * browser reads as another host (`//evil.example`, `/\evil.example`, `/<TAB>/evil.example`)
   * throw an {@link UnsafeRedirectError} (the client gets a 500 and no `Location`). Write the
   * scheme to send a client to another host: `https://cdn.example/`.
   */
  redirect(url: string, permanent = false, status?: number): void {
    if (this.#response.headersWritten)
      throw new Error("Cannot redirect after headers have been written");
    const unsafe = unsafeRedirectReason(url);
    if (unsafe !== null) throw new UnsafeRedirectError(unsafe);
    const code = status ?? (permanent ? 301 : 302);
    if (!Number.isInteger(code) || code < 300 || code > 399) {
      throw new RangeError(`Redirect status must be 3xx, got ${code}`);
    }
    this.setStatus(code);
    // A non-ASCII URL goes out as its UTF-8 bytes, as Tornado sends it (browsers read it so).
    this.setHeader(
      "Location",
      Buffer.byteLength(url) === url.length ? url : Buffer.from(url, "utf8"),
    );
    this.finish();
  }

  /**
   * Sends an error response: clears what was written, sets the status and calls `writeError`.
   * `info.reason` sets the reason phrase; an `HTTPError` in `info.error` gives its own.
   * After headers were flushed it can only log and finish.
   */
  sendError(statusCode = 500, info: ErrorInfo = {}): void {
    const s = this.#response;
    if (s.headersWritten) {
      genLog.error("Cannot send error response after headers written");
      if (!s.finished) {
        try {
          this.finish();
        } catch (error) {
          genLog.error("Failed to flush partial response", error);
        }
      }
      return;
    }
    this.clear();
    let reason = info.reason;
    if (reason === undefined && info.error instanceof HTTPError) reason = info.error.reason;
    this.setStatus(statusCode, reason);
    if (statusCode === 304) {
      this.finish();
      return;
    }
    const complete = (): void => {
      if (!s.finished) this.#finish(undefined, false);
    };
    const fail = (error: unknown): void => {
      appLog.error("Uncaught exception in writeError", error);
      if (!s.finished) {
        s.clearBody();
        this.finish();
      }
    };
    try {
      const result = this.writeError(statusCode, info);
      if (isPromise(result)) {
        this.#detached = true;
        this.#pendingError = Promise.resolve(result).then(complete, fail);
        return;
      }
      complete();
    } catch (error) {
      fail(error);
    }
  }

  /** The ETag for the buffered body: a quoted SHA-1 hex digest. Return `null` to send none. */
  computeEtag(): string | null {
    return this.#response.bodyEtag();
  }

  /** Sets the `Etag` header from `computeEtag()`, when it gives one. */
  setEtagHeader(): void {
    const etag = this.computeEtag();
    if (etag === null) return;
    // The name needs no check; the value still does, as computeEtag() may be overridden.
    if (typeof etag === "string") this.#response.setEtag(etag);
    else this.setHeader("Etag", etag);
  }

  /**
   * Whether the response's `Etag` matches the request's `If-None-Match` (weak comparison, `*`
   * matches anything), meaning a 304 can be sent.
   */
  checkEtagHeader(): boolean {
    const ifNoneMatch = this.request.headerValue("if-none-match");
    if (!ifNoneMatch) return false;
    const computed = this.getHeader("Etag");
    if (!computed) return false;
    const tokens = ifNoneMatch.match(ETAG_TOKENS);
    if (!tokens) return false;
    if (tokens[0] === "*") return true;
    const strip = (tag: string): string => (tag.startsWith("W/") ? tag.slice(2) : tag);
    const want = strip(computed);
    return tokens.some((token) => strip(token) === want);
  }

  /** The URL for the route named `name` with `args` in its groups. */
  reverseUrl(name: string, ...args: unknown[]): string {
    return this.application.reverseUrl(name, ...args);
  }

  // ---- locale ------------------------------------------------------------------------------

  /**
   * The locale for this request (for `this.locale.translate(...)`, and `_` in templates): what
   * `getUserLocale()` gives, or when that is `null`, `getBrowserLocale()`. Worked out on first use
   * and kept for the request; assign it (in `prepare`, say) to choose another.
   */
  get locale(): Locale {
    const s = this.#more;
    s.locale ??= this.getUserLocale() ?? this.getBrowserLocale();
    return s.locale;
  }
  /** Sets the locale for the rest of the request. */
  set locale(value: Locale) {
    this.#more.locale = value;
  }

  /**
   * The signed-in user's locale, from a profile or a cookie; override it. The default is `null`,
   * which lets `locale` use the browser's.
   */
  getUserLocale(): Locale | null {
    return null;
  }

  /**
   * The closest supported locale to the request's `Accept-Language` header, as Tornado reads it:
   * entries in order of their `q` weight (1 when absent; an invalid or negative weight counts as
   * 0), those weighted 0 left out, then {@link Locale.get}. Without the header, or with no usable
   * entry, `Locale.get(defaultCode)`.
   */
  getBrowserLocale(defaultCode = "en_US"): Locale {
    const header = this.request.headerValue("accept-language");
    if (header === undefined) return Locale.get(defaultCode);
    const weighted: { code: string; q: number }[] = [];
    for (const entry of header.split(",")) {
      const [code = "", rawParam] = entry.trim().split(";");
      let q = 1;
      const param = rawParam?.trim();
      if (param?.startsWith("q=")) {
        q = pythonFloat(param.slice(2));
        if (!(q >= 0)) q = 0;
      }
      if (q > 0) weighted.push({ code, q });
    }
    if (weighted.length === 0) return Locale.get(defaultCode);
    weighted.sort((a, b) => b.q - a.q);
    return Locale.get(...weighted.map((item) => item.code));
  }

  // ---- templates, static URLs and UI modules -----------------------------------------------

  /**
   * Whether `staticUrl` adds the scheme and host by default (Tornado's `include_host`): false on
   * the prototype, so no handler object carries its own; set it in a subclass or on a handler.
   */
  declare includeHost: boolean;

  /** The template directory: the `templatePath` setting (override to choose per handler). */
  getTemplatePath(): string | undefined {
    return this.settings.templatePath;
  }

  /**
   * Makes the loader for a template directory: the `templateLoader` setting when given, else a
   * {@link Loader} with the `autoescape` and `templateWhitespace` settings.
   */
  createTemplateLoader(templatePath: string): BaseLoader {
    const settings = this.settings;
    if (settings.templateLoader) return settings.templateLoader;
    const options: LoaderOptions = {};
    if ("autoescape" in settings) options.autoescape = settings.autoescape ?? null;
    if (settings.templateWhitespace) options.whitespace = settings.templateWhitespace;
    return new Loader(templatePath, options);
  }

  /**
   * The names every template rendered by this handler sees, under Tornado's names and camelCase:
   * `handler`, `request`, `current_user`/`currentUser`, `locale`, `_` (translate) and `pgettext`,
   * `static_url`/`staticUrl`, `xsrf_form_html`/`xsrfFormHtml`, `reverse_url`/`reverseUrl`, the
   * `uiMethods`, and `modules` (the `uiModules`). Override to add more.
   */
  getTemplateNamespace(): Record<string, unknown> {
    const locale = this.locale;
    const staticUrl = (path: string, includeHost?: boolean | StaticUrlOptions) =>
      this.staticUrl(path, includeHost);
    const xsrfFormHtml = () => this.xsrfFormHtml();
    const reverseUrl = (name: string, ...args: unknown[]) => this.reverseUrl(name, ...args);
    const currentUser = this.currentUser;
    return {
      handler: this,
      request: this.request,
      current_user: currentUser,
      currentUser,
      locale,
      _: locale.translate,
      pgettext: locale.pgettext,
      static_url: staticUrl,
      staticUrl,
      xsrf_form_html: xsrfFormHtml,
      xsrfFormHtml,
      reverse_url: reverseUrl,
      reverseUrl,
      ...this.ui,
    };
  }

  /**
   * Renders a template to a string with the handler's namespace plus `vars` (which win). The
   * template comes from `getTemplatePath()` (without one, the directory of the calling file),
   * through a loader shared by the process; with `compiledTemplateCache: false` (the `debug`
   * default) templates are compiled again on every request.
   */
  renderString(templateName: string, vars: Record<string, unknown> = {}): string {
    const settings = this.settings;
    const templatePath = this.getTemplatePath() ?? callerDirectory();
    const key = `${resolve(templatePath)}\0${settings.autoescape}\0${settings.templateWhitespace}`;
    let loader = settings.templateLoader ?? templateLoaders.get(key);
    if (loader === undefined) {
      loader = this.createTemplateLoader(templatePath);
      templateLoaders.set(key, loader);
    }
    const more = this.#more;
    // Without the cache, templates are compiled again once per request (not once per render).
    if (settings.compiledTemplateCache === false && !more.templatesReset) {
      more.templatesReset = true;
      loader.reset();
    }
    const template = loader.load(templateName);
    return template.generate({ ...this.getTemplateNamespace(), ...vars });
  }

  /**
   * Renders a template (see {@link renderString}), adds the resources of the UI modules it used
   * before `</head>` and `</body>`, and finishes the response with it.
   */
  render(templateName: string, vars: Record<string, unknown> = {}): Promise<void> {
    if (this.#response.finished) throw new Error("Cannot render() after finish()");
    const html = this.renderString(templateName, vars);
    // The page as UTF-8 bytes, as Tornado's render() passes them: encoded once (the template's
    // output is a rope of many pieces) instead of once for the Etag, once for the length and
    // once more for the socket.
    return this.finish(Buffer.from(this.application.uiRegistry.insertResources(this, html)));
  }

  /**
   * The URL of a static file: `staticUrlPrefix + path?v=<sha512 of the file>`, the hash cached
   * unless `staticHashCache` is off. `includeHost` (or the handler's `includeHost` property)
   * prefixes `protocol://host`. Needs the `staticPath` setting.
   */
  staticUrl(path: string, includeHost?: boolean | StaticUrlOptions): string {
    const settings = this.settings;
    if (settings.staticPath === undefined) {
      throw new Error(
        "You must define the 'staticPath' setting in your application to use staticUrl",
      );
    }
    const options = typeof includeHost === "object" ? includeHost : { includeHost };
    const maker: unknown = settings.staticHandlerClass;
    if (!isStaticUrlMaker(maker)) {
      throw new Error(
        "The 'staticHandlerClass' setting has no makeStaticUrl (StaticFileHandler has)",
      );
    }
    const url = maker.makeStaticUrl(settings, path, options.includeVersion ?? true);
    const withHost = options.includeHost ?? this.includeHost;
    return withHost ? `${this.request.protocol}://${this.request.host}${url}` : url;
  }

  /** The UI namespace: the `uiMethods` bound to this handler, and `modules` (Tornado's `self.ui`). */
  get ui(): Record<string, unknown> {
    const s = this.#more;
    s.ui ??= this.application.uiRegistry.namespaceFor(this);
    return s.ui;
  }

  /**
   * Turns off automatic finishing for the rest of this request: the handler must call `finish()`
   * itself (for responses completed later by a callback or event).
   */
  detach(): void {
    this.#detached = true;
  }

  /** Whether the client has gone away before the response was finished. */
  get connectionClosed(): boolean {
    return this.#response.closedEarly;
  }

  /**
   * This request's XSRF token (Tornado's `xsrf_token`), for forms and AJAX calls. The first use in
   * a request sets the XSRF cookie (`_xsrf`, or the `xsrfCookieName` setting, with the
   * `xsrfCookieKwargs` attributes) when the request did not bring a valid one. Version 2 tokens
   * (the default, `xsrfCookieVersion`) are masked afresh per request, so they differ on every page
   * while the secret in the cookie stays the same. Usable from a subclass constructor. Returns text
   * where Tornado returns bytes.
   *
   * When a user is logged in the cookie lasts 30 days unless `xsrfCookieKwargs` says otherwise, as
   * in Tornado; an `async getCurrentUser()` not yet awaited (in a constructor) counts as no user.
   */
  get xsrfToken(): string {
    const s = this.#more;
    if (s.xsrfToken === undefined) {
      const raw = this.#rawXsrfToken();
      const version = this.settings.xsrfCookieVersion ?? 2;
      const token = encodeXsrfToken(raw.token, { version, timestamp: raw.timestamp });
      s.xsrfToken = token;
      if (!raw.fromCookie) {
        const loggedIn = Boolean(this.#knownCurrentUser());
        this.setCookie(
          xsrfCookieName(this.settings),
          token,
          xsrfCookieOptions(this.settings, loggedIn),
        );
      }
    }
    return s.xsrfToken;
  }

  /** The secret behind the XSRF cookie, read (or made) once per request. */
  #rawXsrfToken(): XsrfTokenParts & { fromCookie: boolean } {
    const s = this.#more;
    s.rawXsrf ??= rawXsrfToken(this.getCookie(xsrfCookieName(this.settings)));
    return s.rawXsrf;
  }

  /**
   * The hidden form field with this request's XSRF token, for every form that POSTs:
   * `<input type="hidden" name="_xsrf" value="2|...|...|..."/>`. Sets the cookie like `xsrfToken`.
   */
  xsrfFormHtml(): string {
    return xsrfFormHtml(this.xsrfToken);
  }

  /**
   * Checks the XSRF token of a request that may change state; runs before `prepare` for every
   * method but GET, HEAD and OPTIONS when the `xsrfCookies` setting is on. The token comes from
   * the `_xsrf` argument (query or body), else the `X-Xsrftoken` or `X-Csrftoken` header, and must
   * hold the same secret as the XSRF cookie; otherwise a 403 with Tornado's log message
   * (`'_xsrf' argument missing from POST`, `'_xsrf' argument has invalid format`,
   * `XSRF cookie does not match POST argument`). Override it to exempt a handler or change the
   * rule; it may be async.
   */
  checkXsrfCookie(): void | Promise<void> {
    if (xsrfRefusedUnread.has(this.request)) {
      throw new HTTPError(
        403,
        "XSRF cookie missing or not matching the token header; body not read",
      );
    }
    const submitted =
      this.getArgument(XSRF_ARGUMENT, null) ||
      this.request.headerValue("x-xsrftoken") ||
      this.request.headerValue("x-csrftoken");
    verifyXsrfToken(submitted, this.#rawXsrfToken().token);
  }

  /** Whether the XSRF check applies to this request (`xsrfCookies` on and an unsafe method). */
  protected get xsrfCheckNeeded(): boolean {
    return (
      Boolean(this.settings.xsrfCookies) && !FORM_METHODS_WITHOUT_XSRF.has(this.request.method)
    );
  }

  // ---- the request lifecycle ---------------------------------------------------------------

  /**
   * Serves the request with this handler (Tornado's `_execute`): the method check, the body's
   * form arguments, the path groups, then the steps of {@link #run}. Called once, by the
   * Application's dispatch; not for handlers to call or override. Returns `undefined` when the
   * whole lifecycle ran within this call (see {@link #run}), else a promise that settles when it
   * has ended; it never rejects.
   * @internal
   */
  _execute(
    rawArgs: readonly (string | undefined)[],
    rawKwargs: Readonly<Record<string, string | undefined>>,
    streamBody?: () => Promise<void>,
  ): Promise<void> | undefined {
    try {
      const method = this.request.method;
      if (!(this.constructor as typeof RequestHandler).SUPPORTED_METHODS.includes(method)) {
        throw new HTTPError(405);
      }
      this.#parseBody();
      if (rawArgs.length > 0) {
        const args: (string | undefined)[] = [];
        for (const raw of rawArgs)
          args.push(raw === undefined ? raw : this.#pathArgument(raw, "url"));
        // An optional group that did not take part stays `undefined` (Python's `None`), which the
        // declared `string[]` (what handler methods are typed to receive) does not say.
        this.pathArgs = args as string[];
      }
      let kwargs: Record<string, string> | undefined;
      for (const name in rawKwargs) {
        const raw = rawKwargs[name];
        kwargs ??= {};
        if (raw !== undefined) kwargs[name] = this.#pathArgument(raw, name);
      }
      if (kwargs) this.pathKwargs = kwargs;
    } catch (error) {
      return this.#fail(error);
    }
    return this.#run(XSRF_STEP, streamBody);
  }

  /**
   * The lifecycle from step `from` on: the XSRF check, an async `getCurrentUser`, `prepare`, the
   * streamed body, the method, then the automatic `finish()`. Each step may return a promise; the
   * first that does is awaited and the run goes on from the next step when it settles. As long as
   * no step returns one, the whole run happens within this call and returns `undefined`: a
   * synchronous handler costs no promise and no microtask turn. Measured: running the same steps
   * inside an `async` function costs 1.0 to 1.2 µs more per request (GET / 9.65 against 10.81,
   * JSON 10.72 against 11.72 µs of CPU; bench/in-process.mjs's app, both builds in one process,
   * alternated, 30 rounds of 3,000 requests, medians).
   */
  #run(from: number, streamBody: (() => Promise<void>) | undefined): Promise<void> | undefined {
    const response = this.#response;
    try {
      for (let step = from; step < FINISH_STEP; step++) {
        // Finishing in `prepare` (or while the body streamed in) skips the method, as in Tornado.
        if (step >= BODY_STEP && response.finished) return undefined;
        let result: unknown;
        if (step === XSRF_STEP) {
          if (this.xsrfCheckNeeded) result = this.checkXsrfCookie();
        } else if (step === USER_STEP) {
          if (this.getCurrentUser instanceof AsyncFunction) result = this.loadCurrentUser();
        } else if (step === PREPARE_STEP) {
          result = this.prepare();
        } else if (step === BODY_STEP) {
          if (streamBody) result = streamBody();
        } else {
          result = this.#callMethod(this.request.method);
        }
        if (isPromise(result)) {
          this.#watchConnection();
          return Promise.resolve(result).then(
            () => this.#resume(step + 1, streamBody),
            (error: unknown) => this.#fail(error),
          );
        }
        if (this.#pendingError) return this.#resume(step + 1, streamBody);
      }
      if (!this.#detached && !response.finished) this.#finish(undefined, false);
    } catch (error) {
      return this.#fail(error);
    }
    // A detached handler finishes later: from now on the client may go away first.
    if (!response.finished) this.#watchConnection();
    return undefined;
  }

  /** Goes on from step `next`, once an error page `sendError` left running is done. */
  #resume(next: number, streamBody: (() => Promise<void>) | undefined): Promise<void> | undefined {
    const pending = this.#pendingError;
    if (!pending) return this.#run(next, streamBody);
    this.#pendingError = undefined;
    return pending.then(() => this.#run(next, streamBody));
  }

  /** Ends the run on an error: the error page (or `Finish`'s response), awaited when async. */
  #fail(error: unknown): Promise<void> | undefined {
    this.#handleException(error);
    if (!this.#response.finished) this.#watchConnection();
    const pending = this.#pendingError;
    this.#pendingError = undefined;
    return pending;
  }

  /** Calls the handler method for `method` with the path groups; 405 when the handler has none. */
  #callMethod(method: string): unknown {
    const fn: unknown = Reflect.get(this, METHOD_FUNCTIONS[method] ?? method.toLowerCase());
    if (typeof fn !== "function") throw new HTTPError(405);
    const pathArgs = this.pathArgs;
    // A plain call when the route has no groups: about 5 ns against 14 ns for apply with an empty
    // list (Node 20, bench/micro/optimisations.mjs call-no-args).
    return pathArgs.length === 0 ? fn.call(this) : fn.apply(this, pathArgs);
  }

  #parseBody(): void {
    const request = this.request;
    if (request.body.length === 0) return;
    const contentType = request.headerValue("content-type") ?? "";
    if (
      !contentType.startsWith("application/x-www-form-urlencoded") &&
      !contentType.startsWith("multipart/form-data")
    ) {
      return;
    }
    // A compressed form the server did not decompress (no `decompressRequest`) cannot be parsed:
    // refused as Tornado does, rather than read as empty.
    const encoding = request.headerValue("content-encoding");
    if (encoding !== undefined) {
      throw new HTTPError(
        400,
        `Invalid body: Unsupported Content-Encoding: ${encoding.slice(0, 100)}`,
      );
    }
    try {
      parseBodyArguments(
        contentType,
        request.body,
        request.bodyArguments,
        request.files,
        multipartParseLimits(request),
      );
    } catch (error) {
      if (error instanceof BodyPartTooLargeError)
        throw new HTTPError(413, `Invalid body: ${clipForLog(error.message)}`, { cause: error });
      if (error instanceof BodyParseError)
        throw new HTTPError(400, `Invalid body: ${clipForLog(error.message)}`, { cause: error });
      throw error;
    }
    request.invalidateArguments();
  }

  /** From now on, a client that goes away before the response is finished calls `onConnectionClose`. */
  #watchConnection(): void {
    const response = this.#response;
    if (!response.watchingConnection) response.watchConnection(() => this.#connectionLost());
  }

  /** Runs `onConnectionClose`, its errors logged. */
  #connectionLost(): void {
    try {
      const result = this.onConnectionClose();
      if (isPromise(result)) {
        Promise.resolve(result).catch((error: unknown) =>
          appLog.error("Exception in onConnectionClose", error),
        );
      }
    } catch (error) {
      appLog.error("Exception in onConnectionClose", error);
    }
  }

  #handleException(error: unknown): void {
    const s = this.#response;
    if (error instanceof Finish) {
      if (!s.finished) {
        try {
          this.finish(error.chunk);
        } catch (inner) {
          appLog.error("Exception finishing the response", inner);
        }
      }
      return;
    }
    try {
      this.logException(error);
    } catch (inner) {
      // A broken logException must not stop the error response, as in Tornado.
      appLog.error("Error in exception logger", inner);
    }
    if (s.finished) return;
    if (s.closedEarly && this.request.rawResponse?.destroyed) return;
    const status = error instanceof HTTPError ? error.statusCode : 500;
    this.sendError(status, { error });
  }

  /**
   * Logs an exception from the handler: an `HTTPError` with a log message as a warning (no stack),
   * anything else as an error with its stack, as Tornado does.
   */
  logException(error: unknown): void {
    const summary = this.requestSummary();
    if (error instanceof HTTPError) {
      if (error.logMessage) genLog.warning(`${error.statusCode} ${summary}: ${error.logMessage}`);
      return;
    }
    appLog.error(`Uncaught exception ${summary}\n${this.request.toString()}`, error);
  }

  /**
   * `METHOD uri (remote ip)`, as in log lines; the URI cut to 200 bytes, with control characters
   * escaped (see `clipForLog`).
   */
  requestSummary(): string {
    return `${this.request.method} ${clipForLog(this.request.uri)} (${this.request.remoteIp})`;
  }
}

RequestHandler.prototype.includeHost = false;

/**
 * The handler's state that most requests never touch (the current user, the XSRF token, the JSON
 * body, the locale, the UI namespace), made on first use. As fields of the handler each would be
 * defined on every handler object, and with many handler subclasses (each its own object shape)
 * those definitions go megamorphic: 23 such fields were measured at about 370 ns per handler,
 * against 110 ns for one object holding them (8 subclasses constructed in turn, Node 20).
 */
class HandlerExtras {
  currentUser: unknown = undefined;
  currentUserLoaded = false;
  currentUserPending: Promise<unknown> | undefined = undefined;
  rawXsrf: (XsrfTokenParts & { fromCookie: boolean }) | undefined = undefined;
  xsrfToken: string | undefined = undefined;
  jsonBody: { value: unknown } | undefined = undefined;
  locale: Locale | undefined = undefined;
  ui: Record<string, unknown> | undefined = undefined;
  templatesReset = false;
}

/** Python's `float()` of a string (the forms Tornado accepts for a q weight); NaN when invalid. */
function pythonFloat(text: string): number {
  const trimmed = text.trim();
  const match =
    /^[+-]?(?:(\d(?:_?\d)*)?(?:\.\d(?:_?\d)*|\.)?(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)$/i.exec(
      trimmed,
    );
  if (!match || !/\d|inf|nan/i.test(trimmed)) return Number.NaN;
  const plain = trimmed.replaceAll("_", "").toLowerCase();
  if (plain.endsWith("nan")) return Number.NaN;
  if (plain.includes("inf")) return plain.startsWith("-") ? -Infinity : Infinity;
  return Number(plain);
}
