/**
 * Sign-in with any OpenID Connect provider (Google, Microsoft, Keycloak, Auth0, ...): discovery,
 * the authorization code flow with PKCE, `state` and `nonce`, and an ID token verified against
 * the provider's published keys. The protocol work is done by `openid-client` (on `oauth4webapi`
 * and `jose`), loaded on first use.
 * @module
 */
import { isIP } from "node:net";
import type * as OpenIdClient from "openid-client";
import type { RequestHandler } from "../web/request-handler.ts";
import {
  AuthError,
  checkedLoginFlow,
  type HandlerBase,
  type LoginFlow,
  type MixinClass,
  pkceChallenge,
  randomToken,
  requiredSetting,
  saveLoginFlow,
  throwIfProviderError,
} from "./common.ts";

/** One OpenID Connect provider and this application's client there. */
export interface OpenIdConnectSettings {
  /** The issuer URL; its discovery document is `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** The client id registered at the provider. */
  clientId: string;
  /** The client secret (sent with `client_secret_basic`); leave it out for a public client. */
  clientSecret?: string;
  /** Scopes asked for (default `openid email profile`); `openid` is added when missing. */
  scope?: string;
  /**
   * Allow an `http:` issuer, for a provider on this machine in development and tests. Honoured
   * only when the issuer's host is a loopback address (`127.0.0.0/8`, `::1`, `localhost`).
   */
  allowInsecureRequests?: boolean;
  /** Also fetch the UserInfo endpoint and merge its claims (default false: the ID token's claims). */
  fetchUserinfo?: boolean;
  /** The `fetch` used to reach the provider (default: Node's), e.g. to go through a proxy. */
  customFetch?: (url: string, options: RequestInit) => Promise<Response>;
}

declare module "../web/application.ts" {
  interface ApplicationSettings {
    /** The provider for `OpenIdConnectMixin` (its `getOpenIdConnectSettings()` may return another). */
    openidConnect?: OpenIdConnectSettings;
  }
}

/** Arguments of `OpenIdConnectMixin.authorizeRedirect`. */
export interface OpenIdConnectAuthorizeOptions {
  /** Where the provider sends the browser back (default: this request's URL without its query). */
  redirectUri?: string;
  /** Scopes for this login (default: the settings' `scope`). */
  scope?: string;
  /** More authorization parameters (`prompt`, `login_hint`, `acr_values`, ...). */
  extraParams?: Record<string, string>;
}

/**
 * The signed-in user: the ID token's claims (and the UserInfo claims with `fetchUserinfo`), with
 * the tokens beside them.
 */
export interface OpenIdConnectUser {
  /** The issuer's identifier for the user: with `iss`, the key to store the account under. */
  sub: string;
  /** The issuer. */
  iss: string;
  /** The e-mail address (scope `email`). */
  email?: string;
  /** Whether the provider verified the e-mail address. */
  email_verified?: boolean;
  /** The display name (scope `profile`). */
  name?: string;
  /** The access token, for the provider's APIs. */
  access_token: string;
  /** The ID token as received (a JWT), e.g. for RP-initiated logout's `id_token_hint`. */
  id_token: string;
  /** The refresh token, when the provider issued one (`offline_access`). */
  refresh_token?: string;
  /** The other claims. */
  [claim: string]: unknown;
}

/** What {@link OpenIdConnectMixin} adds to a handler class. */
export interface OpenIdConnectMembers {
  /** The signed cookie that carries `state`, `nonce` and the PKCE verifier to the callback (`_oidc_flow`). */
  oidcFlowCookie: string;
  /** The provider to sign in with: the `openidConnect` setting unless overridden. */
  getOpenIdConnectSettings(): OpenIdConnectSettings;
  /**
   * Redirects the browser to the provider's sign-in page, with a random `state`, `nonce` and
   * PKCE challenge kept in the login cookie. Fetches the discovery document on first use.
   */
  authorizeRedirect(options?: OpenIdConnectAuthorizeOptions): Promise<void>;
  /**
   * On the provider's callback: checks `state` against this browser's login cookie (and deletes
   * it), exchanges the code with the PKCE verifier, verifies the ID token (signature against the
   * provider's JWKS, `iss`, `aud`, `exp`, `nonce`) and returns its claims with the tokens. Throws
   * an {@link AuthError} on any failure.
   */
  getAuthenticatedUser(): Promise<OpenIdConnectUser>;
}

type OpenIdClientModule = typeof OpenIdClient;

let openIdClient: Promise<OpenIdClientModule> | undefined;
/** `openid-client`, imported on first use so that importing this module costs nothing more. */
function loadOpenIdClient(): Promise<OpenIdClientModule> {
  openIdClient ??= import("openid-client");
  return openIdClient;
}

const configurations = new Map<string, Promise<OpenIdClient.Configuration>>();
// Settings with different `customFetch` functions get configurations of their own.
const fetchIds = new WeakMap<object, number>();
let lastFetchId = 0;

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

/**
 * The provider's configuration for `settings`: its discovery document, fetched once per process
 * (a failed fetch is tried again on the next login), with ID token signatures checked against
 * its JWKS.
 */
export function discoverOpenIdConnect(
  settings: OpenIdConnectSettings,
): Promise<OpenIdClient.Configuration> {
  const key = JSON.stringify([
    settings.issuer,
    settings.clientId,
    settings.clientSecret ?? null,
    settings.allowInsecureRequests === true,
    settings.customFetch === undefined ? null : fetchId(settings.customFetch),
  ]);
  let configuration = configurations.get(key);
  if (configuration === undefined) {
    configuration = discover(settings);
    configurations.set(key, configuration);
    configuration.catch(() => configurations.delete(key));
  }
  return configuration;
}

function fetchId(fetch: object): number {
  let id = fetchIds.get(fetch);
  if (id === undefined) {
    lastFetchId += 1;
    id = lastFetchId;
    fetchIds.set(fetch, id);
  }
  return id;
}

async function discover(settings: OpenIdConnectSettings): Promise<OpenIdClient.Configuration> {
  const client = await loadOpenIdClient();
  const issuer = new URL(settings.issuer);
  const insecure = settings.allowInsecureRequests === true && issuer.protocol === "http:";
  if (insecure && !isLoopback(issuer.hostname)) {
    throw new Error(
      `allowInsecureRequests is only for a provider on this machine; ${issuer.origin} must use https`,
    );
  }
  const options: OpenIdClient.DiscoveryRequestOptions = {};
  if (insecure) options.execute = [client.allowInsecureRequests];
  if (settings.customFetch) options[client.customFetch] = settings.customFetch;
  const configuration = await client.discovery(
    issuer,
    settings.clientId,
    settings.clientSecret,
    settings.clientSecret === undefined ? client.None() : undefined,
    options,
  );
  // Verify the ID token's signature against the provider's JWKS even though it came straight
  // from the token endpoint (OpenID Connect Core 3.1.3.7 makes that optional; we do not skip it).
  client.enableNonRepudiationChecks(configuration);
  return configuration;
}

/**
 * Adds OpenID Connect sign-in to a handler class, for the provider in the `openidConnect` setting
 * (or what an overridden `getOpenIdConnectSettings()` returns):
 *
 * ```ts
 * class LoginHandler extends OpenIdConnectMixin(RequestHandler) {
 *   async get() {
 *     if (this.getArgument("code", null) === null) return this.authorizeRedirect();
 *     const user = await this.getAuthenticatedUser();
 *     this.setSignedCookie("user", user.sub);
 *     this.redirect("/");
 *   }
 * }
 * ```
 *
 * `authorizeRedirect` keeps a random `state`, `nonce` and PKCE verifier in a signed, HttpOnly,
 * SameSite=Lax cookie that lasts ten minutes (the `cookieSecret` setting is required).
 * `getAuthenticatedUser` deletes that cookie, checks `state`, exchanges the code with the verifier,
 * and checks the ID token: signature against the provider's JWKS, `iss`, `aud`, `exp`, `iat` and
 * `nonce`. Any failure is an {@link AuthError} (403; 502 when the provider cannot be reached).
 * Not in Tornado.
 */
export function OpenIdConnectMixin<TBase extends HandlerBase>(
  Base: TBase,
): MixinClass<TBase, OpenIdConnectMembers> {
  abstract class OpenIdConnectHandler extends Base implements OpenIdConnectMembers {
    /** The signed cookie that carries `state`, `nonce` and the PKCE verifier to the callback. */
    oidcFlowCookie = "_oidc_flow";

    /** The provider to sign in with: the `openidConnect` setting unless overridden. */
    getOpenIdConnectSettings(): OpenIdConnectSettings {
      return requiredSetting(
        this,
        "openidConnect",
        "({ issuer, clientId, clientSecret }) or override getOpenIdConnectSettings() to use OpenIdConnectMixin",
      );
    }

    /** Redirects the browser to the provider's sign-in page, with `state`, `nonce` and PKCE. */
    async authorizeRedirect(options: OpenIdConnectAuthorizeOptions = {}): Promise<void> {
      const settings = this.getOpenIdConnectSettings();
      const [client, configuration] = await Promise.all([
        loadOpenIdClient(),
        discoverOpenIdConnect(settings).catch((error: unknown) => {
          throw new AuthError(`OpenID Connect discovery at ${settings.issuer} failed`, {
            statusCode: 502,
            cause: error,
          });
        }),
      ]);
      const redirectUri = options.redirectUri ?? callbackUrl(this);
      const flow: LoginFlow = {
        state: randomToken(),
        nonce: randomToken(),
        codeVerifier: randomToken(),
        redirectUri,
      };
      let scope = options.scope ?? settings.scope ?? "openid email profile";
      if (!scope.split(" ").includes("openid")) scope = `openid ${scope}`;
      const url = client.buildAuthorizationUrl(configuration, {
        ...options.extraParams,
        redirect_uri: redirectUri,
        scope,
        state: flow.state,
        nonce: flow.nonce ?? "",
        code_challenge: pkceChallenge(flow.codeVerifier ?? ""),
        code_challenge_method: "S256",
      });
      saveLoginFlow(this, this.oidcFlowCookie, flow);
      this.redirect(url.href);
    }

    /**
     * On the provider's callback: checks `state` against this browser's login cookie, exchanges
     * the code (with the PKCE verifier) and returns the verified ID token's claims with the
     * tokens. Throws an {@link AuthError} on any failure.
     */
    async getAuthenticatedUser(): Promise<OpenIdConnectUser> {
      throwIfProviderError(this);
      const flow = checkedLoginFlow(this, this.oidcFlowCookie);
      const settings = this.getOpenIdConnectSettings();
      const client = await loadOpenIdClient();
      try {
        const configuration = await discoverOpenIdConnect(settings);
        // openid-client sends the callback URL without its query as `redirect_uri`: use the one
        // the authorization request named (RFC 6749 section 4.1.3: it must be identical), which
        // may differ from this request's URL behind a proxy or on another route.
        const callback = new URL(flow.redirectUri ?? this.request.fullUrl());
        callback.search = new URL(this.request.fullUrl()).search;
        const tokens = await client.authorizationCodeGrant(configuration, callback, {
          pkceCodeVerifier: flow.codeVerifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (claims === undefined || tokens.id_token === undefined) {
          throw new AuthError("the token endpoint sent no ID token");
        }
        let extra: Record<string, unknown> = {};
        if (settings.fetchUserinfo) {
          extra = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        }
        const user: OpenIdConnectUser = {
          ...extra,
          ...claims,
          access_token: tokens.access_token,
          id_token: tokens.id_token,
        };
        if (tokens.refresh_token !== undefined) user.refresh_token = tokens.refresh_token;
        return user;
      } catch (error) {
        throw openIdConnectError(error);
      }
    }
  }
  return OpenIdConnectHandler;
}

/** This request's URL without its query: the default `redirect_uri`. */
function callbackUrl(handler: RequestHandler): string {
  const url = new URL(handler.request.fullUrl());
  url.search = "";
  url.hash = "";
  return url.href;
}

// openid-client's error classes for answers it refused (as opposed to a provider it could not reach).
const REFUSALS = new Set([
  "ResponseBodyError",
  "AuthorizationResponseError",
  "WWWAuthenticateChallengeError",
  "ClientError",
  "OperationProcessingError",
  "JWTClaimValidationFailed",
  "JWSSignatureVerificationFailed",
]);

function openIdConnectError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const name = error instanceof Error ? error.name : "";
  const detail = error instanceof Error ? error.message : String(error);
  const fields: object = typeof error === "object" && error !== null ? error : {};
  const code = "code" in fields && typeof fields.code === "string" ? ` ${fields.code}` : "";
  // A token endpoint's refusal (RFC 6749 section 5.2): `invalid_grant` for a spent or unknown code.
  const description =
    "error_description" in fields && typeof fields.error_description === "string"
      ? `: ${fields.error_description}`
      : "";
  const oauthError =
    "error" in fields && typeof fields.error === "string" ? ` (${fields.error}${description})` : "";
  // openid-client words its errors generally; the check that failed is in the cause
  // (`unexpected JWT "iss" (issuer) claim value`).
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  const refused = REFUSALS.has(name);
  return new AuthError(
    `OpenID Connect sign-in refused: ${name || "error"}${code}: ${detail}${cause}${oauthError}`,
    { statusCode: refused ? 403 : 502, cause: error },
  );
}
