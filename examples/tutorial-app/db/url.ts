// Which database the tutorial application talks to, read from a URL such as DATABASE_URL.
import { isAbsolute, resolve } from "node:path";

/** An SQLite file (or `:memory:`), served through better-sqlite3 on a worker thread. */
export interface SqliteConfig {
  kind: "sqlite";
  /** Absolute path of the database file, or `:memory:`. */
  filename: string;
}

/** A MySQL / MariaDB or PostgreSQL server. */
export interface ServerConfig {
  kind: "mysql" | "postgres";
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Where the data lives. */
export type DatabaseConfig = SqliteConfig | ServerConfig;

/** A DATABASE_URL that cannot be used, with the reason in the message. */
export class DatabaseUrlError extends Error {
  override name = "DatabaseUrlError";
}

const SERVER_SCHEMES: Record<string, { kind: ServerConfig["kind"]; port: number; user: string }> = {
  "mysql:": { kind: "mysql", port: 3306, user: "root" },
  "mariadb:": { kind: "mysql", port: 3306, user: "root" },
  "postgres:": { kind: "postgres", port: 5432, user: "postgres" },
  "postgresql:": { kind: "postgres", port: 5432, user: "postgres" },
};

/**
 * Reads a database URL:
 *
 * - `sqlite:///absolute/path.sqlite3`, `sqlite:relative/path.sqlite3` (from `cwd`), `sqlite::memory:`
 * - `mysql://user:password@host:3306/name` (also `mariadb://`)
 * - `postgres://user:password@host:5432/name` (also `postgresql://`)
 *
 * User name and password are percent-decoded. Throws {@link DatabaseUrlError} for anything else.
 */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseConfig {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  if (scheme === "sqlite:") {
    const rest = url.slice("sqlite:".length).replace(/^\/\//, "");
    if (rest === "") throw new DatabaseUrlError(`${url}: no SQLite file named`);
    if (rest === ":memory:") return { kind: "sqlite", filename: rest };
    const path = decodeURIComponent(rest);
    return { kind: "sqlite", filename: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  const server = scheme === undefined ? undefined : SERVER_SCHEMES[scheme];
  if (server === undefined) {
    throw new DatabaseUrlError(
      `${redact(url)}: unknown database scheme (use sqlite:, mysql:, mariadb:, postgres: or postgresql:)`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError(`${redact(url)}: not a valid URL`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (database === "" || database.includes("/")) {
    throw new DatabaseUrlError(`${redact(url)}: name one database after the host (…/name)`);
  }
  if (parsed.hostname === "") throw new DatabaseUrlError(`${redact(url)}: no host`);
  const port = parsed.port === "" ? server.port : Number(parsed.port);
  return {
    kind: server.kind,
    // new URL keeps IPv6 literals in brackets; the drivers want the bare address.
    host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    user: parsed.username === "" ? server.user : decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

/** A one-line description for the start-up log: never the password. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.kind === "sqlite") return `SQLite ${config.filename}`;
  const name = config.kind === "mysql" ? "MySQL" : "PostgreSQL";
  return `${name} ${config.user}@${config.host}:${config.port}/${config.database}`;
}
