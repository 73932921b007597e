// The tutorial's `students` table: created and seeded on first start, listed and added to by the
// /students page. The only SQL that differs between the three back ends is the table definition.
import type { Database } from "./database.ts";

/** One row of `students`. */
export interface Student {
  id: number;
  name: string;
  age: number;
}

// #region create-table
const CREATE_TABLE: Record<Database["kind"], string> = {
  sqlite:
    "CREATE TABLE IF NOT EXISTS students (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, age INTEGER NOT NULL)",
  mysql:
    "CREATE TABLE IF NOT EXISTS students (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, age INT NOT NULL) DEFAULT CHARSET=utf8mb4",
  postgres:
    "CREATE TABLE IF NOT EXISTS students (id SERIAL PRIMARY KEY, name VARCHAR(100) NOT NULL, age INTEGER NOT NULL)",
};
// #endregion

/** The rows a new database starts with (the tutorial inserts "dahaigui", 30). */
export const SEED_STUDENTS: readonly Omit<Student, "id">[] = [
  { name: "sunck", age: 18 },
  { name: "kaige", age: 20 },
  { name: "dahaigui", age: 30 },
];

/** Creates the table if it is missing and fills an empty one with {@link SEED_STUDENTS}. */
export async function prepareStudents(db: Database): Promise<void> {
  await db.run(CREATE_TABLE[db.kind]);
  const [row] = await db.all<{ n: number | string }>("SELECT COUNT(*) AS n FROM students");
  if (Number(row?.n ?? 0) > 0) return;
  for (const student of SEED_STUDENTS) await db.insert("students", { ...student });
}

/** Every student, oldest row first. */
export async function listStudents(db: Database): Promise<Student[]> {
  const rows = await db.all<Student>("SELECT id, name, age FROM students ORDER BY id");
  // PostgreSQL and MySQL may hand numbers back as strings (bigint, DECIMAL): normalise.
  return rows.map((row) => ({ id: Number(row.id), name: String(row.name), age: Number(row.age) }));
}

/** Adds a student; resolves with the new row's id. */
export function addStudent(db: Database, name: string, age: number): Promise<number> {
  return db.insert("students", { name, age });
}
