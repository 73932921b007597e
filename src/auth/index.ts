/**
 * Sign-in with third-party providers (Tornado's `tornado.auth`): OAuth 2.0 (`OAuth2Mixin`, Google,
 * Facebook, GitHub), OpenID Connect with discovery, PKCE and verified ID tokens
 * (`OpenIdConnectMixin`), OAuth 1.0a (`OAuthMixin`, Twitter) and OpenID 2.0 (`OpenIdMixin`).
 *
 * Each mixin is a function that takes a handler class and returns a subclass with the sign-in
 * methods, so it composes with your own base handler:
 *
 * ```ts
 * import { GoogleOAuth2Mixin } from "tornado-ts/auth";
 * import { RequestHandler } from "tornado-ts/web";
 *
 * class GoogleLoginHandler extends GoogleOAuth2Mixin(RequestHandler) {
 *   async get() {
 *     if (this.getArgument("code", null) === null) {
 *       return this.authorizeRedirect({
 *         redirectUri: "https://example.com/auth/google",
 *         clientId: this.settings.googleOauth?.key,
 *         scope: ["openid", "email", "profile"],
 *       });
 *     }
 *     const token = await this.getAuthenticatedUser();
 *     const user = await this.oauth2Request(this.oauthUserinfoUrl, { accessToken: token.access_token });
 *     // ... this.setSignedCookie("user", ...); this.redirect("/");
 *   }
 * }
 * ```
 *
 * Tornado's `_OAUTH_*` class attributes are instance fields here (`oauthAuthorizeUrl`, ...), its
 * `_oauth_*` hooks are methods (`oauthConsumerToken()`, `oauthGetUserFuture()`), and its settings
 * are camelCase (`googleOauth`, `facebookApiKey`, `twitterConsumerKey`, ...).
 * @module tornado-ts/auth
 */
export {
  AuthError,
  type AuthErrorOptions,
  type HandlerBase,
  LOGIN_FLOW_MAX_AGE_SECONDS,
  type LoginFlow,
  type MixinClass,
} from "./common.ts";
export {
  type OAuth1AuthorizeOptions,
  type OAuth1Token,
  type OAuth1UserOptions,
  type OAuthMembers,
  OAuthMixin,
  oauthEscape,
  oauthSignature,
  parseOAuthToken,
  type TwitterMembers,
  TwitterMixin,
  type TwitterRequestOptions,
} from "./oauth1.ts";
export {
  type OAuth2AuthorizeOptions,
  type OAuth2Members,
  OAuth2Mixin,
  type OAuth2RequestOptions,
  type OAuth2Token,
  type OAuth2TokenOptions,
} from "./oauth2.ts";
export { type OpenIdMembers, OpenIdMixin, type OpenIdUser } from "./openid.ts";
export {
  discoverOpenIdConnect,
  type OpenIdConnectAuthorizeOptions,
  type OpenIdConnectMembers,
  OpenIdConnectMixin,
  type OpenIdConnectSettings,
  type OpenIdConnectUser,
} from "./openid-connect.ts";
export {
  type FacebookAuthenticatedUserOptions,
  type FacebookGraphMembers,
  FacebookGraphMixin,
  type FacebookUser,
  type GitHubAuthenticatedUserOptions,
  type GitHubOAuth2Members,
  GitHubOAuth2Mixin,
  type GitHubUser,
  type GoogleAuthenticatedUserOptions,
  type GoogleOAuth2Members,
  GoogleOAuth2Mixin,
  type OAuthClientSettings,
} from "./providers.ts";
