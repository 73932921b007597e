// Guide sample, chapter 12: sign-in with OpenID Connect, Google and GitHub (tornado-ts/auth).
// Run: npx tsx server.ts --oidc-issuer=https://accounts.google.com --oidc-client-id=...
// --oidc-client-secret=..., then open http://127.0.0.1:8000/ (in the tornado-ts clone:
// npx tsx docs/guide/samples/12-sign-in/server.ts). Register http://127.0.0.1:8000/login/oidc
// as the redirect URI at the provider.
// #region imports
import { randomBytes } from "node:crypto";
import { GitHubOAuth2Mixin, OpenIdConnectMixin } from "tornado-ts/auth";
import { define, parseCommandLine } from "tornado-ts/options";
import { Application, authenticated, HTTPError, RequestHandler } from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "the port to listen on" });
const oidcIssuer = define("oidc_issuer", { default: "", help: "the OpenID Connect issuer URL" });
const oidcClientId = define("oidc_client_id", { default: "", help: "the client id there" });
const oidcClientSecret = define("oidc_client_secret", { default: "", help: "its secret" });
const githubKey = define("github_key", { default: "", help: "a GitHub OAuth app's client id" });
const githubSecret = define("github_secret", { default: "", help: "and its secret" });
// #endregion

// #region base
/** The signed-in user lives in a signed cookie, as in chapter 7. */
class BaseHandler extends RequestHandler {
  override getCurrentUser(): string | null {
    return this.getSignedCookie("user");
  }

  /** Signs `name` in: HttpOnly, SameSite=Lax, a day long. */
  signIn(name: string): void {
    this.setSignedCookie("user", name, { expiresDays: 1, httpOnly: true, sameSite: "Lax" });
  }
}
// #endregion

// #region oidc
class OidcLoginHandler extends OpenIdConnectMixin(BaseHandler) {
  override async get() {
    if (this.getArgument("code", null) === null && this.getArgument("error", null) === null) {
      // To the provider, with state, nonce and PKCE kept in a signed ten-minute cookie.
      return this.authorizeRedirect();
    }
    // Back from the provider: state checked, code exchanged, ID token verified.
    const user = await this.getAuthenticatedUser();
    this.signIn(user.email ?? user.sub);
    this.redirect("/");
  }
}
// #endregion

// #region github
class GitHubLoginHandler extends GitHubOAuth2Mixin(BaseHandler) {
  override async get() {
    if (this.settings.githubOauth === undefined) throw new HTTPError(404);
    if (this.getArgument("code", null) === null) {
      return this.authorizeRedirect({
        redirectUri: new URL("/login/github", this.request.fullUrl()).href,
        clientId: this.settings.githubOauth.key,
        scope: ["read:user"],
      });
    }
    const user = await this.getAuthenticatedUser(); // GitHub's /user, with access_token
    this.signIn(user.login);
    this.redirect("/");
  }
}
// #endregion

// #region pages
class HomeHandler extends BaseHandler {
  @authenticated // nobody signed in: to /login
  override get() {
    this.write(`<p id="user">Signed in as ${this.currentUser}</p>`);
  }
}

class LoginPageHandler extends BaseHandler {
  override get() {
    this.write(
      '<p><a id="oidc" href="/login/oidc">Sign in with OpenID Connect</a></p>' +
        '<p><a id="github" href="/login/github">Sign in with GitHub</a></p>',
    );
  }
}
// #endregion

// #region settings
parseCommandLine();
const app = new Application(
  [
    ["/", HomeHandler],
    ["/login", LoginPageHandler],
    ["/login/oidc", OidcLoginHandler],
    ["/login/github", GitHubLoginHandler],
  ],
  {
    // Signs the user cookie and the login cookie that carries state, nonce and PKCE.
    cookieSecret: process.env["COOKIE_SECRET"] ?? randomBytes(32).toString("hex"),
    loginUrl: "/login",
    openidConnect: {
      issuer: oidcIssuer.value,
      clientId: oidcClientId.value,
      clientSecret: oidcClientSecret.value || undefined,
      // An http:// issuer is accepted only on this machine (a development provider).
      allowInsecureRequests: true,
    },
    githubOauth: githubKey.value ? { key: githubKey.value, secret: githubSecret.value } : undefined,
  },
);
const server = await app.listen(port.value, "127.0.0.1");
console.log(`Listening on http://127.0.0.1:${server.port}/`);
// #endregion
