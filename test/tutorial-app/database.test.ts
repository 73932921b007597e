// The tutorial application's database layer: DATABASE_URL parsing, the SQL that differs between
// SQLite, MySQL and PostgreSQL, SQLite on its worker thread (created and seeded on first use,
// never stalling other requests), and the whole application on a real PostgreSQL server.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { TutorialApplication } from "../../examples/tutorial-app/application.ts";
import {
  type Database,
  DatabaseError,
  insertSql,
  numberedPlaceholders,
  openDatabase,
} from "../../examples/tutorial-app/db/database.ts";
import {
  addStudent,
  listStudents,
  prepareStudents,
  SEED_STUDENTS,
} from "../../examples/tutorial-app/db/students.ts";
import {
  DatabaseUrlError,
  describeDatabase,
  parseDatabaseUrl,
  redact,
} from "../../examples/tutorial-app/db/url.ts";
import { Browser, shown } from "./client.ts";
import { type PostgresServer, startPostgres } from "./postgres-server.ts";
import { TEST_COOKIE_SECRET } from "./support.ts";

describe("DATABASE_URL", () => {
  it("names an SQLite file, absolute, relative to the working folder, or in memory", () => {
    assert.deepEqual(parseDatabaseUrl("sqlite:///var/db/t.sqlite3"), {
      kind: "sqlite",
      filename: "/var/db/t.sqlite3",
    });
    assert.deepEqual(parseDatabaseUrl("sqlite:data/t.sqlite3", "/srv/app"), {
      kind: "sqlite",
      filename: "/srv/app/data/t.sqlite3",
    });
    assert.deepEqual(parseDatabaseUrl("sqlite::memory:"), { kind: "sqlite", filename: ":memory:" });
  });

  it("names a MySQL or MariaDB server, with defaults and percent-decoded credentials", () => {
    assert.deepEqual(parseDatabaseUrl("mysql://root:p%40ss%3Aword@db.local:3307/tornado"), {
      kind: "mysql",
      host: "db.local",
      port: 3307,
      user: "root",
      password: "p@ss:word",
      database: "tornado",
    });
    assert.deepEqual(parseDatabaseUrl("mariadb://localhost/tornado"), {
      kind: "mysql",
      host: "localhost",
      port: 3306,
      user: "root",
      password: "",
      database: "tornado",
    });
  });

  it("names a PostgreSQL server (postgres: or postgresql:), IPv6 hosts included", () => {
    assert.deepEqual(parseDatabaseUrl("postgresql://sunck:secret@[::1]/tornado"), {
      kind: "postgres",
      host: "::1",
      port: 5432,
      user: "sunck",
      password: "secret",
      database: "tornado",
    });
    assert.equal(parseDatabaseUrl("postgres://h:6543/d").kind, "postgres");
  });

  it("refuses unknown schemes and URLs without a database, never echoing the password", () => {
    assert.throws(() => parseDatabaseUrl("oracle://u:pw@h/d"), DatabaseUrlError);
    assert.throws(() => parseDatabaseUrl("sqlite:"), DatabaseUrlError);
    assert.throws(
      () => parseDatabaseUrl("mysql://root:hunter2@localhost/"),
      (error: Error) =>
        error instanceof DatabaseUrlError &&
        error.name === "DatabaseUrlError" &&
        !error.message.includes("hunter2") &&
        error.message.includes("***"),
    );
    assert.throws(() => parseDatabaseUrl("postgres://h/a/b"), DatabaseUrlError);
    assert.equal(redact("postgres://u:pw@h/d"), "postgres://u:***@h/d");
    assert.equal(
      describeDatabase(parseDatabaseUrl("postgres://u:pw@h/d")),
      "PostgreSQL u@h:5432/d",
    );
  });
});

describe("SQL dialects", () => {
  it("writes INSERT with ? placeholders, and RETURNING id for PostgreSQL", () => {
    assert.equal(
      insertSql("sqlite", "students", ["name", "age"]),
      "INSERT INTO students (name, age) VALUES (?, ?)",
    );
    assert.equal(
      insertSql("mysql", "students", ["name", "age"]),
      "INSERT INTO students (name, age) VALUES (?, ?)",
    );
    assert.equal(
      insertSql("postgres", "students", ["name", "age"]),
      "INSERT INTO students (name, age) VALUES (?, ?) RETURNING id",
    );
  });

  it("refuses table and column names that are not plain identifiers", () => {
    assert.throws(() => insertSql("sqlite", "students; DROP", ["name"]), DatabaseError);
    assert.throws(() => insertSql("sqlite", "students", ["na-me"]), DatabaseError);
  });

  it("numbers placeholders for PostgreSQL, leaving quoted question marks alone", () => {
    assert.equal(
      numberedPlaceholders(`SELECT * FROM t WHERE a = ? AND b = '?' AND "c?" = ? OR d = 'it''s ?'`),
      `SELECT * FROM t WHERE a = $1 AND b = '?' AND "c?" = $2 OR d = 'it''s ?'`,
    );
  });
});

describe("SQLite on a worker thread", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tutorial-db-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the file and its folder, and seeds the table once", async () => {
    const filename = join(dir, "nested", "t.sqlite3");
    const db = await openDatabase({ kind: "sqlite", filename });
    await prepareStudents(db);
    await prepareStudents(db);
    assert.ok(existsSync(filename));
    assert.deepEqual(
      (await listStudents(db)).map(({ name, age }) => ({ name, age })),
      SEED_STUDENTS,
    );
    assert.equal(await addStudent(db, "liuyifei", 32), 4);
    await db.close();
    // The data outlives the connection.
    const again = await openDatabase({ kind: "sqlite", filename });
    await prepareStudents(again);
    assert.equal((await listStudents(again)).length, 4);
    await again.close();
  });

  it("reports SQL errors as DatabaseError with SQLite's code, and keeps working", async () => {
    const db = await openDatabase({ kind: "sqlite", filename: ":memory:" });
    await assert.rejects(db.all("SELECT * FROM nowhere"), (error: Error) => {
      assert.ok(error instanceof DatabaseError);
      assert.match(error.message, /no such table: nowhere/);
      assert.equal((error as DatabaseError).code, "SQLITE_ERROR");
      return true;
    });
    assert.deepEqual(await db.all("SELECT ? + ? AS n", [1, 2]), [{ n: 3 }]);
    await db.close();
  });

  it("fails to open a file it cannot create, with the path in the message", async () => {
    const file = join(dir, "plain-file");
    writeFileSync(file, "");
    await assert.rejects(
      openDatabase({ kind: "sqlite", filename: join(file, "t.sqlite3") }),
      /^DatabaseError: cannot open SQLite .*plain-file\/t\.sqlite3: EEXIST/,
    );
    // A folder where the file should be: better-sqlite3 fails on the worker thread.
    await assert.rejects(openDatabase({ kind: "sqlite", filename: dir }), (error: Error) => {
      assert.ok(error instanceof DatabaseError);
      assert.ok(error.message.startsWith(`cannot open SQLite ${dir}:`), error.message);
      return true;
    });
  });

  it("answers other requests while a slow query runs", async () => {
    const logs = captureLogs();
    const db = await openDatabase({ kind: "sqlite", filename: ":memory:" });
    await prepareStudents(db);
    const app = new TutorialApplication({
      db,
      uploadDir: join(dir, "up"),
      settings: { cookieSecret: TEST_COOKIE_SECRET },
    });
    const server = await TestServer.start(app);
    try {
      let slowDone = false;
      // A recursive count that keeps SQLite busy for a good while on its own thread.
      const slow = db
        .all<{ n: number }>(
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT count(*) AS n FROM c",
          [5_000_000],
        )
        .then((rows) => {
          slowDone = true;
          return rows;
        });
      const response = await server.fetch("/zhuyin");
      assert.equal(response.code, 200);
      assert.equal(slowDone, false, "the request was answered while the query was still running");
      // Queued behind the slow query on the one connection, this still completes after it.
      const students = listStudents(db);
      assert.deepEqual(await slow, [{ n: 5_000_000 }]);
      assert.equal((await students).length, 3);
    } finally {
      await server.close();
      await db.close();
      logs.stop();
    }
  });
});

describe("the application on PostgreSQL", { timeout: 120_000 }, () => {
  let postgres: PostgresServer;
  let db: Database;
  let server: TestServer;
  let logs: LogCapture;

  before(async () => {
    logs = captureLogs();
    postgres = await startPostgres();
    const admin = new pg.Client({ connectionString: postgres.url("postgres") });
    await admin.connect();
    await admin.query("CREATE DATABASE tornado");
    await admin.end();
    db = await openDatabase(parseDatabaseUrl(postgres.url("tornado")));
    await prepareStudents(db);
    const dir = mkdtempSync(join(tmpdir(), "tutorial-pg-app-"));
    const app = new TutorialApplication({
      db,
      uploadDir: join(dir, "up"),
      settings: { cookieSecret: TEST_COOKIE_SECRET },
    });
    server = await TestServer.start(app);
  });

  after(async () => {
    await server?.close();
    await db?.close();
    await postgres?.stop();
    logs.stop();
  });

  it("creates and seeds the table, then lists and adds students through the pages", async () => {
    const browser = new Browser(server);
    const page = await browser.get("/students");
    assert.equal(page.code, 200);
    assert.ok(shown(page.text).includes("2kaige20"));
    const added = await browser.postForm("/students", { name: "刘亦菲 'q' ?", age: "32" });
    assert.equal(added.code, 302);
    const rows = await db.all<{ id: number; name: string; age: number }>(
      "SELECT id, name, age FROM students WHERE name = ? AND age = ?",
      ["刘亦菲 'q' ?", 32],
    );
    assert.deepEqual(rows, [{ id: 4, name: "刘亦菲 'q' ?", age: 32 }]);
    assert.ok(shown((await browser.get("/students")).text).includes("4刘亦菲 'q' ?32"));
  });

  it("returns the new id from INSERT ... RETURNING and reports errors with PostgreSQL's code", async () => {
    assert.equal(await addStudent(db, "kaige2", 21), 5);
    await assert.rejects(db.all("SELECT * FROM nowhere"), (error: Error) => {
      assert.ok(error instanceof DatabaseError);
      assert.equal((error as DatabaseError).code, "42P01");
      return true;
    });
  });
});
