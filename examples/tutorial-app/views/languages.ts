// The site in two languages, through tornado-ts/locale: English is the language the pages are
// written in, `locale/zh_CN.csv` translates them, and `/lang/<code>` is the switch at the top of
// every page, which remembers the choice in the `locale` cookie (read by `chosenLocale`).
import { getSupportedLocales } from "tornado-ts/locale";
import { HTTPError, safeNextUrl } from "tornado-ts/web";
import { BaseHandler, LOCALE_COOKIE } from "./base.ts";

/**
 * `/lang/<code>?next=<path>`: remembers `code` (a language the site speaks) for a year and goes
 * back to `next` (a path of this site; else `/`). The cookie is a preference, not a credential:
 * the static page's script reads it too, so it is not HttpOnly.
 */
export class LanguageHandler extends BaseHandler {
  override get(code: string) {
    if (!getSupportedLocales().includes(code)) {
      throw new HTTPError(404, `no translation for ${JSON.stringify(code.slice(0, 20))}`);
    }
    this.setCookie(LOCALE_COOKIE, code, {
      expiresDays: 365,
      sameSite: "Lax",
      secure: this.request.protocol === "https",
    });
    this.redirect(safeNextUrl(this));
  }
}
