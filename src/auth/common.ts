/**
 * What every sign-in mixin shares: the handler-class type the mixins extend, `AuthError`, and the
 * signed, short-lived cookie that carries a login's `state`, PKCE verifier and nonce from the
 * redirect to the callback.
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { AsyncHTTPClient, HTTPClientError } from "../httpclient.ts";
import { isPlainObject } from "../python.ts";
import { HTTPError, MissingSettingError } from "../web/errors.ts";
import type { ApplicationSettings, RequestHandler } from "../web/request-handler.ts";

/**
 * A `RequestHandler` class (abstract or not) that a sign-in mixin can extend:
 * `class Login extends GoogleOAuth2Mixin(RequestHandler) {}` or `GoogleOAuth2Mixin(BaseHandler)`.
 */
// biome-ignore lint/suspicious/noExplicitAny: TypeScript's mixin rule requires a constructor taking `...args: any[]`.
export type HandlerBase = abstract new (...args: any[]) => RequestHandler;

/**
 * The class a sign-in mixin returns: `TBase`'s constructor (statics included), whose instances
 * also have the mixin's `Members`.
 */
export type MixinClass<TBase extends HandlerBase, Members> = TBase &
  (abstract new (
    // biome-ignore lint/suspicious/noExplicitAny: TypeScript's mixin rule requires a constructor taking `...args: any[]`.
    ...args: any[]
  ) => Members);

/** Options for {@link AuthError}. */
export interface AuthErrorOptions {
  /** The status the client gets when the error is not caught (default 403). */
  statusCode?: number;
  /** The error that caused this one (a provider's HTTP error, a failed token check, ...). */
  cause?: unknown;
}

/**
 * A sign-in failed (Tornado's `tornado.auth.AuthError`): a `state` that does not match the login
 * this browser started, an expired or missing login cookie, a code the provider refused, an ID
 * token that fails its checks, or a provider that could not be reached.
 *
 * Differs from Tornado: it is an `HTTPError`, so an uncaught one answers 403 (502 when the provider
 * failed) and logs its message as a warning, instead of a 500 with a stack trace. The message is
 * for the log only; the client sees the status's standard phrase.
 */
export class AuthError extends HTTPError {
  /** The error's name, `"AuthError"`. */
  override readonly name = "AuthError";

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(options.statusCode ?? 403, message, { cause: options.cause });
  }
}

/** What travels from `authorizeRedirect` to the callback, in the signed flow cookie. */
export interface LoginFlow {
  /** The `state` sent to the provider (RFC 6749 section 10.12: binds the callback to this browser). */
  state: string;
  /** The PKCE code verifier (RFC 7636), when PKCE is used. */
  codeVerifier?: string;
  /** The OpenID Connect `nonce`, when one was sent. */
  nonce?: string;
  /** The `redirect_uri` sent with the authorization request, sent again with the code. */
  redirectUri?: string;
}

/** How long a login may take from the redirect to the callback: 10 minutes. */
export const LOGIN_FLOW_MAX_AGE_SECONDS = 600;

/** A random URL-safe token of 32 bytes (256 bits), for `state`, `nonce` and PKCE verifiers. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The PKCE `S256` challenge of a verifier (RFC 7636 section 4.2): BASE64URL(SHA256(verifier)). */
export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** Compares two strings in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Keeps `value` in the signed cookie `name` for ten minutes: HttpOnly (no script reads it),
 * SameSite=Lax (sent on the provider's top-level redirect back, not on cross-site subrequests),
 * Secure on HTTPS. Needs the `cookieSecret` setting. The cookie of a login in progress, read back
 * once by {@link takeLoginCookie}.
 */
export function saveLoginCookie(handler: RequestHandler, name: string, value: string): void {
  handler.setSignedCookie(name, value, {
    expiresDays: null,
    maxAge: LOGIN_FLOW_MAX_AGE_SECONDS,
    httpOnly: true,
    sameSite: "Lax",
    secure: handler.request.protocol === "https",
  });
}

/**
 * Reads and deletes the cookie {@link saveLoginCookie} set: `null` when it is missing, tampered
 * with, or older than ten minutes. Deleting it makes each login's cookie usable once.
 */
export function takeLoginCookie(handler: RequestHandler, name: string): string | null {
  const value = handler.getSignedCookie(name, {
    maxAgeDays: LOGIN_FLOW_MAX_AGE_SECONDS / 86_400,
    minVersion: 2,
  });
  if (handler.getCookie(name) !== undefined) handler.clearCookie(name);
  return value;
}

/** Keeps `flow` in the login cookie `name` (see {@link saveLoginCookie}). */
export function saveLoginFlow(handler: RequestHandler, name: string, flow: LoginFlow): void {
  saveLoginCookie(handler, name, JSON.stringify(flow));
}

/**
 * Reads and deletes the login flow in cookie `name`: `null` when it is missing, tampered with,
 * older than ten minutes, or not a flow. Deleting it makes each login's state usable once.
 */
function takeLoginFlow(handler: RequestHandler, name: string): LoginFlow | null {
  const raw = takeLoginCookie(handler, name);
  if (raw === null) return null;
  let flow: unknown;
  try {
    flow = JSON.parse(raw);
  } catch {
    return null;
  }
  return isLoginFlow(flow) ? flow : null;
}

function isLoginFlow(value: unknown): value is LoginFlow {
  return (
    isPlainObject(value) &&
    typeof value.state === "string" &&
    optionalString(value.codeVerifier) &&
    optionalString(value.nonce) &&
    optionalString(value.redirectUri)
  );
}

function optionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === "string";
}

/**
 * The login flow of this callback, checked against the `state` argument the provider sent back:
 * throws an {@link AuthError} when no login is in progress in this browser (no cookie, or an
 * expired one) or the `state` differs (a forged or replayed callback, RFC 6749 section 10.12).
 */
export function checkedLoginFlow(handler: RequestHandler, name: string): LoginFlow {
  const flow = takeLoginFlow(handler, name);
  const state = handler.getQueryArgument("state", null);
  if (flow === null) {
    throw new AuthError(`no sign-in in progress: the ${name} cookie is missing or expired`);
  }
  if (state === null || !sameSecret(state, flow.state)) {
    throw new AuthError("the state argument does not match the sign-in this browser started");
  }
  return flow;
}

/** The provider's error on a callback (`?error=access_denied`), as an {@link AuthError}. */
export function throwIfProviderError(handler: RequestHandler): void {
  const error = handler.getQueryArgument("error", null);
  if (error !== null) {
    const description = handler.getQueryArgument("error_description", null);
    throw new AuthError(`the provider answered ${error}${description ? `: ${description}` : ""}`);
  }
}

/** The HTTP client the mixins use unless a handler's `getAuthHttpClient()` returns another. */
export function defaultAuthHttpClient(): AsyncHTTPClient {
  return AsyncHTTPClient.instance();
}

/**
 * Wraps an error from a provider's endpoint: a 4xx (a refused code or token) becomes a 403
 * `AuthError`, anything else (5xx, no connection, a timeout) a 502.
 */
export function providerError(what: string, error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const code = error instanceof HTTPClientError ? error.code : 0;
  const body = error instanceof HTTPClientError ? error.response?.body.toString("utf8") : undefined;
  const detail = body ? `: ${body.slice(0, 300)}` : "";
  const message = error instanceof Error ? error.message : String(error);
  return new AuthError(`${what} failed (${message})${detail}`, {
    statusCode: code >= 400 && code < 500 ? 403 : 502,
    cause: error,
  });
}

/**
 * Fetches a provider API's `url` with `headers` (none: the client's defaults) and returns its
 * JSON: a GET, or a form POST of `postArgs` when given. An error status rejects with the client's `HTTPClientError`.
 */
export async function fetchProviderApi(
  client: AsyncHTTPClient,
  url: string,
  headers: Record<string, string> | undefined,
  postArgs: Record<string, string> | undefined,
): Promise<unknown> {
  const response =
    postArgs !== undefined
      ? await client.fetch(url, {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(postArgs).toString(),
        })
      : await client.fetch(url, { headers });
  return JSON.parse(response.body.toString("utf8"));
}

/** Parses a provider's JSON answer, or throws an {@link AuthError} naming `what`. */
export function parseProviderJson(what: string, body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new AuthError(`${what} did not answer JSON`, { statusCode: 502, cause: error });
  }
  if (!isPlainObject(value)) {
    throw new AuthError(`${what} did not answer a JSON object`, { statusCode: 502 });
  }
  return value;
}

/**
 * The application setting `key`, or a `MissingSettingError` that says `You must define the
 * '<key>' setting <usage>` when it is not set (or `null`).
 */
export function requiredSetting<K extends keyof ApplicationSettings>(
  handler: RequestHandler,
  key: K,
  usage: string,
): NonNullable<ApplicationSettings[K]> {
  const value = handler.settings[key];
  if (value === undefined || value === null) {
    throw new MissingSettingError(key, `You must define the '${key}' setting ${usage}`);
  }
  return value;
}
