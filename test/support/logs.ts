// Helpers for asserting on captured log records.
import assert from "node:assert/strict";
import type { LogCapture } from "tornado-ts/testing";

/** The error attached to the first captured record whose message contains `text`. */
export function loggedError(logs: LogCapture, text: string): Error {
  const record = logs.records.find((r) => r.message.includes(text));
  assert.ok(record, `no log record containing ${JSON.stringify(text)}`);
  assert.ok(record.error instanceof Error, `the record ${JSON.stringify(text)} carries no Error`);
  return record.error;
}
