// tornado-ts as users get it, outside this repository, in a temporary folder:
//
// 1. README.md's new-project commands "from a clone", run as written (the clone is this checkout,
//    already installed): the generator packs the checkout into myapp/vendor/, the project
//    installs, passes its own tests, serves its page on 127.0.0.1 and makes its own cookie secret.
//    A second generated project does not accept the first one's sign-in cookie.
// 2. The packed tarball in a fresh consumer project: plain ESM, CommonJS require(), TypeScript
//    under nodenext, and under bundler with customConditions ["source"], skipLibCheck off;
//    engines checked against what the dependencies need; piscina left out.
//
// npm installs use the local cache first (npm_config_prefer_offline), as CI's warm cache does.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import semver from "semver";

const root = join(import.meta.dirname, "..", "..");

/** The environment without what an outer `npm test` sets, with npm's cache preferred. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // NODE_TEST_CONTEXT would make a project's own `node --test` report to this test runner.
    if (!/^npm_/i.test(name) && name !== "NODE_OPTIONS" && name !== "NODE_TEST_CONTEXT") {
      env[name] = value;
    }
  }
  return {
    ...env,
    npm_config_prefer_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    ...extra,
  };
}

/** Runs a shell command line in `cwd`; returns its output (stdout and stderr). */
function sh(line: string, cwd: string, extra: Record<string, string> = {}): string {
  try {
    return execFileSync("bash", ["-c", `${line} 2>&1`], {
      cwd,
      env: cleanEnv(extra),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const output = String((error as { stdout?: unknown }).stdout ?? "");
    throw new Error(`\`${line}\` failed in ${cwd}:\n${output.slice(-4000)}`);
  }
}

/** {@link sh} without blocking this process. */
function shAsync(line: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      ["-c", `${line} 2>&1`],
      { cwd, env: cleanEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        if (error) reject(new Error(`\`${line}\` failed in ${cwd}:\n${stdout.slice(-4000)}`));
        else resolve(stdout);
      },
    );
  });
}

/** The README's fenced block that follows `marker`, as lines. */
function readmeBlock(marker: string, file = "README.md"): string[] {
  const readme = readFileSync(join(root, file), "utf8");
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README.md has no ${marker}`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block, `no sh block after ${marker}`);
  return block[1]!.trim().split("\n");
}

/** A running `npm start`, with the URL it logged. */
interface Started {
  child: ChildProcess;
  url: string;
  log: () => string;
}

function npmStart(cwd: string, extra: Record<string, string> = {}): Promise<Started> {
  const child = spawn("npm", ["start"], {
    cwd,
    env: cleanEnv(extra),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on (http:\/\/\S+\/)/.exec(log);
      if (match) resolve({ child, url: match[1]!, log: () => log });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${log}`)));
  });
}

/** Ends a process started with npmStart (npm runs a shell that runs node: the whole group). */
async function stop(started: Started | undefined): Promise<void> {
  const child = started?.child;
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  await exited;
}

/** Signs in as `name` on a generated project's server; returns the `user` Set-Cookie header. */
async function signIn(url: string, name: string): Promise<string> {
  const form = await fetch(new URL("/login", url));
  const xsrf = form.headers
    .getSetCookie()
    .find((c) => c.startsWith("_xsrf="))!
    .split(";")[0]!;
  const response = await fetch(new URL("/login", url), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: xsrf },
    body: new URLSearchParams({ _xsrf: xsrf.slice("_xsrf=".length), name }),
    redirect: "manual",
  });
  assert.equal(response.status, 302);
  const user = response.headers.getSetCookie().find((c) => c.startsWith("user="));
  assert.ok(user, "a user cookie");
  return user;
}

async function signedInAs(url: string, cookie: string): Promise<string | undefined> {
  const page = await (await fetch(url, { headers: { Cookie: cookie.split(";")[0]! } })).text();
  return /Signed in as <strong id="user">([^<]*)<\/strong>/.exec(page)?.[1];
}

/** Whether something accepts TCP connections at `host:port`. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe("tornado-ts outside this repository", { timeout: 600_000 }, () => {
  let work: string;
  let tarball: string;
  const running: Started[] = [];

  before(() => {
    work = mkdtempSync(join(tmpdir(), "tornado-package-"));
  });
  after(async () => {
    for (const started of running) await stop(started);
    rmSync(work, { recursive: true, force: true });
  });

  describe("README.md's new-project commands from a clone", () => {
    let myapp: string;
    let first: Started;

    it("create, install and test a project that depends on the vendored checkout", () => {
      const lines = readmeBlock("<!-- new-project-from-clone");
      assert.deepEqual(readmeBlock("<!-- new-project-from-clone", "README.zh.md"), lines);
      // The clone is this checkout, installed: the first two lines are what made it.
      assert.equal(lines[0], "git clone https://github.com/tornado-ts/tornado-ts.git");
      assert.equal(lines[1], "cd tornado-ts && npm install && cd ..");
      symlinkSync(root, join(work, "tornado-ts"));
      const commands = lines.slice(2).map((line) => line.replace(/\s+#.*$/, ""));
      assert.deepEqual(commands.slice(-2), ["npm start", "npm test"]);
      // Everything up to npm start runs as one shell script, as a user types it.
      const created = sh(commands.slice(0, -2).join("\n"), work);
      assert.match(created, /Created myapp\/ with 14 files:/);
      assert.match(created, /^Packing tornado-ts from .* into vendor\/ \(npm pack\)\.\.\.\n/);
      assert.match(created, /did not come from the npm registry, so it was packed into the\n/);
      assert.match(created, /Next:\n {2}cd myapp\n {2}npm install\n/);
      myapp = join(work, "myapp");
      const pkg = JSON.parse(readFileSync(join(myapp, "package.json"), "utf8"));
      const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
      const vendored = `vendor/tornado-ts-${version}.tgz`;
      assert.equal(pkg.dependencies["tornado-ts"], `file:./${vendored}`);
      assert.ok(existsSync(join(myapp, "node_modules", "tornado-ts", "dist", "web", "index.js")));
      tarball = join(myapp, vendored);
      const tested = sh("npm test", myapp);
      assert.match(tested, /# pass 5\n/);
      assert.match(tested, /# fail 0\n/);
    });

    it("npm start serves the page on 127.0.0.1 only, with a secret it made itself", async () => {
      first = await npmStart(myapp, { PORT: "0" });
      running.push(first);
      const url = new URL(first.url);
      assert.equal(url.hostname, "127.0.0.1", "the address the server really listens on");
      const response = await fetch(first.url);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /<h1>Hello, tornado-ts<\/h1>/);
      // The machine's other addresses (if it has any) refuse the port.
      const others = Object.values(networkInterfaces())
        .flatMap((list) => list ?? [])
        .filter((a) => !a.internal && a.family === "IPv4")
        .map((a) => a.address);
      for (const address of others) {
        assert.equal(await accepts(address, Number(url.port)), false, address);
      }
      assert.match(first.log(), /made a random cookie secret and kept it in .*\.cookie-secret/);
      const secret = readFileSync(join(myapp, ".cookie-secret"), "utf8").trim();
      assert.equal(Buffer.from(secret, "base64").length, 32);
      assert.equal(
        sh("git init -q && git check-ignore -q .cookie-secret && echo ignored", myapp),
        "ignored\n",
      );
    });

    it("a second project does not accept the first one's sign-in cookie", async () => {
      const other = join(work, "other");
      sh(`node tornado-ts/bin/tornado-ts.js new other --tornado-ts=file:${tarball}`, work);
      symlinkSync(join(myapp, "node_modules"), join(other, "node_modules"));
      const second = await npmStart(other, { PORT: "0" });
      running.push(second);
      assert.notEqual(
        readFileSync(join(other, ".cookie-secret"), "utf8"),
        readFileSync(join(myapp, ".cookie-secret"), "utf8"),
      );
      const cookie = await signIn(first.url, "mallory");
      assert.match(cookie, /; HttpOnly/i);
      assert.match(cookie, /; SameSite=Lax/i);
      assert.doesNotMatch(cookie, /; Secure/i, "plain HTTP");
      assert.equal(await signedInAs(first.url, cookie), "mallory");
      assert.equal(await signedInAs(second.url, cookie), undefined);
    });

    it("keeps its secret across restarts and says nothing more about it", async () => {
      const before = readFileSync(join(myapp, ".cookie-secret"), "utf8");
      const cookie = await signIn(first.url, "ada");
      await stop(first);
      const again = await npmStart(myapp, { PORT: "0" });
      running.push(again);
      assert.equal(readFileSync(join(myapp, ".cookie-secret"), "utf8"), before);
      assert.doesNotMatch(again.log(), /cookie secret/);
      assert.equal(await signedInAs(again.url, cookie), "ada");
    });

    it("listens where --address says", async () => {
      await stop(running.pop());
      const anywhere = await npmStart(myapp, { PORT: "0", ADDRESS: "0.0.0.0" });
      running.push(anywhere);
      assert.equal(new URL(anywhere.url).hostname, "0.0.0.0");
    });
  });

  describe("the packed package in a fresh consumer project", () => {
    let consumer: string;

    before(() => {
      assert.ok(tarball, "the README test packed the package");
      consumer = join(work, "consumer");
      mkdirSync(consumer);
      const types = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies;
      writeFileSync(
        join(consumer, "package.json"),
        JSON.stringify({
          name: "consumer",
          private: true,
          type: "module",
          dependencies: {
            "tornado-ts": `file:${tarball}`,
            typescript: types.typescript,
            "@types/node": types["@types/node"],
          },
        }),
      );
      sh("npm install", consumer);
      const variants: Record<string, object> = {
        nodenext: { module: "nodenext", moduleResolution: "nodenext", outDir: "out" },
        // A monorepo's common setting: it must still resolve the build's declarations.
        bundler: {
          module: "esnext",
          moduleResolution: "bundler",
          customConditions: ["source"],
          noEmit: true,
        },
      };
      for (const [name, options] of Object.entries(variants)) {
        const compilerOptions = {
          target: "es2022",
          strict: true,
          skipLibCheck: false,
          types: ["node"],
          ...options,
        };
        const config = { compilerOptions, files: ["app.ts"] };
        writeFileSync(join(consumer, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
      }
    });

    it("runs as plain ESM, every subpath, without piscina", () => {
      const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
      const subpaths = Object.keys(pkg.exports).filter((s) => s !== "./package.json");
      writeFileSync(
        join(consumer, "esm.mjs"),
        `import { Application, RequestHandler } from "tornado-ts/web";
import { IOLoop } from "tornado-ts/ioloop";
import pkg from "tornado-ts/package.json" with { type: "json" };
const subpaths = ${JSON.stringify(subpaths.map((s) => s.replace(/^\./, "tornado-ts")))};
for (const subpath of subpaths) await import(subpath);
class Hello extends RequestHandler { get() { this.write("hello from " + pkg.version); } }
const server = await new Application([["/", Hello]]).listen(0, "127.0.0.1");
const text = await (await fetch("http://127.0.0.1:" + server.port + "/")).text();
await server.stop();
let executor;
try { await IOLoop.current().runInExecutor((n) => n + 1, 1); } catch (error) { executor = error.message; }
console.log(JSON.stringify({ text, executor }));
`,
      );
      const output = sh("node esm.mjs", consumer);
      const result = JSON.parse(output.trim().split("\n").pop()!);
      assert.equal(result.text, `hello from ${pkg.version}`);
      assert.match(result.executor, /runInExecutor needs the piscina package.*npm install piscina/);
      assert.equal(existsSync(join(consumer, "node_modules", "piscina")), false);
    });

    it("runs from CommonJS require() without a warning", () => {
      writeFileSync(
        join(consumer, "cjs.cjs"),
        `const { Application, RequestHandler } = require("tornado-ts/web");
const { url_escape } = { url_escape: require("tornado-ts/escape").urlEscape };
class Hello extends RequestHandler { get() { this.write(url_escape("a b")); } }
new Application([["/", Hello]]).listen(0, "127.0.0.1").then(async (server) => {
  const text = await (await fetch("http://127.0.0.1:" + server.port + "/")).text();
  await server.stop();
  console.log(text);
});
`,
      );
      assert.equal(sh("node cjs.cjs", consumer), "a+b\n");
    });

    it("type-checks under nodenext, and bundler with customConditions source, skipLibCheck off", async () => {
      writeFileSync(
        join(consumer, "app.ts"),
        `import { Application, RequestHandler } from "tornado-ts/web";
import { WebSocketHandler } from "tornado-ts/websocket";
import { TestServer } from "tornado-ts/testing";
import { AsyncHTTPClient } from "tornado-ts/httpclient";
import { Template } from "tornado-ts/template";
import { Locale } from "tornado-ts/locale";
import * as everything from "tornado-ts";

class Hello extends RequestHandler {
  get(): void {
    this.write(new Template("{{ x }}").generate({ x: Locale.get("en_US").code }));
  }
}
class Echo extends WebSocketHandler {
  override onMessage(message: string | Uint8Array): void {
    void this.writeMessage(message);
  }
}
const server = await TestServer.start(new Application([["/", Hello], ["/ws", Echo]]));
const response = await server.fetch("/");
await server.close();
const client: AsyncHTTPClient | undefined = undefined;
console.log(response.text, client, typeof everything.Application);
`,
      );
      // Both at once: one per core of a small CI machine.
      await Promise.all([
        shAsync("npx tsc -p tsconfig.nodenext.json", consumer),
        shAsync("npx tsc -p tsconfig.bundler.json", consumer),
      ]);
      assert.equal(sh("node out/app.js", consumer), "en_US undefined function\n");
    });

    it("states the Node version it needs, and every dependency accepts it", () => {
      const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
      const minimum = semver.minVersion(pkg.engines.node)!;
      // require() of ES modules (CommonJS consumers, gettext-parser) is unflagged from 20.19.
      assert.ok(semver.gte(minimum, "20.19.0"), `engines ${pkg.engines.node}`);
      assert.ok(semver.satisfies(process.version, pkg.engines.node));
      const modules = join(consumer, "node_modules");
      const installed = readdirSync(modules).flatMap((name) =>
        name.startsWith("@")
          ? readdirSync(join(modules, name)).map((sub) => `${name}/${sub}`)
          : [name],
      );
      const dependencies = new Set(Object.keys(pkg.dependencies));
      const checked: string[] = [];
      for (const name of installed) {
        const manifestPath = join(modules, name, "package.json");
        if (!existsSync(manifestPath) || name === "typescript" || name === "@types/node") continue;
        const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
        const range = manifest.engines?.node;
        if (range === undefined) continue;
        checked.push(name);
        assert.ok(
          semver.satisfies(minimum, range),
          `${name} needs Node ${range}, tornado-ts says ${pkg.engines.node}`,
        );
      }
      assert.ok(checked.includes("undici"), "undici's engines were checked");
      for (const name of dependencies) assert.ok(installed.includes(name), name);
    });

    it("npx tornado-ts new from the installed tarball vendors that copy", () => {
      const output = sh("npx tornado-ts new from-tarball", consumer);
      assert.match(output, /did not come from the npm registry/);
      const vendor = readdirSync(join(consumer, "from-tarball", "vendor"));
      assert.equal(vendor.length, 1);
      const listing = sh(`tar tzf vendor/${vendor[0]}`, join(consumer, "from-tarball"));
      assert.match(listing, /package\/dist\/web\/index\.js/);
      assert.match(listing, /package\/LICENSE/);
    });
  });
});
