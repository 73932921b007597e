// Port of Tornado 6.2's tornado/test/testing_test.py against tornado-ts/testing: TestServer (Python's
// AsyncHTTPTestCase) and genTest (Python's @gen_test). The tests of unittest integration
// (AsyncTestCase.wait/stop, decorator checks, setUp/tearDown chaining) are Python-only.
import assert from "node:assert/strict";
import { test } from "node:test";
import { sleep, TimeoutError } from "tornado-ts/gen";
import { HTTPServer } from "tornado-ts/httpserver";
import { asyncTestTimeout, genTest, TestServer } from "tornado-ts/testing";
import { Application } from "tornado-ts/web";
import { moment, quietAccessLog } from "./support/suite-b-util.ts";

quietAccessLog();

/** Runs `fn` with the environment variable `name` set to `value`, then restores it. */
async function withEnviron<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const old = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (old === undefined) delete process.env[name];
    else process.env[name] = old;
  }
}

test("AsyncHTTPTestCaseTest.test_fetch_segment", async () => {
  const server = await TestServer.start(new Application());
  try {
    const response = await server.fetch("/path");
    assert.equal(response.effectiveUrl, server.url("/path"));
  } finally {
    await server.close();
  }
});

test("AsyncHTTPTestCaseTest.test_fetch_full_http_url", async () => {
  const server = await TestServer.start(new Application());
  const second = new HTTPServer(new Application());
  await second.listen(0, "127.0.0.1");
  try {
    // An absolute URL is fetched as it is, not turned into a path on the test server.
    const path = `http://127.0.0.1:${second.port}/path`;
    const response = await server.fetch(path);
    assert.equal(response.effectiveUrl, path);
    assert.equal(response.code, 404);
  } finally {
    const stopped = second.stop();
    second.closeAllConnections();
    await stopped;
    await server.close();
  }
});

test("AsyncHTTPTestCaseSetUpTearDownTest.test_tear_down_releases_app_and_http_server", async () => {
  const server = await TestServer.start(new Application());
  assert.equal((await server.fetch("/")).code, 404);
  await server.close();
  // Closing releases the server: its port no longer accepts connections.
  await assert.rejects(server.fetch("/"), /ECONNREFUSED/);
  assert.equal(server.server.port, undefined);
});

// GenTest: Python checks `self.finished` in tearDown; here each test checks it at its end.

test("GenTest.test_sync", async () => {
  let finished = false;
  await genTest(() => {
    finished = true;
  })();
  assert.ok(finished);
});

test("GenTest.test_async", async () => {
  let finished = false;
  await genTest(async () => {
    await moment();
    finished = true;
  })();
  assert.ok(finished);
});

test("GenTest.test_timeout", async () => {
  // A short timeout, exceeded. (Python also checks that the traceback points at the sleep; a
  // JavaScript timer's error has no stack into the awaiting function.)
  const run = genTest(() => sleep(1), { timeout: 0.1 });
  await assert.rejects(run(), TimeoutError);
});

test("GenTest.test_no_timeout", async () => {
  let finished = false;
  await genTest(
    async () => {
      await sleep(0.1);
      finished = true;
    },
    { timeout: 5 },
  )();
  assert.ok(finished);
});

test("GenTest.test_timeout_environment_variable", async () => {
  // The timeout given wins over ASYNC_TEST_TIMEOUT: no timeout here.
  let finished = false;
  const run = genTest(
    async () => {
      await sleep(0.25);
      finished = true;
    },
    { timeout: 5 },
  );
  await withEnviron("ASYNC_TEST_TIMEOUT", "0.1", () => run());
  assert.ok(finished);
  // Without a timeout argument, the variable gives the default.
  await withEnviron("ASYNC_TEST_TIMEOUT", "0.1", async () => assert.equal(asyncTestTimeout(), 0.1));
});

test("GenTest.test_no_timeout_environment_variable", async () => {
  const run = genTest(() => sleep(1), { timeout: 0.01 });
  await withEnviron("ASYNC_TEST_TIMEOUT", "0.1", () => assert.rejects(run(), TimeoutError));
});

test("GenTest.test_with_method_args", async () => {
  let finished = false;
  await genTest(async (...args: string[]) => {
    assert.deepEqual(args, ["test"]);
    await moment();
    finished = true;
  })("test");
  assert.ok(finished);
});

test("GenTest.test_with_method_kwargs", async () => {
  let finished = false;
  await genTest(async (kwargs: Record<string, string>) => {
    assert.deepEqual(kwargs, { test: "test" });
    await moment();
    finished = true;
  })({ test: "test" });
  assert.ok(finished);
});

test("GenTest.test_native_coroutine", async () => {
  let finished = false;
  await genTest(async () => {
    finished = true;
  })();
  assert.ok(finished);
});

test("GenTest.test_native_coroutine_timeout", async () => {
  const run = genTest(
    async () => {
      await sleep(1);
    },
    { timeout: 0.1 },
  );
  await assert.rejects(run(), TimeoutError);
});
