/**
 * The stack walker: which source file called into the framework, read from a stack trace. Options
 * use it to group `--help` by the defining file; web finds a handler's template directory with it.
 * @module
 */
import { fileURLToPath } from "node:url";

// A frame's location at the end of a stack line: "at f (/a/b.ts:1:2)", "at /a/b.ts:1:2", or the same
// with a file:// URL.
const FRAME_FILE = /(?:\(|at )((?:file:\/\/)?\/[^()]*?):\d+:\d+\)?$/;

// Frames read from one stack: callers can sit deeper than V8's default of ten frames.
const STACK_DEPTH = 50;

/**
 * The innermost source file on the current call stack that `wanted` accepts, as a path (file://
 * URLs converted), or `undefined` when none does.
 */
export function callerFile(wanted: (file: string) => boolean): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_DEPTH;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  // The first line is the message, the second this function.
  for (const line of stack.split("\n").slice(2)) {
    const match = FRAME_FILE.exec(line.trim());
    if (match === null) continue;
    const location = match[1] ?? "";
    const file = location.startsWith("file:") ? fileURLToPath(location) : location;
    if (wanted(file)) return file;
  }
  return undefined;
}
