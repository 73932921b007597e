// Guide sample: a database connection made once and shared by the handlers (数据库).
import { Application, RequestHandler } from "tornado-ts/web";
import type { Database } from "../../../examples/tutorial-app/db/database.ts";
import { openDatabase } from "../../../examples/tutorial-app/db/database.ts";
import { parseDatabaseUrl } from "../../../examples/tutorial-app/db/url.ts";

// #region app
class TutorialApplication extends Application {
  readonly db: Database;

  constructor(db: Database) {
    super([["/students", StudentsHandler]], { templatePath: "templates" });
    this.db = db; // the tutorial's self.db = SunckMySQL(**config.mysql)
  }
}

class StudentsHandler extends RequestHandler {
  declare readonly application: TutorialApplication;

  async get() {
    const stus = await this.application.db.all<{ name: string; age: number }>(
      "SELECT name, age FROM students ORDER BY id",
    );
    return this.render("students.html", { stus });
  }

  async post() {
    // Values travel as bound parameters, never inside the SQL text.
    await this.application.db.run("INSERT INTO students (name, age) VALUES (?, ?)", [
      this.getBodyArgument("name"),
      Number(this.getBodyArgument("age")),
    ]);
    this.redirect("/students");
  }
}

const url = process.env["DATABASE_URL"] ?? "sqlite:tutorial.sqlite3";
const app = new TutorialApplication(await openDatabase(parseDatabaseUrl(url)));
// #endregion

/** The application of this sample. */
export default app;
