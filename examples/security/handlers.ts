// The tutorial's security chapter (应用安全), project04's handlers in TypeScript: plain cookies,
// Set-Cookie by hand, clearing cookies, signed ("secure") cookies, the cookie counter, XSRF
// protection with forms and the three client-side variants, and login with `next` in front of a
// protected home page. Pages are plain HTML strings here; the tutorial renders templates.
import { randomBytes } from "node:crypto";
import { xhtmlEscape } from "tornado-ts/escape";
import { urlConcat } from "tornado-ts/httputil";
import {
  Application,
  type ApplicationSettings,
  authenticated,
  RequestHandler,
  type Route,
  safeNextUrl,
} from "tornado-ts/web";

/**
 * project04's settings: a cookie secret (COOKIE_SECRET, else a random one made at start, as the
 * tutorial's `base64.b64encode(uuid...)` makes one; never a published literal), XSRF checks on,
 * and the login page.
 */
export const securitySettings: ApplicationSettings = {
  cookieSecret: process.env["COOKIE_SECRET"] || randomBytes(32).toString("base64"),
  xsrfCookies: true,
  loginUrl: "/login",
};

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>${xhtmlEscape(title)}</title></head>
<body>
${body}
</body>
</html>
`;
}

// ---- plain cookies -----------------------------------------------------------------------------

/** `self.set_cookie('sunck', 'good')`. */
export class PCookieHandler extends RequestHandler {
  override get() {
    this.setCookie("sunck", "good");
    this.write("ok");
  }
}

/** The same cookie through the Set-Cookie header by hand: `sunck=good1; Path=/`. */
export class PCookieHeaderHandler extends RequestHandler {
  override get() {
    this.setHeader("Set-Cookie", "sunck=good1; Path=/");
    this.write("ok");
  }
}

/** `self.get_cookie('sunck', '未登录')`: the cookie, or the default when there is none. */
export class GetPCookieHandler extends RequestHandler {
  override get() {
    const cookie = this.getCookie("sunck", "未登录");
    this.write(`ok: ${xhtmlEscape(cookie)}`);
  }
}

/** `self.clear_cookie('sunck')`: empties it and makes it expire; the browser then drops it. */
export class ClearPCookieHandler extends RequestHandler {
  override get() {
    this.clearCookie("sunck");
    this.write("ok");
  }
}

/** `self.clear_all_cookies(path='/', domain=None)`: every cookie the request brought. */
export class ClearAllPCookieHandler extends RequestHandler {
  override get() {
    this.clearAllCookies({ path: "/" });
    this.write("ok");
  }
}

// ---- signed cookies ----------------------------------------------------------------------------

/** `self.set_secure_cookie('zhangmanyu', 'nice')`: `2|1:0|10:<time>|10:zhangmanyu|8:bmljZQ==|<sig>`. */
export class SCookieHandler extends RequestHandler {
  override get() {
    this.setSecureCookie("zhangmanyu", "nice");
    this.write("ok");
  }
}

/**
 * `self.get_secure_cookie('zhangmanyu')`: `nice` when the signature checks out, nothing otherwise.
 * The tutorial prints the value (`b'nice'`); this writes it into the page.
 */
export class GetSCookieHandler extends RequestHandler {
  override get() {
    const scookie = this.getSecureCookie("zhangmanyu");
    this.write(`ok: ${xhtmlEscape(String(scookie))}`);
  }
}

// ---- XSRF --------------------------------------------------------------------------------------

function nextCount(handler: RequestHandler): number {
  const count = Number.parseInt(handler.getCookie("count", ""), 10);
  return Number.isNaN(count) ? 1 : count + 1;
}

/** The cookie counter: counts this browser's visits in the `count` cookie (`第8次访问`). */
export class CookieNumHandler extends RequestHandler {
  override get() {
    const count = nextCount(this);
    this.setCookie("count", String(count));
    this.write(page("cookienum", `<p id="count">第${count}次访问</p>`));
  }
}

/**
 * The counter behind a form. With `xsrfCookies` on, the POST needs the `_xsrf` token, so a form on
 * another site can no longer change the count; the page's own form carries it with `xsrfFormHtml()`.
 */
export class PostFileHandler extends RequestHandler {
  override get() {
    this.write(
      page(
        "postfile",
        `<form action="/postfile" method="post">
    ${this.xsrfFormHtml()}
    姓名：<input type="text" name="username"/>
    <hr/>
    密码：<input type="password" name="passwd"/>
    <hr/>
    <input type="submit" value="登录"/>
</form>`,
      ),
    );
  }

  override post() {
    this.setCookie("count", String(nextCount(this)));
    this.redirect("/cookienum");
  }
}

/** `self.xsrf_token` outside templates: sets the `_xsrf` cookie for pages that post by script. */
export class SetXSRFCookieHandler extends RequestHandler {
  override get() {
    void this.xsrfToken;
    this.finish("ok");
  }
}

// The tutorial's getCookie reads `[^:]*`, which runs past the next cookie; `[^;]*` stops at it.
const CLIENT_SCRIPT = `
function getCookie(name) {
  var cook = document.cookie.match("\\\\b" + name + "=([^;]*)\\\\b");
  return cook ? cook[1] : undefined;
}
// 1: a hidden input filled from the _xsrf cookie.
document.getElementById("hi").value = getCookie("_xsrf");
// 2: _xsrf in the body of an AJAX POST.
function loginBody() {
  var body = "_xsrf=" + encodeURIComponent(getCookie("_xsrf")) + "&username=hh&passwd=123456";
  return fetch("/postfile", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: body,
  }).then(function (response) { return response.text(); }).then(show);
}
// 3: the token in the X-XSRFToken header.
function loginHeader() {
  var data = { username: "sunck", passwd: "123456" };
  return fetch("/postfile", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-XSRFToken": getCookie("_xsrf") },
    body: JSON.stringify(data),
  }).then(function (response) { return response.text(); }).then(show);
}
function show(html) {
  var match = /第(\\d+)次访问/.exec(html);
  document.getElementById("result").textContent = match ? match[0] : html;
}
`;

/**
 * The page the tutorial serves as static HTML with its three client-side ways to send the token.
 * Like the tutorial's `StaticFileHandler` subclass, it reads `xsrfToken` in its constructor, so the
 * first page a browser loads sets the `_xsrf` cookie the scripts read.
 */
export class XsrfClientPageHandler extends RequestHandler {
  constructor(...args: ConstructorParameters<typeof RequestHandler>) {
    super(...args);
    void this.xsrfToken;
  }

  override get() {
    this.write(
      page(
        "xsrf",
        `<form id="form" action="/postfile" method="post">
    <input id="hi" type="hidden" name="_xsrf" value="">
    姓名：<input type="text" name="username"/>
    密码：<input type="password" name="passwd"/>
    <input id="submit" type="submit" value="登录"/>
</form>
<button id="ajax-body" onclick="loginBody()">AJAX (body)</button>
<button id="ajax-header" onclick="loginHeader()">AJAX (header)</button>
<p id="result"></p>
<script>${CLIENT_SCRIPT}</script>`,
      ),
    );
  }
}

// ---- authentication ----------------------------------------------------------------------------

/**
 * The login page. GET shows the form, posting back to `/login?next=<where the user was going>`;
 * POST accepts username `1` with password `1` and sends the user on to `next` with
 * `flag=logined`, or back to the form. `next` goes through `safeNextUrl`, so a crafted link
 * cannot send the user to another site (the tutorial redirects to any `next`).
 */
export class LoginHandler extends RequestHandler {
  override get() {
    const next = safeNextUrl(this);
    this.write(
      page(
        "login",
        `<form action="/login?next=${xhtmlEscape(encodeURIComponent(next))}" method="post">
    ${this.xsrfFormHtml()}
    用户名：<input type="text" name="username"/>
    密码：<input type="password" name="passwd"/>
    <input id="login" type="submit" value="登录"/>
</form>`,
      ),
    );
  }

  override post() {
    const name = this.getBodyArgument("username");
    const pawd = this.getBodyArgument("passwd");
    const next = safeNextUrl(this);
    if (name === "1" && pawd === "1") {
      this.redirect(urlConcat(next, { flag: "logined" }));
    } else {
      this.redirect(urlConcat("/login", { next }));
    }
  }
}

/**
 * The protected home page. As in the tutorial, the "user" is the `flag` argument the login page
 * adds (a demonstration only: a real application reads a signed cookie set at login).
 */
export class HomeHandler extends RequestHandler {
  override getCurrentUser() {
    return this.getArgument("flag", null);
  }

  @authenticated
  override get() {
    this.write(page("home", `<h1 id="welcome">欢迎回家 (${xhtmlEscape(this.currentUser)})</h1>`));
  }
}

/** project04's routes for this chapter. */
export const securityRoutes: Route[] = [
  ["/pcookie", PCookieHandler],
  ["/pcookie-header", PCookieHeaderHandler],
  ["/getpcookie", GetPCookieHandler],
  ["/clearpcookie", ClearPCookieHandler],
  ["/clearallpcookie", ClearAllPCookieHandler],
  ["/scookie", SCookieHandler],
  ["/getscookie", GetSCookieHandler],
  ["/cookienum", CookieNumHandler],
  ["/postfile", PostFileHandler],
  ["/setxsrfcookie", SetXSRFCookieHandler],
  ["/xsrf.html", XsrfClientPageHandler],
  ["/login", LoginHandler],
  ["/home", HomeHandler],
];

/** The chapter's application, with `settings` overriding the defaults. */
export function makeSecurityApp(settings: ApplicationSettings = {}): Application {
  return new Application(securityRoutes, { ...securitySettings, ...settings });
}
