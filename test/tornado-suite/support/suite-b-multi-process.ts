// The program of process_test.py's ProcessTest.test_multi_process: three workers under
// forkProcesses(3, maxRestarts 3); tasks 0 and 1 serve, task 2 is the client that makes them exit
// (abnormally, so they are restarted; then normally, so they are not) and checks the pids.
import { AsyncHTTPClient, HTTPClientError } from "tornado-ts/httpclient";
import { enablePrettyLogging } from "tornado-ts/log";
import { forkProcesses, taskId } from "tornado-ts/process";
import { Application, RequestHandler } from "tornado-ts/web";

class ProcessHandler extends RequestHandler {
  override get(): void {
    const exit = this.getArgument("exit", null) as string | null;
    if (exit !== null) process.exit(Number(exit));
    this.write(String(process.pid));
  }
}

enablePrettyLogging();
const port = Number(process.env["PORT"]);
const id = await forkProcesses(3, { maxRestarts: 3 });
if (id !== taskId()) throw new Error(`task id ${id} is not taskId() ${taskId()}`);
if (id === 0 || id === 1) {
  await new Application([["/", ProcessHandler]]).listen(port, "127.0.0.1");
} else {
  const client = new AsyncHTTPClient();
  const url = (path: string): string => `http://127.0.0.1:${port}${path}`;
  /** Fetches; a 599 (the worker died under the request) is fine when `failOk`. */
  const fetch = async (path: string, failOk = false): Promise<string | null> => {
    try {
      return (await client.fetch(url(path), { requestTimeout: 5 })).text();
    } catch (error) {
      if (failOk && error instanceof HTTPClientError && error.code === 599) return null;
      throw error;
    }
  };
  /** Fetches until a worker answers (a restarted worker takes a moment to start listening). */
  const fetchServed = async (path: string): Promise<string> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const body = await fetch(path, Date.now() < deadline);
      if (body !== null) return body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  // Two abnormal exits: both are restarted, so a new fetch works.
  await fetch("/?exit=2", true);
  await fetch("/?exit=3", true);
  Number(await fetchServed("/"));
  // A normal exit is not restarted; one worker is left, and its pid changes across a restart.
  await fetch("/?exit=0", true);
  const pid = Number(await fetchServed("/"));
  await fetch("/?exit=4", true);
  const pid2 = Number(await fetchServed("/"));
  console.log(pid !== pid2 ? "pid changed after the restart" : `pid did not change: ${pid}`);
  // The last one exits normally, so everything shuts down cleanly.
  await fetch("/?exit=0", true);
  await client.close();
  process.exit(0);
}
