/**
 * OAuth 2.0 sign-in (Tornado's `OAuth2Mixin`): the authorization redirect, the code exchange and
 * requests with an access token, with `state` and PKCE on by default.
 * @module
 */
import type { AsyncHTTPClient } from "../httpclient.ts";
import { urlConcat } from "../httputil/body.ts";
import {
  AuthError,
  checkedLoginFlow,
  defaultAuthHttpClient,
  fetchProviderApi,
  type HandlerBase,
  type LoginFlow,
  type MixinClass,
  parseProviderJson,
  pkceChallenge,
  providerError,
  randomToken,
  saveLoginFlow,
  throwIfProviderError,
} from "./common.ts";

/** Arguments of `authorizeRedirect` (Tornado's keyword arguments, camelCase). */
export interface OAuth2AuthorizeOptions {
  /** Where the provider sends the browser back (`redirect_uri`). */
  redirectUri?: string;
  /** The application's client id at the provider. */
  clientId?: string;
  /** Unused (never sent to the browser); accepted for Tornado's signature. */
  clientSecret?: string;
  /** More query arguments for the provider (`prompt`, `access_type`, ...). */
  extraParams?: Record<string, string>;
  /** Scopes, joined with spaces. */
  scope?: readonly string[] | string;
  /** The `response_type` (default `code`). */
  responseType?: string;
  /**
   * Send a PKCE challenge (RFC 7636) and keep its verifier for the code exchange (default true).
   * Turn it off only for a provider that refuses the parameters.
   */
  pkce?: boolean;
}

/** Arguments of `getAccessToken`, the code exchange. */
export interface OAuth2TokenOptions {
  /** The same `redirect_uri` as in `authorizeRedirect` (default: the one kept in the login cookie). */
  redirectUri?: string;
  /** The application's client id. */
  clientId?: string;
  /** The application's client secret. */
  clientSecret?: string;
  /** The authorization code (default: the request's `code` argument). */
  code?: string;
  /** More form fields for the token request. */
  extraParams?: Record<string, string>;
  /** `POST` (default, RFC 6749 section 4.1.3) or `GET` (Facebook's Graph API accepts both). */
  method?: "POST" | "GET";
}

/**
 * A token endpoint's answer (RFC 6749 section 5.1), keys as the provider sent them. Tornado's
 * mixins return it as it is, so provider-specific fields (`id_token`, `expires_in` as a string,
 * ...) stay reachable.
 */
export interface OAuth2Token {
  /** The access token, for `oauth2Request`. */
  access_token: string;
  /** Its type, usually `Bearer`. */
  token_type?: string;
  /** Its lifetime in seconds (some providers send a string). */
  expires_in?: number | string;
  /** A refresh token, when the provider issued one. */
  refresh_token?: string;
  /** The scopes granted, when they differ from those asked for. */
  scope?: string;
  /** An OpenID Connect ID token (unverified here: use `OpenIdConnectMixin` to rely on it). */
  id_token?: string;
  /** Any other field the provider sent. */
  [field: string]: unknown;
}

/** Arguments of `oauth2Request`. */
export interface OAuth2RequestOptions {
  /** The access token, sent as `Authorization: Bearer <token>` (RFC 6750 section 2.1). */
  accessToken?: string;
  /** A form body: the request is then a POST. */
  postArgs?: Record<string, string>;
  /** Query arguments. */
  args?: Record<string, string>;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** What {@link OAuth2Mixin} adds to a handler class. */
export interface OAuth2Members {
  /** The provider's authorization endpoint (Tornado's `_OAUTH_AUTHORIZE_URL`). */
  oauthAuthorizeUrl: string;
  /** The provider's token endpoint (Tornado's `_OAUTH_ACCESS_TOKEN_URL`). */
  oauthAccessTokenUrl: string;
  /** The signed cookie that carries `state` and the PKCE verifier to the callback (`_oauth2_flow`). */
  oauthFlowCookie: string;
  /** The HTTP client for the provider's endpoints (Tornado's `get_auth_http_client`). */
  getAuthHttpClient(): AsyncHTTPClient;
  /**
   * Redirects the browser to the provider's authorization page (Tornado's `authorize_redirect`),
   * with a random `state`, and a PKCE challenge unless `pkce` is false; both are kept in the
   * login cookie for the callback.
   */
  authorizeRedirect(options?: OAuth2AuthorizeOptions): void;
  /**
   * Exchanges the callback's authorization code for tokens (RFC 6749 section 4.1.3), after
   * checking `state` against the login cookie (which it deletes) and with the PKCE verifier.
   * Throws an {@link AuthError} when the provider reported an error, the state does not match,
   * or the token endpoint refused the code.
   */
  getAccessToken(options?: OAuth2TokenOptions): Promise<OAuth2Token>;
  /**
   * Fetches a provider API URL with an access token and returns its JSON (Tornado's
   * `oauth2_request`): a GET, or a form POST when `postArgs` is given. The token goes in the
   * `Authorization` header. An error status rejects with the client's `HTTPClientError`, as in
   * Tornado.
   */
  oauth2Request(url: string, options?: OAuth2RequestOptions): Promise<unknown>;
}

/**
 * Adds OAuth 2.0 sign-in to a handler class (Tornado's `tornado.auth.OAuth2Mixin`):
 * `class Login extends OAuth2Mixin(RequestHandler) { ... }`. Set `oauthAuthorizeUrl` and
 * `oauthAccessTokenUrl` (class fields, or in `initialize`) for a provider without its own mixin.
 *
 * `authorizeRedirect` sends the browser to the provider with a random `state` and a PKCE challenge,
 * kept with the verifier in a signed, HttpOnly, SameSite=Lax cookie that lasts ten minutes;
 * `getAccessToken` on the callback checks the `state`, sends the verifier with the code, and
 * deletes the cookie, so a callback works once, in the browser that started it.
 *
 * Differs from Tornado: `state` and PKCE are built in (Tornado leaves them to the application), so
 * the `cookieSecret` setting is required; access tokens go in the `Authorization` header, not the
 * URL; a generic `getAccessToken` does the code exchange for any provider.
 */
export function OAuth2Mixin<TBase extends HandlerBase>(
  Base: TBase,
): MixinClass<TBase, OAuth2Members> {
  abstract class OAuth2Handler extends Base implements OAuth2Members {
    /** The provider's authorization endpoint (Tornado's `_OAUTH_AUTHORIZE_URL`). */
    oauthAuthorizeUrl = "";
    /** The provider's token endpoint (Tornado's `_OAUTH_ACCESS_TOKEN_URL`). */
    oauthAccessTokenUrl = "";
    /** The signed cookie that carries `state` and the PKCE verifier to the callback. */
    oauthFlowCookie = "_oauth2_flow";

    /** The HTTP client for the provider's endpoints (Tornado's `get_auth_http_client`). */
    getAuthHttpClient(): AsyncHTTPClient {
      return defaultAuthHttpClient();
    }

    /**
     * Redirects the browser to the provider's authorization page (Tornado's `authorize_redirect`),
     * with `state`, and a PKCE challenge unless `pkce` is false.
     */
    authorizeRedirect(options: OAuth2AuthorizeOptions = {}): void {
      const flow: LoginFlow = { state: randomToken() };
      const args: Record<string, string> = { response_type: options.responseType ?? "code" };
      if (options.redirectUri !== undefined) {
        args.redirect_uri = options.redirectUri;
        flow.redirectUri = options.redirectUri;
      }
      if (options.clientId !== undefined) args.client_id = options.clientId;
      Object.assign(args, options.extraParams);
      if (options.scope !== undefined) {
        args.scope = typeof options.scope === "string" ? options.scope : options.scope.join(" ");
      }
      args.state = flow.state;
      if (options.pkce !== false) {
        flow.codeVerifier = randomToken();
        args.code_challenge = pkceChallenge(flow.codeVerifier);
        args.code_challenge_method = "S256";
      }
      saveLoginFlow(this, this.oauthFlowCookie, flow);
      this.redirect(urlConcat(this.oauthAuthorizeUrl, args));
    }

    /**
     * Exchanges the callback's authorization code for tokens (RFC 6749 section 4.1.3), after
     * checking `state` against the login cookie. Throws an {@link AuthError} when the provider
     * reported an error, the state does not match, or the token endpoint refused the code.
     */
    async getAccessToken(options: OAuth2TokenOptions = {}): Promise<OAuth2Token> {
      throwIfProviderError(this);
      const flow = checkedLoginFlow(this, this.oauthFlowCookie);
      const fields: Record<string, string> = {
        grant_type: "authorization_code",
        code: options.code ?? this.getArgument("code"),
      };
      const redirectUri = options.redirectUri ?? flow.redirectUri;
      if (redirectUri !== undefined) fields.redirect_uri = redirectUri;
      if (options.clientId !== undefined) fields.client_id = options.clientId;
      if (options.clientSecret !== undefined) fields.client_secret = options.clientSecret;
      if (flow.codeVerifier !== undefined) fields.code_verifier = flow.codeVerifier;
      Object.assign(fields, options.extraParams);
      const client = this.getAuthHttpClient();
      const form = new URLSearchParams(fields).toString();
      let body: Buffer;
      try {
        const response =
          options.method === "GET"
            ? await client.fetch(`${this.oauthAccessTokenUrl.replace(/\?$/, "")}?${form}`, {
                headers: { Accept: "application/json" },
              })
            : await client.fetch(this.oauthAccessTokenUrl, {
                method: "POST",
                headers: {
                  "Content-Type": "application/x-www-form-urlencoded",
                  Accept: "application/json",
                },
                body: form,
              });
        body = response.body;
      } catch (error) {
        throw providerError("the token request", error);
      }
      const token = parseProviderJson("the token endpoint", body);
      if (typeof token.error === "string") {
        throw new AuthError(`the token endpoint answered ${token.error}`);
      }
      if (typeof token.access_token !== "string") {
        throw new AuthError("the token endpoint sent no access_token", { statusCode: 502 });
      }
      return { ...token, access_token: token.access_token };
    }

    /**
     * Fetches a provider API URL with an access token and returns its JSON (Tornado's
     * `oauth2_request`): a GET, or a form POST when `postArgs` is given. The token goes in the
     * `Authorization` header. An error status rejects with the client's `HTTPClientError`, as in
     * Tornado.
     */
    async oauth2Request(url: string, options: OAuth2RequestOptions = {}): Promise<unknown> {
      const target = options.args ? urlConcat(url, options.args) : url;
      const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
      if (options.accessToken !== undefined) {
        headers.Authorization = `Bearer ${options.accessToken}`;
      }
      return fetchProviderApi(this.getAuthHttpClient(), target, headers, options.postArgs);
    }
  }
  return OAuth2Handler;
}
