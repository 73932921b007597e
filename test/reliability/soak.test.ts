// The short form of `npm run soak`: 20,000 requests of the representative mix at full load with
// the server's memory sampled, then 10,000 idle keep-alive connections held at once.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";

const root = join(import.meta.dirname, "..", "..");

describe("soak (short form of npm run soak)", () => {
  it("answers 20,000 requests with no error and no lost response, RSS flat past warm-up, and holds 10,000 idle connections", () => {
    const run = spawnSync(
      process.execPath,
      [
        "--conditions=tornado-ts-source",
        "--import",
        "tsx",
        "scripts/soak.ts",
        "--requests=20000",
        "--idle=10000",
        "--hold=2",
        "--json",
      ],
      { cwd: root, encoding: "utf8", timeout: 300_000 },
    );
    const line = run.stdout.split("\n").find((l) => l.startsWith("{"));
    assert.ok(line, `no summary from the soak script:\n${run.stdout}\n${run.stderr}`);
    const summary = JSON.parse(line) as {
      ok: boolean;
      requests: number;
      received: number;
      errors: number;
      lost: number;
      rss: { stable: boolean; growthAfterWarmUp: number };
      idle: {
        wanted: number;
        heldAfter: number;
        serverConnections: number;
        answeredDuringHold: boolean;
      };
    };
    assert.equal(summary.requests, 20_000);
    assert.equal(summary.received, 20_000);
    assert.equal(summary.errors, 0, run.stdout);
    assert.equal(summary.lost, 0);
    assert.ok(
      summary.rss.stable,
      `RSS grew by ${summary.rss.growthAfterWarmUp} bytes past warm-up`,
    );
    assert.equal(summary.idle.heldAfter, 10_000);
    assert.equal(summary.idle.serverConnections, 10_000);
    assert.ok(summary.idle.answeredDuringHold);
    assert.ok(summary.ok);
    assert.equal(run.status, 0);
  });
});
