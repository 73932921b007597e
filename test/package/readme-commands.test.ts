// Every command README.md and README.zh.md give for running a server, run as written from this
// checkout, as from a fresh clone: nothing may come from dist/ (a fresh clone has no build), which
// a resolve hook loaded into every process checks. Each server must answer on 127.0.0.1. Only the
// port changes: PORT (and a written `--port=9000`) get a free port, as other tests run at once.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { freePort } from "../support/node-process.ts";

const root = join(import.meta.dirname, "..", "..");

// Commands the READMEs show that this test does not start, and why.
const NOT_SERVERS: Record<string, string> = {
  "npm install": "installs",
  "npm test": "this very suite",
  "npm run soak": "the long soak, run by hand",
  "npm run fuzz": "the long fuzzing run, run by hand",
  "npm run conformance": "the protocol suites (about 30 minutes); .ci/run runs their quick set",
  "npm run build && node scripts/import-cost.mjs": "prints what an import loads, not a server",
  "npm run bench": "the benchmark (needs wrk; bench/ and docs/performance.md)",
  "npm run docs": "builds the API reference; test/api/docs.test.ts checks it",
  "npx tsx bench/template-render.ts": "a 10-second benchmark, not a server (npm run bench)",
  "npm start -- --address=0.0.0.0": "the generated project's, run by test/package/package.test.ts",
};

/** Commands in `file`: lines of sh blocks, and inline code spans that start like a command. */
function commands(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const found: string[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split("\n")) found.push(line.replace(/\s+#.*$/, "").trim());
  }
  for (const span of text.matchAll(/`((?:npx|npm|node) [^`]+)`/g)) found.push(span[1]!.trim());
  return found.filter((line) => /^(?:npx tsx|npm start|npm run|node --)/.test(line));
}

/** Starts `command` in the checkout; resolves with the first HTTP answer on the port. */
async function serve(command: string, hook: string): Promise<{ status: number; body: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && name !== "NODE_TEST_CONTEXT") env[name] = value;
  }
  env["PORT"] = String(port);
  env["NODE_OPTIONS"] = `--import=${pathToFileURL(hook).href}`;
  const line = command.replace("--port=9000", `--port=${port}`);
  const child = spawn("bash", ["-c", `exec ${line}`], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  let exited = false;
  const done = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`\`${command}\` exited:\n${output.slice(-3000)}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" });
        return { status: response.status, body: await response.text() };
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    throw new Error(
      `\`${command}\` did not answer on ${port} within 60 s:\n${output.slice(-3000)}`,
    );
  } finally {
    if (!exited && child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
    await done;
    assert.doesNotMatch(output, /loaded from dist\//, `${command} used the build`);
  }
}

describe("the READMEs' commands, from a fresh clone", { timeout: 600_000 }, () => {
  let work: string;
  let hook: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "tornado-readme-"));
    hook = join(work, "no-dist.mjs");
    // A fresh clone has no dist/: fail any resolution into it, in every process started.
    const hooks = `
const dist = ${JSON.stringify(pathToFileURL(join(root, "dist")).href)} + "/";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith(dist)) {
    process.stderr.write("loaded from dist/: " + result.url + "\\n");
    throw new Error("a fresh clone has no " + result.url);
  }
  return result;
}`;
    writeFileSync(
      hook,
      `import { register } from "node:module";\nregister(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});\n`,
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const all = [...new Set([...commands("README.md"), ...commands("README.zh.md")])];

  it("lists the commands it does not start, and finds the ones it does", () => {
    const servers = all.filter((line) => !(line in NOT_SERVERS));
    assert.ok(servers.includes("npm start"));
    assert.ok(servers.includes("npx tsx examples/security/server.ts"));
    assert.ok(servers.length >= 7, servers.join("\n"));
  });

  for (const command of all) {
    if (command in NOT_SERVERS) continue;
    it(command, async () => {
      const { status, body } = await serve(command, hook);
      assert.ok(status < 500, `${command}: ${status} ${body.slice(0, 200)}`);
    });
  }
});
