// The programs of Tornado's tcpserver_test.TestMultiprocess, as one script whose argument picks
// the case. Each serving process prints its task id (0 when alone) and exits; the test checks
// the sorted output is "012". Workers run this script from the top (Node's cluster module).
import type { IOStream } from "tornado-ts/iostream";
import { bindSockets } from "tornado-ts/netutil";
import { forkProcesses, taskId } from "tornado-ts/process";
import { TCPServer } from "tornado-ts/tcpserver";

class Server extends TCPServer {
  handleStream(stream: IOStream): void {
    stream.close();
  }
}

const mode = process.argv[2];
if (mode === "listen_single") {
  const server = new Server();
  await server.listen(0, "127.0.0.1");
  await server.stop();
  process.stdout.write("012");
} else if (mode === "bind_start") {
  const server = new Server();
  server.bind(0, "127.0.0.1");
  await server.start(3);
  process.stdout.write(String(taskId()));
  await server.stop();
  process.exit(0);
} else if (mode === "add_sockets") {
  const sockets = await bindSockets(0, "127.0.0.1");
  await forkProcesses(3);
  const server = new Server();
  server.addSockets(sockets);
  process.stdout.write(String(taskId()));
  await server.stop();
  process.exit(0);
} else {
  throw new Error(`unknown case ${mode}`);
}
