import assert from "node:assert/strict";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { LogConfigError, LogFile, TASK_ID_ENV } from "tornado-ts/log";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tornado-ts-logfile-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  delete process.env[TASK_ID_ENV];
});

describe("LogFile", () => {
  it("rotates by size, keeping backupCount files", () => {
    const path = join(dir, "app.log");
    const file = new LogFile(path, { maxBytes: 25, backupCount: 2 });
    for (let i = 1; i <= 5; i++) file.write(`line ${i} 0123456789`);
    file.close();
    assert.deepEqual(readdirSync(dir).sort(), ["app.log", "app.log.1", "app.log.2"]);
    assert.equal(readFileSync(path, "utf8"), "line 5 0123456789\n");
    assert.equal(readFileSync(`${path}.1`, "utf8"), "line 4 0123456789\n");
    assert.equal(readFileSync(`${path}.2`, "utf8"), "line 3 0123456789\n");
  });

  it("appends to an existing file, counting its size", () => {
    const path = join(dir, "app.log");
    writeFileSync(path, "x".repeat(20));
    const file = new LogFile(path, { maxBytes: 30, backupCount: 1 });
    file.write("0123456789");
    file.close();
    assert.equal(readFileSync(`${path}.1`, "utf8"), "x".repeat(20));
    assert.equal(readFileSync(path, "utf8"), "0123456789\n");
  });

  it("rotates by time, naming the old file after its period and pruning old ones", () => {
    const path = join(dir, "app.log");
    writeFileSync(path, "old\n");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(path, twoHoursAgo, twoHoursAgo);
    writeFileSync(`${path}.2000-01-01_00`, "");
    writeFileSync(`${path}.2000-01-01_01`, "");
    const file = new LogFile(path, { mode: "time", when: "H", backupCount: 2 });
    file.write("new");
    file.close();
    const pad = (n: number) => String(n).padStart(2, "0");
    const d = twoHoursAgo;
    const rotated = `app.log.${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}_${pad(d.getHours())}`;
    assert.deepEqual(readdirSync(dir).sort(), ["app.log", "app.log.2000-01-01_01", rotated].sort());
    assert.equal(readFileSync(join(dir, rotated), "utf8"), "old\n");
    assert.equal(readFileSync(path, "utf8"), "new\n");
  });

  it("does not rotate by time within the period", () => {
    const path = join(dir, "app.log");
    const file = new LogFile(path, { mode: "time", when: "midnight" });
    file.write("a");
    file.write("b");
    file.close();
    assert.deepEqual(readdirSync(dir), ["app.log"]);
  });

  it("writes to a file per worker when pathFor names one", () => {
    const path = join(dir, "app.log");
    const file = new LogFile(path, { pathFor: (label) => (label ? `${path}.${label}` : path) });
    file.write("primary");
    process.env[TASK_ID_ENV] = "2";
    file.write("worker");
    file.close();
    assert.equal(readFileSync(path, "utf8"), "primary\n");
    assert.equal(readFileSync(`${path}.w2`, "utf8"), "worker\n");
  });

  it("refuses an unknown mode or unit", () => {
    assert.throws(
      () => new LogFile(join(dir, "x"), { mode: "x" as "size" }),
      (error: unknown) =>
        error instanceof LogConfigError &&
        error.message ===
          'The value of log_rotate_mode option should be "size" or "time", not "x".',
    );
    assert.throws(
      () => new LogFile(join(dir, "x"), { mode: "time", when: "Q" }),
      /Invalid rollover interval specified: Q/,
    );
    assert.equal(existsSync(join(dir, "x")), false);
  });
});
