// Port of Tornado 6.2's tornado/test/process_test.py against tornado-ts/process.
import assert from "node:assert/strict";
import { constants as osConstants } from "node:os";
import { test } from "node:test";
import { CalledProcessError, Subprocess } from "tornado-ts/process";
import { freePort, NodeProcess } from "../support/node-process.ts";

test("ProcessTest.test_multi_process", async () => {
  const port = await freePort();
  const app = NodeProcess.start("test/tornado-suite/support/suite-b-multi-process.ts", [], {
    env: { PORT: String(port) },
  });
  try {
    // Every worker ended with status 0 in the end, so the primary exits 0.
    assert.deepEqual(await app.exited, { code: 0, signal: null }, app.output);
    assert.match(app.stdout, /pid changed after the restart\n/);
    assert.match(app.output, /general\] Starting 3 processes\n/);
    assert.match(
      app.output,
      /child 0 \(pid \d+\) exited with status [234]|child 1 \(pid \d+\) exited with status [234]/,
    );
    assert.match(app.output, /child 2 \(pid \d+\) exited normally/);
  } finally {
    await app.kill();
  }
});

// SubprocessTest: the children are Python, as in Tornado's tests (CI installs python3).
const PYTHON = "/usr/bin/python3";

/** Terminates the child and waits for it (Python's term_and_wait cleanup). */
async function termAndWait(subproc: Subprocess): Promise<void> {
  if (subproc.returncode === null) {
    subproc.proc.kill("SIGTERM");
    await subproc.waitForExit(false);
  }
}

test("SubprocessTest.test_subprocess", async () => {
  const subproc = new Subprocess([PYTHON, "-u", "-i"], {
    stdin: Subprocess.STREAM,
    stdout: Subprocess.STREAM,
    stderr: Subprocess.STDOUT,
  });
  try {
    await subproc.stdout!.readUntil(">>> ");
    subproc.stdin!.write("print('hello')\n");
    assert.equal((await subproc.stdout!.readUntil("\n")).toString(), "hello\n");
    await subproc.stdout!.readUntil(">>> ");
    subproc.stdin!.write("raise SystemExit\n");
    assert.equal((await subproc.stdout!.readUntilClose()).toString(), "");
  } finally {
    await termAndWait(subproc);
  }
});

test("SubprocessTest.test_close_stdin", async () => {
  // Closing the parent's end of stdin: the child sees end-of-file.
  const subproc = new Subprocess([PYTHON, "-u", "-i"], {
    stdin: Subprocess.STREAM,
    stdout: Subprocess.STREAM,
    stderr: Subprocess.STDOUT,
  });
  try {
    await subproc.stdout!.readUntil(">>> ");
    subproc.stdin!.close();
    assert.equal((await subproc.stdout!.readUntilClose()).toString(), "\n");
  } finally {
    await termAndWait(subproc);
  }
});

test("SubprocessTest.test_stderr", async () => {
  const subproc = new Subprocess([PYTHON, "-u", "-c", "import sys; sys.stderr.write('hello\\n')"], {
    stderr: Subprocess.STREAM,
  });
  try {
    assert.equal((await subproc.stderr!.readUntil("\n")).toString(), "hello\n");
    subproc.stderr!.close();
  } finally {
    await termAndWait(subproc);
  }
});

test("SubprocessTest.test_sigchild", async () => {
  const subproc = new Subprocess([PYTHON, "-c", "pass"]);
  const ret = await new Promise<number>((resolve) => subproc.setExitCallback(resolve));
  assert.equal(ret, 0);
  assert.equal(subproc.returncode, ret);
});

test("SubprocessTest.test_sigchild_future", async () => {
  const subproc = new Subprocess([PYTHON, "-c", "pass"]);
  const ret = await subproc.waitForExit();
  assert.equal(ret, 0);
  assert.equal(subproc.returncode, ret);
});

test("SubprocessTest.test_sigchild_signal", async () => {
  const subproc = new Subprocess([PYTHON, "-c", "import time; time.sleep(30)"], {
    stdout: Subprocess.STREAM,
  });
  try {
    const exited = new Promise<number>((resolve) => subproc.setExitCallback(resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(subproc.pid!, "SIGTERM");
    const ret = await exited;
    assert.equal(subproc.returncode, ret);
    assert.equal(ret, -osConstants.signals.SIGTERM);
  } finally {
    subproc.stdout!.close();
  }
});

test("SubprocessTest.test_wait_for_exit_raise", async () => {
  const subproc = new Subprocess([PYTHON, "-c", "import sys; sys.exit(1)"]);
  await assert.rejects(subproc.waitForExit(), (error: unknown) => {
    assert.ok(error instanceof CalledProcessError);
    assert.equal(error.returncode, 1);
    return true;
  });
});

test("SubprocessTest.test_wait_for_exit_raise_disabled", async () => {
  const subproc = new Subprocess([PYTHON, "-c", "import sys; sys.exit(1)"]);
  assert.equal(await subproc.waitForExit(false), 1);
});
