// 同步与异步.async01.py, the callback version: longIo hands the long operation to another thread
// and calls `finish` with its result when it is done, so reqB runs in the meantime.
import { LONG_IO_SECONDS, REQ_B_SECONDS, runOnThread, sleepBlocking } from "./long-io.ts";

// handler: a long operation such as a database query
function longIo(callback: (data: string) => void): void {
  // A worker thread does the long operation (threading.Thread in the tutorial).
  runOnThread(LONG_IO_SECONDS, "sunck is good man", callback);
}

// The callback, like ajax's success: function
function finish(data: string): void {
  console.log("开始处理回调函数");
  console.log("接收到longio的响应数据：", data);
  console.log("结束处理回调函数");
}

// One client's request
function reqA(): void {
  console.log("开始处理reqA");
  longIo(finish);
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
  reqA();
  reqB();
}

main();
