// 同步与异步, coroutine version 3: no global. reqA yields the long operation itself (a promise of
// its result) and genCoroutine resumes reqA with the result when the thread is done: what
// Tornado's @gen.coroutine does with yielded futures.
import { LONG_IO_SECONDS, REQ_B_SECONDS, runOnThreadAsync, sleepBlocking } from "./long-io.ts";

function genCoroutine(func: () => Generator<Promise<string>, void, string>): () => void {
  return () => {
    const gen = func();
    const step = (value?: string): void => {
      const next = value === undefined ? gen.next() : gen.next(value);
      if (!next.done) void next.value.then(step);
    };
    step();
  };
}

// handler: a long operation such as a database query, done on another thread
function longIo(): Promise<string> {
  return runOnThreadAsync(LONG_IO_SECONDS, "sunck is a good man");
}

// One client's request
const reqA = genCoroutine(function* () {
  console.log("开始处理reqA");
  const res = yield longIo();
  console.log("接收到longio的响应数据：", res);
  console.log("结束处理reqA");
});

// Another client's request
function reqB(): void {
  console.log("开始处理reqB");
  sleepBlocking(REQ_B_SECONDS);
  console.log("结束处理reqB");
}

// The "server"
function main(): void {
  reqA();
  reqB();
}

main();
