// 同步与异步, the form Tornado and tornado-ts handlers use today: reqA is an async function that
// awaits the long operation (Tornado's `async def` / `await`), with no generator plumbing.
import { LONG_IO_SECONDS, REQ_B_SECONDS, runOnThreadAsync, sleepBlocking } from "./long-io.ts";

// handler: a long operation such as a database query, done on another thread
function longIo(): Promise<string> {
  return runOnThreadAsync(LONG_IO_SECONDS, "sunck is a good man");
}

// One client's request
async function reqA(): Promise<void> {
  console.log("开始处理reqA");
  const res = await longIo();
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
  void reqA();
  reqB();
}

main();
