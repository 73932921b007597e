/**
 * The errors of `tornado-ts/web`: `HTTPError` (log message apart from the reason sent to the
 * client), `Finish`, and the errors of missing settings, unsafe redirects and async current users.
 * @module
 */
import { responses } from "../httputil/responses.ts";

/** Options for {@link HTTPError}. */
export interface HTTPErrorOptions {
  /** The reason phrase sent in the status line and on the error page (default: the standard phrase). */
  reason?: string;
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * Raise to end a request with an HTTP error status (Tornado's `HTTPError`).
 *
 * `logMessage` is written to the log, never sent to the client; the client sees the status code and
 * the reason phrase (`reason`, or the standard phrase for the code).
 */
export class HTTPError extends Error {
  /** The error's name, `"HTTPError"` (subclasses give their own). */
  override readonly name: string = "HTTPError";
  /** The HTTP status code. */
  readonly statusCode: number;
  /** The message for the log (server side only), or `undefined`. */
  readonly logMessage: string | undefined;
  /** The reason phrase chosen by the raiser, or `undefined` for the standard one. */
  readonly reason: string | undefined;

  constructor(statusCode = 500, logMessage?: string, options: HTTPErrorOptions = {}) {
    const phrase = options.reason ?? responses[statusCode] ?? "Unknown";
    super(`HTTP ${statusCode}: ${phrase}${logMessage ? ` (${logMessage})` : ""}`, {
      cause: options.cause,
    });
    this.statusCode = statusCode;
    this.logMessage = logMessage;
    this.reason = options.reason;
  }
}

/** A required argument is missing: a 400 whose log message names it (Tornado's `MissingArgumentError`). */
export class MissingArgumentError extends HTTPError {
  /** The error's name, `"MissingArgumentError"`. */
  override readonly name = "MissingArgumentError";
  /** The name of the missing argument. */
  readonly argName: string;

  constructor(argName: string) {
    super(400, `Missing argument ${argName}`);
    this.argName = argName;
  }
}

/**
 * Raise to end a request without an error: the response is finished with what was set so far
 * (status, headers, body), plus `chunk` when given, and nothing is logged (Tornado's `Finish`).
 */
export class Finish extends Error {
  /** The error's name, `"Finish"`. */
  override readonly name = "Finish";
  /** Written before finishing, when given. */
  readonly chunk: string | Uint8Array | Record<string, unknown> | undefined;

  constructor(chunk?: string | Uint8Array | Record<string, unknown>) {
    super("Finish");
    this.chunk = chunk;
  }
}

/**
 * A feature was used without the application setting it needs (`cookieSecret` for signed cookies,
 * `loginUrl` for `@authenticated`, ...). A programming error: it surfaces as a 500.
 */
export class MissingSettingError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "MissingSettingError";
  /** The setting that is missing, by its `ApplicationSettings` key. */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(message);
    this.setting = setting;
  }
}

/**
 * `redirect()` was given a URL a browser would take off the site in a way no application means
 * to: a scheme other than `http`/`https` (`javascript:`, `data:`, ...) or a scheme-relative host
 * (`//evil.example`, `/\evil.example`). A programming error: the client gets a 500 and no
 * `Location` is sent. Not in Tornado, whose `redirect` sends any URL.
 */
export class UnsafeRedirectError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "UnsafeRedirectError";
  /** Why the URL was refused. */
  readonly reason: string;

  constructor(reason: string) {
    super(`Refusing to redirect: ${reason}`);
    this.reason = reason;
  }
}

/** The message of a caught error, or the thrown value as text when it is not an `Error`. @internal */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `getCurrentUser()` returned a promise where the user was needed synchronously. */
export class CurrentUserError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "CurrentUserError";
}
