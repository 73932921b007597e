// The SQLite back end: better-sqlite3 on a worker thread (sqlite-worker.js), so that a slow query
// never holds up the event loop. One thread owns the one connection; statements run in order.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import { type Database, DatabaseError, insertSql, type SqlValue } from "./database.ts";

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { message: string; code?: string };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

class SqliteDatabase implements Database {
  readonly kind = "sqlite";
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #failure: Error | undefined;

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.on("message", (reply: Reply) => this.#settle(reply));
    worker.on("error", (error) => this.#fail(new DatabaseError(error.message, { cause: error })));
    worker.on("exit", () => this.#fail(new DatabaseError("the SQLite thread has stopped")));
    // The thread keeps the process alive only while a statement is waiting for it.
    worker.unref();
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.ok) pending.resolve(reply.result);
    else {
      const code = reply.error?.code;
      pending.reject(new DatabaseError(reply.error?.message ?? "query failed", { code }));
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  #send(op: "all" | "run" | "close", sql = "", params: readonly SqlValue[] = []): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage({ id, op, sql, params });
    });
  }

  async all<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return (await this.#send("all", sql, params)) as Row[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const result = (await this.#send("run", sql, params)) as { changes: number };
    return result.changes;
  }

  async insert(table: string, row: Readonly<Record<string, SqlValue>>): Promise<number> {
    const columns = Object.keys(row);
    const sql = insertSql(this.kind, table, columns);
    const result = (await this.#send("run", sql, Object.values(row))) as {
      lastInsertRowid: number;
    };
    return result.lastInsertRowid;
  }

  async close(): Promise<void> {
    if (this.#failure) return;
    await this.#send("close");
    await this.#worker.terminate();
  }
}

/**
 * Opens (creating it and its folder if needed) the SQLite file `filename`, or `:memory:`, on a new
 * worker thread; resolves once the connection is open.
 */
export function openSqlite(filename: string): Promise<Database> {
  if (filename !== ":memory:") {
    try {
      mkdirSync(dirname(filename), { recursive: true });
    } catch (error) {
      const message = `cannot open SQLite ${filename}: ${(error as Error).message}`;
      return Promise.reject(new DatabaseError(message, { cause: error }));
    }
  }
  const worker = new Worker(new URL("./sqlite-worker.js", import.meta.url), {
    workerData: { filename },
  });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      worker.off("message", onReady);
      reject(
        new DatabaseError(`cannot open SQLite ${filename}: ${error.message}`, { cause: error }),
      );
    };
    const onReady = (message: { ready?: boolean }) => {
      if (!message.ready) return;
      worker.off("message", onReady);
      worker.off("error", onError);
      resolve(new SqliteDatabase(worker));
    };
    worker.on("message", onReady);
    worker.once("error", onError);
  });
}
