// 同步与异步, coroutine version 2: a decorator-like wrapper (genCoroutine) creates and starts the
// generator, so reqA is called like a plain function; longIo still resumes the global `gen`.
import { LONG_IO_SECONDS, REQ_B_SECONDS, runOnThread, sleepBlocking } from "./long-io.ts";

let gen: Generator<void, void, string> | undefined;

function genCoroutine(func: () => Generator<void, void, string>): () => void {
  return () => {
    gen = func();
    gen.next();
  };
}

// handler: a long operation such as a database query
function longIo(): void {
  runOnThread(
    LONG_IO_SECONDS,
    "sunck is a good man",
    (data) => {
      try {
        gen?.next(data);
      } catch {
        // A finished generator has nothing to resume.
      }
    },
    { announceEnd: false },
  );
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
