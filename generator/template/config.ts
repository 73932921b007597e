// Settings in one place (the Tornado tutorial's config.py): where the templates, static files and
// uploads live, the address and port, the cookie secret and the application settings.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { genLog } from "tornado-ts/log";
import type { ApplicationSettings } from "tornado-ts/web";

/** The project folder. */
export const BASE_DIRS = dirname(fileURLToPath(import.meta.url));

/** Server options: `--port=N` / PORT and `--address=A` / ADDRESS override them. */
export const options = { port: 8000, address: "127.0.0.1" };

/** Where uploaded files are saved. */
export const UPLOAD_DIR = join(BASE_DIRS, "upfile");

/** Where the secret made on the first start is kept (git-ignored: never commit it). */
export const SECRET_FILE = join(BASE_DIRS, ".cookie-secret");

/**
 * The secret that signs cookies and XSRF tokens: COOKIE_SECRET when set, else the one kept in
 * `.cookie-secret`, made at random (and announced once) on the first start.
 */
export function cookieSecret(env: NodeJS.ProcessEnv = process.env, file = SECRET_FILE): string {
  const fromEnv = env["COOKIE_SECRET"];
  if (fromEnv) return fromEnv;
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secret = randomBytes(32).toString("base64");
  try {
    // "wx": if two processes start at once, the first one's secret wins.
    writeFileSync(file, `${secret}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      return readFileSync(file, "utf8").trim();
    throw error;
  }
  genLog.info(
    `COOKIE_SECRET is not set: made a random cookie secret and kept it in ${file} (git-ignored); ` +
      "set COOKIE_SECRET to share one between servers",
  );
  return secret;
}

/** The application settings; `overrides` win (tests pass their own cookie secret). */
export function makeSettings(overrides: ApplicationSettings = {}): ApplicationSettings {
  return {
    debug: false,
    templatePath: join(BASE_DIRS, "templates"),
    staticPath: join(BASE_DIRS, "static"),
    xsrfCookies: true,
    loginUrl: "/login",
    ...overrides,
    cookieSecret: overrides.cookieSecret ?? cookieSecret(),
  };
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
