// The measurement, at a CI-friendly size, in a child process: concurrent large POSTs
// without an XSRF cookie, then more buffered bodies than the budget holds. The server's peak
// resident memory must stay near its budget, not grow with what clients send.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { NodeProcess } from "../support/node-process.ts";

const MiB = 1024 * 1024;
const BODY = 38 * MiB;
const BUDGET = 48 * MiB;

/**
 * Sends a POST of `size` bytes as curl does for a large body: `Expect: 100-continue`, then the body
 * in 1 MiB pieces only once the server says `100 Continue`. Resolves with the final answer.
 */
function post(port: number, path: string, size: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    let sent = 0;
    let pumping = false;
    const piece = Buffer.alloc(MiB, 120);
    const pump = (): void => {
      while (sent < size && !socket.destroyed) {
        sent += MiB;
        if (!socket.write(piece)) {
          socket.once("drain", pump);
          return;
        }
      }
    };
    socket.on("connect", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
      );
    });
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
      if (!pumping && answer.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
        answer = answer.slice("HTTP/1.1 100 Continue\r\n\r\n".length);
        pumping = true;
        pump();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(answer));
  });
}

describe("server memory under large buffered bodies (child process)", () => {
  let server: NodeProcess;
  let port: number;

  before(async () => {
    server = NodeProcess.start("test/security/fixtures/memory-server.ts", [String(BUDGET)]);
    port = Number((await server.waitFor(/listening on (\d+)/))[1]);
  });

  after(async () => {
    await server.kill();
  });

  async function memory(): Promise<{ rss: number; peak: number }> {
    const response = await fetch(`http://127.0.0.1:${port}/rss`);
    return (await response.json()) as { rss: number; peak: number };
  }

  it("four concurrent 38 MiB POSTs without an XSRF cookie: 403s, the bodies never held", async () => {
    const start = await memory();
    const answers = await Promise.all([1, 2, 3, 4].map(() => post(port, "/form", BODY)));
    for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 403 /);
    const { peak } = await memory();
    const rise = (peak - start.rss) / MiB;
    console.log(`XSRF refusals: peak RSS rose by ${rise.toFixed(1)} MiB`);
    assert.ok(rise < 24, `peak RSS rose by ${rise.toFixed(1)} MiB (four bodies are 152 MiB)`);
  });

  it("six concurrent 38 MiB bodies with a 48 MiB budget: the peak stays near the budget", async () => {
    const start = await memory();
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => post(port, "/body", BODY)));
    const served = answers.filter((answer) => /^HTTP\/1\.1 200 /.test(answer));
    const busy = answers.filter((answer) => /^HTTP\/1\.1 503 /.test(answer));
    assert.ok(served.length >= 1, "at least one body was served");
    assert.equal(served.length + busy.length, 6, answers.map((a) => a.slice(0, 20)).join(", "));
    for (const answer of served) assert.ok(answer.endsWith(`read ${BODY}`));
    const { peak } = await memory();
    const rise = (peak - start.rss) / MiB;
    console.log(
      `budget: ${served.length} served, ${busy.length} refused; peak RSS rose by ${rise.toFixed(1)} MiB`,
    );
    // One body at a time fits the budget; six at once would be 228 MiB.
    assert.ok(rise < 120, `peak RSS rose by ${rise.toFixed(1)} MiB`);
  });
});
