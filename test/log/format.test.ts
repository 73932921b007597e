import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  JsonLogFormatter,
  Level,
  LogFormatter,
  type LogRecord,
  setProcessLabel,
  TASK_ID_ENV,
} from "tornado-ts/log";

const TIME = new Date(2024, 10, 26, 22, 37, 41);

function record(level: number, levelName: string, message: string, error?: unknown): LogRecord {
  return {
    name: "tornado.access",
    level,
    levelName,
    message,
    time: TIME,
    ...(error ? { error } : {}),
  };
}

afterEach(() => {
  setProcessLabel(undefined);
  delete process.env[TASK_ID_ENV];
});

describe("LogFormatter", () => {
  it("writes Tornado's line: level letter, yymmdd hh:mm:ss, logger, message", () => {
    const line = new LogFormatter().format(
      record(Level.INFO, "INFO", "200 GET /hello (127.0.0.1) 4.69ms"),
    );
    assert.equal(line, "[I 241126 22:37:41 access] 200 GET /hello (127.0.0.1) 4.69ms");
  });

  it("colours the prefix by level on a terminal", () => {
    const formatter = new LogFormatter({ color: true });
    assert.equal(
      formatter.format(record(Level.INFO, "INFO", "x")),
      "\x1b[32m[I 241126 22:37:41 access]\x1b[0m x",
    );
    assert.equal(formatter.format(record(Level.WARNING, "WARNING", "x")).slice(0, 5), "\x1b[33m");
    assert.equal(formatter.format(record(Level.ERROR, "ERROR", "x")).slice(0, 5), "\x1b[31m");
    assert.equal(formatter.format(record(Level.DEBUG, "DEBUG", "x")).slice(0, 5), "\x1b[34m");
  });

  it("indents the error's stack and extra lines by four spaces", () => {
    const error = new Error("boom");
    error.stack = "Error: boom\n    at here";
    const text = new LogFormatter().format(record(Level.ERROR, "ERROR", "failed\nsecond", error));
    assert.equal(
      text,
      "[E 241126 22:37:41 access] failed\n    second\n    Error: boom\n        at here",
    );
  });

  it("labels the lines of a worker process with its task id", () => {
    process.env[TASK_ID_ENV] = "3";
    assert.equal(
      new LogFormatter().format(record(Level.INFO, "INFO", "x")),
      "[I 241126 22:37:41 access w3] x",
    );
    setProcessLabel("api-1");
    assert.equal(
      new LogFormatter().format(record(Level.INFO, "INFO", "x")),
      "[I 241126 22:37:41 access api-1] x",
    );
    setProcessLabel(null);
    assert.equal(
      new LogFormatter().format(record(Level.INFO, "INFO", "x")),
      "[I 241126 22:37:41 access] x",
    );
  });
});

describe("JsonLogFormatter", () => {
  it("writes one JSON object per record, with the worker's task id", () => {
    process.env[TASK_ID_ENV] = "1";
    const error = new Error("boom");
    const line = new JsonLogFormatter().format(record(Level.ERROR, "ERROR", "failed\nhere", error));
    assert.ok(!line.includes("\n"));
    assert.deepEqual(JSON.parse(line), {
      time: TIME.toISOString(),
      level: "ERROR",
      logger: "tornado.access",
      message: "failed\nhere",
      pid: process.pid,
      worker: 1,
      error: error.stack,
    });
  });

  it("has a null worker outside multi-process mode", () => {
    const entry = JSON.parse(new JsonLogFormatter().format(record(Level.INFO, "INFO", "x")));
    assert.equal(entry.worker, null);
    assert.equal("error" in entry, false);
  });
});
