// Runs real Python Tornado (Debian's python3-tornado under /usr/bin/python3) for conformance tests.
// CI installs it (.ci/run); a missing Tornado is an error, never a skipped suite.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PYTHON = "/usr/bin/python3";

/** Runs a Python snippet and resolves with its stdout. Rejects with stderr on a non-zero exit. */
export function runPython(code: string, options: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      ["-c", code],
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`python failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** A Python Tornado server started by {@link startTornado}. */
export interface TornadoProcess {
  readonly port: number;
  url(path?: string): string;
  close(): Promise<void>;
}

/**
 * Starts a Python Tornado application. `appSource` is Python code that defines `app`
 * (a `tornado.web.Application`); the server listens on 127.0.0.1 on a free port.
 */
export function startTornado(appSource: string): Promise<TornadoProcess> {
  const dir = mkdtempSync(join(tmpdir(), "tornado-ref-"));
  const file = join(dir, "app.py");
  writeFileSync(
    file,
    `import asyncio, sys, tornado.web, tornado.httpserver, tornado.ioloop
${appSource}

async def _main():
    server = tornado.httpserver.HTTPServer(app)
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    server.add_sockets(sockets)
    print(sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

import tornado.netutil
asyncio.run(_main())
`,
  );
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(PYTHON, [file], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`Tornado exited (${code}) before listening:\n${stderr}`)),
    );
    child.stdout!.once("data", (chunk: Buffer) => {
      const port = Number.parseInt(chunk.toString().trim(), 10);
      child.removeAllListeners("exit");
      resolve({
        port,
        url: (path = "/") => `http://127.0.0.1:${port}${path}`,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) {
              done();
              return;
            }
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
