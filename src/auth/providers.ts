/**
 * Sign-in with Google, Facebook and GitHub: OAuth 2.0 mixins with each provider's endpoints
 * (Tornado's `GoogleOAuth2Mixin` and `FacebookGraphMixin`; GitHub is not in Tornado).
 * @module
 */
import { createHmac } from "node:crypto";
import { isPlainObject } from "../python.ts";
import { AuthError, type HandlerBase, type MixinClass, requiredSetting } from "./common.ts";
import {
  type OAuth2Members,
  OAuth2Mixin,
  type OAuth2RequestOptions,
  type OAuth2Token,
} from "./oauth2.ts";

/** A client id and secret, as the `googleOauth` and `githubOauth` settings hold them. */
export interface OAuthClientSettings {
  /** The client id. */
  key: string;
  /** The client secret. */
  secret: string;
}

declare module "../web/application.ts" {
  interface ApplicationSettings {
    /** Google's OAuth client, for `GoogleOAuth2Mixin` (Tornado's `google_oauth`). */
    googleOauth?: OAuthClientSettings;
    /** GitHub's OAuth app, for `GitHubOAuth2Mixin`. */
    githubOauth?: OAuthClientSettings;
    /** Facebook's app id, for `FacebookGraphMixin` (Tornado's `facebook_api_key`). */
    facebookApiKey?: string;
    /** Facebook's app secret, for `FacebookGraphMixin` (Tornado's `facebook_secret`). */
    facebookSecret?: string;
  }
}

/**
 * `getAccessToken` with the client id and secret of `options`, or else of `settings()` (asked only
 * when one of the two is missing): the code exchange of Google's and GitHub's mixins.
 */
function exchangeCode(
  handler: OAuth2Members,
  options: GoogleAuthenticatedUserOptions,
  settings: () => OAuthClientSettings,
): Promise<OAuth2Token> {
  const client =
    options.clientId === undefined || options.clientSecret === undefined ? settings() : undefined;
  return handler.getAccessToken({
    redirectUri: options.redirectUri,
    code: options.code,
    clientId: options.clientId ?? client?.key,
    clientSecret: options.clientSecret ?? client?.secret,
  });
}

/** Arguments of `GoogleOAuth2Mixin.getAuthenticatedUser`. */
export interface GoogleAuthenticatedUserOptions {
  /** The `redirect_uri` given to `authorizeRedirect` (default: the one kept in the login cookie). */
  redirectUri?: string;
  /** The authorization code (default: the request's `code` argument). */
  code?: string;
  /** The client id (default: the `googleOauth` setting's `key`). */
  clientId?: string;
  /** The client secret (default: the `googleOauth` setting's `secret`). */
  clientSecret?: string;
}

/** What {@link GoogleOAuth2Mixin} adds to a handler class, besides {@link OAuth2Members}. */
export interface GoogleOAuth2Members extends OAuth2Members {
  /** Google's user-info endpoint (Tornado's `_OAUTH_USERINFO_URL`). */
  oauthUserinfoUrl: string;
  /** The setting that holds the client (Tornado's `_OAUTH_SETTINGS_KEY`): `googleOauth`. */
  oauthSettingsKey: "googleOauth";
  /** The `googleOauth` setting; throws a `MissingSettingError` when it is not set. */
  getGoogleOauthSettings(): OAuthClientSettings;
  /**
   * Exchanges the callback's code for Google's tokens (Tornado's `get_authenticated_user`), after
   * the `state` check; see `getAccessToken`.
   */
  getAuthenticatedUser(options?: GoogleAuthenticatedUserOptions): Promise<OAuth2Token>;
}

/**
 * Sign-in with Google (Tornado's `tornado.auth.GoogleOAuth2Mixin`), configured by the `googleOauth`
 * setting (`{ key, secret }`). `getAuthenticatedUser` returns the token response (with
 * `access_token` and, for the `openid` scope, `id_token`); fetch the profile with
 * `oauth2Request(this.oauthUserinfoUrl, { accessToken })`. For verified identity claims prefer
 * {@link OpenIdConnectMixin} with the issuer `https://accounts.google.com`.
 */
export function GoogleOAuth2Mixin<TBase extends HandlerBase>(
  Base: TBase,
): MixinClass<TBase, GoogleOAuth2Members> {
  abstract class GoogleOAuth2Handler extends OAuth2Mixin(Base) implements GoogleOAuth2Members {
    override oauthAuthorizeUrl = "https://accounts.google.com/o/oauth2/v2/auth";
    override oauthAccessTokenUrl = "https://www.googleapis.com/oauth2/v4/token";
    /** Google's user-info endpoint (Tornado's `_OAUTH_USERINFO_URL`). */
    oauthUserinfoUrl = "https://www.googleapis.com/oauth2/v1/userinfo";
    /** The setting that holds the client (Tornado's `_OAUTH_SETTINGS_KEY`). */
    oauthSettingsKey = "googleOauth" as const;

    /** The `googleOauth` setting; throws a `MissingSettingError` when it is not set. */
    getGoogleOauthSettings(): OAuthClientSettings {
      return requiredSetting(
        this,
        this.oauthSettingsKey,
        "({ key, secret }) to use GoogleOAuth2Mixin",
      );
    }

    /**
     * Exchanges the callback's code for Google's tokens (Tornado's `get_authenticated_user`),
     * after the `state` check; see `getAccessToken`.
     */
    async getAuthenticatedUser(options: GoogleAuthenticatedUserOptions = {}): Promise<OAuth2Token> {
      return exchangeCode(this, options, () => this.getGoogleOauthSettings());
    }
  }
  return GoogleOAuth2Handler;
}

/** Arguments of `FacebookGraphMixin.getAuthenticatedUser` (Tornado's, camelCase). */
export interface FacebookAuthenticatedUserOptions {
  /** The `redirect_uri` given to `authorizeRedirect` (default: the one kept in the login cookie). */
  redirectUri?: string;
  /** The app id (default: the `facebookApiKey` setting). */
  clientId?: string;
  /** The app secret (default: the `facebookSecret` setting). */
  clientSecret?: string;
  /** The authorization code (default: the request's `code` argument). */
  code?: string;
  /** Profile fields to ask for besides `id`, `name`, `first_name`, `last_name`, `locale`, `picture`, `link`. */
  extraFields?: readonly string[];
}

/** The user `FacebookGraphMixin.getAuthenticatedUser` returns: the profile fields and the token. */
export interface FacebookUser {
  /** The access token, for `facebookRequest`. */
  access_token: string;
  /** Seconds until the token expires, as a string (as Tornado returns it). */
  session_expires: string;
  /** The user's Facebook id. */
  id?: string;
  /** The user's name. */
  name?: string;
  /** The other profile fields asked for. */
  [field: string]: unknown;
}

const FACEBOOK_FIELDS = ["id", "name", "first_name", "last_name", "locale", "picture", "link"];

/** What {@link FacebookGraphMixin} adds to a handler class, besides {@link OAuth2Members}. */
export interface FacebookGraphMembers extends OAuth2Members {
  /** The Graph API's base URL (Tornado's `_FACEBOOK_BASE_URL`). */
  facebookBaseUrl: string;
  /**
   * Exchanges the callback's code for a token and fetches the user's profile (Tornado's
   * `get_authenticated_user`): the profile fields (`null` when Facebook returns none) plus
   * `access_token` and `session_expires`.
   */
  getAuthenticatedUser(options?: FacebookAuthenticatedUserOptions): Promise<FacebookUser | null>;
  /**
   * Calls the Graph API at `path` (relative to `facebookBaseUrl`, e.g. `/me/feed`) and returns
   * its JSON (Tornado's `facebook_request`); `postArgs` makes it a POST.
   */
  facebookRequest(path: string, options?: OAuth2RequestOptions): Promise<unknown>;
}

/**
 * Sign-in with Facebook and calls to its Graph API (Tornado's `tornado.auth.FacebookGraphMixin`),
 * with the app in the `facebookApiKey` and `facebookSecret` settings.
 */
export function FacebookGraphMixin<TBase extends HandlerBase>(
  Base: TBase,
): MixinClass<TBase, FacebookGraphMembers> {
  abstract class FacebookGraphHandler extends OAuth2Mixin(Base) implements FacebookGraphMembers {
    override oauthAuthorizeUrl = "https://www.facebook.com/dialog/oauth";
    override oauthAccessTokenUrl = "https://graph.facebook.com/oauth/access_token";
    /** The Graph API's base URL (Tornado's `_FACEBOOK_BASE_URL`). */
    facebookBaseUrl = "https://graph.facebook.com";

    /**
     * Exchanges the callback's code for a token and fetches the user's profile (Tornado's
     * `get_authenticated_user`): the profile fields (`null` when Facebook returns none) plus
     * `access_token` and `session_expires`.
     */
    async getAuthenticatedUser(
      options: FacebookAuthenticatedUserOptions = {},
    ): Promise<FacebookUser | null> {
      const clientSecret = options.clientSecret ?? this.settings.facebookSecret;
      const session = await this.getAccessToken({
        redirectUri: options.redirectUri,
        clientId: options.clientId ?? this.settings.facebookApiKey,
        clientSecret,
        code: options.code,
        method: "GET",
      });
      const fields = [...new Set([...FACEBOOK_FIELDS, ...(options.extraFields ?? [])])];
      const args: Record<string, string> = { fields: fields.join(",") };
      // Graph API calls signed with the app secret (appsecret_proof), as Tornado sends them.
      if (clientSecret !== undefined) {
        args.appsecret_proof = createHmac("sha256", clientSecret)
          .update(session.access_token)
          .digest("hex");
      }
      const user = await this.facebookRequest("/me", {
        accessToken: session.access_token,
        args,
      });
      if (!isPlainObject(user)) return null;
      const result: FacebookUser = {
        access_token: session.access_token,
        session_expires: String(session.expires_in),
      };
      for (const field of fields) {
        if (field !== "access_token" && field !== "session_expires") {
          result[field] = user[field] ?? null;
        }
      }
      return result;
    }

    /**
     * Calls the Graph API at `path` (relative to `facebookBaseUrl`, e.g. `/me/feed`) and returns
     * its JSON (Tornado's `facebook_request`); `postArgs` makes it a POST.
     */
    async facebookRequest(path: string, options: OAuth2RequestOptions = {}): Promise<unknown> {
      return this.oauth2Request(this.facebookBaseUrl + path, options);
    }
  }
  return FacebookGraphHandler;
}

/** Arguments of `GitHubOAuth2Mixin.getAuthenticatedUser`. */
export interface GitHubAuthenticatedUserOptions extends GoogleAuthenticatedUserOptions {}

/** The user `GitHubOAuth2Mixin.getAuthenticatedUser` returns: GitHub's `/user` answer and the token. */
export interface GitHubUser {
  /** The user's numeric id: the key to store the account under (logins can be renamed). */
  id: number;
  /** The user's login name. */
  login: string;
  /** The display name, when set. */
  name?: string | null;
  /** The public e-mail address, when set. */
  email?: string | null;
  /** The avatar's URL. */
  avatar_url?: string;
  /** The access token, for `githubRequest`. */
  access_token: string;
  /** GitHub's other profile fields. */
  [field: string]: unknown;
}

type GitHubProfile = { id: number; login: string; [field: string]: unknown };

function isGitHubProfile(value: unknown): value is GitHubProfile {
  return isPlainObject(value) && typeof value.id === "number" && typeof value.login === "string";
}

/** What {@link GitHubOAuth2Mixin} adds to a handler class, besides {@link OAuth2Members}. */
export interface GitHubOAuth2Members extends OAuth2Members {
  /** GitHub's REST API base URL (`https://api.github.com`). */
  githubApiUrl: string;
  /** The `githubOauth` setting; throws a `MissingSettingError` when it is not set. */
  getGitHubOauthSettings(): OAuthClientSettings;
  /** Exchanges the callback's code for a token and fetches the user's `/user` profile. */
  getAuthenticatedUser(options?: GitHubAuthenticatedUserOptions): Promise<GitHubUser>;
  /** Calls GitHub's REST API at `path` (e.g. `/user/emails`) and returns its JSON. */
  githubRequest(path: string, options?: OAuth2RequestOptions): Promise<unknown>;
}

/**
 * Sign-in with GitHub (an OAuth app, configured by the `githubOauth` setting, `{ key, secret }`).
 * `getAuthenticatedUser` returns GitHub's `/user` profile with the `access_token`. Not in Tornado,
 * whose users write it themselves on `OAuth2Mixin`.
 */
export function GitHubOAuth2Mixin<TBase extends HandlerBase>(
  Base: TBase,
): MixinClass<TBase, GitHubOAuth2Members> {
  abstract class GitHubOAuth2Handler extends OAuth2Mixin(Base) implements GitHubOAuth2Members {
    override oauthAuthorizeUrl = "https://github.com/login/oauth/authorize";
    override oauthAccessTokenUrl = "https://github.com/login/oauth/access_token";
    /** GitHub's REST API base URL. */
    githubApiUrl = "https://api.github.com";

    /** The `githubOauth` setting; throws a `MissingSettingError` when it is not set. */
    getGitHubOauthSettings(): OAuthClientSettings {
      return requiredSetting(this, "githubOauth", "({ key, secret }) to use GitHubOAuth2Mixin");
    }

    /** Exchanges the callback's code for a token and fetches the user's `/user` profile. */
    async getAuthenticatedUser(options: GitHubAuthenticatedUserOptions = {}): Promise<GitHubUser> {
      const token = await exchangeCode(this, options, () => this.getGitHubOauthSettings());
      const user = await this.githubRequest("/user", { accessToken: token.access_token });
      if (!isGitHubProfile(user)) {
        throw new AuthError("GitHub's /user answer has no numeric id and login", {
          statusCode: 502,
        });
      }
      return { ...user, access_token: token.access_token };
    }

    /** Calls GitHub's REST API at `path` (e.g. `/user/emails`) and returns its JSON. */
    async githubRequest(path: string, options: OAuth2RequestOptions = {}): Promise<unknown> {
      return this.oauth2Request(this.githubApiUrl + path, {
        ...options,
        headers: {
          Accept: "application/vnd.github+json",
          "X-GitHub-Api-Version": "2022-11-28",
          ...options.headers,
        },
      });
    }
  }
  return GitHubOAuth2Handler;
}
