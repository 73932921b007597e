// Guide sample, chapter 6: a database connection made once and shared by the handlers (数据库).
// Needs better-sqlite3 (npm install better-sqlite3). Run: npx tsx server.ts, then open
// http://127.0.0.1:8000/students (in the tornado-ts clone:
// npx tsx docs/guide/samples/06-database/server.ts)
// #region imports
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { define, parseCommandLine } from "tornado-ts/options";
import { Application, HTTPError, RequestHandler } from "tornado-ts/web";

const port = define("port", { default: 8000, type: "int", help: "the port to listen on" });
const dbFile = define("db", {
  default: join(import.meta.dirname, "tutorial.sqlite3"),
  type: String,
  help: "the SQLite file (created on the first start)",
});
// #endregion

// #region open
/** Opens the database and makes sure the table exists: the first start creates and fills it. */
function openDatabase(filename: string): Sqlite.Database {
  const db = new Sqlite(filename);
  db.exec(
    "CREATE TABLE IF NOT EXISTS students (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, age INTEGER NOT NULL)",
  );
  const { n } = db.prepare("SELECT COUNT(*) AS n FROM students").get() as { n: number };
  if (n === 0) {
    const insert = db.prepare("INSERT INTO students (name, age) VALUES (?, ?)");
    for (const [name, age] of [
      ["sunck", 18],
      ["kaige", 20],
      ["dahaigui", 30],
    ] as const) {
      insert.run(name, age);
    }
  }
  return db;
}
// #endregion

// #region app
class TutorialApplication extends Application {
  readonly db: Sqlite.Database;

  constructor(db: Sqlite.Database) {
    super([["/students", StudentsHandler]], {
      templatePath: join(import.meta.dirname, "templates"),
      xsrfCookies: true, // the form carries the _xsrf token (chapter 7)
    });
    this.db = db; // the tutorial's self.db = SunckMySQL(**config.mysql)
  }
}

class StudentsHandler extends RequestHandler {
  declare readonly application: TutorialApplication;

  override get() {
    // better-sqlite3 answers at once for a small table; long queries belong on a worker thread.
    const stus = this.application.db
      .prepare("SELECT id, name, age FROM students ORDER BY id")
      .all();
    return this.render("students.html", { stus });
  }

  override post() {
    const name = this.getBodyArgument("name");
    const age = Number(this.getBodyArgument("age"));
    if (name === "" || name.length > 100 || !Number.isInteger(age) || age < 0 || age > 150) {
      throw new HTTPError(400, "bad name or age");
    }
    // Values travel as bound parameters, never inside the SQL text.
    this.application.db.prepare("INSERT INTO students (name, age) VALUES (?, ?)").run(name, age);
    this.redirect("/students"); // post/redirect/get: a reload does not add the student twice
  }
}

parseCommandLine();
const app = new TutorialApplication(openDatabase(dbFile.value));
const server = await app.listen(port.value, "127.0.0.1");
console.log(`Listening on http://127.0.0.1:${server.port}/students`);
// #endregion
