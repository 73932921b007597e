import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort, get, getWhenUp, NodeProcess, ROOT } from "../support/node-process.ts";

function program(body: string): string {
  return `import { enablePrettyLogging } from ${JSON.stringify(join(ROOT, "src/log.ts"))};
import { Application, RequestHandler } from ${JSON.stringify(join(ROOT, "src/web/index.ts"))};

enablePrettyLogging();
${body}
const app = new Application([["/", IndexHandler]], { debug: true });
await app.listen(Number(process.env.PORT), "127.0.0.1");
console.log(\`serving as pid \${process.pid}\`);
`;
}

function handler(text: string): string {
  return `class IndexHandler extends RequestHandler {
  get() {
    this.write(${JSON.stringify(text)});
  }
}`;
}

describe("debug: true restarts the server when a source file is saved", () => {
  let dir: string;
  let file: string;
  let port: number;
  let watcher: NodeProcess;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tornado-ts-autoreload-"));
    // .mts: the folder has no package.json saying "type": "module".
    file = join(dir, "server.mts");
    writeFileSync(file, program(handler("version 1")));
    port = await freePort();
    watcher = NodeProcess.start(file, [], { env: { PORT: String(port) } });
    await watcher.waitFor(/serving as pid \d+/);
  });

  after(async () => {
    await watcher.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the program from a child process, not from the watcher", async () => {
    assert.equal((await get(port)).body, "version 1");
    const servingPid = Number(/serving as pid (\d+)/.exec(watcher.output)![1]);
    assert.notEqual(servingPid, watcher.pid);
    assert.match(watcher.output, /general\] Autoreload: watching .* for changes/);
  });

  it("runs the new code after a save", async () => {
    const from = watcher.mark();
    writeFileSync(file, program(handler("version 2")));
    await watcher.waitFor(/server\.mts modified; restarting server/, { from });
    await watcher.waitFor(/serving as pid \d+/, { from });
    assert.equal((await getWhenUp(port)).body, "version 2");
  });

  it("waits through a syntax error, and the next good save starts the server again", async () => {
    let from = watcher.mark();
    writeFileSync(file, program("class IndexHandler extends RequestHandler {\n  get( {\n}\n"));
    await watcher.waitFor(/Autoreload: the server exited with status 1; waiting for a change/, {
      from,
    });
    await assert.rejects(get(port), /ECONNREFUSED/);
    from = watcher.mark();
    writeFileSync(file, program(handler("version 3")));
    await watcher.waitFor(/serving as pid \d+/, { from });
    assert.equal((await getWhenUp(port)).body, "version 3");
  });

  it("watches subfolders too", async () => {
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib", "text.mts"), 'export const text = "from lib 1";\n');
    let from = watcher.mark();
    writeFileSync(
      file,
      program(`import { text } from "./lib/text.mts";\n${handler("").replace('""', "text")}`),
    );
    await watcher.waitFor(/serving as pid \d+/, { from });
    assert.equal((await getWhenUp(port)).body, "from lib 1");
    from = watcher.mark();
    writeFileSync(join(dir, "lib", "text.mts"), 'export const text = "from lib 2";\n');
    await watcher.waitFor(/text\.mts modified; restarting server/, { from });
    await watcher.waitFor(/serving as pid \d+/, { from });
    assert.equal((await getWhenUp(port)).body, "from lib 2");
  });

  it("stops the server and itself on SIGTERM", async () => {
    watcher.signal("SIGTERM");
    assert.deepEqual(await watcher.exited, { code: 0, signal: null });
    await assert.rejects(get(port), /ECONNREFUSED/);
  });
});
