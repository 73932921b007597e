import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { NodeProcess } from "../support/node-process.ts";

const APP = "test/log/fixtures/log-app.ts";
const PREFIX = "\\[[DIWE] \\d{6} \\d\\d:\\d\\d:\\d\\d";

async function run(args: string[], env: Record<string, string> = {}) {
  const app = NodeProcess.start(APP, args, { env });
  const exit = await app.exited;
  return { exit, output: app.output };
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tornado-ts-logs-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("the built-in logging options", () => {
  it("are off until options are parsed: only warnings and errors, as bare messages", async () => {
    const { exit, output } = await run([], { NO_PARSE: "1" });
    assert.equal(exit.code, 0);
    assert.match(output, /^404 GET \/missing \(127\.0\.0\.1\) 0\.50ms\nerror line\nError: boom\n/);
  });

  it("log at info to stderr in Tornado's format once the command line is parsed", async () => {
    const { output } = await run([]);
    const lines = output.split("\n");
    assert.match(lines[0]!, new RegExp(`^${PREFIX.replace("[DIWE]", "I")} general\\] info line$`));
    assert.match(
      lines[1]!,
      new RegExp(`^${PREFIX.replace("[DIWE]", "W")} access\\] 404 GET /missing`),
    );
    assert.match(
      lines[2]!,
      new RegExp(`^${PREFIX.replace("[DIWE]", "E")} application\\] error line$`),
    );
    assert.equal(lines[3], "    Error: boom");
    assert.ok(!output.includes("debug line"));
  });

  it("--logging sets the lowest level logged", async () => {
    assert.match((await run(["--logging=debug"])).output, /general\] debug line\n/);
    const warning = (await run(["--logging=warning"])).output;
    assert.ok(!warning.includes("info line"));
    assert.match(warning, /access\] 404 GET/);
    const error = (await run(["--logging=error"])).output;
    assert.ok(!error.includes("404 GET"));
    assert.match(error, /application\] error line/);
  });

  it("--logging=none turns every line off, warnings and errors too", async () => {
    const { exit, output } = await run(["--logging=none"]);
    assert.equal(exit.code, 0);
    assert.equal(output, "");
  });

  it("--log-file-prefix writes to the file instead of stderr; --log-to-stderr writes to both", async () => {
    const file = join(dir, "app.log");
    assert.equal((await run([`--log-file-prefix=${file}`])).output, "");
    const text = readFileSync(file, "utf8");
    assert.match(text, new RegExp(`^${PREFIX} general\\] info line\n`));
    assert.match(text, /\n {4}Error: boom\n/);
    assert.ok(!text.includes("\x1b["));
    const both = join(dir, "both.log");
    const { output } = await run([`--log-file-prefix=${both}`, "--log-to-stderr"]);
    assert.match(output, /general\] info line/);
    assert.match(readFileSync(both, "utf8"), /general\] info line/);
  });

  it("--log-to-stderr=false adds no handler: warnings and errors fall back to bare messages", async () => {
    // As in Tornado, where Python's last-resort handler prints them.
    const { output } = await run(["--log-to-stderr=false"]);
    assert.match(output, /^404 GET \/missing \(127\.0\.0\.1\) 0\.50ms\nerror line\nError: boom\n/);
  });

  it("--log-format=json writes one JSON object per line", async () => {
    const { output } = await run(["--log-format=json"]);
    const entries = output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      entries.map((entry) => [entry.level, entry.logger, entry.message]),
      [
        ["INFO", "tornado.general", "info line"],
        ["WARNING", "tornado.access", "404 GET /missing (127.0.0.1) 0.50ms"],
        ["ERROR", "tornado.application", "error line"],
      ],
    );
    assert.match(String(entries[2]!.error), /^Error: boom\n/);
    assert.equal(entries[0]!.worker, null);
  });

  it("refuse an unknown level or rotation mode with a message and exit status 2", async () => {
    const level = await run(["--logging=verbose"]);
    assert.equal(level.exit.code, 2);
    assert.match(level.output, /Unknown log level 'verbose'/);
    const mode = await run([`--log-file-prefix=${join(dir, "m.log")}`, "--log-rotate-mode=x"]);
    assert.equal(mode.exit.code, 2);
    assert.match(
      mode.output,
      /The value of log_rotate_mode option should be "size" or "time", not "x"\./,
    );
  });
});
