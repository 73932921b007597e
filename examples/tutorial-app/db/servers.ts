// The MySQL / MariaDB (mysql2) and PostgreSQL (pg) back ends: both drivers are asynchronous, so
// queries never block the event loop. Each uses a small connection pool.
import type { ResultSetHeader } from "mysql2";
import {
  type Database,
  DatabaseError,
  insertSql,
  numberedPlaceholders,
  type SqlValue,
} from "./database.ts";
import type { ServerConfig } from "./url.ts";

function wrap(error: unknown): DatabaseError {
  const { message, code } = error as { message?: string; code?: unknown };
  return new DatabaseError(String(message ?? error), {
    code: code === undefined ? undefined : String(code),
    cause: error,
  });
}

/** Connects to MySQL or MariaDB through a mysql2 pool. */
export async function openMysql(config: ServerConfig): Promise<Database> {
  const mysql = await import("mysql2/promise");
  const pool = mysql.createPool({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    charset: "utf8mb4",
    connectionLimit: 5,
  });
  const execute = async (sql: string, params: readonly SqlValue[]) => {
    try {
      const [result] = await pool.execute(sql, [...params]);
      return result;
    } catch (error) {
      throw wrap(error);
    }
  };
  try {
    await execute("SELECT 1", []);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    kind: "mysql",
    async all<Row>(sql: string, params: readonly SqlValue[] = []) {
      return (await execute(sql, params)) as Row[];
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      return ((await execute(sql, params)) as ResultSetHeader).affectedRows;
    },
    async insert(table: string, row: Readonly<Record<string, SqlValue>>) {
      const sql = insertSql("mysql", table, Object.keys(row));
      return ((await execute(sql, Object.values(row))) as ResultSetHeader).insertId;
    },
    close: () => pool.end(),
  };
}

/** Connects to PostgreSQL through a pg pool; `?` placeholders become `$1, $2, ...`. */
export async function openPostgres(config: ServerConfig): Promise<Database> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    max: 5,
  });
  // An idle client that loses its connection must not take the process down.
  pool.on("error", () => {});
  const query = async (sql: string, params: readonly SqlValue[]) => {
    try {
      return await pool.query(numberedPlaceholders(sql), [...params]);
    } catch (error) {
      throw wrap(error);
    }
  };
  try {
    await query("SELECT 1", []);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    kind: "postgres",
    async all<Row>(sql: string, params: readonly SqlValue[] = []) {
      return (await query(sql, params)).rows as Row[];
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      return (await query(sql, params)).rowCount ?? 0;
    },
    async insert(table: string, row: Readonly<Record<string, SqlValue>>) {
      const sql = insertSql("postgres", table, Object.keys(row));
      const result = await query(sql, Object.values(row));
      return Number((result.rows[0] as { id: number | string }).id);
    },
    close: () => pool.end(),
  };
}
