/**
 * OAuth 1.0a sign-in and request signing (Tornado's `OAuthMixin` and `TwitterMixin`).
 * @module
 */
import { createHmac, randomBytes } from "node:crypto";
import type { AsyncHTTPClient, HTTPResponse } from "../httpclient.ts";
import { urlConcat } from "../httputil/body.ts";
import { isPlainObject } from "../python.ts";
import { MissingSettingError } from "../web/errors.ts";
import {
  AuthError,
  defaultAuthHttpClient,
  fetchProviderApi,
  type HandlerBase,
  type MixinClass,
  providerError,
  sameSecret,
  saveLoginCookie,
  takeLoginCookie,
} from "./common.ts";

declare module "../web/application.ts" {
  interface ApplicationSettings {
    /** Twitter's consumer key, for `TwitterMixin` (Tornado's `twitter_consumer_key`). */
    twitterConsumerKey?: string;
    /** Twitter's consumer secret, for `TwitterMixin` (Tornado's `twitter_consumer_secret`). */
    twitterConsumerSecret?: string;
  }
}

/** An OAuth 1.0 token or consumer: its key and secret, plus any fields the provider added. */
export interface OAuth1Token {
  /** The token (or consumer key). */
  key: string;
  /** Its secret. */
  secret: string;
  /** Fields the provider sent with it (`screen_name`, `user_id`, ...). */
  [field: string]: string;
}

/** Percent-encodes as RFC 5849 section 3.6 requires: all but `A-Z a-z 0-9 - . _ ~`, in UTF-8. */
export function oauthEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The HMAC-SHA1 signature of a request (RFC 5849 section 3.4.2), base64: the method, the URL
 * without query (scheme and host in lower case), and the sorted parameters, signed with the
 * consumer secret and the token secret.
 */
export function oauthSignature(
  consumer: Pick<OAuth1Token, "secret">,
  method: string,
  url: string,
  parameters: Record<string, string>,
  token?: Pick<OAuth1Token, "secret"> | null,
): string {
  const parsed = new URL(url);
  const normalizedUrl = `${parsed.protocol.toLowerCase()}//${parsed.host.toLowerCase()}${parsed.pathname}`;
  const normalizedParameters = Object.keys(parameters)
    .sort()
    .map((name) => `${oauthEscape(name)}=${oauthEscape(parameters[name] ?? "")}`)
    .join("&");
  const base = [method.toUpperCase(), normalizedUrl, normalizedParameters]
    .map(oauthEscape)
    .join("&");
  const key = `${oauthEscape(consumer.secret)}&${token ? oauthEscape(token.secret) : ""}`;
  return createHmac("sha1", key).update(base, "utf8").digest("base64");
}

/** Parses a token endpoint's form-encoded answer into a token with any extra fields. */
export function parseOAuthToken(body: string): OAuth1Token {
  const fields = new URLSearchParams(body);
  const key = fields.get("oauth_token");
  const secret = fields.get("oauth_token_secret");
  if (!key || secret === null) {
    throw new AuthError("the OAuth token answer has no oauth_token and oauth_token_secret", {
      statusCode: 502,
    });
  }
  const token: OAuth1Token = { key, secret };
  for (const [name, value] of fields) {
    if (name !== "oauth_token" && name !== "oauth_token_secret" && value !== "") {
      token[name] = value;
    }
  }
  return token;
}

/** Arguments of `OAuthMixin.authorizeRedirect`. */
export interface OAuth1AuthorizeOptions {
  /** Where the provider sends the browser back (relative to this request's URL), or `oob`. */
  callbackUri?: string;
  /** More arguments for the request-token request. */
  extraParams?: Record<string, string>;
  /** The HTTP client (default `getAuthHttpClient()`). */
  httpClient?: AsyncHTTPClient;
}

/** Arguments of `OAuthMixin.getAuthenticatedUser`. */
export interface OAuth1UserOptions {
  /** The HTTP client (default `getAuthHttpClient()`). */
  httpClient?: AsyncHTTPClient;
}

function baseArgs(consumer: OAuth1Token): Record<string, string> {
  return {
    oauth_consumer_key: consumer.key,
    oauth_signature_method: "HMAC-SHA1",
    oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    oauth_nonce: randomBytes(16).toString("hex"),
    oauth_version: "1.0",
  };
}

async function fetchOrAuthError(
  client: AsyncHTTPClient,
  what: string,
  url: string,
): Promise<HTTPResponse> {
  try {
    return await client.fetch(url);
  } catch (error) {
    throw providerError(what, error);
  }
}

/** The cookie that holds the request token between the redirect and the callback. */
const REQUEST_TOKEN_COOKIE = "_oauth_request_token";

/** What {@link OAuthMixin} adds to a handler class. */
export interface OAuthMembers {
  /** The request-token endpoint (Tornado's `_OAUTH_REQUEST_TOKEN_URL`). */
  oauthRequestTokenUrl: string;
  /** The access-token endpoint (Tornado's `_OAUTH_ACCESS_TOKEN_URL`). */
  oauthAccessTokenUrl: string;
  /** The page where the user authorizes the application (Tornado's `_OAUTH_AUTHORIZE_URL`). */
  oauthAuthorizeUrl: string;
  /** `1.0a` (default) or `1.0` (Tornado's `_OAUTH_VERSION`). */
  oauthVersion: "1.0" | "1.0a";
  /** The provider takes no callback URL (Tornado's `_OAUTH_NO_CALLBACKS`). */
  oauthNoCallbacks: boolean;
  /** The HTTP client for the provider's endpoints (Tornado's `get_auth_http_client`). */
  getAuthHttpClient(): AsyncHTTPClient;
  /** The application's consumer key and secret (Tornado's `_oauth_consumer_token`); override it. */
  oauthConsumerToken(): OAuth1Token;
  /**
   * The user for an access token (Tornado's `_oauth_get_user_future`); override it. A falsy
   * result makes `getAuthenticatedUser` fail.
   */
  oauthGetUserFuture(accessToken: OAuth1Token): Promise<Record<string, unknown> | null>;
  /**
   * Gets a request token and redirects the browser to the provider to authorize it (Tornado's
   * `authorize_redirect`). With `callbackUri` `oob` the response is the authorization URL as
   * text instead of a redirect.
   */
  authorizeRedirect(options?: OAuth1AuthorizeOptions): Promise<void>;
  /** `authorizeRedirect` to `authorizeUrl`: the request-token step, shared with `authenticateRedirect`. */
  redirectWithRequestToken(authorizeUrl: string, options: OAuth1AuthorizeOptions): Promise<void>;
  /**
   * On the provider's callback, trades the authorized request token for an access token and
   * returns `oauthGetUserFuture`'s user with `access_token` added (Tornado's
   * `get_authenticated_user`). Throws an {@link AuthError} when the request-token cookie is
   * missing, forged or expired, or names another token.
   */
  getAuthenticatedUser(options?: OAuth1UserOptions): Promise<Record<string, unknown>>;
  /**
   * The OAuth parameters that sign a request to `url` with `accessToken` (Tornado's
   * `_oauth_request_parameters`): `oauth_consumer_key`, `oauth_token`, `oauth_nonce`,
   * `oauth_timestamp`, `oauth_signature`, ... to send with `parameters` as query or form.
   */
  oauthRequestParameters(
    url: string,
    accessToken: OAuth1Token,
    parameters?: Record<string, string>,
    method?: string,
  ): Record<string, string>;
}

/**
 * Adds OAuth 1.0 and 1.0a sign-in to a handler class (Tornado's `tornado.auth.OAuthMixin`): set
 * `oauthRequestTokenUrl`, `oauthAccessTokenUrl`, `oauthAuthorizeUrl`, and override
 * `oauthConsumerToken()` and `oauthGetUserFuture(accessToken)`.
 *
 * Differs from Tornado: the request token travels in a signed (`cookieSecret`), HttpOnly,
 * SameSite=Lax cookie that lasts ten minutes, where Tornado's is unsigned.
 */
export function OAuthMixin<TBase extends HandlerBase>(
  Base: TBase,
): MixinClass<TBase, OAuthMembers> {
  abstract class OAuthHandler extends Base implements OAuthMembers {
    /** The request-token endpoint (Tornado's `_OAUTH_REQUEST_TOKEN_URL`). */
    oauthRequestTokenUrl = "";
    /** The access-token endpoint (Tornado's `_OAUTH_ACCESS_TOKEN_URL`). */
    oauthAccessTokenUrl = "";
    /** The page where the user authorizes the application (Tornado's `_OAUTH_AUTHORIZE_URL`). */
    oauthAuthorizeUrl = "";
    /** `1.0a` (default) or `1.0` (Tornado's `_OAUTH_VERSION`). */
    oauthVersion: "1.0" | "1.0a" = "1.0a";
    /** The provider takes no callback URL (Tornado's `_OAUTH_NO_CALLBACKS`). */
    oauthNoCallbacks = false;

    /** The HTTP client for the provider's endpoints (Tornado's `get_auth_http_client`). */
    getAuthHttpClient(): AsyncHTTPClient {
      return defaultAuthHttpClient();
    }

    /** The application's consumer key and secret (Tornado's `_oauth_consumer_token`); override it. */
    oauthConsumerToken(): OAuth1Token {
      throw new Error(`${this.constructor.name} must override oauthConsumerToken()`);
    }

    /**
     * The user for an access token (Tornado's `_oauth_get_user_future`); override it. A falsy
     * result makes `getAuthenticatedUser` fail.
     */
    async oauthGetUserFuture(_accessToken: OAuth1Token): Promise<Record<string, unknown> | null> {
      throw new Error(`${this.constructor.name} must override oauthGetUserFuture()`);
    }

    /**
     * Gets a request token and redirects the browser to the provider to authorize it (Tornado's
     * `authorize_redirect`). With `callbackUri` `oob` the response is the authorization URL as
     * text instead of a redirect.
     */
    async authorizeRedirect(options: OAuth1AuthorizeOptions = {}): Promise<void> {
      await this.redirectWithRequestToken(this.oauthAuthorizeUrl, options);
    }

    /** `authorizeRedirect` to `authorizeUrl`: the request-token step shared with `authenticateRedirect`. */
    async redirectWithRequestToken(
      authorizeUrl: string,
      options: OAuth1AuthorizeOptions,
    ): Promise<void> {
      if (options.callbackUri && this.oauthNoCallbacks) {
        throw new Error("This service does not support oauth_callback");
      }
      const consumer = this.oauthConsumerToken();
      const args = baseArgs(consumer);
      if (this.oauthVersion === "1.0a" && options.callbackUri) {
        args.oauth_callback =
          options.callbackUri === "oob"
            ? "oob"
            : new URL(options.callbackUri, this.request.fullUrl()).toString();
      }
      Object.assign(args, options.extraParams);
      args.oauth_signature = oauthSignature(consumer, "GET", this.oauthRequestTokenUrl, args);
      const response = await fetchOrAuthError(
        options.httpClient ?? this.getAuthHttpClient(),
        "the request-token request",
        urlConcat(this.oauthRequestTokenUrl, args),
      );
      const token = parseOAuthToken(response.body.toString("utf8"));
      const cookie = `${Buffer.from(token.key).toString("base64")}|${Buffer.from(token.secret).toString("base64")}`;
      saveLoginCookie(this, REQUEST_TOKEN_COOKIE, cookie);
      const query: Record<string, string> = { oauth_token: token.key };
      if (options.callbackUri === "oob") {
        await this.finish(urlConcat(authorizeUrl, query));
        return;
      }
      if (options.callbackUri) {
        query.oauth_callback = new URL(options.callbackUri, this.request.fullUrl()).toString();
      }
      this.redirect(urlConcat(authorizeUrl, query));
    }

    /**
     * On the provider's callback, trades the authorized request token for an access token and
     * returns `oauthGetUserFuture`'s user with `access_token` added (Tornado's
     * `get_authenticated_user`). Throws an {@link AuthError} when the request-token cookie is
     * missing, forged or expired, or names another token.
     */
    async getAuthenticatedUser(options: OAuth1UserOptions = {}): Promise<Record<string, unknown>> {
      const requestKey = this.getArgument("oauth_token");
      const verifier = this.getArgument("oauth_verifier", null);
      const cookie = takeLoginCookie(this, REQUEST_TOKEN_COOKIE);
      if (cookie === null) throw new AuthError("Missing OAuth request token cookie");
      const [keyB64 = "", secretB64 = ""] = cookie.split("|");
      const requestToken: OAuth1Token = {
        key: Buffer.from(keyB64, "base64").toString("utf8"),
        secret: Buffer.from(secretB64, "base64").toString("utf8"),
      };
      if (!sameSecret(requestToken.key, requestKey)) {
        throw new AuthError("Request token does not match cookie");
      }
      const consumer = this.oauthConsumerToken();
      const args = baseArgs(consumer);
      args.oauth_token = requestToken.key;
      if (verifier !== null) args.oauth_verifier = verifier;
      args.oauth_signature = oauthSignature(
        consumer,
        "GET",
        this.oauthAccessTokenUrl,
        args,
        requestToken,
      );
      const response = await fetchOrAuthError(
        options.httpClient ?? this.getAuthHttpClient(),
        "the access-token request",
        urlConcat(this.oauthAccessTokenUrl, args),
      );
      const accessToken = parseOAuthToken(response.body.toString("utf8"));
      const user = await this.oauthGetUserFuture(accessToken);
      if (!user) throw new AuthError("Error getting user");
      return { ...user, access_token: accessToken };
    }

    /**
     * The OAuth parameters that sign a request to `url` with `accessToken` (Tornado's
     * `_oauth_request_parameters`): `oauth_consumer_key`, `oauth_token`, `oauth_nonce`,
     * `oauth_timestamp`, `oauth_signature`, ... to send with `parameters` as query or form.
     */
    oauthRequestParameters(
      url: string,
      accessToken: OAuth1Token,
      parameters: Record<string, string> = {},
      method = "GET",
    ): Record<string, string> {
      const consumer = this.oauthConsumerToken();
      const base = baseArgs(consumer);
      base.oauth_token = accessToken.key;
      base.oauth_signature = oauthSignature(
        consumer,
        method,
        url,
        { ...base, ...parameters },
        accessToken,
      );
      return base;
    }
  }
  return OAuthHandler;
}

/** Arguments of `TwitterMixin.twitterRequest`. */
export interface TwitterRequestOptions {
  /** The user's access token, to sign the request with. */
  accessToken?: OAuth1Token;
  /** A form body: the request is then a POST. */
  postArgs?: Record<string, string>;
  /** Query arguments. */
  args?: Record<string, string>;
}

/** What {@link TwitterMixin} adds to a handler class, besides {@link OAuthMembers}. */
export interface TwitterMembers extends OAuthMembers {
  /** The "Sign in with Twitter" page (Tornado's `_OAUTH_AUTHENTICATE_URL`). */
  oauthAuthenticateUrl: string;
  /** The API's base URL (Tornado's `_TWITTER_BASE_URL`). */
  twitterBaseUrl: string;
  /**
   * Like `authorizeRedirect`, but through the "Sign in with Twitter" page, which skips the
   * prompt for a user who already authorized the application (Tornado's `authenticate_redirect`).
   */
  authenticateRedirect(callbackUri?: string): Promise<void>;
  /**
   * Calls the API at `path` (`/statuses/update`; `.json` is added, and a full URL is used as it
   * is), signed with `accessToken`, and returns its JSON (Tornado's `twitter_request`). An
   * error status rejects with the client's `HTTPClientError`.
   */
  twitterRequest(path: string, options?: TwitterRequestOptions): Promise<unknown>;
}

/**
 * Sign-in with Twitter (X) through OAuth 1.0a, and signed API calls (Tornado's
 * `tornado.auth.TwitterMixin`), with the app in the `twitterConsumerKey` and
 * `twitterConsumerSecret` settings.
 */
export function TwitterMixin<TBase extends HandlerBase>(
  Base: TBase,
): MixinClass<TBase, TwitterMembers> {
  abstract class TwitterHandler extends OAuthMixin(Base) implements TwitterMembers {
    override oauthRequestTokenUrl = "https://api.twitter.com/oauth/request_token";
    override oauthAccessTokenUrl = "https://api.twitter.com/oauth/access_token";
    override oauthAuthorizeUrl = "https://api.twitter.com/oauth/authorize";
    /** The "Sign in with Twitter" page (Tornado's `_OAUTH_AUTHENTICATE_URL`). */
    oauthAuthenticateUrl = "https://api.twitter.com/oauth/authenticate";
    /** The API's base URL (Tornado's `_TWITTER_BASE_URL`). */
    twitterBaseUrl = "https://api.twitter.com/1.1";

    /**
     * Like `authorizeRedirect`, but through the "Sign in with Twitter" page, which skips the
     * prompt for a user who already authorized the application (Tornado's `authenticate_redirect`).
     */
    async authenticateRedirect(callbackUri?: string): Promise<void> {
      await this.redirectWithRequestToken(this.oauthAuthenticateUrl, { callbackUri });
    }

    /**
     * Calls the API at `path` (`/statuses/update`; `.json` is added, and a full URL is used as it
     * is), signed with `accessToken`, and returns its JSON (Tornado's `twitter_request`). An
     * error status rejects with the client's `HTTPClientError`.
     */
    async twitterRequest(path: string, options: TwitterRequestOptions = {}): Promise<unknown> {
      const url = /^https?:/.test(path) ? path : `${this.twitterBaseUrl}${path}.json`;
      const method = options.postArgs !== undefined ? "POST" : "GET";
      let query: Record<string, string> = { ...options.args };
      if (options.accessToken !== undefined) {
        const signed = { ...options.args, ...options.postArgs };
        query = {
          ...query,
          ...this.oauthRequestParameters(url, options.accessToken, signed, method),
        };
      }
      const target = Object.keys(query).length > 0 ? urlConcat(url, query) : url;
      return fetchProviderApi(this.getAuthHttpClient(), target, undefined, options.postArgs);
    }

    override oauthConsumerToken(): OAuth1Token {
      const key = this.settings.twitterConsumerKey;
      const secret = this.settings.twitterConsumerSecret;
      if (key === undefined || secret === undefined) {
        throw new MissingSettingError(
          "twitterConsumerKey",
          "You must define the 'twitterConsumerKey' and 'twitterConsumerSecret' settings to use TwitterMixin",
        );
      }
      return { key, secret };
    }

    override async oauthGetUserFuture(
      accessToken: OAuth1Token,
    ): Promise<Record<string, unknown> | null> {
      const user = await this.twitterRequest("/account/verify_credentials", { accessToken });
      if (!isPlainObject(user)) return null;
      user.username = user.screen_name;
      return user;
    }
  }
  return TwitterHandler;
}
