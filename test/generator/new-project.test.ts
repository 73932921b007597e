// `npx tornado-ts new <dir>`: the files it writes, its messages, and, end to end, a generated
// project installed against this package (packed with `npm pack`, so from its build as users get
// it), whose own tests pass and whose server serves its home page.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { main } from "../../src/cli/index.ts";
import { createProject, NewProjectError } from "../../src/cli/new-project.ts";

const root = join(import.meta.dirname, "..", "..");

const EXPECTED_FILES = [
  ".gitignore",
  "README.md",
  "application.ts",
  "config.ts",
  "package.json",
  "server.ts",
  "static/css/site.css",
  "templates/index.html",
  "test/app.test.ts",
  "tsconfig.json",
  "upfile/.gitkeep",
  "views/index.ts",
];

/** The environment without the variables an outer `npm test` sets for its own run. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // NODE_TEST_CONTEXT would make the project's own `node --test` report to this test runner.
    if (!/^npm_/i.test(name) && name !== "NODE_OPTIONS" && name !== "NODE_TEST_CONTEXT") {
      env[name] = value;
    }
  }
  return { ...env, ...extra };
}

function capture(): { out: string[]; err: string[]; io: Parameters<typeof main>[1] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t) => void out.push(t), err: (t) => void err.push(t) } };
}

describe("tornado-ts new", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tornado-new-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the tutorial's project template as a TypeScript project", () => {
    const files = createProject(join(dir, "My App"));
    assert.deepEqual(files, EXPECTED_FILES);
    const pkg = JSON.parse(readFileSync(join(dir, "My App", "package.json"), "utf8"));
    const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
    assert.equal(pkg.name, "my-app");
    assert.deepEqual(pkg.dependencies, { "tornado-ts": `^${version}` });
    assert.equal(pkg.scripts.start, "node --import tsx server.ts");
    assert.match(pkg.scripts.test, /tsc -p tsconfig\.json && node --import tsx --test/);
    const readme = readFileSync(join(dir, "My App", "README.md"), "utf8");
    assert.match(readme, /^# my-app\n/);
    const config = readFileSync(join(dir, "My App", "config.ts"), "utf8");
    const secret = /DEVELOPMENT_COOKIE_SECRET = "([^"]+)"/.exec(config)?.[1] ?? "";
    assert.equal(Buffer.from(secret, "base64").length, 32, "a random secret per project");
  });

  it("refuses a folder that is not empty", () => {
    const busy = join(dir, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "keep.txt"), "mine");
    assert.throws(() => createProject(busy), NewProjectError);
    const { err, io } = capture();
    assert.equal(main(["new", busy], io), 1);
    assert.match(err.join(""), /is not empty/);
    assert.equal(readFileSync(join(busy, "keep.txt"), "utf8"), "mine");
  });

  it("prints the files and the commands to run and test the project", () => {
    const { out, io } = capture();
    assert.equal(main(["new", join(dir, "printed")], io), 0);
    const text = out.join("");
    assert.match(text, /Created .*printed\/ with 12 files:/);
    assert.match(text, /cd .*printed\n {2}npm install\n/);
    assert.match(text, / {2}npm start {4}# http:\/\/127\.0\.0\.1:8000\/\n {2}npm test\n$/);
  });

  it("explains its usage for no command, an unknown one or a missing folder", () => {
    for (const argv of [[], ["old", "x"], ["new"], ["new", "a", "b"], ["new", "a", "--x"]]) {
      const { err, io } = capture();
      assert.equal(main(argv, io), 2, argv.join(" "));
      assert.match(err.join(""), /Usage: tornado-ts new <dir>/);
    }
    const { out, io } = capture();
    assert.equal(main(["--help"], io), 0);
    assert.match(out.join(""), /Usage:/);
  });
});

describe("a generated project, installed against this package", { timeout: 300_000 }, () => {
  let work: string;
  let project: string;
  let server: ChildProcess | undefined;

  before(() => {
    work = mkdtempSync(join(tmpdir(), "tornado-e2e-"));
    // npm pack runs the prepack script (the build), as for a release.
    const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], {
      cwd: root,
      env: cleanEnv(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    })
      .trim()
      .split("\n")
      .pop()!;
    const tarball = join(work, packed);
    project = join(work, "hello");
    const result = execFileSync(
      process.execPath,
      [join(root, "bin", "tornado-ts.js"), "new", project, `--tornado-ts=file:${tarball}`],
      { env: cleanEnv(), encoding: "utf8" },
    );
    assert.match(result, /npm start/);
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: project,
      env: cleanEnv(),
      stdio: "ignore",
    });
  });

  after(() => {
    // npm start runs a shell that runs node: end the whole process group.
    if (server?.pid !== undefined && server.exitCode === null) process.kill(-server.pid, "SIGTERM");
    rmSync(work, { recursive: true, force: true });
  });

  it("passes its own npm test (type-check and tests)", () => {
    const output = execFileSync("npm", ["test"], {
      cwd: project,
      env: cleanEnv(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.match(output, /# pass 3\n/);
    assert.match(output, /# fail 0\n/);
  });

  it("serves its home page with npm start", async () => {
    server = spawn("npm", ["start", "--", "--port=0"], {
      cwd: project,
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const url = await new Promise<string>((resolve, reject) => {
      let log = "";
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log);
        if (match) resolve(match[1]!);
      };
      server!.stdout!.on("data", onData);
      server!.stderr!.on("data", onData);
      server!.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${log}`)));
    });
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<h1>Hello, tornado-ts<\/h1>/);
  });
});
