// The tutorial's 应用安全 chapter (project04 views/index.py): plain and signed cookies, the cookie
// counter, the XSRF token outside templates, login with `next` in front of a protected page, and
// the StaticFileHandler subclass that hands every visitor an `_xsrf` cookie.
import { urlConcat } from "tornado-ts/httputil";
import type { Locale } from "tornado-ts/locale";
import {
  authenticated,
  type ErrorInfo,
  safeNextUrl,
  StaticFileHandler as TornadoStaticFileHandler,
} from "tornado-ts/web";
import { BaseHandler, chosenLocale, writeErrorPage } from "./base.ts";

/** The tutorial's account: user `1`, password `1`. */
export const DEMO_USER = { username: "1", passwd: "1" };

/** `/pcookie`: `setCookie('sunck', 'good')`, a plain cookie (`Set-Cookie: sunck=good; Path=/`). */
export class PCookieHandler extends BaseHandler {
  override get() {
    this.setCookie("sunck", "good");
    return this.renderMessage(
      "A plain cookie",
      'setCookie("sunck", "good") adds a Set-Cookie header; the browser sends the cookie back with every request. Read it at /getpcookie.',
      "ok",
      [["Set-Cookie", "sunck=good; Path=/"]],
    );
  }
}

/** `/getpcookie`: `getCookie('sunck', '未登录')`, the default when the browser sent none. */
export class GetPCookieHandler extends BaseHandler {
  override get() {
    const cookie = this.getCookie("sunck", "未登录");
    return this.renderMessage(
      "Reading a cookie",
      'getCookie("sunck", "未登录") reads the cookie the browser sent, or the default when there is none. Set it at /pcookie, clear it at /clearpcookie.',
      "ok",
      [["sunck", cookie]],
    );
  }
}

/** `/clearpcookie`: `clearCookie('sunck')`: an empty value that has already expired. */
export class ClearPCookieHandler extends BaseHandler {
  override get() {
    this.clearCookie("sunck");
    return this.renderMessage(
      "Clearing a cookie",
      'clearCookie("sunck") sends the cookie again, empty and already expired, so the browser drops it.',
      "ok",
      [["Set-Cookie", "sunck=; expires in the past"]],
    );
  }
}

/** `/scookie`: `setSecureCookie('zhangmanyu', 'nice')`, signed with `cookieSecret`. */
export class SCookieHandler extends BaseHandler {
  override get() {
    this.setSecureCookie("zhangmanyu", "nice");
    return this.renderMessage(
      "A signed cookie",
      'setSecureCookie("zhangmanyu", "nice") signs the value with the cookieSecret setting: anyone can read it, nobody can change it unnoticed. Read it at /getscookie.',
      "ok",
      [["zhangmanyu", "2|1:0|<timestamp>|10:zhangmanyu|8:bmljZQ==|<signature>"]],
    );
  }
}

/** `/getscookie`: `getSecureCookie('zhangmanyu')`: `nice`, or nothing if missing or tampered with. */
export class GetSCookieHandler extends BaseHandler {
  override get() {
    const scookie = this.getSecureCookie("zhangmanyu");
    return this.renderMessage(
      "Reading a signed cookie",
      'getSecureCookie("zhangmanyu") checks the signature: the value when it holds, None when the cookie is missing or was tampered with.',
      "ok",
      [["zhangmanyu", scookie ?? "None"]],
    );
  }
}

/** `/cookienum`: counts this browser's visits in the `count` cookie (第8次访问). */
export class CookieNumHandler extends BaseHandler {
  override get() {
    const previous = Number.parseInt(this.getCookie("count", ""), 10);
    const count = Number.isNaN(previous) ? 1 : previous + 1;
    this.setCookie("count", String(count));
    return this.render("cookienum.html", { count });
  }
}

/**
 * `/setxsrfcookie`: reading `xsrfToken` sets the `_xsrf` cookie, for pages that post by script
 * (the tutorial answers `ok`; here, a page that says so).
 */
export class SetXSRFCookieHandler extends BaseHandler {
  override get() {
    const token = this.xsrfToken;
    return this.renderMessage(
      "The _xsrf cookie",
      "Reading xsrfToken sets the _xsrf cookie. A page that posts from a script reads this cookie and sends it back in the body or in the X-XSRFToken header, as the static page's buttons do.",
      "ok",
      [["_xsrf", token]],
    );
  }
}

/**
 * `/login`: GET shows the form, which posts back to `/login?next=<where the user was going>`.
 * POST checks the account; on success it signs the user in (a signed `user` cookie) and sends
 * them on to `next`, otherwise back to the form. `next` must stay on this site (`safeNextUrl`):
 * the tutorial redirects to any `next`, which lets a crafted link send users elsewhere. The login
 * cookie is HttpOnly (no script reads it), SameSite=Lax (other sites' forms do not carry it) and
 * Secure over HTTPS.
 */
// #region login
export class LoginHandler extends BaseHandler {
  override get() {
    const next = safeNextUrl(this);
    const failed = this.getQueryArgument("failed", "") === "1";
    return this.render("login.html", { url: next, failed });
  }

  override post() {
    const name = this.getBodyArgument("username", "");
    const pawd = this.getBodyArgument("passwd", "");
    const next = safeNextUrl(this);
    if (name === DEMO_USER.username && pawd === DEMO_USER.passwd) {
      this.setSecureCookie("user", name, {
        expiresDays: 1,
        httpOnly: true,
        sameSite: "Lax",
        secure: this.request.protocol === "https",
      });
      this.redirect(next);
    } else {
      this.redirect(urlConcat("/login", { next, failed: "1" }));
    }
  }
}
// #endregion

/** `/logout` (POST): forgets the signed-in user. */
export class LogoutHandler extends BaseHandler {
  override post() {
    this.clearCookie("user", { httpOnly: true, sameSite: "Lax" });
    this.redirect("/home");
  }
}

/**
 * `/home`: the protected page. `getCurrentUser` decides who is signed in (here, the signed `user`
 * cookie; the tutorial reads a `flag` query argument); `@authenticated` sends everyone else to
 * `loginUrl?next=/home`.
 */
// #region home
export class HomeHandler extends BaseHandler {
  override getCurrentUser() {
    return this.getSecureCookie("user");
  }

  @authenticated
  override get() {
    return this.render("welcome.html");
  }
}
// #endregion

/**
 * The tutorial's `StaticFileHandler` subclass for the catch-all route: it reads `xsrfToken` as it
 * is made, so the static home page already carries the `_xsrf` cookie its scripts post with.
 */
export class StaticFileHandler extends TornadoStaticFileHandler {
  constructor(...args: ConstructorParameters<typeof TornadoStaticFileHandler>) {
    super(...args);
    void this.xsrfToken;
  }

  /** The language chosen with the switch, for the 404 page. */
  override getUserLocale(): Locale | null {
    return chosenLocale(this);
  }

  /** Missing files get the site's 404 page. */
  override writeError(statusCode: number, info: ErrorInfo = {}): void | Promise<void> {
    return writeErrorPage(this, statusCode, info, (code, i) => super.writeError(code, i));
  }
}
