import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { representativeApp } from "./support/app.ts";
import { rawExchange } from "./support/http.ts";
import { type MalformedCase, malformedCases } from "./support/malformed-cases.ts";

const processErrors: unknown[] = [];
const onProcessError = (error: unknown): void => {
  processErrors.push(error);
};

interface Outcome {
  readonly testCase: MalformedCase;
  readonly statuses: number[];
  readonly closed: boolean;
  readonly nextOk: boolean;
}

async function runCase(server: TestServer, testCase: MalformedCase): Promise<Outcome> {
  const { data, closed } = await rawExchange(server.port, testCase.bytes, 1500);
  const statuses = [...data.toString("latin1").matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) =>
    Number(m[1]),
  );
  const next = await server.fetch("/");
  return { testCase, statuses, closed, nextOk: next.code === 200 && next.text === "Hello, world" };
}

describe("malformed requests over raw sockets", () => {
  let server: TestServer;
  let logs: LogCapture;
  const outcomes: Outcome[] = [];
  const cases = malformedCases();
  const strict = cases.filter((c) => c.expect === "reject").length;

  before(async () => {
    process.on("uncaughtException", onProcessError);
    process.on("unhandledRejection", onProcessError);
    logs = captureLogs(20);
    server = await TestServer.start(representativeApp());
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const testCase = cases[next++]!;
        outcomes.push(await runCase(server, testCase));
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  });
  after(async () => {
    await server.close();
    logs.stop();
    process.off("uncaughtException", onProcessError);
    process.off("unhandledRejection", onProcessError);
  });

  it(`runs a deterministic corpus of ${cases.length} cases, ${strict} of which must be refused`, () => {
    assert.ok(strict >= 2000);
    assert.equal(outcomes.length, cases.length);
    assert.deepEqual(
      malformedCases().map((c) => c.bytes.toString("hex")),
      cases.map((c) => c.bytes.toString("hex")),
    );
  });

  it("never answers a 5xx, to any case", () => {
    const bad = outcomes.filter((o) => o.statuses.some((s) => s >= 500));
    assert.deepEqual(
      bad.map((o) => `${o.testCase.category}: ${o.testCase.name} -> ${o.statuses}`),
      [],
    );
  });

  it("answers every malformed case with a 4xx or a closed connection, never a 2xx or 3xx", () => {
    const bad = outcomes.filter(
      (o) =>
        o.testCase.expect === "reject" &&
        (o.statuses.some((s) => s < 400) || (o.statuses.length === 0 && !o.closed)),
    );
    assert.deepEqual(
      bad.map(
        (o) => `${o.testCase.category}: ${o.testCase.name} -> ${o.statuses} closed=${o.closed}`,
      ),
      [],
    );
  });

  it("serves the next good request after every case", () => {
    const bad = outcomes.filter((o) => !o.nextOk);
    assert.deepEqual(
      bad.map((o) => o.testCase.name),
      [],
    );
  });

  it("logs no uncaught exception and no error, and the process saw none", () => {
    const errors = logs.records.filter((r) => r.level >= 40);
    assert.deepEqual(
      errors.map((r) => `${r.name}: ${r.message}`),
      [],
    );
    assert.deepEqual(processErrors, []);
  });
});
