/**
 * OpenID 2.0 sign-in with Attribute Exchange (Tornado's `OpenIdMixin`), for the providers that
 * still speak it. New code should use OpenID Connect ({@link OpenIdConnectMixin}).
 * @module
 */
import type { AsyncHTTPClient } from "../httpclient.ts";
import { urlConcat } from "../httputil/body.ts";
import type { RequestHandler } from "../web/request-handler.ts";
import {
  AuthError,
  defaultAuthHttpClient,
  type HandlerBase,
  type MixinClass,
  providerError,
} from "./common.ts";

const OPENID_NS = "http://specs.openid.net/auth/2.0";
const IDENTIFIER_SELECT = "http://specs.openid.net/auth/2.0/identifier_select";
const AX_NS = "http://openid.net/srv/ax/1.0";
const AX_TYPES: Record<string, string> = {
  email: "http://axschema.org/contact/email",
  language: "http://axschema.org/pref/language",
  username: "http://axschema.org/namePerson/friendly",
};

/** The user `OpenIdMixin.getAuthenticatedUser` returns: what the provider's attributes gave. */
export interface OpenIdUser {
  /** The full name, else first and last name, else the e-mail's local part. */
  name?: string;
  /** The first name. */
  first_name?: string;
  /** The last name. */
  last_name?: string;
  /** The e-mail address. */
  email?: string;
  /** The preferred language, lower case (`en-us`). */
  locale?: string;
  /** The nickname. */
  username?: string;
  /** The OpenID identifier the provider vouched for. */
  claimed_id?: string;
}

/** What {@link OpenIdMixin} adds to a handler class. */
export interface OpenIdMembers {
  /** The provider's OpenID endpoint (Tornado's `_OPENID_ENDPOINT`). */
  openidEndpoint: string;
  /** The HTTP client for the provider (Tornado's `get_auth_http_client`). */
  getAuthHttpClient(): AsyncHTTPClient;
  /**
   * Redirects to the provider to sign in (Tornado's `authenticate_redirect`), asking for the
   * attributes in `axAttrs` (`name`, `email`, `language`, `username`); the browser comes back to
   * `callbackUri` (default: this request's URI).
   */
  authenticateRedirect(callbackUri?: string, axAttrs?: readonly string[]): void;
  /**
   * On the provider's return, asks the provider to confirm the signed answer
   * (`check_authentication`) and returns the user's attributes (Tornado's
   * `get_authenticated_user`). Throws an {@link AuthError} when the provider does not confirm it.
   */
  getAuthenticatedUser(httpClient?: AsyncHTTPClient): Promise<OpenIdUser>;
}

/**
 * Adds OpenID 2.0 sign-in to a handler class (Tornado's `tornado.auth.OpenIdMixin`): set
 * `openidEndpoint` to the provider's endpoint. `authenticateRedirect()` sends the browser there;
 * on its return, `getAuthenticatedUser()` has the provider confirm the answer
 * (`check_authentication`) and returns the user's attributes.
 */
export function OpenIdMixin<TBase extends HandlerBase>(
  Base: TBase,
): MixinClass<TBase, OpenIdMembers> {
  abstract class OpenIdHandler extends Base implements OpenIdMembers {
    /** The provider's OpenID endpoint (Tornado's `_OPENID_ENDPOINT`). */
    openidEndpoint = "";

    /** The HTTP client for the provider (Tornado's `get_auth_http_client`). */
    getAuthHttpClient(): AsyncHTTPClient {
      return defaultAuthHttpClient();
    }

    /**
     * Redirects to the provider to sign in (Tornado's `authenticate_redirect`), asking for the
     * attributes in `axAttrs` (`name`, `email`, `language`, `username`); the browser comes back to
     * `callbackUri` (default: this request's URI).
     */
    authenticateRedirect(
      callbackUri?: string,
      axAttrs: readonly string[] = ["name", "email", "language", "username"],
    ): void {
      const returnTo = new URL(callbackUri ?? this.request.uri, this.request.fullUrl()).toString();
      const args: Record<string, string> = {
        "openid.ns": OPENID_NS,
        "openid.claimed_id": IDENTIFIER_SELECT,
        "openid.identity": IDENTIFIER_SELECT,
        "openid.return_to": returnTo,
        "openid.realm": new URL("/", returnTo).toString(),
        "openid.mode": "checkid_setup",
      };
      if (axAttrs.length > 0) {
        args["openid.ns.ax"] = AX_NS;
        args["openid.ax.mode"] = "fetch_request";
        const required: string[] = [];
        const wanted = new Set(axAttrs);
        if (wanted.has("name")) {
          for (const part of ["name", "firstname", "fullname", "lastname"]) wanted.delete(part);
          args["openid.ax.type.firstname"] = "http://axschema.org/namePerson/first";
          args["openid.ax.type.fullname"] = "http://axschema.org/namePerson";
          args["openid.ax.type.lastname"] = "http://axschema.org/namePerson/last";
          required.push("firstname", "fullname", "lastname");
        }
        for (const name of wanted) {
          const type = AX_TYPES[name];
          if (type === undefined) throw new Error(`Unknown OpenID attribute ${name}`);
          args[`openid.ax.type.${name}`] = type;
          required.push(name);
        }
        args["openid.ax.required"] = required.join(",");
      }
      this.redirect(urlConcat(this.openidEndpoint, args));
    }

    /**
     * On the provider's return, asks the provider to confirm the signed answer
     * (`check_authentication`) and returns the user's attributes (Tornado's
     * `get_authenticated_user`). Throws an {@link AuthError} when the provider does not confirm it.
     */
    async getAuthenticatedUser(httpClient?: AsyncHTTPClient): Promise<OpenIdUser> {
      const args: Record<string, string> = {};
      for (const name of Object.keys(this.request.arguments)) {
        const values = this.getArguments(name, false);
        const last = values[values.length - 1];
        if (last !== undefined) args[name] = last;
      }
      args["openid.mode"] = "check_authentication";
      let body: string;
      try {
        const response = await (httpClient ?? this.getAuthHttpClient()).fetch(this.openidEndpoint, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(args).toString(),
        });
        body = response.body.toString("utf8");
      } catch (error) {
        throw providerError("the OpenID check_authentication request", error);
      }
      if (!body.includes("is_valid:true")) {
        throw new AuthError(`Invalid OpenID response: ${body.slice(0, 200)}`);
      }
      return openIdAttributes(this);
    }
  }
  return OpenIdHandler;
}

function openIdAttributes(handler: RequestHandler): OpenIdUser {
  const names = Object.keys(handler.request.arguments);
  const axPrefix = names.find(
    (name) => name.startsWith("openid.ns.") && handler.getArgument(name) === AX_NS,
  );
  const ax = axPrefix?.slice("openid.ns.".length);
  const attribute = (uri: string): string => {
    if (!ax) return "";
    const typePrefix = `openid.${ax}.type.`;
    const typeName = names.find(
      (name) => name.startsWith(typePrefix) && handler.getArgument(name) === uri,
    );
    if (typeName === undefined) return "";
    return handler.getArgument(`openid.${ax}.value.${typeName.slice(typePrefix.length)}`, "");
  };
  const email = attribute("http://axschema.org/contact/email");
  const name = attribute("http://axschema.org/namePerson");
  const firstName = attribute("http://axschema.org/namePerson/first");
  const lastName = attribute("http://axschema.org/namePerson/last");
  const username = attribute("http://axschema.org/namePerson/friendly");
  const locale = attribute("http://axschema.org/pref/language").toLowerCase();
  const user: OpenIdUser = {};
  if (firstName) user.first_name = firstName;
  if (lastName) user.last_name = lastName;
  const fullName = [firstName, lastName].filter(Boolean).join(" ");
  if (name) user.name = name;
  else if (fullName) user.name = fullName;
  else if (email) user.name = email.split("@")[0];
  if (email) user.email = email;
  if (locale) user.locale = locale;
  if (username) user.username = username;
  const claimedId = handler.getArgument("openid.claimed_id", null);
  if (claimedId) user.claimed_id = claimedId;
  return user;
}
