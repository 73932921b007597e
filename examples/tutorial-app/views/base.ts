// What every page of the tutorial application shares: the typed application (for `db` and the
// upload folder), the language the visitor chose, the chapter a page belongs to (its tab), and a
// tidy error page in the site's layout.
import { getSupportedLocales, Locale } from "tornado-ts/locale";
import { type ErrorInfo, RequestHandler } from "tornado-ts/web";
import type { TutorialApplication } from "../application.ts";
import type { Database } from "../db/database.ts";

/** The cookie that remembers the language chosen with the switch at the top of every page. */
export const LOCALE_COOKIE = "locale";

/** The site map: each chapter (a tab of the navigation bar) and the paths of its pages. */
const SECTIONS: readonly (readonly [string, RegExp])[] = [
  ["home", /^\/$/],
  ["routing", /^\/(sunck|kaige|liuyifei\/.*)$/],
  ["request", /^\/(zhangmanyu|zhuyin)$/],
  ["forms", /^\/postfile$/],
  ["upload", /^\/upfile$/],
  ["output", /^\/(output|status)$/],
  ["templates", /^\/(home-template|function|trans|cart)$/],
  ["database", /^\/students$/],
  ["cookies", /^\/(pcookie|getpcookie|clearpcookie|scookie|getscookie|cookienum|setxsrfcookie)$/],
  ["login", /^\/(login|home)$/],
];

/**
 * The language `handler`'s visitor chose with the switch (the `locale` cookie), or `null` when
 * there is none (or it names a language this site does not speak): then the browser's
 * Accept-Language decides, through `getBrowserLocale`.
 */
export function chosenLocale(handler: RequestHandler): Locale | null {
  const code = handler.getCookie(LOCALE_COOKIE);
  return code !== undefined && getSupportedLocales().includes(code) ? Locale.get(code) : null;
}

/**
 * Writes the site's error page for `handler` (Tornado's stack trace instead, under
 * `serveTraceback`).
 */
export function writeErrorPage(
  handler: RequestHandler,
  statusCode: number,
  info: ErrorInfo,
  fallback: (statusCode: number, info: ErrorInfo) => void | Promise<void>,
): void | Promise<void> {
  if (handler.settings.serveTraceback) return fallback(statusCode, info);
  return handler.render("error.html", { code: statusCode, reason: handler.reason });
}

/** The base class of the application's handlers. */
export class BaseHandler extends RequestHandler {
  declare readonly application: TutorialApplication;

  /** The chapter this page belongs to: the tab highlighted in the navigation bar. */
  get section(): string {
    return SECTIONS.find(([, paths]) => paths.test(this.request.path))?.[0] ?? "";
  }

  /** The shared database connection (the tutorial's `self.application.db`). */
  get db(): Database {
    return this.application.db;
  }

  /** The language chosen with the switch, else (`null`) the browser's. */
  override getUserLocale(): Locale | null {
    return chosenLocale(this);
  }

  /** Error pages in the site's layout. */
  override writeError(statusCode: number, info: ErrorInfo = {}): void | Promise<void> {
    return writeErrorPage(this, statusCode, info, (code, i) => super.writeError(code, i));
  }

  /**
   * Renders `message.html`: a page with a title and a sentence on what it demonstrates (both
   * English, translated into the visitor's language), the tutorial's answer for this route, and a
   * table of the values the handler saw.
   */
  renderMessage(
    title: string,
    lead: string,
    result: string,
    details: readonly (readonly [string, string])[] = [],
  ): Promise<void> {
    const _ = this.locale.translate;
    return this.render("message.html", { title: _(title), lead: _(lead), result, details });
  }
}
