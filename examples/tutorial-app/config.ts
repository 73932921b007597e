// The tutorial's config.py: where things live, the server's options, the application settings
// and the database. Reading this module does nothing; `makeSettings()` reads the environment.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { genLog } from "tornado-ts/log";
import type { ApplicationSettings } from "tornado-ts/web";

/** The project folder (the tutorial's `BASE_DIRS`). */
export const BASE_DIRS = dirname(fileURLToPath(import.meta.url));

/** The server's options (the tutorial's `config.options`); `--port=N` and PORT override `port`. */
export const options = {
  port: 8000,
  list: ["good", "nice", "handsome"],
};

/**
 * The secret used when COOKIE_SECRET is not set: fine on a laptop, never in production, where
 * anyone who reads this file could sign cookies. Make a real one with
 * `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`.
 */
export const DEVELOPMENT_COOKIE_SECRET = "qzEK3FRNRDuUtz0NoL1FMH7Rr8A1KkTIv81BkdsCkvI=";

/** Where `/upfile` saves uploads. */
export const UPLOAD_DIR = join(BASE_DIRS, "upfile");

/** The SQLite file used when DATABASE_URL is not set (created and seeded on first start). */
export const DEFAULT_DATABASE_URL = `sqlite:${join(BASE_DIRS, "tutorial.sqlite3")}`;

/** The database URL: DATABASE_URL, or the SQLite file beside this module. */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env["DATABASE_URL"] || DEFAULT_DATABASE_URL;
}

/**
 * The cookie secret: COOKIE_SECRET, or {@link DEVELOPMENT_COOKIE_SECRET} with a warning in the log.
 */
export function cookieSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env["COOKIE_SECRET"];
  if (secret) return secret;
  genLog.warning(
    "COOKIE_SECRET is not set: signing cookies with the development secret from config.ts; set COOKIE_SECRET before deploying",
  );
  return DEVELOPMENT_COOKIE_SECRET;
}

/** The tutorial's `settings`, camelCase: templates, static files, cookies, XSRF and login. */
// #region settings
export function makeSettings(env: NodeJS.ProcessEnv = process.env): ApplicationSettings {
  return {
    debug: false,
    templatePath: join(BASE_DIRS, "templates"),
    staticPath: join(BASE_DIRS, "static"),
    cookieSecret: cookieSecret(env),
    xsrfCookies: true,
    loginUrl: "/login",
  };
}
// #endregion
