// Runs the tutorial's server examples (examples/server/) as real processes.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { OptionParser } from "tornado-ts/options";
import { freePort, get, getWhenUp, NodeProcess, ROOT } from "../support/node-process.ts";

const TEXT = "sunck is a good man ";

async function run<T>(
  script: string,
  args: string[],
  env: Record<string, string>,
  body: (app: NodeProcess) => Promise<T>,
): Promise<T> {
  const app = NodeProcess.start(`examples/server/${script}`, args, { env });
  try {
    return await body(app);
  } finally {
    await app.kill();
  }
}

describe("the tutorial's server examples", () => {
  it("server01: app.listen() and IOLoop.current().start() serve the first example", async () => {
    const port = await freePort();
    await run("server01.ts", [], { PORT: String(port) }, async () => {
      const response = await getWhenUp(port);
      assert.deepEqual(response, { status: 200, body: TEXT });
    });
  });

  it("server02: bind() and start(1) serve in one process, which drains on SIGTERM", async () => {
    const port = await freePort();
    await run("server02.ts", [], { PORT: String(port) }, async (app) => {
      assert.deepEqual(await getWhenUp(port), { status: 200, body: TEXT });
      app.signal("SIGTERM");
      assert.deepEqual(await app.exited, { code: 0, signal: null });
    });
  });

  it("server03: start(n) serves from several worker processes", async () => {
    const port = await freePort();
    await run("server03.ts", [], { PORT: String(port), PROCESSES: "2" }, async (app) => {
      await app.waitFor(/worker 0 \(pid \d+\) is serving/);
      await app.waitFor(/worker 1 \(pid \d+\) is serving/);
      assert.match(app.output, /general\] Starting 2 processes/);
      assert.deepEqual(await get(port), { status: 200, body: TEXT });
      assert.deepEqual(await get(port), { status: 200, body: TEXT });
      await app.waitFor(/access w0\] 200 GET \/ \(127\.0\.0\.1\)/);
      await app.waitFor(/access w1\] 200 GET \/ \(127\.0\.0\.1\)/);
      app.signal("SIGTERM");
      assert.deepEqual(await app.exited, { code: 0, signal: null });
    });
  });

  it("server04: --port=N --list=good,nice,handsome,cool come from the command line", async () => {
    const port = await freePort();
    const args = [`--port=${port}`, "--list=good,nice,handsome,cool"];
    await run("server04.ts", args, {}, async (app) => {
      await app.waitFor(/list \[ 'good', 'nice', 'handsome', 'cool' \]/);
      assert.deepEqual(await getWhenUp(port), { status: 200, body: TEXT });
      // parseCommandLine turned logging on: the request is in the access log.
      await app.waitFor(/\[I \d{6} [\d:]{8} access\] 200 GET \/ \(127\.0\.0\.1\) [\d.]+ms/);
    });
  });

  it("server04: --logging=none turns every log line off", async () => {
    const port = await freePort();
    const args = [`--port=${port}`, "--list=good", "--logging=none"];
    await run("server04.ts", args, {}, async (app) => {
      assert.deepEqual(await getWhenUp(port), { status: 200, body: TEXT });
      assert.equal((await get(port, "/missing")).status, 404);
      assert.equal(app.output, "list [ 'good' ]\n");
    });
  });

  it("server04: --help prints the options grouped by file, then exits 0", async () => {
    await run("server04.ts", ["--help"], {}, async (app) => {
      assert.deepEqual(await app.exited, { code: 0, signal: null });
      assert.match(
        app.output,
        /^Usage: .*server04\.ts \[OPTIONS\]\n\nOptions:\n\n {2}--help {27}show/,
      );
      assert.match(
        app.output,
        /\n\S*examples\/server\/server04\.ts options:\n\n {2}--list {28}\(default \[\]\)\n/,
      );
      assert.match(app.output, /\n {2}--port {27}this is a port \(default 8000\)\n/);
      assert.match(app.output, /\n\S*src\/log\.ts options:\n/);
    });
  });

  it("server04: an unknown option is refused with a message and exit status 2", async () => {
    await run("server04.ts", ["--prot=9000"], {}, async (app) => {
      assert.deepEqual(await app.exited, { code: 2, signal: null });
      assert.match(app.output, /Unrecognized command line option: 'prot'\n$/);
    });
  });

  it("server05: reads the tutorial's config file, with logging off", async () => {
    const shipped = new OptionParser();
    const port = shipped.define("port", { type: "int" });
    const list = shipped.define("list", { type: String, multiple: true });
    shipped.parseConfigFile(join(ROOT, "examples/server/config"));
    assert.equal(port.value, 7000);
    assert.deepEqual(list.value, ["good", "nice", "handsome"]);

    // The same file with a free port, so the test does not depend on 7000 being free.
    const dir = mkdtempSync(join(tmpdir(), "tornado-ts-config-"));
    try {
      const free = await freePort();
      const text = readFileSync(join(ROOT, "examples/server/config"), "utf8");
      writeFileSync(join(dir, "config"), text.replace("port = 7000", `port = ${free}`));
      await run("server05.ts", [], { CONFIG: join(dir, "config") }, async (app) => {
        await app.waitFor(/list \[ 'good', 'nice', 'handsome' \]/);
        assert.deepEqual(await getWhenUp(free), { status: 200, body: TEXT });
        assert.equal((await get(free, "/missing")).status, 404);
        assert.equal(app.output, "list [ 'good', 'nice', 'handsome' ]\n");
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("server06: takes its settings from an imported config module", async () => {
    const port = await freePort();
    await run("server06.ts", [], { PORT: String(port) }, async (app) => {
      await app.waitFor(/list \[ 'good', 'nice', 'handsome' \]/);
      assert.deepEqual(await getWhenUp(port), { status: 200, body: TEXT });
    });
  });
});
