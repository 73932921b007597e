// The tutorial's 数据库 chapter: the students table, read and written through the connection the
// application opened at start-up (`this.application.db`).
import { HTTPError } from "tornado-ts/web";
import { addStudent, listStudents } from "../db/students.ts";
import { BaseHandler } from "./base.ts";

/** The longest name accepted (the column is VARCHAR(100) on MySQL and PostgreSQL). */
const MAX_NAME_LENGTH = 100;

/** `/students`: GET lists the students; POST adds one (`name`, `age`) and shows the list again. */
// #region students
export class StudentsHandler extends BaseHandler {
  override async get() {
    const stus = await listStudents(this.db);
    return this.render("students.html", { stus });
  }

  override async post() {
    const name = this.getBodyArgument("name");
    const ageText = this.getBodyArgument("age");
    if (name === "" || [...name].length > MAX_NAME_LENGTH) {
      throw new HTTPError(400, "bad name", { reason: "Bad name" });
    }
    const age = Number(ageText);
    if (!/^\d{1,3}$/.test(ageText) || age > 150) {
      throw new HTTPError(400, `bad age ${JSON.stringify(ageText)}`, { reason: "Bad age" });
    }
    // Bound parameters: the values never become part of the SQL text.
    await addStudent(this.db, name, age);
    // Post/redirect/get: reloading the list does not add the student twice.
    this.redirect("/students");
  }
}
// #endregion
