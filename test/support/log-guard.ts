// Loaded before every test file by scripts/run-tests.mjs: a warning or error log line that no test
// expected (through expectLog() or captureLogs()) fails the test during which it was logged, as in
// Tornado's own suite. Unhandled rejections already fail the running test under node:test.
import { after, afterEach } from "node:test";
import { installLogGuard } from "tornado-ts/testing";

const guard = installLogGuard();
afterEach(() => guard.check());
after(() => guard.check());
