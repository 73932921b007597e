/**
 * The `tornado-ts` command (the package's `bin`): `tornado-ts new <dir>` writes a new project.
 * @internal
 */
import { createProject, NewProjectError } from "./new-project.ts";

const USAGE = `Usage: tornado-ts new <dir> [--tornado-ts=<npm spec>]

Commands:
  new <dir>   write a new project laid out as the Tornado tutorial's project template
              (server, application, config, views, templates, static, upfile, tests)

Options:
  --tornado-ts=<spec>   the tornado-ts dependency to write. Default: ^<this version> when
                        this tornado-ts came from the npm registry; otherwise (a clone, a
                        tarball) this copy, packed into <dir>/vendor/ with npm pack
`;

/** Output streams, replaceable in tests. */
interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STD_IO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export function main(argv: readonly string[], io: CliIO = STD_IO): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== "new") {
    io.err(`tornado-ts: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  const dirs = rest.filter((arg) => !arg.startsWith("--"));
  const spec = rest.find((arg) => arg.startsWith("--tornado-ts="))?.slice("--tornado-ts=".length);
  const unknown = rest.filter((arg) => arg.startsWith("--") && !arg.startsWith("--tornado-ts="));
  if (dirs.length !== 1 || unknown.length > 0) {
    io.err(USAGE);
    return 2;
  }
  const dir = dirs[0]!;
  try {
    const project = createProject(dir, {
      progress: io.out,
      ...(spec === undefined ? {} : { tornadoTs: spec }),
    });
    const shown = dir.replace(/\/+$/, "");
    io.out(`Created ${shown}/ with ${project.files.length} files:\n`);
    for (const file of project.files) io.out(`  ${file}\n`);
    if (project.source === "vendor") {
      io.out(
        "\nThis tornado-ts did not come from the npm registry, so it was packed into the\n" +
          `project: package.json depends on "${project.dependency}".\n` +
          "Keep vendor/ with the project until you switch to a release from the registry\n" +
          "(npm install tornado-ts@latest).\n",
      );
    }
    io.out(`\nNext:\n  cd ${shown}\n  npm install\n\nThen run it and test it:\n`);
    io.out("  npm start    # http://127.0.0.1:8000/\n  npm test\n");
    return 0;
  } catch (error) {
    if (!(error instanceof NewProjectError)) throw error;
    io.err(`tornado-ts: ${error.message}\n`);
    return 1;
  }
}
