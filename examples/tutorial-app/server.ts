// The tutorial's server.py: open the database (creating and seeding it on first start), make the
// application, listen on the port, serve until stopped. `npm start` runs this through
// examples/start.ts; `node --conditions=tornado-ts-source --import tsx examples/tutorial-app/server.ts`
// runs it directly. Port: `--port=N`, else PORT, else config.ts's 8000. Address: `--address=A`,
// else ADDRESS, else 127.0.0.1 (this machine only; `--address=0.0.0.0` opens it to the network).
import type { AddressInfo } from "node:net";
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
import { allowedHostsFor, databaseUrl, options } from "./config.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { prepareStudents } from "./db/students.ts";
import { describeDatabase, parseDatabaseUrl } from "./db/url.ts";

/**
 * Reads the command line as the tutorial's server04 does, with tornado-ts/options: `--port=N`
 * (default: PORT from `env`, else config.ts's 8000), `--address=A` (default: ADDRESS, else
 * 127.0.0.1) and Tornado's logging options (`--logging=`, `--log-file-prefix=`, ...), which the
 * parse turns on unless `final` is false. Throws an `OptionError` for an unknown option or a bad
 * value.
 */
export function parseServerOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  parse: ParseOptions = {},
): { port: number; address: string } {
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
  const address = parser.define("address", {
    default: env["ADDRESS"] || options.address,
    type: String,
    help: "the address to listen on (default: ADDRESS, else 127.0.0.1; 0.0.0.0 for every interface)",
  });
  parser.parseCommandLine(argv, parse);
  if (address.value === "") {
    throw new OptionError("--address=: give an address, such as 127.0.0.1 or 0.0.0.0");
  }
  if (!Number.isInteger(port.value) || port.value < 0 || port.value > 65535) {
    throw new OptionError(`--port=${port.value}: give a port number from 0 to 65535`);
  }
  return { port: port.value, address: address.value };
}

/** A running tutorial server. */
export interface TutorialServer {
  readonly app: TutorialApplication;
  readonly server: HTTPServer;
  readonly db: Database;
  /** The port it listens on (useful with port 0). */
  readonly port: number;
  /** The address it listens on, as bound (`127.0.0.1`, `::1`, `0.0.0.0`, ...). */
  readonly address: string;
  /** A URL for the server: its address, or 127.0.0.1 when it listens on every interface. */
  readonly url: string;
  /** Stops listening and closes the database. */
  close(): Promise<void>;
}

/**
 * Opens the database, makes the application and listens on `port` and `address` (default:
 * config.ts's 127.0.0.1).
 */
export async function serve(
  port: number,
  address: string = options.address,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TutorialServer> {
  const config = parseDatabaseUrl(databaseUrl(env));
  const db = await openDatabase(config);
  try {
    await prepareStudents(db);
    const app = new TutorialApplication({
      db,
      env,
      settings: { allowedHosts: allowedHostsFor(address, env) },
    });
    const server = await app.listen(port, address);
    genLog.info(`database: ${describeDatabase(config)}`);
    const bound = server.nodeServer.address() as AddressInfo;
    return {
      app,
      server,
      db,
      port: bound.port,
      address: bound.address,
      url: serverUrl(bound),
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

/**
 * A URL to reach a server bound at `bound` from this machine: its own address (IPv6 in brackets),
 * or the loopback one when it listens on every interface.
 */
export function serverUrl(bound: Pick<AddressInfo, "address" | "port">): string {
  const host = bound.address === "0.0.0.0" || bound.address === "::" ? "127.0.0.1" : bound.address;
  return `http://${host.includes(":") ? `[${host}]` : host}:${bound.port}/`;
}

/** The command line entry: serve until SIGINT or SIGTERM. */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<void> {
  let port: number;
  let address: string;
  try {
    ({ port, address } = parseServerOptions(argv, env));
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const running = await serve(port, address, env);
  const everywhere = running.address === "0.0.0.0" || running.address === "::";
  genLog.info(
    everywhere
      ? `tornado-ts tutorial listening on every interface (${running.address}), port ${running.port}, open to the network; from this machine: ${running.url}`
      : `tornado-ts tutorial listening on ${running.url}`,
  );
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
