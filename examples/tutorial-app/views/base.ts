// What every page of the tutorial application shares: the typed application (for `db` and the
// upload folder) and a tidy error page in the site's layout.
import { type ErrorInfo, RequestHandler } from "tornado-ts/web";
import type { TutorialApplication } from "../application.ts";
import type { Database } from "../db/database.ts";

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

  /** The shared database connection (the tutorial's `self.application.db`). */
  get db(): Database {
    return this.application.db;
  }

  /** Error pages in the site's layout. */
  override writeError(statusCode: number, info: ErrorInfo = {}): void | Promise<void> {
    return writeErrorPage(this, statusCode, info, (code, i) => super.writeError(code, i));
  }

  /**
   * Renders `message.html`: a page with a title, the tutorial's answer for this route, and a
   * table of the values the handler saw.
   */
  renderMessage(
    title: string,
    result: string,
    details: readonly (readonly [string, string])[] = [],
  ): Promise<void> {
    return this.render("message.html", { title, result, details });
  }
}
