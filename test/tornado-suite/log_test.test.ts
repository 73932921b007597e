// Tornado 6.2's tornado/test/log_test.py, ported to tornado-ts/log. Records are written through a
// LogFile with a LogFormatter, as Tornado's tests write through a FileHandler; the line prefix
// names the logger where Tornado prints `module:line` (docs/name-map.md#suite-log-prefix).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import {
  addLogHandler,
  enablePrettyLogging,
  getLogger,
  getRootLevel,
  LogConfigError,
  LogFile,
  LogFormatter,
  setRootLevel,
} from "tornado-ts/log";
import { captureLogs } from "tornado-ts/testing";
import { NodeProcess } from "../support/node-process.ts";

const LINE_RE = /^\[E [0-9]{6} [0-9]{2}:[0-9]{2}:[0-9]{2} LogFormatterTest\] (.*)$/s;

/** Logs through a formatter into a fresh file and returns what follows the line prefix. */
function formatted(log: (logger: ReturnType<typeof getLogger>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "tornado-suite-log-"));
  const file = new LogFile(join(dir, "log.out"));
  const formatter = new LogFormatter({ color: false });
  const remove = addLogHandler((record) => {
    if (record.name === "LogFormatterTest") file.write(formatter.format(record));
  });
  const logs = captureLogs();
  try {
    log(getLogger("LogFormatterTest"));
  } finally {
    logs.stop();
    remove();
    file.close();
  }
  try {
    const line = readFileSync(join(dir, "log.out"), "utf8").trim();
    const match = LINE_RE.exec(line);
    if (!match) throw new Error(`output didn't match regex: ${JSON.stringify(line)}`);
    return match[1]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("LogFormatterTest.test_basic_logging", () => {
  assert.equal(
    formatted((logger) => logger.error("foo")),
    "foo",
  );
});

test("LogFormatterTest.test_bytes_exception_logging", () => {
  const output = formatted((logger) => {
    try {
      throw new Error("\xe9");
    } catch (error) {
      logger.exception("caught exception", error);
    }
  });
  assert.match(output, /Error.*\xe9/);
  // The stack is on lines of its own: its newlines are not escaped.
  assert.ok(output.includes("\n"));
  assert.ok(!output.includes("\\n"));
});

test("UnicodeLogFormatterTest.test_unicode_logging", () => {
  assert.equal(
    formatted((logger) => logger.error("\u00e9")),
    "\u00e9",
  );
});

/** Runs enablePrettyLogging with `settings`, logs "hello" at ERROR, and restores the logging setup. */
function withPrettyLogging(settings: Parameters<typeof enablePrettyLogging>[0], fn: () => void) {
  const level = getRootLevel();
  const remove = enablePrettyLogging(settings);
  const logs = captureLogs();
  try {
    fn();
  } finally {
    logs.stop();
    remove();
    setRootLevel(level);
  }
}

function checkLogFile(settings: Parameters<typeof enablePrettyLogging>[0] & object, dir: string) {
  withPrettyLogging(settings, () => {
    getLogger("tornado.test.log_test.EnablePrettyLoggingTest").error("hello");
  });
  const filenames = readdirSync(dir).filter((name) => name.startsWith("test_log"));
  assert.equal(filenames.length, 1);
  assert.match(readFileSync(join(dir, filenames[0]!), "utf8"), /^\[E [^\]]*\] hello\n?$/);
}

test("EnablePrettyLoggingTest.test_log_file", () => {
  const dir = mkdtempSync(join(tmpdir(), "tornado-suite-log-"));
  try {
    checkLogFile({ logFilePrefix: join(dir, "test_log") }, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("EnablePrettyLoggingTest.test_log_file_with_timed_rotating", () => {
  const dir = mkdtempSync(join(tmpdir(), "tornado-suite-log-"));
  try {
    checkLogFile({ logFilePrefix: join(dir, "test_log"), logRotateMode: "time" }, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("EnablePrettyLoggingTest.test_wrong_rotate_mode_value", () => {
  const level = getRootLevel();
  try {
    assert.throws(
      () => enablePrettyLogging({ logFilePrefix: "some_path", logRotateMode: "wrong_mode" }),
      LogConfigError,
    );
  } finally {
    setRootLevel(level);
  }
});

// LoggingOptionTest: a child process runs a statement, then logs "hello" at INFO.
const PROGRAM = "test/tornado-suite/support/suite-a-log-program.ts";

const CASES: Record<string, [string, string[]]> = {
  test_default: ["pass", []],
  test_tornado_default: ["parse", []],
  test_disable_command_line: ["parse", ["--logging=none"]],
  test_disable_command_line_case_insensitive: ["parse", ["--logging=None"]],
  test_disable_code_string: ["none-string", []],
  test_disable_code_none: ["none", []],
  test_disable_override: ["none", ["--logging=info"]],
};

// The programs start together (each takes a second or more to load), each test awaits its own.
const runs = new Map<string, Promise<{ code: number | null; output: string }>>();
before(() => {
  for (const [name, [statement, args]] of Object.entries(CASES)) {
    const child = NodeProcess.start(PROGRAM, args, { env: { STATEMENT: statement } });
    runs.set(
      name,
      child.exited.then((exit) => ({ code: exit.code, output: child.output })),
    );
  }
});

async function logsPresent(name: string): Promise<boolean> {
  const { code, output } = await runs.get(name)!;
  assert.equal(code, 0, `process failed: ${output}`);
  return output.includes("hello");
}

test("LoggingOptionTest.test_default", async () => {
  assert.equal(await logsPresent("test_default"), false);
});

test("LoggingOptionTest.test_tornado_default", async () => {
  assert.equal(await logsPresent("test_tornado_default"), true);
});

test("LoggingOptionTest.test_disable_command_line", async () => {
  assert.equal(await logsPresent("test_disable_command_line"), false);
});

test("LoggingOptionTest.test_disable_command_line_case_insensitive", async () => {
  assert.equal(await logsPresent("test_disable_command_line_case_insensitive"), false);
});

test("LoggingOptionTest.test_disable_code_string", async () => {
  // options.logging = "none" in code, then the command line is parsed.
  assert.equal(await logsPresent("test_disable_code_string"), false);
});

test("LoggingOptionTest.test_disable_code_none", async () => {
  assert.equal(await logsPresent("test_disable_code_none"), false);
});

test("LoggingOptionTest.test_disable_override", async () => {
  // The command line wins over a default set in code.
  assert.equal(await logsPresent("test_disable_override"), true);
});
