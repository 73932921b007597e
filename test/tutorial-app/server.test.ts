// The tutorial application as `npm start` runs it: its command line (--port, PORT, the logging
// options, --address), its settings from config.ts (XSRF, login URL), and a real process
// that creates and seeds its SQLite file on first start, serves, and stops on SIGTERM.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { OptionError } from "tornado-ts/options";
import {
  BASE_DIRS,
  DEFAULT_DATABASE_URL,
  databaseUrl,
  makeSettings,
} from "../../examples/tutorial-app/config.ts";
import { parseServerOptions } from "../../examples/tutorial-app/server.ts";

const root = join(import.meta.dirname, "..", "..");

describe("the tutorial server's command line", () => {
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    parseServerOptions(argv, env, { final: false }).port;
  const address = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    parseServerOptions(argv, env, { final: false }).address;

  it("listens on 8000 unless --port=N or PORT says otherwise; --port wins", () => {
    assert.equal(parse([]), 8000);
    assert.equal(parse(["--port=9001"]), 9001);
    assert.equal(parse([], { PORT: "9002" }), 9002);
    assert.equal(parse(["--port=9001"], { PORT: "9002" }), 9001);
    assert.equal(parse(["--port=0"]), 0);
  });

  it("listens on 127.0.0.1 unless --address or ADDRESS says otherwise; --address wins", () => {
    assert.equal(address([]), "127.0.0.1");
    assert.equal(address(["--address=0.0.0.0"]), "0.0.0.0");
    assert.equal(address([], { ADDRESS: "::1" }), "::1");
    assert.equal(address(["--address=127.0.0.2"], { ADDRESS: "0.0.0.0" }), "127.0.0.2");
    assert.throws(() => address(["--address="]), OptionError);
  });

  it("refuses bad ports and unknown options with an OptionError", () => {
    assert.throws(() => parse(["--port=http"]), OptionError);
    assert.throws(() => parse(["--port=70000"]), OptionError);
    assert.throws(() => parse([], { PORT: "eighty" }), OptionError);
    const output: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => output.push(chunk) > 0) as typeof write;
    try {
      assert.throws(() => parse(["--prot=1"]), OptionError);
    } finally {
      process.stderr.write = write;
    }
    assert.match(output.join(""), /--port/);
  });
});

describe("config.ts", () => {
  it("turns on XSRF checks and the login URL, with templates and static files beside it", () => {
    const settings = makeSettings({ COOKIE_SECRET: "s3cret" });
    assert.equal(settings.xsrfCookies, true);
    assert.equal(settings.loginUrl, "/login");
    assert.equal(settings.cookieSecret, "s3cret");
    assert.equal(settings.templatePath, join(BASE_DIRS, "templates"));
    assert.equal(settings.staticPath, join(BASE_DIRS, "static"));
  });

  it("uses SQLite beside the project unless DATABASE_URL names another database", () => {
    assert.equal(databaseUrl({}), DEFAULT_DATABASE_URL);
    assert.equal(DEFAULT_DATABASE_URL, `sqlite:${join(BASE_DIRS, "tutorial.sqlite3")}`);
    assert.equal(databaseUrl({ DATABASE_URL: "postgres://h/d" }), "postgres://h/d");
  });
});

describe("npm start", { timeout: 60_000 }, () => {
  let dir: string;
  let child: ChildProcess;
  let log = "";

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tutorial-start-"));
  });
  after(() => {
    if (child && child.exitCode === null && child.pid !== undefined) {
      process.kill(-child.pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates and seeds the database, makes its secret, serves on 127.0.0.1 and stops on SIGTERM", async () => {
    const filename = join(dir, "first-start.sqlite3");
    const secretFile = join(dir, "cookie-secret");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: `sqlite:${filename}`,
      COOKIE_SECRET_FILE: secretFile,
    };
    delete env["COOKIE_SECRET"];
    delete env["ADDRESS"];
    delete env["NODE_TEST_CONTEXT"];
    child = spawn("npm", ["start", "--", "--port=0"], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
    });
    // "close", not "exit": npm can exit before the application it started has written its last
    // lines, which reach the shared pipe later; "close" waits until every writer is done.
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
    for (let i = 0; i < 600 && !/listening on http/.test(log); i++) {
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log)?.[1];
    assert.ok(url, log);
    assert.match(log, /COOKIE_SECRET is not set: made a random cookie secret/);
    assert.ok(existsSync(secretFile));
    assert.match(
      log,
      new RegExp(`database: SQLite ${filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
    assert.ok(existsSync(filename));
    const students = await fetch(new URL("/students", url));
    assert.equal(students.status, 200);
    assert.match(await students.text(), /<td>dahaigui<\/td><td>30<\/td>/);
    const home = await fetch(url);
    assert.match(await home.text(), /Go to another page/);
    // The translations were loaded at start: a Chinese browser gets the page in Chinese.
    const zh = await fetch(url, { headers: { "Accept-Language": "zh-CN,zh;q=0.9" } });
    assert.match(await zh.text(), /<html lang="zh-CN">[\s\S]*去另一个界面/);
    assert.match(log, /\[I [\d ]+:\d\d:\d\d access\] 200 GET \/students/);
    process.kill(-child.pid!, "SIGTERM");
    await exited;
    assert.match(log, /stopping/);
  });
});
