// Sign-in with OpenID Connect, beyond the tutorial: `/login/oidc` sends the visitor to the
// provider in the `openidConnect` setting (config.ts fills it from OIDC_ISSUER; `npm run dev:oidc`
// starts a development provider beside the application) and, on the way back, signs them in with
// the same signed `user` cookie as the tutorial's login form, so /home greets them.
import { OpenIdConnectMixin } from "tornado-ts/auth";
import { HTTPError } from "tornado-ts/web";
import { BaseHandler } from "./base.ts";

// #region oidc-login
/** `/login/oidc`: the redirect to the provider, then its callback. */
export class OidcLoginHandler extends OpenIdConnectMixin(BaseHandler) {
  override async get() {
    if (this.settings.openidConnect === undefined) {
      throw new HTTPError(
        404,
        "no OpenID Connect provider: set OIDC_ISSUER or run npm run dev:oidc",
      );
    }
    if (this.getArgument("code", null) === null && this.getArgument("error", null) === null) {
      await this.authorizeRedirect();
      return;
    }
    const user = await this.getAuthenticatedUser();
    this.setSignedCookie("user", user.name ?? user.email ?? user.sub, {
      expiresDays: 1,
      httpOnly: true,
      sameSite: "Lax",
      secure: this.request.protocol === "https",
    });
    this.redirect("/home");
  }
}
// #endregion
