// The tutorial's server.py: open the database (creating and seeding it on first start), make the
// application, listen on the port, serve until stopped. `npm start` runs this through
// examples/start.ts; `node --conditions=tornado-ts-source --import tsx examples/tutorial-app/server.ts`
// runs it directly. Port: `--port=N`, else PORT, else config.ts's 8000.
import { pathToFileURL } from "node:url";
import type { HTTPServer } from "tornado-ts/httpserver";
import { IOLoop } from "tornado-ts/ioloop";
import { genLog } from "tornado-ts/log";
import {
  defineLoggingOptions,
  OptionError,
  OptionParser,
  type ParseOptions,
} from "tornado-ts/options";
import { TutorialApplication } from "./application.ts";
import { databaseUrl, options } from "./config.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { prepareStudents } from "./db/students.ts";
import { describeDatabase, parseDatabaseUrl } from "./db/url.ts";

/**
 * Reads the command line as the tutorial's server04 does, with tornado-ts/options: `--port=N`
 * (default: PORT from `env`, else config.ts's 8000) and Tornado's logging options (`--logging=`,
 * `--log-file-prefix=`, ...), which the parse turns on unless `final` is false. Throws an
 * `OptionError` for an unknown option or a bad value.
 */
export function parseServerOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  parse: ParseOptions = {},
): { port: number } {
  const parser = new OptionParser();
  defineLoggingOptions(parser);
  const envPort = env["PORT"];
  if (envPort && !/^\d+$/.test(envPort)) {
    throw new OptionError(`PORT=${JSON.stringify(envPort)}: not a port number`);
  }
  const port = parser.define("port", {
    default: envPort ? Number(envPort) : options.port,
    type: "int",
    help: "the port to listen on (default: PORT, else 8000)",
  });
  parser.parseCommandLine(argv, parse);
  if (!Number.isInteger(port.value) || port.value < 0 || port.value > 65535) {
    throw new OptionError(`--port=${port.value}: give a port number from 0 to 65535`);
  }
  return { port: port.value };
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
  let port: number;
  try {
    ({ port } = parseServerOptions(argv, env));
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
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
