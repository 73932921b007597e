// The tutorial's 同步与异步 chapter: its scripts in TypeScript print what the tutorial prints (reqB
// runs while the long operation of reqA is still going), and the handler versions of the long
// operation do not hold up a fast request.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { AsyncHTTPClient } from "tornado-ts/httpclient";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { journal, makeApp } from "../../examples/async/app.ts";

/** Runs an example script with short durations (long operation 1.5 s, reqB 0.3 s). */
function runExample(name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--conditions=tornado-ts-source", "--import", "tsx", `examples/async/${name}.ts`],
      { env: { ...process.env, LONG_IO_SECONDS: "1.5", REQ_B_SECONDS: "0.3" }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${name} failed: ${error.message}\n${stderr}`));
        else resolve(stdout.trimEnd().split("\n"));
      },
    );
  });
}

/** Asserts that `lines` holds `expected` exactly once each, in that relative order. */
function assertOrder(lines: string[], expected: string[]): void {
  const positions = expected.map((line) => {
    assert.equal(lines.filter((l) => l === line).length, 1, `${line} once in ${lines.join(" / ")}`);
    return lines.indexOf(line);
  });
  assert.deepEqual(
    positions,
    [...positions].sort((a, b) => a - b),
    `order of ${expected.join(" / ")} in ${lines.join(" / ")}`,
  );
}

describe("the tutorial's asynchronous scripts", { concurrency: true }, () => {
  it("callback version: reqB runs while longIo works, then the callback gets the data", async () => {
    const lines = await runExample("callback");
    assert.equal(lines.length, 9);
    assertOrder(lines, [
      "开始处理reqA",
      "结束处理reqA",
      "开始处理reqB",
      "结束处理reqB",
      "结束耗时操作",
      "开始处理回调函数",
      "接收到longio的响应数据： sunck is good man",
      "结束处理回调函数",
    ]);
    assertOrder(lines, ["开始处理reqA", "开始耗时操作", "结束耗时操作"]);
  });

  for (const name of ["coroutine-v1", "coroutine-v2"]) {
    it(`${name}: reqA suspends at yield, reqB runs, then reqA resumes with the data`, async () => {
      const lines = await runExample(name);
      assert.equal(lines.length, 6);
      assertOrder(lines, [
        "开始处理reqA",
        "开始处理reqB",
        "结束处理reqB",
        "接收到longio的响应数据： sunck is a good man",
        "结束处理reqA",
      ]);
      assertOrder(lines, [
        "开始处理reqA",
        "开始耗时操作",
        "接收到longio的响应数据： sunck is a good man",
      ]);
    });
  }

  for (const name of ["coroutine-v3", "async-await"]) {
    it(`${name}: reqA awaits the long operation without holding up reqB`, async () => {
      const lines = await runExample(name);
      assert.equal(lines.length, 7);
      assertOrder(lines, [
        "开始处理reqA",
        "开始处理reqB",
        "结束处理reqB",
        "结束耗时操作",
        "接收到longio的响应数据： sunck is a good man",
        "结束处理reqA",
      ]);
      assertOrder(lines, ["开始处理reqA", "开始耗时操作", "结束耗时操作"]);
    });
  }
});

describe("a long operation inside a handler, three ways", () => {
  let server: TestServer;
  let logs: LogCapture;
  before(async () => {
    logs = captureLogs(30);
    server = await TestServer.start(makeApp());
  });
  after(async () => {
    await AsyncHTTPClient.instance().close();
    await server.close();
    logs.stop();
  });

  for (const way of ["timer", "thread", "fetch"]) {
    it(`${way}: reqB is answered while reqA is still waiting, as the tutorial prints`, async () => {
      journal.length = 0;
      let reqADone = false;
      const reqA = server.fetch(`/reqA/${way}?seconds=1`).then((response) => {
        reqADone = true;
        return response;
      });
      while (!journal.includes("开始处理reqA"))
        await new Promise((resolve) => setTimeout(resolve, 5));
      const reqB = await server.fetch("/reqB");
      assert.equal(reqB.text, "reqB done");
      assert.equal(reqADone, false, "reqA still waiting when reqB was answered");
      const response = await reqA;
      assert.equal(response.text, `sunck is a good man (${way})`);
      assert.deepEqual(journal, ["开始处理reqA", "开始处理reqB", "结束处理reqB", "结束处理reqA"]);
    });
  }
});
