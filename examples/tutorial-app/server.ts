// The tutorial's server.py: open the database (creating and seeding it on first start), make the
// application, listen on the port, serve until stopped. `npm start` runs this through
// examples/start.ts; `node --conditions=source --import tsx examples/tutorial-app/server.ts`
// runs it directly. Port: `--port=N` (or `--port N`), else PORT, else config.ts's 8000.
import { pathToFileURL } from "node:url";
import type { HTTPServer } from "tornado-ts/httpserver";
import { IOLoop } from "tornado-ts/ioloop";
import { enablePrettyLogging, genLog } from "tornado-ts/log";
import { TutorialApplication } from "./application.ts";
import { databaseUrl, options } from "./config.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { prepareStudents } from "./db/students.ts";
import { describeDatabase, parseDatabaseUrl } from "./db/url.ts";

/** An invalid `--port` or PORT. */
export class PortError extends Error {
  override name = "PortError";
}

/**
 * The port to listen on: `--port=N` or `--port N` in `argv`, else PORT in `env`, else `fallback`.
 * (When tornado-ts/options is used, `define("port", {default: 8000})` and `parseCommandLine()`
 * replace this function.)
 */
export function parsePort(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  fallback: number,
): number {
  let text: string | undefined = env["PORT"] || undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith("--port=")) text = arg.slice("--port=".length);
    else if (arg === "--port") text = argv[++i];
  }
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new PortError(`invalid port ${JSON.stringify(text)}: give a number from 0 to 65535`);
  }
  return port;
}

/** A running tutorial server. */
export interface TutorialServer {
  readonly app: TutorialApplication;
  readonly server: HTTPServer;
  readonly db: Database;
  /** The port it listens on (useful with port 0). */
  readonly port: number;
  /** Stops listening and closes the database. */
  close(): Promise<void>;
}

/** Opens the database, makes the application and listens on `port` (and `address`). */
export async function serve(
  port: number,
  address?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TutorialServer> {
  const config = parseDatabaseUrl(databaseUrl(env));
  const db = await openDatabase(config);
  try {
    await prepareStudents(db);
    const app = new TutorialApplication({ db });
    const server = await app.listen(port, address);
    genLog.info(`database: ${describeDatabase(config)}`);
    return {
      app,
      server,
      db,
      port: server.port ?? port,
      async close() {
        await server.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** The command line entry: serve until SIGINT or SIGTERM. */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<void> {
  enablePrettyLogging();
  const port = parsePort(argv, env, options.port);
  const running = await serve(port, undefined, env);
  genLog.info(`tornado-ts tutorial listening on http://127.0.0.1:${running.port}/`);
  const stop = () => {
    genLog.info("stopping");
    void running.close().then(() => IOLoop.current().stop());
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await IOLoop.current().start();
}

// Python's `if __name__ == '__main__'`: run only when this file is the program.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
