/**
 * Tornado's three loggers and a small logging core (Tornado's `tornado.log`).
 *
 * `accessLog` gets one line per request, `appLog` uncaught exceptions from application code,
 * `genLog` the framework's own warnings and errors. Nothing is configured at import: until a handler
 * is added (by `enablePrettyLogging`, or `parseCommandLine` from `tornado-ts/options`), records at
 * WARNING and above are written to stderr as bare messages, as Python's logging does.
 * @module tornado-ts/log
 */

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

/**
 * Tornado's log line format: `[I 261124 22:37:41 web:2293] message`, with the level's colour on a
 * terminal. Extra lines (a stack) are indented by four spaces.
 */
export class LogFormatter {
  readonly #color: boolean;
  readonly #processLabel: string | undefined;

  /** `color` turns on ANSI colours; `processLabel` is added to every line (a worker's id). */
  constructor(options: { color?: boolean; processLabel?: string } = {}) {
    this.#color = options.color ?? false;
    this.#processLabel = options.processLabel;
  }

  /** Formats a record as one line (and the error's stack below it, when there is one). */
  format(record: LogRecord): string {
    const t = record.time;
    const stamp = `${pad(t.getFullYear() % 100)}${pad(t.getMonth() + 1)}${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
    const where = record.name.startsWith("tornado.") ? record.name.slice(8) : record.name;
    const label = this.#processLabel === undefined ? "" : ` ${this.#processLabel}`;
    let prefix = `[${record.levelName[0] ?? "?"} ${stamp} ${where}${label}]`;
    if (this.#color) prefix = `${levelColor(record.level)}${prefix}\x1b[0m`;
    let text = `${prefix} ${record.message}`;
    if (record.error !== undefined) text += `\n${errorText(record.error)}`;
    return text.replace(/\n/g, "\n    ");
  }
}

function levelColor(level: number): string {
  if (level >= Level.ERROR) return "\x1b[31m";
  if (level >= Level.WARNING) return "\x1b[33m";
  if (level >= Level.INFO) return "\x1b[32m";
  return "\x1b[34m";
}

/**
 * Turns on Tornado's pretty log lines on stderr at `level` (default INFO), with colours when stderr
 * is a terminal. Returns a function that turns them off again.
 */
export function enablePrettyLogging(options: { level?: LevelName | number } = {}): () => void {
  const level = options.level ?? "INFO";
  rootLevel = typeof level === "number" ? level : Level[level];
  const formatter = new LogFormatter({ color: process.stderr.isTTY === true });
  return addLogHandler((record) => {
    process.stderr.write(`${formatter.format(record)}\n`);
  });
}
