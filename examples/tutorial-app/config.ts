// The tutorial's config.py: where things live, the server's options, the application settings
// and the database. Reading this module does nothing; `makeSettings()` reads the environment (and
// on first start without COOKIE_SECRET, writes the install's own secret beside the app).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { genLog } from "tornado-ts/log";
import type { ApplicationSettings } from "tornado-ts/web";

/** The project folder (the tutorial's `BASE_DIRS`). */
export const BASE_DIRS = dirname(fileURLToPath(import.meta.url));

/**
 * The server's options (the tutorial's `config.options`); `--port=N` and PORT override `port`,
 * `--address` and ADDRESS override `address`.
 */
export const options = {
  port: 8000,
  // This machine only: reaching the demo from elsewhere takes `--address=0.0.0.0` (or ADDRESS).
  address: "127.0.0.1",
  list: ["good", "nice", "handsome"],
};

/**
 * Where the secret made on first start is kept when COOKIE_SECRET is not set: a file beside the
 * application, ignored by git (as Django's startproject and Rails' development secret do), so
 * every install signs with its own secret and none is ever committed. COOKIE_SECRET_FILE moves it.
 */
export const COOKIE_SECRET_FILE = join(BASE_DIRS, ".cookie-secret");

/** The translations of the site's pages (`zh_CN.csv`), loaded with tornado-ts/locale. */
export const LOCALE_PATH = join(BASE_DIRS, "locale");

/** Where `/upfile` saves uploads. */
export const UPLOAD_DIR = join(BASE_DIRS, "upfile");

/** The SQLite file used when DATABASE_URL is not set (created and seeded on first start). */
export const DEFAULT_DATABASE_URL = `sqlite:${join(BASE_DIRS, "tutorial.sqlite3")}`;

/** The database URL: DATABASE_URL, or the SQLite file beside this module. */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env["DATABASE_URL"] || DEFAULT_DATABASE_URL;
}

/**
 * The cookie secret: COOKIE_SECRET; else the secret in the file COOKIE_SECRET_FILE names
 * (default {@link COOKIE_SECRET_FILE}), made with 32 random bytes the first time, saved readable
 * by its owner only, and announced once in the log.
 */
export function cookieSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env["COOKIE_SECRET"];
  if (secret) return secret;
  const file = env["COOKIE_SECRET_FILE"] || COOKIE_SECRET_FILE;
  if (existsSync(file)) {
    const saved = readFileSync(file, "utf8").trim();
    if (saved.length < 32) {
      throw new Error(`${file}: the cookie secret is too short; delete the file to make a new one`);
    }
    return saved;
  }
  const made = randomBytes(32).toString("base64");
  // "wx": never overwrite a secret another process has just written; use that one instead.
  try {
    writeFileSync(file, `${made}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return cookieSecret(env);
    throw error;
  }
  genLog.info(
    `COOKIE_SECRET is not set: made a random cookie secret for this install and saved it in ${file} (git ignores it); set COOKIE_SECRET when you deploy`,
  );
  return made;
}

/**
 * The Host names the server answers for (the `allowedHosts` setting; any other Host gets a 400):
 * ALLOWED_HOSTS (comma-separated patterns, such as `example.com,.example.org`) when set; else, on a
 * loopback address, this machine's own names; else every name, since a server open to the network
 * is reached by names it cannot guess: set ALLOWED_HOSTS there.
 */
export function allowedHostsFor(address: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env["ALLOWED_HOSTS"] ?? "")
    .split(",")
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== "");
  if (listed.length > 0) return listed;
  if (address === "localhost" || address === "::1" || /^127\./.test(address)) {
    return ["localhost", "127.0.0.1", "[::1]"];
  }
  return ["*"];
}

/**
 * The OpenID Connect provider for `/login/oidc`, from OIDC_ISSUER, OIDC_CLIENT_ID (default
 * `tutorial`) and OIDC_CLIENT_SECRET; none without OIDC_ISSUER. An `http:` issuer is accepted
 * only on this machine (`npm run dev:oidc`'s development provider).
 */
export function openidConnectSettings(env: NodeJS.ProcessEnv = process.env): ApplicationSettings {
  const issuer = env["OIDC_ISSUER"];
  if (!issuer) return {};
  return {
    openidConnect: {
      issuer,
      clientId: env["OIDC_CLIENT_ID"] || "tutorial",
      clientSecret: env["OIDC_CLIENT_SECRET"] || undefined,
      allowInsecureRequests: true,
    },
  };
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
