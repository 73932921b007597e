/**
 * Tornado's three loggers and a small logging core (Tornado's `tornado.log`).
 *
 * `accessLog` gets one line per request, `appLog` uncaught exceptions from application code,
 * `genLog` the framework's own warnings and errors. Nothing is configured at import: until a handler
 * is added (by `enablePrettyLogging`, or `parseCommandLine` from `tornado-ts/options`), records at
 * WARNING and above are written to stderr as bare messages, as Python's logging does.
 *
 * In a worker process started by `HTTPServer.start(n)` or `forkProcesses(n)`, every line carries
 * the worker's label (`w0`, `w1`, ...), and a log file gets one file per worker (see
 * {@link enablePrettyLogging}).
 * @module tornado-ts/log
 */
import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/** Log levels, with Python's numbers. */
export const Level = {
  /** Detail for debugging. */
  DEBUG: 10,
  /** Normal events, such as the access log's lines for successful requests. */
  INFO: 20,
  /** Something unexpected that was handled. */
  WARNING: 30,
  /** A failure, such as an uncaught exception. */
  ERROR: 40,
  /** A failure that stops the program. */
  CRITICAL: 50,
} as const;
/** The name of a log level: `DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL`. */
export type LevelName = keyof typeof Level;

/** One log event. */
export interface LogRecord {
  /** The logger's name, e.g. `tornado.access`. */
  readonly name: string;
  /** The numeric level. */
  readonly level: number;
  /** `DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL`. */
  readonly levelName: string;
  /** The formatted message. */
  readonly message: string;
  /** When the event happened. */
  readonly time: Date;
  /** The error being reported, when there is one (its stack is printed below the message). */
  readonly error?: unknown;
}

/** Receives log records; added with {@link addLogHandler}. */
export type LogHandler = (record: LogRecord) => void;

/** How many bytes of a client's value {@link clipForLog} keeps by default. */
export const LOG_VALUE_LIMIT = 200;

// C0 controls and DEL: a terminal acts on them (ESC), and CR or LF would start a forged line.
// (Characters from U+0080 up are left alone: a URI's raw UTF-8 bytes read as latin-1 land there.)
const LOG_CONTROL = /[\x00-\x1f\x7f]/g;
const HAS_LOG_CONTROL = /[\x00-\x1f\x7f]/;

function escapeControl(char: string): string {
  return `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/**
 * A value that came from a client, made fit for a log line: control characters escaped
 * (`\x0a`), and cut to `limit` bytes of UTF-8 (default 200) with the full length shown
 * (`abc... (60000 bytes)`), so a client cannot forge log lines or fill the log with one request.
 * Not in Tornado, which logs such values whole.
 */
export function clipForLog(value: string, limit: number = LOG_VALUE_LIMIT): string {
  const escaped = HAS_LOG_CONTROL.test(value) ? value.replace(LOG_CONTROL, escapeControl) : value;
  // A UTF-16 unit takes at most 3 bytes of UTF-8, so a short string needs no byte count.
  if (escaped.length <= limit / 3 || Buffer.byteLength(escaped, "utf8") <= limit) return escaped;
  let kept = Buffer.from(escaped, "utf8").subarray(0, limit).toString("utf8");
  // A character cut in two decodes as U+FFFD at the end: drop it.
  if (kept.endsWith("\ufffd") && !escaped.startsWith(kept)) kept = kept.slice(0, -1);
  return `${kept}... (${Buffer.byteLength(value, "utf8")} bytes)`;
}

const handlers: LogHandler[] = [];
let rootLevel: number = Level.WARNING;

/** Returns the name of a numeric level (`Level ${n}` for an unknown number). */
export function levelName(level: number): string {
  for (const [name, value] of Object.entries(Level)) if (value === level) return name;
  return `Level ${level}`;
}

/** A named logger. Loggers without their own level follow the root level. */
export class Logger {
  /** The logger's name. */
  readonly name: string;
  /** This logger's own level, or `undefined` to follow the root level. */
  level: number | undefined;

  constructor(name: string) {
    this.name = name;
  }

  /** The level in force: this logger's own, or the root's. */
  get effectiveLevel(): number {
    return this.level ?? rootLevel;
  }

  /** Whether a record at `level` would be emitted. Check it before building an expensive message. */
  isEnabledFor(level: number): boolean {
    return level >= (this.level ?? rootLevel);
  }

  /** Emits a record at `level`. */
  log(level: number, message: string, error?: unknown): void {
    if (!this.isEnabledFor(level)) return;
    const record: LogRecord = {
      name: this.name,
      level,
      levelName: levelName(level),
      message,
      time: new Date(),
      ...(error === undefined ? {} : { error }),
    };
    if (handlers.length === 0) {
      if (level >= Level.WARNING) process.stderr.write(`${formatPlain(record)}\n`);
      return;
    }
    for (const handler of handlers) handler(record);
  }

  /** Logs at DEBUG. */
  debug(message: string): void {
    this.log(Level.DEBUG, message);
  }
  /** Logs at INFO. */
  info(message: string): void {
    this.log(Level.INFO, message);
  }
  /** Logs at WARNING, with the error's stack below the message when one is given. */
  warning(message: string, error?: unknown): void {
    this.log(Level.WARNING, message, error);
  }
  /** Logs at ERROR, with the error's stack below the message when one is given. */
  error(message: string, error?: unknown): void {
    this.log(Level.ERROR, message, error);
  }
  /** Logs at ERROR with the error's stack below the message. */
  exception(message: string, error: unknown): void {
    this.log(Level.ERROR, message, error);
  }
}

const loggers = new Map<string, Logger>();

/** Returns the logger with this name, creating it on first use. */
export function getLogger(name: string): Logger {
  let logger = loggers.get(name);
  if (!logger) {
    logger = new Logger(name);
    loggers.set(name, logger);
  }
  return logger;
}

/** One line per finished request: INFO below 400, WARNING for 4xx, ERROR for 5xx. */
export const accessLog: Logger = getLogger("tornado.access");
/** Uncaught exceptions from application code. */
export const appLog: Logger = getLogger("tornado.application");
/** The framework's own warnings and errors. */
export const genLog: Logger = getLogger("tornado.general");

/** Sets the root level (what loggers without their own level emit). */
export function setRootLevel(level: number): void {
  rootLevel = level;
}

/** The root level. */
export function getRootLevel(): number {
  return rootLevel;
}

/** Adds a handler; every emitted record reaches every handler. Returns a function that removes it. */
export function addLogHandler(handler: LogHandler): () => void {
  handlers.push(handler);
  return () => removeLogHandler(handler);
}

/** Removes a handler added with {@link addLogHandler}. */
export function removeLogHandler(handler: LogHandler): void {
  const index = handlers.indexOf(handler);
  if (index >= 0) handlers.splice(index, 1);
}

/** The handlers in force, in order. */
export function logHandlers(): readonly LogHandler[] {
  return handlers;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** A record as its message, followed by the error's stack when there is one. */
export function formatPlain(record: LogRecord): string {
  if (record.error === undefined) return record.message;
  return `${record.message}\n${errorText(record.error)}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The environment variable through which a worker learns its task id (set by the primary). */
export const TASK_ID_ENV = "TORNADO_TS_TASK_ID";

let explicitLabel: string | null | undefined;

/**
 * Sets the label added to every log line of this process (`undefined` goes back to the default,
 * `null` turns it off). The default is `w<task id>` in a worker process and nothing elsewhere.
 */
export function setProcessLabel(label: string | null | undefined): void {
  explicitLabel = label;
}

/** The label added to this process's log lines (`w0`, `w1`, ... in workers), or `undefined`. */
export function processLabel(): string | undefined {
  if (explicitLabel !== undefined) return explicitLabel ?? undefined;
  const id = process.env[TASK_ID_ENV];
  return id === undefined || id === "" ? undefined : `w${id}`;
}

/**
 * Tornado's log line format: `[I 261124 22:37:41 web] message`, with the level's colour on a
 * terminal. Extra lines (a stack) are indented by four spaces. In a worker process the worker's
 * label follows the logger name: `[I 261124 22:37:41 access w1] 200 GET / (127.0.0.1) 0.52ms`.
 *
 * Differs from Tornado: the logger's short name stands where Tornado prints `module:line`.
 */
export class LogFormatter {
  readonly #color: boolean;
  readonly #processLabel: string | undefined;

  /** `color` turns on ANSI colours; `processLabel` replaces the process's label on every line. */
  constructor(options: { color?: boolean; processLabel?: string } = {}) {
    this.#color = options.color ?? false;
    this.#processLabel = options.processLabel;
  }

  /** The record as one (possibly multi-line) string, without the final newline. */
  format(record: LogRecord): string {
    const t = record.time;
    const stamp = `${pad(t.getFullYear() % 100)}${pad(t.getMonth() + 1)}${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
    const where = record.name.startsWith("tornado.") ? record.name.slice(8) : record.name;
    const processName = this.#processLabel ?? processLabel();
    const label = processName === undefined ? "" : ` ${processName}`;
    let prefix = `[${record.levelName[0] ?? "?"} ${stamp} ${where}${label}]`;
    if (this.#color) prefix = `${levelColor(record.level)}${prefix}\x1b[0m`;
    let text = `${prefix} ${record.message}`;
    if (record.error !== undefined) text += `\n${errorText(record.error)}`;
    return text.replace(/\n/g, "\n    ");
  }
}

/**
 * One JSON object per line, for log collectors: `time` (ISO 8601), `level`, `logger`, `message`,
 * `pid`, `worker` (the task id in a worker process, else `null`) and `error` (the stack) when there
 * is one. Not in Tornado.
 */
export class JsonLogFormatter {
  /** The record as one line of JSON, without the final newline. */
  format(record: LogRecord): string {
    const id = process.env[TASK_ID_ENV];
    const entry: Record<string, unknown> = {
      time: record.time.toISOString(),
      level: record.levelName,
      logger: record.name,
      message: record.message,
      pid: process.pid,
      worker: id === undefined || id === "" ? null : Number(id),
    };
    if (record.error !== undefined) entry["error"] = errorText(record.error);
    return JSON.stringify(entry);
  }
}

function levelColor(level: number): string {
  if (level >= Level.ERROR) return "\x1b[31m";
  if (level >= Level.WARNING) return "\x1b[33m";
  if (level >= Level.INFO) return "\x1b[32m";
  return "\x1b[34m";
}

/** A logging configuration that cannot be applied (an unknown level or rotation mode). */
export class LogConfigError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "LogConfigError";
}

/** A rotation mode checked: `size` or `time`, else a {@link LogConfigError}. */
function rotateMode(mode: string): "size" | "time" {
  if (mode !== "size" && mode !== "time") {
    throw new LogConfigError(
      `The value of log_rotate_mode option should be "size" or "time", not "${String(mode)}".`,
    );
  }
  return mode;
}

/** How a {@link LogFile} rotates. */
export interface LogFileOptions {
  /** `size` (the default) rotates when the file would pass `maxBytes`; `time` on a schedule. */
  mode?: "size" | "time";
  /** Size rotation: the largest size of the file, in bytes (default 100 MB; 0 never rotates). */
  maxBytes?: number;
  /** How many rotated files are kept (default 10). */
  backupCount?: number;
  /**
   * Time rotation: the unit, as Python's `TimedRotatingFileHandler`: `S`, `M`, `H`, `D`,
   * `midnight` (the default) or `W0`..`W6` (a weekday, Monday = 0). Case does not matter.
   */
  when?: string;
  /** Time rotation: how many units between rotations (default 1; ignored for midnight and weekdays). */
  interval?: number;
  /** Names the file per process: called with the process label, returns the path to write. */
  pathFor?: (label: string | undefined) => string;
}

const UNIT_SECONDS: Record<string, number> = { S: 1, M: 60, H: 3600, D: 86400 };
const SUFFIX_FORMAT: Record<string, (d: Date) => string> = {
  S: (d) => `${ymd(d)}_${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`,
  M: (d) => `${ymd(d)}_${pad(d.getHours())}-${pad(d.getMinutes())}`,
  H: (d) => `${ymd(d)}_${pad(d.getHours())}`,
  D: ymd,
};

function ymd(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * A log file with Python's rotation rules (`RotatingFileHandler` by size, `TimedRotatingFileHandler`
 * by time). Writes are synchronous appends, so a line is on disk when `write` returns, and lines
 * written by several processes to one file do not interleave.
 *
 * Size rotation renames `app.log` to `app.log.1`, `app.log.1` to `app.log.2`, ... keeping
 * `backupCount` files. Time rotation renames the file to `app.log.<start of its period>`
 * (`2024-11-26` for daily units, `2024-11-26_14` for hours, ...) and deletes all but the newest
 * `backupCount` of those.
 */
export class LogFile {
  readonly #path: string | ((label: string | undefined) => string);
  readonly #mode: "size" | "time";
  readonly #maxBytes: number;
  readonly #backupCount: number;
  readonly #when: string;
  readonly #intervalSeconds: number;
  #fd: number | undefined;
  #openPath = "";
  #size = 0;
  #periodStart = 0;
  #rolloverAt = 0;

  /** A log file at `path` (opened on the first write). Throws a `LogConfigError` for bad rotation options. */
  constructor(path: string, options: LogFileOptions = {}) {
    this.#path = options.pathFor ?? path;
    this.#mode = rotateMode(options.mode ?? "size");
    this.#maxBytes = options.maxBytes ?? 100_000_000;
    this.#backupCount = options.backupCount ?? 10;
    const when = (options.when ?? "midnight").toUpperCase();
    const interval = Math.max(1, options.interval ?? 1);
    if (when === "MIDNIGHT" || /^W[0-6]$/.test(when)) {
      this.#intervalSeconds = when === "MIDNIGHT" ? 86400 : 7 * 86400;
    } else if (UNIT_SECONDS[when] !== undefined) {
      this.#intervalSeconds = UNIT_SECONDS[when] * interval;
    } else {
      throw new LogConfigError(`Invalid rollover interval specified: ${options.when}`);
    }
    this.#when = when;
  }

  /** The path lines go to now (the label of this process decides it when `pathFor` is given). */
  get path(): string {
    return typeof this.#path === "function" ? this.#path(processLabel()) : this.#path;
  }

  /** Appends `line` (a newline is added), rotating first when due. */
  write(line: string): void {
    const data = Buffer.from(`${line}\n`, "utf8");
    const path = this.path;
    if (this.#fd === undefined || path !== this.#openPath) this.#open(path);
    if (this.#mode === "size") {
      if (this.#maxBytes > 0 && this.#size > 0 && this.#size + data.length >= this.#maxBytes) {
        this.#rotateBySize();
      }
    } else if (Date.now() >= this.#rolloverAt) {
      this.#rotateByTime();
    }
    writeSync(this.#fd!, data);
    this.#size += data.length;
  }

  /** Closes the file (the next write opens it again). */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #open(path: string): void {
    this.close();
    this.#fd = openSync(path, "a");
    this.#openPath = path;
    const stat = fstatSync(this.#fd);
    this.#size = stat.size;
    // As Python does, a file that already exists starts its period when it was last written.
    this.#startPeriod(stat.size > 0 ? stat.mtimeMs : Date.now());
  }

  #startPeriod(fromMs: number): void {
    const from = new Date(fromMs);
    if (this.#when === "MIDNIGHT" || this.#when.startsWith("W")) {
      const start = new Date(from.getFullYear(), from.getMonth(), from.getDate());
      const next = new Date(start);
      next.setDate(next.getDate() + 1);
      if (this.#when.startsWith("W")) {
        // JavaScript's getDay() counts from Sunday; Python's weekday numbers count from Monday.
        const target = (Number(this.#when[1]) + 1) % 7;
        while (next.getDay() !== target) next.setDate(next.getDate() + 1);
      }
      this.#periodStart = start.getTime();
      this.#rolloverAt = next.getTime();
    } else {
      this.#periodStart = fromMs;
      this.#rolloverAt = fromMs + this.#intervalSeconds * 1000;
    }
  }

  #rotateBySize(): void {
    const path = this.#openPath;
    this.close();
    if (this.#backupCount > 0) {
      for (let i = this.#backupCount - 1; i >= 1; i--)
        moveIfExists(`${path}.${i}`, `${path}.${i + 1}`);
      moveIfExists(path, `${path}.1`);
    } else {
      rmSync(path, { force: true });
    }
    this.#open(path);
  }

  #rotateByTime(): void {
    const path = this.#openPath;
    const format = SUFFIX_FORMAT[this.#when] ?? ymd;
    const suffix = format(new Date(this.#periodStart));
    this.close();
    moveIfExists(path, `${path}.${suffix}`);
    if (this.#backupCount > 0) {
      const prefix = `${basename(path)}.`;
      const rotated = readdirSync(dirname(path))
        .filter(
          (name) => name.startsWith(prefix) && /^\d{4}-\d\d-\d\d/.test(name.slice(prefix.length)),
        )
        .sort();
      for (const name of rotated.slice(0, Math.max(0, rotated.length - this.#backupCount))) {
        rmSync(join(dirname(path), name), { force: true });
      }
    }
    this.#open(path);
    this.#startPeriod(Date.now());
  }
}

function moveIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
}

/**
 * What {@link enablePrettyLogging} sets up; the same as the built-in logging options of
 * `tornado-ts/options` (`--logging`, `--log-to-stderr`, `--log-file-prefix`, ...).
 */
export interface LoggingOptions {
  /**
   * `debug`, `info` (the default), `warning`, `error` or `critical`. `none` or `null` turns every
   * log line off (Tornado leaves Python's warnings-to-stderr fallback in place; tornado-ts is silent).
   */
  logging?: string | null;
  /** The same as `logging`, as a level number or name; `logging` wins when both are given. */
  level?: LevelName | number;
  /**
   * Write to stderr. `true`: always; `false`: never; unset: only when there is no log file and no
   * other log handler is installed (as Tornado).
   */
  logToStderr?: boolean | null;
  /** Write to this file (in a worker process, to `<path>.w<task id>`). */
  logFilePrefix?: string | null;
  /** Size rotation limit in bytes (default 100000000). */
  logFileMaxSize?: number;
  /** Rotated files kept (default 10). */
  logFileNumBackups?: number;
  /** Time rotation unit (default `midnight`); see {@link LogFileOptions.when}. */
  logRotateWhen?: string;
  /** Time rotation interval (default 1). */
  logRotateInterval?: number;
  /** `size` (default) or `time`. */
  logRotateMode?: string;
  /** `pretty` (Tornado's line format, the default) or `json` (one JSON object per line). Not in Tornado. */
  logFormat?: string;
}

/** A level above every real one: nothing is emitted. */
const SILENT = Number.POSITIVE_INFINITY;
let prettyHandlers: LogHandler[] = [];
let prettyFile: LogFile | undefined;

const LEVELS_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(Level));

function parseLevel(name: string): number {
  const upper = name.toUpperCase();
  if (upper === "WARN") return Level.WARNING;
  if (upper === "FATAL") return Level.CRITICAL;
  const level = LEVELS_BY_NAME.get(upper);
  if (level === undefined) {
    throw new LogConfigError(
      `Unknown log level '${name}' (expected debug, info, warning, error, critical or none)`,
    );
  }
  return level;
}

function removePrettyHandlers(): void {
  for (const handler of prettyHandlers) removeLogHandler(handler);
  prettyHandlers = [];
  prettyFile?.close();
  prettyFile = undefined;
}

/**
 * Turns on Tornado's log output: sets the root level and adds a stderr handler (with colours when
 * stderr is a terminal) and/or a rotating log file, as the options say. `parseCommandLine` and
 * `parseConfigFile` of `tornado-ts/options` call it after parsing; call it yourself otherwise.
 * Calling it again replaces what the previous call set up. Returns a function that removes the
 * handlers it added.
 *
 * Differs from Tornado: `none` silences everything; repeated calls do not stack handlers; in a
 * worker process the log file is `<prefix>.w<task id>`, so that workers never rotate one another's
 * file.
 */
export function enablePrettyLogging(options: LoggingOptions = {}): () => void {
  const requested = options.logging !== undefined ? options.logging : (options.level ?? "INFO");
  removePrettyHandlers();
  if (requested === null || (typeof requested === "string" && requested.toLowerCase() === "none")) {
    rootLevel = SILENT;
    return () => {};
  }
  const level = typeof requested === "number" ? requested : parseLevel(requested);
  const format = options.logFormat ?? "pretty";
  if (format !== "pretty" && format !== "json") {
    throw new LogConfigError(`Unknown log format '${format}' (expected pretty or json)`);
  }
  const prefix = options.logFilePrefix;
  const file =
    prefix === undefined || prefix === null || prefix === ""
      ? undefined
      : new LogFile(prefix, {
          mode: rotateMode(options.logRotateMode ?? "size"),
          maxBytes: options.logFileMaxSize ?? 100_000_000,
          backupCount: options.logFileNumBackups ?? 10,
          when: options.logRotateWhen ?? "midnight",
          interval: options.logRotateInterval ?? 1,
          pathFor: (label) => (label === undefined ? prefix : `${prefix}.${label}`),
        });
  rootLevel = level;
  const added: LogHandler[] = [];
  if (file) {
    const formatter = format === "json" ? new JsonLogFormatter() : new LogFormatter();
    prettyFile = file;
    added.push((record) => file.write(formatter.format(record)));
  }
  const toStderr = options.logToStderr ?? (file === undefined && handlers.length === 0);
  if (toStderr) {
    const formatter =
      format === "json"
        ? new JsonLogFormatter()
        : new LogFormatter({ color: process.stderr.isTTY === true });
    added.push((record) => {
      process.stderr.write(`${formatter.format(record)}\n`);
    });
  }
  for (const handler of added) addLogHandler(handler);
  prettyHandlers = added;
  return () => {
    if (prettyHandlers === added) removePrettyHandlers();
  };
}
