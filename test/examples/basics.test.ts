// The tutorial's first example (基础流程 / 第一个实例), run as a newcomer runs it: as a program.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort } from "../support/node-process.ts";
import { rawFetch } from "../support/raw-http.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Polls until the program answers (it prints nothing when it is ready, as in the tutorial). */
async function waitForServer(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`server01 exited with ${child.exitCode}`);
    try {
      await rawFetch(port, "/");
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error("server01 did not start listening");
}

describe("examples/basics/server01.ts (the first example)", () => {
  let child: ChildProcess;
  let port: number;
  let stderr = "";
  before(async () => {
    port = await freePort();
    child = spawn(
      process.execPath,
      ["--conditions=tornado-ts-source", "--import", "tsx", "examples/basics/server01.ts"],
      { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await waitForServer(port, child);
  });
  after(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("answers GET / with the tutorial's text", async () => {
    const response = await rawFetch(port, "/");
    assert.equal(response.code, 200);
    assert.equal(response.body.toString(), "sunck is a good man ");
    assert.equal(response.header("Content-Type"), "text/html; charset=UTF-8");
  });

  it("does not handle POST (405), as the tutorial's comment says", async () => {
    const response = await rawFetch(port, "/", { method: "POST", body: "" });
    assert.equal(response.code, 405);
  });

  it("logs the 405 as a warning on stderr (no logging configured, as Python)", async () => {
    await rawFetch(port, "/", { method: "POST", body: "" });
    const line = /405 POST \/ \(127\.0\.0\.1\) [\d.]+ms/;
    for (let attempt = 0; attempt < 100 && !line.test(stderr); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(stderr, line);
  });
});
