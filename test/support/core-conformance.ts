// Runs the same requests against real Python Tornado and tornado-ts and compares what a client sees:
// status, reason, header names in order, header values, and the body bytes (chunk framing included).
// What tornado-ts deliberately does differently is normalized away here and documented in
// docs/name-map.md ("Differences from Tornado"): the Server value, the Date value, and the
// Connection / Keep-Alive lines Node adds.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, TestServer } from "tornado-ts/testing";
import type { Application } from "tornado-ts/web";
import { startTornado, type TornadoProcess } from "./python-tornado.ts";
import { exchange, parseResponse, type RawResponse, rawRequestBytes } from "./raw-http.ts";

/** One request of a conformance suite. */
export interface ConformanceCase {
  /** What the case shows (the test's name). */
  readonly name: string;
  readonly path: string;
  readonly method?: string;
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string | Buffer;
  readonly version?: string;
  /** Header names whose values differ by nature (e.g. a cookie's expiry); only their presence and position are compared. */
  readonly ignoreValues?: readonly string[];
}

const IGNORED_HEADERS = new Set(["connection", "keep-alive"]);
const VALUE_IGNORED = new Set(["server", "date"]);

/** The parts of a response both servers must agree on. */
export interface Comparable {
  interim: number[];
  status: string;
  headers: string[];
  body: string;
}

/** The comparable parts of what a server sent back; a connection closed with no response is one too. */
export function comparableBytes(bytes: Buffer, ignoreValues: readonly string[] = []): Comparable {
  if (bytes.length === 0)
    return { interim: [], status: "(connection closed, no response)", headers: [], body: "" };
  return comparable(parseResponse(bytes), ignoreValues);
}

/** The parts of a response both servers must agree on. */
export function comparable(
  response: RawResponse,
  ignoreValues: readonly string[] = [],
): Comparable {
  const skip = new Set([...VALUE_IGNORED, ...ignoreValues.map((n) => n.toLowerCase())]);
  return {
    // Only the code of an interim response: Tornado words it `100 (Continue)`, Node `100 Continue`.
    interim: response.interim.map((line) => Number(line.split(" ")[1])),
    status: `${response.version} ${response.code} ${response.reason}`,
    headers: response.headers
      .filter(([name]) => !IGNORED_HEADERS.has(name.toLowerCase()))
      .map(([name, value]) => (skip.has(name.toLowerCase()) ? name : `${name}: ${value}`)),
    body: response.rawBody.toString("latin1"),
  };
}

/**
 * Registers a suite that starts `pythonSource` (which defines `app`) in real Tornado and `app` in
 * tornado-ts, sends every case to both, and asserts the responses are the same. Log output of both
 * apps is captured (errors and 404s are expected here; the per-behaviour suites assert on logs).
 */
export function conformanceSuite(
  title: string,
  pythonSource: string,
  makeApp: () => Application,
  cases: readonly ConformanceCase[],
): void {
  describe(title, () => {
    let tornado: TornadoProcess;
    let server: TestServer;
    let logs: ReturnType<typeof captureLogs>;
    before(async () => {
      logs = captureLogs();
      [tornado, server] = await Promise.all([
        startTornado(pythonSource),
        TestServer.start(makeApp()),
      ]);
    });
    after(async () => {
      await Promise.all([tornado?.close(), server?.close()]);
      logs.stop();
    });
    for (const c of cases) {
      it(c.name, async () => {
        const options = {
          method: c.method ?? "GET",
          headers: c.headers?.some(([name]) => name.toLowerCase() === "host")
            ? c.headers
            : [["Host", "tornado.test"] as const, ...(c.headers ?? [])],
          ...(c.body === undefined ? {} : { body: c.body }),
          ...(c.version === undefined ? {} : { version: c.version }),
        };
        const [expected, actual] = await Promise.all([
          exchange(tornado.port, rawRequestBytes(tornado.port, c.path, options)),
          exchange(server.port, rawRequestBytes(server.port, c.path, options)),
        ]);
        assert.deepEqual(
          comparableBytes(actual, c.ignoreValues),
          comparableBytes(expected, c.ignoreValues),
          `${c.method ?? "GET"} ${c.path}: tornado-ts (actual) differs from Tornado (expected)`,
        );
      });
    }
  });
}
