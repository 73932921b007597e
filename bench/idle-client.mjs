// Opens COUNT keep-alive connections to 127.0.0.1:PORT, sends one GET / on each and reads its
// response, then keeps them all open and idle. Prints "open <n>" once every connection has had
// its answer, and closes them all when its standard input closes (or after HOLD_SECONDS).
// Used by bench/run.ts for the memory-per-connection scenario; it runs in its own process.
import { connect } from "node:net";

const port = Number(process.env.PORT);
const count = Number(process.env.COUNT ?? 10_000);
// Connections being opened at once: below the servers' listen backlogs (Python's is 128), so no
// SYN is dropped and retried a second later.
const concurrency = 100;
const holdSeconds = Number(process.env.HOLD_SECONDS ?? 120);
const request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n";
const sockets = [];

function open() {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let received = "";
    socket.setNoDelay(true);
    socket.once("error", reject);
    socket.once("connect", () => socket.write(request));
    socket.on("data", function onData(chunk) {
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = /content-length:\s*(\d+)/i.exec(received.slice(0, end));
      if (length && received.length < end + 4 + Number(length[1])) return;
      socket.off("data", onData);
      socket.off("error", reject);
      // Errors after this point (the server closing) are reported by the closing count below.
      socket.on("error", () => {});
      if (!received.startsWith("HTTP/1.1 200")) {
        reject(new Error(`unexpected answer: ${received.split("\r\n")[0]}`));
        return;
      }
      resolve(socket);
    });
  });
}

let started = 0;
async function opener() {
  while (started < count) {
    started++;
    sockets.push(await open());
  }
}
try {
  await Promise.all(Array.from({ length: concurrency }, () => opener()));
} catch (error) {
  process.stderr.write(`idle-client: ${error.message}\n`);
  process.exit(1);
}
let closedEarly = 0;
for (const socket of sockets) socket.once("close", () => closedEarly++);
process.stdout.write(`open ${sockets.length}\n`);
const finish = () => {
  process.stdout.write(`closed-early ${closedEarly}\n`);
  for (const socket of sockets) socket.destroy();
  process.exit(0);
};
process.stdin.on("end", finish);
process.stdin.resume();
setTimeout(finish, holdSeconds * 1000).unref();
