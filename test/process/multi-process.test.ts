import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort, get, getWhenUp, NodeProcess } from "../support/node-process.ts";

const APP = "test/process/fixtures/cluster-app.ts";

interface Who {
  task: number;
  pid: number;
}

async function who(port: number, path = "/"): Promise<Who> {
  const response = await get(port, path);
  assert.equal(response.status, 200, response.body);
  return JSON.parse(response.body) as Who;
}

/** GETs until the answer comes from task `task`, returning it. */
async function whoIs(port: number, task: number, tries = 20): Promise<Who> {
  for (let i = 0; i < tries; i++) {
    const answer = await who(port);
    if (answer.task === task) return answer;
  }
  throw new Error(`no answer from task ${task} in ${tries} requests`);
}

/**
 * Sends requests from `concurrency` loops until `stop()`: half of them on a new connection each, the
 * other half through a keep-alive agent (connections reused). Counts what was sent, answered with
 * 200, and failed. Bounded: at most `maxRequests` and `maxMs`.
 */
function load(port: number, concurrency = 4, maxRequests = 5000, maxMs = 15_000) {
  const keepAlive = new Agent({ keepAlive: true, maxSockets: concurrency });
  const counts = { sent: 0, ok: 0, failed: 0, errors: [] as string[], pids: new Set<number>() };
  let running = true;
  const deadline = Date.now() + maxMs;
  const loop = async (_: unknown, index: number): Promise<void> => {
    const options = index % 2 === 0 ? {} : { agent: keepAlive };
    while (running && counts.sent < maxRequests && Date.now() < deadline) {
      counts.sent++;
      try {
        const response = await get(port, "/", options);
        if (response.status === 200) {
          counts.ok++;
          counts.pids.add((JSON.parse(response.body) as Who).pid);
        } else {
          counts.failed++;
          counts.errors.push(`status ${response.status}`);
        }
      } catch (error) {
        counts.failed++;
        counts.errors.push((error as Error).message);
      }
    }
  };
  const loops = Promise.all(Array.from({ length: concurrency }, loop));
  return {
    counts,
    async stop() {
      running = false;
      await loops;
      keepAlive.destroy();
      return counts;
    },
  };
}

describe("HTTPServer.start(2): workers under a supervising primary", () => {
  let app: NodeProcess;
  let port: number;
  let statsPort: number;
  const failFile = join(tmpdir(), `tornado-ts-fail-${process.pid}`);

  before(async () => {
    port = await freePort();
    statsPort = await freePort();
    app = NodeProcess.start(APP, [
      `--port=${port}`,
      "--processes=2",
      `--stats-port=${statsPort}`,
      `--fail-file=${failFile}`,
    ]);
    await app.waitFor(/worker 0 ready/);
    await app.waitFor(/worker 1 ready/);
  });

  after(async () => {
    rmSync(failFile, { force: true });
    await app.kill();
  });

  it("logs the start and serves from both workers, each with its own task id", async () => {
    assert.match(app.output, /\[I \d{6} [\d:]{8} general\] Starting 2 processes/);
    const tasks = new Set<number>();
    for (let i = 0; i < 10; i++) tasks.add((await who(port)).task);
    assert.deepEqual([...tasks].sort(), [0, 1]);
  });

  it("labels every worker log line with its task id", async () => {
    await app.waitFor(/\[I \d{6} [\d:]{8} access w0\] 200 GET \/ \(127\.0\.0\.1\)/);
    await app.waitFor(/\[I \d{6} [\d:]{8} access w1\] 200 GET \/ \(127\.0\.0\.1\)/);
  });

  it("serves each worker's counters as JSON on the stats port", async () => {
    await who(port);
    const response = await get(statsPort);
    assert.equal(response.status, 200);
    const stats = JSON.parse(response.body) as {
      primary: { pid: number; restarts: number };
      workers: { id: number; pid: number; requests: number; inFlight: number; rss: number }[];
    };
    assert.equal(stats.primary.pid, app.pid);
    assert.deepEqual(
      stats.workers.map((worker) => worker.id),
      [0, 1],
    );
    for (const worker of stats.workers) {
      assert.ok(worker.requests >= 1, `worker ${worker.id} counted ${worker.requests} requests`);
      assert.equal(worker.inFlight, 0);
      assert.ok(worker.rss > 1_000_000);
      assert.notEqual(worker.pid, app.pid);
    }
  });

  it("counts a request in flight while it runs", async () => {
    const slow = get(port, "/?sleep=1500");
    let seen = 0;
    for (let i = 0; i < 20 && seen === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stats = JSON.parse((await get(statsPort)).body) as { workers: { inFlight: number }[] };
      seen = stats.workers.reduce((sum, worker) => sum + worker.inFlight, 0);
    }
    assert.equal(seen, 1);
    assert.equal((await slow).status, 200);
  });

  it("logs every worker's counters on SIGUSR2", async () => {
    const from = app.mark();
    app.signal("SIGUSR2");
    await app.waitFor(/child 0 \(pid \d+\): \d+ requests, 0 errors, 0 in flight, rss [\d.]+ MB/, {
      from,
    });
    await app.waitFor(/child 1 \(pid \d+\): \d+ requests/, { from });
  });

  it("replaces a killed worker with a new one of the same task id and logs why", async () => {
    const victim = await whoIs(port, 0);
    const from = app.mark();
    process.kill(victim.pid, "SIGKILL");
    await app.waitFor(
      new RegExp(`general\\] child 0 \\(pid ${victim.pid}\\) killed by signal SIGKILL, restarting`),
      { from },
    );
    await app.waitFor(/worker 0 ready/, { from });
    const replacement = await whoIs(port, 0);
    assert.notEqual(replacement.pid, victim.pid);
  });

  it("replaces every worker on SIGHUP without losing a request under load", async () => {
    const before = new Set([(await whoIs(port, 0)).pid, (await whoIs(port, 1)).pid]);
    const traffic = load(port);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const from = app.mark();
    app.signal("SIGHUP");
    await app.waitFor(/rolling restart done/, { from });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const counts = await traffic.stop();
    assert.deepEqual(counts.errors, []);
    assert.equal(counts.failed, 0);
    assert.equal(counts.ok, counts.sent);
    assert.ok(counts.ok > 20, `only ${counts.ok} requests were sent`);
    const afterPids = new Set([(await whoIs(port, 0)).pid, (await whoIs(port, 1)).pid]);
    for (const pid of afterPids) assert.ok(!before.has(pid), `pid ${pid} was not replaced`);
    // Both old workers drained, and both new ones served some of the load.
    assert.match(app.output.slice(from), /child 0 \(pid \d+\) drained and exited with status 0/);
    assert.match(app.output.slice(from), /child 1 \(pid \d+\) drained and exited with status 0/);
  });

  it("keeps the running workers when a new one fails to start during SIGHUP", async () => {
    const running = new Set([(await whoIs(port, 0)).pid, (await whoIs(port, 1)).pid]);
    writeFileSync(failFile, "broken");
    const from = app.mark();
    app.signal("SIGHUP");
    await app.waitFor(
      /rolling restart stopped: the new worker for task 0 exited with status 1 before listening; the running workers keep serving/,
      { from },
    );
    rmSync(failFile);
    const still = new Set([(await whoIs(port, 0)).pid, (await whoIs(port, 1)).pid]);
    assert.deepEqual(still, running);
  });

  it("drains an in-flight request on SIGTERM, then exits with status 0", async () => {
    const slow = get(port, "/?sleep=1500");
    // Wait until the request is in a worker before signalling.
    let inFlight = 0;
    for (let i = 0; i < 20 && inFlight === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stats = JSON.parse((await get(statsPort)).body) as { workers: { inFlight: number }[] };
      inFlight = stats.workers.reduce((sum, worker) => sum + worker.inFlight, 0);
    }
    assert.equal(inFlight, 1);
    const from = app.mark();
    app.signal("SIGTERM");
    const response = await slow;
    assert.equal(response.status, 200);
    assert.match(response.body, /"task"/);
    const exit = await app.exited;
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.match(app.output.slice(from), /SIGTERM received: draining 2 workers/);
    assert.match(app.output.slice(from), /told to drain: draining 1 request in flight/);
    assert.match(app.output.slice(from), /all workers stopped/);
    await assert.rejects(get(port), /ECONNREFUSED/);
  });
});

describe("HTTPServer.start(n, maxRestarts)", () => {
  it("gives up and exits with status 1 after more restarts than allowed", async () => {
    const port = await freePort();
    const app = NodeProcess.start(APP, [`--port=${port}`, "--processes=2", "--max-restarts=0"]);
    try {
      await app.waitFor(/worker 0 ready/);
      const victim = await who(port);
      process.kill(victim.pid, "SIGKILL");
      const exit = await app.exited;
      assert.equal(exit.code, 1);
      assert.match(
        app.output,
        new RegExp(`child ${victim.task} \\(pid ${victim.pid}\\) killed by signal SIGKILL`),
      );
      assert.match(app.output, /Too many child restarts, giving up/);
    } finally {
      await app.kill();
    }
  });
});

describe("HTTPServer.start(1)", () => {
  it("serves in the one process and drains it on SIGINT (Ctrl-C)", async () => {
    const port = await freePort();
    const app = NodeProcess.start(APP, [`--port=${port}`, "--processes=1"]);
    try {
      await app.waitFor(/worker null ready/);
      const first = await getWhenUp(port);
      assert.equal(JSON.parse(first.body).pid, app.pid);
      const from = app.mark();
      const slow = get(port, "/?sleep=1000");
      await app.waitFor(/sleeping 1000ms/, { from });
      app.signal("SIGINT");
      assert.equal((await slow).status, 200);
      assert.deepEqual(await app.exited, { code: 0, signal: null });
      assert.match(app.output, /SIGINT received: draining 1 request in flight/);
    } finally {
      await app.kill();
    }
  });
});
