import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { genLog, Level } from "tornado-ts/log";
import { captureLogs, ExpectedLogMissingError, expectLog } from "tornado-ts/testing";

const root = fileURLToPath(new URL("../..", import.meta.url));

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["NODE_TEST_CONTEXT"];
  return env;
}

describe("the log guard (a stray warning fails the test that logged it)", () => {
  it("fails exactly the tests with stray warnings, missing expectations or unhandled rejections", () => {
    const run = spawnSync(
      process.execPath,
      [
        "--conditions=tornado-ts-source",
        "--import",
        "tsx",
        "--import",
        "./test/support/log-guard.ts",
        "--test",
        "--test-reporter=tap",
        "test/testing/fixtures/stray-logs.fixture.ts",
      ],
      // Without NODE_TEST_CONTEXT, which would make the child report to this runner instead.
      { cwd: root, encoding: "utf8", timeout: 60_000, env: childEnv() },
    );
    const results = new Map<string, boolean>();
    for (const match of run.stdout.matchAll(/^(not ok|ok) \d+ - (.+)$/gm)) {
      results.set(match[2]!, match[1] === "ok");
    }
    assert.deepEqual(Object.fromEntries(results), {
      "stray warning fails": false,
      "stray error fails": false,
      "info passes": true,
      "expected warning passes": true,
      "captured warning passes": true,
      "unexpected warning beside an expected one fails": false,
      "missing expected log fails": false,
      "unhandled rejection fails": false,
      "clean test passes": true,
    });
    assert.match(run.stdout, /StrayLogError/);
    assert.match(run.stdout, /nobody expected this warning/);
    assert.doesNotMatch(run.stderr, /nobody expected this warning/, "stray lines are not printed");
  });
});

describe("expectLog and captureLogs", () => {
  it("resolves with the function's result", async () => {
    const value = await expectLog("hello", () => {
      genLog.warning("hello there");
      return 42;
    });
    assert.equal(value, 42);
  });

  it("requires every pattern of a list", async () => {
    await assert.rejects(
      expectLog(["one", "two"], () => genLog.warning("only one")),
      (error: unknown) => error instanceof ExpectedLogMissingError && error.pattern === "two",
    );
  });

  it("matches on logger and level when asked", async () => {
    const logs = captureLogs();
    try {
      await assert.rejects(
        expectLog("x", () => genLog.warning("x"), { logger: "tornado.access" }),
        ExpectedLogMissingError,
      );
      await assert.rejects(
        expectLog("y", () => genLog.warning("y"), { level: Level.ERROR }),
        ExpectedLogMissingError,
      );
    } finally {
      logs.stop();
    }
    await expectLog("z", () => genLog.info("z"), { level: Level.INFO, logger: "tornado.general" });
  });

  it("does not fail when required is false", async () => {
    await expectLog("absent", () => {}, { required: false });
  });

  it("captures records below WARNING while active, and restores the level", async () => {
    const logs = captureLogs();
    genLog.debug("debug line");
    logs.stop();
    assert.deepEqual(
      logs.records.map((r) => [r.levelName, r.message]),
      [["DEBUG", "debug line"]],
    );
    const after = captureLogs(Level.WARNING);
    genLog.info("not captured");
    after.stop();
    assert.equal(after.records.length, 0);
  });
});
