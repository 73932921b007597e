// A page translated into Chinese and English: the language comes from the browser's
// Accept-Language header, or from ?lang= (remembered in a cookie), as Tornado's locale guide does.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { xhtmlEscape } from "tornado-ts/escape";
import { formatMessage, Locale, loadTranslations } from "tornado-ts/locale";
import { Application, RequestHandler } from "tornado-ts/web";

const LAUNCHED = new Date(Date.UTC(2020, 0, 2, 15, 4, 5));

class HomeHandler extends RequestHandler {
  override getUserLocale(): Locale | null {
    const chosen = this.getQueryArgument("lang", null) ?? this.getCookie("lang");
    return chosen === undefined ? null : Locale.get(chosen);
  }

  override get() {
    const lang = this.getQueryArgument("lang", null);
    if (lang !== null) this.setCookie("lang", this.locale.code);
    const locale = this.locale;
    const _ = locale.translate;
    const name = this.getArgument("name", _("guest"));
    const count = Number.parseInt(this.getArgument("messages", "1"), 10) || 0;
    const lines = [
      formatMessage(_("Hello, %(name)s!"), { name }),
      formatMessage(_("You have %(count)d new message", "You have %(count)d new messages", count), {
        count,
      }),
      formatMessage(_("We sell %(fruits)s."), {
        fruits: locale.list([_("apples"), _("pears"), _("cherries")]),
      }),
      formatMessage(_("Site launched %(date)s."), {
        date: locale.formatDate(LAUNCHED, { fullFormat: true }),
      }),
      formatMessage(_("Your language: %(language)s"), { language: locale.name }),
    ];
    const htmlLang = locale.code.replace("_", "-");
    this.write(
      `<!DOCTYPE html>\n<html lang="${xhtmlEscape(htmlLang)}">\n<head><meta charset="utf-8"><title>${xhtmlEscape(_("Welcome"))}</title></head>\n<body>\n<h1>${xhtmlEscape(_("Welcome"))}</h1>\n` +
        lines.map((line) => `<p>${xhtmlEscape(line)}</p>\n`).join("") +
        `<p>${xhtmlEscape(_("Other languages"))}: <a href="/?lang=en_US">English</a> | <a href="/?lang=zh_CN">中文</a></p>\n</body>\n</html>\n`,
    );
  }
}

/** Loads the translations next to this file and makes the application. */
export function makeApp(): Application {
  loadTranslations(join(dirname(fileURLToPath(import.meta.url)), "translations"));
  return new Application([["/", HomeHandler]]);
}
