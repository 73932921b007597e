// Starts the tutorial application for a test: a fresh SQLite file (created and seeded as on first
// start) and upload folder in a temporary directory, served by a TestServer.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestServer } from "tornado-ts/testing";
import type { ApplicationSettings } from "tornado-ts/web";
import { TutorialApplication } from "../../examples/tutorial-app/application.ts";
import { type Database, openDatabase } from "../../examples/tutorial-app/db/database.ts";
import { prepareStudents } from "../../examples/tutorial-app/db/students.ts";

/** A secret for tests, so that no test depends on the development secret's warning. */
export const TEST_COOKIE_SECRET = "test-secret-for-the-tutorial-app";

/** A started tutorial application and what it is made of. */
export interface TutorialFixture {
  server: TestServer;
  app: TutorialApplication;
  db: Database;
  /** The temporary folder holding the database and `upfile/`. */
  dir: string;
  uploadDir: string;
  close(): Promise<void>;
}

/** Starts the application on a new temporary SQLite database. */
export async function startTutorialApp(
  settings: ApplicationSettings = {},
): Promise<TutorialFixture> {
  const dir = mkdtempSync(join(tmpdir(), "tutorial-app-"));
  const db = await openDatabase({ kind: "sqlite", filename: join(dir, "tutorial.sqlite3") });
  await prepareStudents(db);
  const uploadDir = join(dir, "upfile");
  const app = new TutorialApplication({
    db,
    uploadDir,
    settings: { cookieSecret: TEST_COOKIE_SECRET, ...settings },
  });
  const server = await TestServer.start(app);
  return {
    server,
    app,
    db,
    dir,
    uploadDir,
    async close() {
      await server.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
