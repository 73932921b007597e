// Settings in one place (the Tornado tutorial's config.py): where the templates, static files and
// uploads live, the port, and the application settings.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { genLog } from "tornado-ts/log";
import type { ApplicationSettings } from "tornado-ts/web";

/** The project folder. */
export const BASE_DIRS = dirname(fileURLToPath(import.meta.url));

/** Server options: `--port=N` or PORT override the port. */
export const options = { port: 8000 };

/** Where uploaded files are saved. */
export const UPLOAD_DIR = join(BASE_DIRS, "upfile");

/** The secret used when COOKIE_SECRET is not set: for development only. */
export const DEVELOPMENT_COOKIE_SECRET = "__DEVELOPMENT_SECRET__";

/** The application settings; reads COOKIE_SECRET from `env`. */
export function makeSettings(env: NodeJS.ProcessEnv = process.env): ApplicationSettings {
  let cookieSecret = env["COOKIE_SECRET"];
  if (!cookieSecret) {
    genLog.warning("COOKIE_SECRET is not set: using the development secret from config.ts");
    cookieSecret = DEVELOPMENT_COOKIE_SECRET;
  }
  return {
    debug: false,
    templatePath: join(BASE_DIRS, "templates"),
    staticPath: join(BASE_DIRS, "static"),
    cookieSecret,
    xsrfCookies: true,
  };
}
