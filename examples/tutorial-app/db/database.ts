// The tutorial's database layer (数据库): one connection (or pool) made when the application
// starts and shared by every handler through `this.application.db`. Tornado has no ORM and
// neither does this: SQL with bound parameters, one small interface, three back ends.
import type { DatabaseConfig } from "./url.ts";

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null;

/** What every back end offers. SQL is written with `?` placeholders; values are always bound. */
export interface Database {
  /** `sqlite`, `mysql` or `postgres`: the dialect the SQL must be written in. */
  readonly kind: DatabaseConfig["kind"];
  /** Runs a query and resolves with its rows. */
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement and resolves with the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Inserts one row and resolves with its new `id` (each dialect returns it its own way). */
  insert(table: string, row: Readonly<Record<string, SqlValue>>): Promise<number>;
  /** Closes the connection (or pool) and the SQLite worker thread. */
  close(): Promise<void>;
}

/** A failed query or connection, with the driver's error as `cause`. */
export class DatabaseError extends Error {
  override name = "DatabaseError";
  /** The driver's error code (`SQLITE_CONSTRAINT`, `ER_NO_SUCH_TABLE`, `42P01`, ...), if any. */
  readonly code: string | undefined;

  constructor(message: string, options: { code?: string | undefined; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code;
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * The INSERT statement for `row`, in `?` form. Table and column names come from the program, never
 * from a request; they are still checked, since they cannot be bound parameters.
 */
export function insertSql(
  kind: Database["kind"],
  table: string,
  columns: readonly string[],
): string {
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new DatabaseError(`not a plain SQL identifier: ${name}`);
  }
  const marks = columns.map(() => "?").join(", ");
  const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${marks})`;
  // PostgreSQL has no "last insert id" on the connection: the statement returns it.
  return kind === "postgres" ? `${sql} RETURNING id` : sql;
}

/**
 * `?` placeholders rewritten as PostgreSQL's `$1, $2, ...`. Question marks inside quoted strings
 * and identifiers are left alone.
 */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, (token) =>
    token === "?" ? `$${++n}` : token,
  );
}

/** Opens the database `config` names; the drivers for MySQL and PostgreSQL load only when used. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  switch (config.kind) {
    case "sqlite": {
      const { openSqlite } = await import("./sqlite.ts");
      return openSqlite(config.filename);
    }
    case "mysql": {
      const { openMysql } = await import("./servers.ts");
      return openMysql(config);
    }
    case "postgres": {
      const { openPostgres } = await import("./servers.ts");
      return openPostgres(config);
    }
  }
}
