// 同步与异步, coroutine version 1: reqA is a generator that yields while longIo runs on another
// thread; the thread resumes it through the global `gen` with the result.
import { LONG_IO_SECONDS, REQ_B_SECONDS, runOnThread, sleepBlocking } from "./long-io.ts";

let gen: Generator<void, void, string> | undefined;

// handler: a long operation such as a database query
function longIo(): void {
  runOnThread(
    LONG_IO_SECONDS,
    "sunck is a good man",
    (data) => {
      try {
        gen?.next(data);
      } catch {
        // As the tutorial's bare except: a finished generator has nothing to resume.
      }
    },
    { announceEnd: false },
  );
}

// One client's request
function* reqA(): Generator<void, void, string> {
  console.log("开始处理reqA");
  const res = yield longIo();
  console.log("接收到longio的响应数据：", res);
  console.log("结束处理reqA");
}

// Another client's request
function reqB(): void {
  console.log("开始处理reqB");
  sleepBlocking(REQ_B_SECONDS);
  console.log("结束处理reqB");
}

// The "server"
function main(): void {
  gen = reqA(); // make the generator
  gen.next(); // run reqA up to its yield
  reqB();
}

main();
