// The SQLite connection of the tutorial application, on its own thread: better-sqlite3 blocks
// while a statement runs, so the statements run here and the event loop keeps serving requests.
// Plain JavaScript, so that Node 20 can start the thread without a TypeScript loader.
// Messages in: { id, op: "all" | "run", sql, params } and { id, op: "close" }.
// Messages out: { ready: true } once open, then { id, ok, result } or { id, ok: false, error }.
import { parentPort, workerData } from "node:worker_threads";
import Sqlite from "better-sqlite3";

const db = new Sqlite(workerData.filename);
if (workerData.filename !== ":memory:") db.pragma("journal_mode = WAL");
// Other processes (npm start beside a test, n workers) may hold the write lock for a moment.
db.pragma("busy_timeout = 5000");
const statements = new Map();

function prepare(sql) {
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    if (statements.size > 200) statements.clear();
    statements.set(sql, statement);
  }
  return statement;
}

parentPort.on("message", (message) => {
  const { id, op, sql, params } = message;
  try {
    if (op === "close") {
      db.close();
      parentPort.postMessage({ id, ok: true, result: null });
      parentPort.close();
      return;
    }
    const statement = prepare(sql);
    let result;
    if (op === "all") {
      result = statement.all(...params);
    } else {
      const info = statement.run(...params);
      result = { changes: info.changes, lastInsertRowid: Number(info.lastInsertRowid) };
    }
    parentPort.postMessage({ id, ok: true, result });
  } catch (error) {
    parentPort.postMessage({
      id,
      ok: false,
      error: { message: String(error?.message ?? error), code: error?.code },
    });
  }
});
parentPort.postMessage({ ready: true });
