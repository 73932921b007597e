// Helpers for the chat example's tests: a redis-server on loopback and chat server processes.
import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "../support/node-process.ts";

/** A child process that the test stops. */
export interface Child {
  readonly port: number;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
}

/** Waits until `pattern` shows in the child's output; resolves with its first group. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        resolve(match[1] ?? "");
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`${what} exited (${code}) before it was ready:\n${output}`)),
    );
  });
}

/** Starts Debian's redis-server on loopback on a free port, with nothing saved to disk. */
export async function startRedis(): Promise<Child> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await waitForLine(child, /(Ready to accept connections)/, "redis-server");
  return { port, stop: stopper(child) };
}

/** Starts examples/chat/server.ts in its own process on a free port. */
export async function startChatServer(env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(
    process.execPath,
    ["--conditions=tornado-ts-source", "--import", "tsx", "examples/chat/server.ts", "--port=0"],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } },
  );
  const port = Number(await waitForLine(child, /chat listening on port (\d+)/, "chat server"));
  return { port, stop: stopper(child) };
}
