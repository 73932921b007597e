// Guide sample, chapter 7: cookies, signed cookies, XSRF and login (应用安全).
// Run: npx tsx server.ts, then open http://127.0.0.1:8000/home (in the tornado-ts clone:
// npx tsx docs/guide/samples/07-security/server.ts)
// #region imports
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { define, parseCommandLine } from "tornado-ts/options";
import {
  Application,
  authenticated,
  RequestHandler,
  StaticFileHandler,
  safeNextUrl,
} from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "the port to listen on" });
const BASE_DIRS = import.meta.dirname;
// #endregion

// #region cookies
class PCookieHandler extends RequestHandler {
  override get() {
    this.setCookie("sunck", "good", { expiresDays: 1 }); // Set-Cookie: sunck=good; ...
    const cookie = this.getCookie("sunck", "未登录"); // the default when there is none
    this.clearCookie("sunck"); // an expired, empty cookie
    this.write(`ok ${cookie}`);
  }
}

class SCookieHandler extends RequestHandler {
  override get() {
    // 2|1:0|10:<time>|10:zhangmanyu|8:bmljZQ==|<signature>, signed with cookieSecret
    this.setSecureCookie("zhangmanyu", "nice");
    const value = this.getSecureCookie("zhangmanyu"); // "nice", or null if forged or expired
    this.write(`ok ${value}`);
  }
}
// #endregion

// #region xsrf
class SetXSRFCookieHandler extends RequestHandler {
  override get() {
    void this.xsrfToken; // reading the token sets the _xsrf cookie
    this.finish("ok");
  }
}

// The tutorial's StaticFileHandler subclass: every static page sets _xsrf too.
class XsrfStaticFileHandler extends StaticFileHandler {
  constructor(...args: ConstructorParameters<typeof StaticFileHandler>) {
    super(...args);
    void this.xsrfToken;
  }
}
// #endregion

// #region login
class LoginHandler extends RequestHandler {
  override get() {
    // /login?next=/home: where @authenticated came from (only same-site paths are kept)
    return this.render("login.html", { url: safeNextUrl(this) });
  }

  override post() {
    const name = this.getBodyArgument("username");
    const pawd = this.getBodyArgument("passwd");
    if (name === "1" && pawd === "1") {
      // HttpOnly: page scripts cannot read it; SameSite=Lax: other sites' forms do not send it.
      this.setSecureCookie("user", name, { httpOnly: true, sameSite: "Lax" });
      this.redirect(safeNextUrl(this));
    } else {
      this.redirect(`/login?next=${encodeURIComponent(safeNextUrl(this))}`);
    }
  }
}

class HomeHandler extends RequestHandler {
  // Who is signed in: here, the signed "user" cookie. Falsy: nobody.
  override getCurrentUser() {
    return this.getSecureCookie("user");
  }

  @authenticated // nobody signed in: redirect to loginUrl?next=/home
  override get() {
    return this.render("home.html", { user: this.currentUser });
  }
}
// #endregion

// #region settings
parseCommandLine();
const app = new Application(
  [
    ["/pcookie", PCookieHandler],
    ["/scookie", SCookieHandler],
    ["/setxsrfcookie", SetXSRFCookieHandler],
    ["/login", LoginHandler],
    ["/home", HomeHandler],
    [
      "/(.*)$",
      XsrfStaticFileHandler,
      { path: join(BASE_DIRS, "static/html"), defaultFilename: "index.html" },
    ],
  ],
  {
    // The key that signs cookies: set COOKIE_SECRET to keep logins across restarts. Never put
    // the secret in the source: anyone who reads it can sign "user=admin".
    cookieSecret: process.env["COOKIE_SECRET"] ?? randomBytes(32).toString("hex"),
    xsrfCookies: true, // POST, PUT, PATCH, DELETE need the _xsrf token
    loginUrl: "/login", // where @authenticated sends anonymous users
    templatePath: join(BASE_DIRS, "templates"),
  },
);
const server = await app.listen(port.value, "127.0.0.1");
console.log(`Listening on http://127.0.0.1:${server.port}/`);
// #endregion
