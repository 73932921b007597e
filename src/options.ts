/**
 * Command-line and config-file options (Tornado's `tornado.options`).
 *
 * ```ts
 * import { define, options, parseCommandLine } from "tornado-ts/options";
 *
 * const port = define("port", { default: 8000, type: "int", help: "run on the given port" });
 * parseCommandLine(); // node app.ts --port=9000
 * server.bind(port.value); // or options.port, typed by augmenting `Options`
 * ```
 *
 * Names treat `_` and `-` alike. The global `options` carries Tornado's built-in logging options
 * (`--logging`, `--log-to-stderr`, `--log-file-prefix`, ...), and parsing turns logging on. Tests can
 * use their own `new OptionParser()`, which has only `--help`.
 * @module tornado-ts/options
 */
import { readFileSync } from "node:fs";
import { extname, normalize, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse as parseToml } from "smol-toml";
import { callerFile } from "./caller.ts";
import { enablePrettyLogging, LogConfigError } from "./log.ts";
import { isPlainObject, MONTH_NAMES, parsePyFloat, parsePyInt } from "./python.ts";

/**
 * The type of an option: `String`, `Number`, `Boolean`, `Date`, or one of Tornado's finer kinds:
 * `"int"` (an integer), `"float"` (the same as `Number`), `"timedelta"` (a time span such as
 * `1h 30m`, whose value is a number of seconds).
 */
export type OptionType =
  | StringConstructor
  | NumberConstructor
  | BooleanConstructor
  | DateConstructor
  | "int"
  | "float"
  | "timedelta";

/** The JavaScript value of one item of an option of type `K`. */
export type OptionTypeValue<K> = K extends StringConstructor
  ? string
  : K extends BooleanConstructor
    ? boolean
    : K extends DateConstructor
      ? Date
      : K extends NumberConstructor | "int" | "float" | "timedelta"
        ? number
        : unknown;

/** How an option is defined (the arguments of Tornado's `define` after the name). */
export interface OptionSpec {
  /** The value until one is parsed; `null` (no value) when omitted, `[]` for `multiple`. */
  default?: unknown;
  /** The type; inferred from `default` when omitted (`String` when there is no default or with `multiple`). */
  type?: OptionType;
  /** One line for `--help`. */
  help?: string;
  /** The value's placeholder in `--help` (`--name=METAVAR`). */
  metavar?: string;
  /** The value is a list: `--ids=1,2,5:7` (integer ranges are inclusive). */
  multiple?: boolean;
  /** The `--help` group (default: the file that calls `define`). */
  group?: string;
  /** Called with the new value every time the option is set (by parsing or by assignment). */
  callback?(value: unknown): void;
}

/** The option type a spec `S` gives: its `type`, or the type its default implies (`String` otherwise). */
export type KindOf<S> = S extends {
  /** An explicit type. */
  type: infer K extends OptionType;
}
  ? K
  : S extends {
        /** A list option without a type: a list of strings. */
        multiple: true;
      }
    ? StringConstructor
    : S extends {
          /** The default, whose type gives the option's. */
          default: infer D;
        }
      ? D extends number
        ? NumberConstructor
        : D extends boolean
          ? BooleanConstructor
          : D extends Date
            ? DateConstructor
            : StringConstructor
      : StringConstructor;

/** The value type of an option defined with spec `S`. */
export type SpecValue<S> = S extends {
  /** A list option. */
  multiple: true;
}
  ? OptionTypeValue<KindOf<S>>[]
  : S extends {
        /** No default: the value may be null. */
        default: null | undefined;
      }
    ? OptionTypeValue<KindOf<S>> | null
    : S extends {
          /** A default of the option's type. */
          default: unknown;
        }
      ? OptionTypeValue<KindOf<S>>
      : OptionTypeValue<KindOf<S>> | null;

/**
 * Typed values of the global `options` (and of every parser's `options`). Augment it to type your
 * own options:
 * `declare module "tornado-ts/options" { interface Options { port: number; list: string[] } }`.
 * The built-in logging options are listed here; they exist on the global parser (and on parsers
 * given to {@link defineLoggingOptions}).
 */
export interface Options {
  /** `--logging`: `debug`, `info`, `warning`, `error` or `none` (`null` also turns logging off). */
  logging: string | null;
  /** `--log-to-stderr`. */
  logToStderr: boolean | null;
  /** `--log-file-prefix`. */
  logFilePrefix: string | null;
  /** `--log-file-max-size`. */
  logFileMaxSize: number;
  /** `--log-file-num-backups`. */
  logFileNumBackups: number;
  /** `--log-rotate-when`. */
  logRotateWhen: string;
  /** `--log-rotate-interval`. */
  logRotateInterval: number;
  /** `--log-rotate-mode`. */
  logRotateMode: string;
  /** `--log-format`. */
  logFormat: string;
}

/** The methods of an options view, beside the option values themselves. */
export interface OptionViewMethods {
  /** `{name: value}` of every option (names as defined). */
  asDict(): Record<string, unknown>;
  /** The names of the `--help` groups. */
  groups(): Set<string>;
  /** `{name: value}` of the options in one group (every option for an empty group). */
  groupDict(group?: string): Record<string, unknown>;
  /** `[name, value]` of every option. */
  items(): [string, unknown][];
  /** The same as `asDict()`, so `JSON.stringify(options)` shows the values. */
  toJSON(): Record<string, unknown>;
  /** The option names, as defined (Tornado's iteration; `_` and `-` kept as written). */
  [Symbol.iterator](): IterableIterator<string>;
}

/**
 * The values of a parser's options, as properties: `options.port`, `options["log-file-prefix"]`,
 * `options.log_file_prefix` and `options.logFilePrefix` name the same option. Reading or assigning
 * an unknown name throws an {@link OptionError}; assigning checks the type and runs the callback.
 */
export type OptionValues = Options & OptionViewMethods & { [name: string]: unknown };

/** A bad definition, an unknown option, or a value that cannot be used; the message names the option. */
export class OptionError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "OptionError";
}

/** Where something writes text (`process.stderr` by default). */
export interface TextOutput {
  /** Writes `text` (help or error output). */
  write(text: string): unknown;
}

const THIS_FILE = fileURLToPath(import.meta.url);
const VIEW_METHODS = new Set(["asDict", "groups", "groupDict", "items", "toJSON", "then"]);

function normalizeName(name: string): string {
  return name.replace(/_/g, "-");
}

function kebab(name: string): string {
  return name.replace(
    /([a-z0-9])([A-Z])/g,
    (_m, a: string, b: string) => `${a}-${b.toLowerCase()}`,
  );
}

function kindName(type: OptionType): string {
  if (type === String) return "a string";
  if (type === Boolean) return "a boolean";
  if (type === Date) return "a Date";
  if (type === "int") return "an integer";
  if (type === "timedelta") return "a number of seconds";
  return "a number";
}

function typeOfValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return "Date";
  return typeof value;
}

function fits(type: OptionType, value: unknown): boolean {
  if (type === String) return typeof value === "string";
  if (type === Boolean) return typeof value === "boolean";
  if (type === Date) return value instanceof Date && !Number.isNaN(value.getTime());
  if (type === "int") return typeof value === "number" && Number.isInteger(value);
  return typeof value === "number" && !Number.isNaN(value);
}

function isIntegerType(type: OptionType): boolean {
  return type === "int" || type === Number;
}

function inferType(spec: OptionSpec): OptionType {
  if (spec.type !== undefined) return spec.type;
  const value = spec.default;
  if (spec.multiple || value === undefined || value === null) return String;
  if (typeof value === "number") return Number;
  if (typeof value === "boolean") return Boolean;
  if (value instanceof Date) return Date;
  return String;
}

const UNITS: Record<string, number> = {
  h: 3600,
  hours: 3600,
  m: 60,
  min: 60,
  minutes: 60,
  s: 1,
  sec: 1,
  seconds: 1,
  ms: 0.001,
  milliseconds: 0.001,
  us: 0.000001,
  microseconds: 0.000001,
  d: 86400,
  days: 86400,
  w: 604800,
  weeks: 604800,
};

/**
 * Parses a time span with Tornado's rules into seconds: terms `<number><unit>` separated by spaces,
 * summed (`1h 30m` is 5400, `1.5` is 1.5, `2 weeks`, `-1h`, `10 ms`). Units: `h`, `m`/`min`,
 * `s`/`sec`, `ms`, `us`, `d`, `w`, and the plurals `hours`, `minutes`, `seconds`, `milliseconds`,
 * `microseconds`, `days`, `weeks`. No unit means seconds. Returns `undefined` when the text does not
 * parse (`1h30m` needs a space, as in Tornado).
 */
export function parseTimedelta(text: string): number | undefined {
  const term = /\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(\w*)\s*/y;
  let total = 0;
  let start = 0;
  while (start < text.length) {
    term.lastIndex = start;
    const match = term.exec(text);
    if (!match) return undefined;
    const factor = UNITS[match[2] || "seconds"];
    if (factor === undefined) return undefined;
    total += Number(match[1]) * factor;
    start = term.lastIndex;
  }
  return total;
}

const MONTHS = MONTH_NAMES.map((month) => month.slice(0, 3).toLowerCase());
const D = "(\\d{1,2})";
/** What a date format's groups hold, in order; a field no group holds keeps its default. */
type DateField = "year" | "month" | "monthName" | "day" | "hour" | "minute" | "second";
const YMD_HMS: readonly DateField[] = ["year", "month", "day", "hour", "minute", "second"];
const DATE_FORMATS: [RegExp, readonly DateField[]][] = [
  [
    new RegExp(
      `^(?:mon|tue|wed|thu|fri|sat|sun)\\s+([a-z]{3})\\s+${D}\\s+${D}:${D}:${D}\\s+(\\d{4})$`,
      "i",
    ),
    ["monthName", "day", "hour", "minute", "second", "year"],
  ],
  [new RegExp(`^(\\d{4})-${D}-${D}\\s+${D}:${D}:${D}$`), YMD_HMS],
  [new RegExp(`^(\\d{4})-${D}-${D}\\s+${D}:${D}$`), YMD_HMS],
  [new RegExp(`^(\\d{4})-${D}-${D}T${D}:${D}$`), YMD_HMS],
  [new RegExp(`^(\\d{4})(\\d\\d)(\\d\\d)\\s+${D}:${D}:${D}$`), YMD_HMS],
  [new RegExp(`^(\\d{4})(\\d\\d)(\\d\\d)\\s+${D}:${D}$`), YMD_HMS],
  [new RegExp(`^(\\d{4})-${D}-${D}$`), YMD_HMS],
  [/^(\d{4})(\d\d)(\d\d)$/, YMD_HMS],
  [new RegExp(`^${D}:${D}:${D}$`), ["hour", "minute", "second"]],
  [new RegExp(`^${D}:${D}$`), ["hour", "minute"]],
];

/**
 * Parses a date-time with Tornado's formats (`2024-11-26 14:30:00`, `2024-11-26 14:30`,
 * `2024-11-26T14:30`, `20241126 14:30:00`, `20241126 14:30`, `2024-11-26`, `20241126`,
 * `Tue Nov 26 14:30:00 2024`, and the times `14:30:00` and `14:30`, which get the date 1900-01-01),
 * as local time. Returns `undefined` when nothing matches or a field is out of range.
 */
export function parseDateTime(text: string): Date | undefined {
  const value = text.trim();
  for (const [pattern, fields] of DATE_FORMATS) {
    const match = pattern.exec(value);
    if (!match) continue;
    // Times alone get the date 1900-01-01, dates alone midnight.
    const parts = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    fields.forEach((field, i) => {
      const group = match[i + 1] ?? "";
      if (field === "monthName") parts.month = MONTHS.indexOf(group.toLowerCase()) + 1;
      else parts[field] = Number(group);
    });
    const { year, month, day, hour, minute, second } = parts;
    const date = new Date(year, month - 1, day, hour, minute, second);
    date.setFullYear(year);
    const valid =
      date.getFullYear() === year &&
      date.getMonth() === month - 1 &&
      date.getDate() === day &&
      date.getHours() === hour &&
      date.getMinutes() === minute &&
      date.getSeconds() === second;
    return valid ? date : undefined;
  }
  return undefined;
}

/**
 * One defined option: its definition and its current value. `define` returns it, typed, so
 * `port.value` is a `number` for `define("port", {default: 8000})`.
 */
export class Option<T = unknown> {
  /** The name as defined. */
  readonly name: string;
  /** The type values are converted to and checked against. */
  readonly type: OptionType;
  /** The help line. */
  readonly help: string | undefined;
  /** The placeholder shown by `--help`. */
  readonly metavar: string | undefined;
  /** Whether the value is a list. */
  readonly multiple: boolean;
  /** The value before anything is parsed. */
  readonly default: T;
  /** The `--help` group. */
  readonly group: string;
  /** The file whose code defined the option. */
  readonly file: string;
  readonly #callback: ((value: unknown) => void) | undefined;
  #value: T;

  /** Defines an option; use `define` or `OptionParser.define` instead of calling this. */
  constructor(name: string, spec: OptionSpec, file: string) {
    this.name = name;
    this.type = inferType(spec);
    this.help = spec.help;
    this.metavar = spec.metavar;
    this.multiple = spec.multiple ?? false;
    const fallback = this.multiple ? [] : null;
    this.default = (spec.default === undefined ? fallback : spec.default) as T;
    this.group = spec.group ?? file;
    this.file = file;
    this.#callback = spec.callback ? (value) => spec.callback?.(value) : undefined;
    this.#value = this.default;
  }

  /** The current value (the default until set). */
  get value(): T {
    return this.#value;
  }

  /**
   * Sets the value after checking its type (`null` is always accepted), then runs the callback.
   * Throws an {@link OptionError} naming the option for a value of the wrong type.
   */
  set(value: T): void {
    if (value !== null) {
      if (this.multiple) {
        if (!Array.isArray(value) || !value.every((item) => fits(this.type, item))) {
          throw new OptionError(
            `Option '${this.name}' is required to be a list of ${kindName(this.type).replace(/^an? /, "")} values`,
          );
        }
      } else if (!fits(this.type, value)) {
        throw new OptionError(
          `Option '${this.name}' is required to be ${kindName(this.type)} (${typeOfValue(value)} given)`,
        );
      }
    }
    this.#value = value;
    this.#callback?.(value);
  }

  /**
   * Converts `text` as the command line does (comma lists for `multiple`, inclusive `lo:hi` ranges
   * for integers), sets the value, and returns it. Throws an {@link OptionError} naming the option
   * and the text when it does not convert.
   */
  parse(text: string): T {
    let value: unknown;
    if (this.multiple) {
      const items: unknown[] = [];
      for (const part of text.split(",")) {
        if (isIntegerType(this.type) && part.includes(":")) {
          const [lo, hi] = [part.slice(0, part.indexOf(":")), part.slice(part.indexOf(":") + 1)];
          const first = this.#convert(lo);
          const last = hi === "" ? first : this.#convert(hi);
          if (
            typeof first !== "number" ||
            typeof last !== "number" ||
            !Number.isInteger(first) ||
            !Number.isInteger(last)
          ) {
            throw new OptionError(
              `Option '${this.name}' requires integer range ends, got '${part}'`,
            );
          }
          for (let n = first; n <= last; n++) items.push(n);
        } else {
          items.push(this.#convert(part));
        }
      }
      value = items;
    } else {
      value = this.#convert(text);
    }
    // The text was converted to this option's type, which `T` names.
    const typed = value as T;
    this.set(typed);
    return typed;
  }

  #convert(text: string): unknown {
    const type = this.type;
    if (type === String) return text;
    if (type === Boolean) return !["false", "0", "f"].includes(text.toLowerCase());
    if (type === Date) {
      const date = parseDateTime(text);
      if (date === undefined) {
        throw new OptionError(`Option '${this.name}': unrecognized date/time format '${text}'`);
      }
      return date;
    }
    if (type === "timedelta") {
      const seconds = parseTimedelta(text);
      if (seconds === undefined) {
        throw new OptionError(
          `Option '${this.name}' requires a time span such as '1h 30m', got '${text}'`,
        );
      }
      return seconds;
    }
    if (type === "int") {
      const integer = parsePyInt(text);
      if (integer === undefined) {
        throw new OptionError(`Option '${this.name}' requires an integer, got '${text}'`);
      }
      return integer;
    }
    const number = parsePyFloat(text);
    if (number === undefined) {
      throw new OptionError(`Option '${this.name}' requires a number, got '${text}'`);
    }
    return number;
  }
}

/** Options of an {@link OptionParser}. */
export interface OptionParserInit {
  /** Where `--help` and the help shown for an unknown option go (default `process.stderr`). */
  output?: TextOutput;
  /** Called after `--help` has printed (default `process.exit`). */
  exit?: (code: number) => void;
  /** The program name on the help's `Usage:` line (default `process.argv[1]`). */
  program?: string;
}

/** Options of the parse methods. */
export interface ParseOptions {
  /** Run the parse callbacks (logging setup among them) afterwards. Default `true`. */
  final?: boolean;
}

function formatDefault(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Python's `textwrap.wrap`: greedy lines of at most `width`, leading space of the text kept. */
function wrap(text: string, width: number): string[] {
  const chunks = text.split(/(\s+)/).filter((chunk) => chunk !== "");
  const lines: string[] = [];
  let line = "";
  for (const chunk of chunks) {
    const space = /^\s/.test(chunk);
    if (space && line === "" && lines.length > 0) continue;
    if (line.length + chunk.length <= width) {
      line += chunk;
      continue;
    }
    if (space) {
      lines.push(line.trimEnd());
      line = "";
      continue;
    }
    if (line.trim() !== "") lines.push(line.trimEnd());
    line = "";
    let rest = chunk;
    while (rest.length > width) {
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    line = rest;
  }
  if (line.trim() !== "") lines.push(line.trimEnd());
  return lines;
}

/**
 * A set of options and their values (Tornado's `OptionParser`). The module-level `define`,
 * `options`, `parseCommandLine`, ... use one global parser; make your own for tests.
 */
export class OptionParser {
  /** The values, as properties (see {@link OptionValues}). */
  readonly options: OptionValues;
  readonly #byName = new Map<string, Option>();
  readonly #callbacks: (() => void)[] = [];
  readonly #output: TextOutput;
  readonly #exit: (code: number) => void;
  readonly #program: string | undefined;

  /** A parser with only the built-in `--help` option. */
  constructor(init: OptionParserInit = {}) {
    this.#output = init.output ?? process.stderr;
    this.#exit = init.exit ?? ((code) => process.exit(code));
    this.#program = init.program;
    this.options = this.#makeView();
    const help = new Option(
      "help",
      {
        type: Boolean,
        group: "",
        help: "show this help information",
        callback: (value) => {
          if (value) {
            this.printHelp();
            this.#exit(0);
          }
        },
      },
      THIS_FILE,
    );
    this.#byName.set("help", help);
  }

  /**
   * Defines an option (see {@link OptionSpec}) and returns it, typed by the spec.
   * Throws an {@link OptionError} when the name (with `_` and `-` treated alike) is already
   * defined, naming the file that defined it first.
   */
  define<const S extends OptionSpec>(name: string, spec?: S): Option<SpecValue<S>> {
    const key = normalizeName(name);
    const existing = this.#byName.get(key);
    if (existing) throw new OptionError(`Option '${key}' already defined in ${existing.file}`);
    if (VIEW_METHODS.has(name)) {
      throw new OptionError(`Option name '${name}' is reserved for a method of options`);
    }
    const definedIn = callerFile((file) => file !== THIS_FILE) ?? THIS_FILE;
    const option = new Option<SpecValue<S>>(name, spec ?? {}, definedIn);
    this.#byName.set(key, option);
    return option;
  }

  /** The option called `name` (any spelling), or `undefined`. */
  option(name: string): Option | undefined {
    const key = normalizeName(name);
    return this.#byName.get(key) ?? this.#byName.get(normalizeName(kebab(name)));
  }

  #require(name: string): Option {
    const option = this.option(name);
    if (!option) throw new OptionError(`Unrecognized option '${normalizeName(name)}'`);
    return option;
  }

  /**
   * Parses command-line arguments (`argv` without node and the script; default
   * `process.argv.slice(2)`): `--name=value`, `--flag` alone for booleans, `-`/`_` alike. Stops at
   * the first argument that does not start with `-` (or after `--`) and returns the arguments left.
   * `--help` prints the help and exits. Then, unless `final` is false, runs the parse callbacks.
   *
   * Throws an {@link OptionError} for an unknown option (after printing the help, as Tornado), a
   * missing value, or a value that does not convert. The global {@link parseCommandLine} turns that
   * into a message and exit code 2.
   */
  parseCommandLine(
    argv: readonly string[] = process.argv.slice(2),
    parse: ParseOptions = {},
  ): string[] {
    let remaining: string[] = [];
    for (const [i, arg] of argv.entries()) {
      if (!arg.startsWith("-")) {
        remaining = argv.slice(i);
        break;
      }
      if (arg === "--") {
        remaining = argv.slice(i + 1);
        break;
      }
      const body = arg.replace(/^-+/, "");
      const eq = body.indexOf("=");
      const name = normalizeName(eq < 0 ? body : body.slice(0, eq));
      const option = this.option(name);
      if (!option) {
        this.printHelp();
        throw new OptionError(`Unrecognized command line option: '${name}'`);
      }
      let value = eq < 0 ? undefined : body.slice(eq + 1);
      if (value === undefined) {
        if (option.type !== Boolean) throw new OptionError(`Option '${name}' requires a value`);
        value = "true";
      }
      option.parse(value);
    }
    if (parse.final ?? true) this.runParseCallbacks();
    return remaining;
  }

  /**
   * Applies `{name: value}` pairs as a config file does: names of no option are ignored; a string
   * given to a non-string option is converted as on the command line; other values are checked
   * against the type (a `multiple` option takes an array or a comma-separated string). Stops at the
   * first bad value with an {@link OptionError} naming the key; earlier keys keep their new values.
   */
  parseConfigObject(
    values: Record<string, unknown>,
    parse: ParseOptions & { source?: string } = {},
  ): void {
    const where = parse.source === undefined ? "" : ` (in ${parse.source})`;
    for (const [key, value] of Object.entries(values)) {
      const option = this.option(key);
      if (!option) continue;
      try {
        if (typeof value === "string" && (option.type !== String || option.multiple)) {
          option.parse(value);
        } else if (option.multiple && !Array.isArray(value) && value !== null) {
          throw new OptionError(
            `Option '${option.name}' is required to be a list of ${kindName(option.type).replace(/^an? /, "")} values or a comma-separated string`,
          );
        } else {
          option.set(value);
        }
      } catch (error) {
        if (error instanceof OptionError) throw new OptionError(`${error.message}${where}`);
        throw error;
      }
    }
    if (parse.final ?? true) this.runParseCallbacks();
  }

  /**
   * Reads options from a file: TOML (any name but `.json` and module extensions; the tutorial's
   * `port = 7000` / `list = ['good','nice','handsome']` is valid TOML) or JSON (`.json`), then
   * applies them as {@link parseConfigObject} does. A JavaScript or TypeScript module config needs
   * {@link parseConfigFileAsync} (importing a module is asynchronous); this throws an
   * {@link OptionError} saying so.
   *
   * Differs from Tornado: the file is data, not Python code that is executed.
   */
  parseConfigFile(path: string | URL, parse: ParseOptions = {}): void {
    const file = typeof path === "string" ? resolve(path) : fileURLToPath(path);
    if (isModulePath(file)) {
      throw new OptionError(
        `Config file ${file} is a module: load it with parseConfigFileAsync(), which can import it`,
      );
    }
    this.parseConfigObject(readDataFile(file), { ...parse, source: file });
  }

  /**
   * The same as {@link parseConfigFile}, and also loads JavaScript or TypeScript modules (`.js`,
   * `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`): their named exports, and the keys of a default-exported
   * plain object, are the values (named exports win).
   */
  async parseConfigFileAsync(path: string | URL, parse: ParseOptions = {}): Promise<void> {
    const file = typeof path === "string" ? resolve(path) : fileURLToPath(path);
    if (!isModulePath(file)) {
      this.parseConfigFile(file, parse);
      return;
    }
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const values: Record<string, unknown> = isPlainObject(module["default"])
      ? { ...module["default"] }
      : {};
    for (const [key, value] of Object.entries(module)) if (key !== "default") values[key] = value;
    this.parseConfigObject(values, { ...parse, source: file });
  }

  /** Adds a function run after each parse with `final` (as Tornado's `add_parse_callback`). */
  addParseCallback(callback: () => void): void {
    this.#callbacks.push(callback);
  }

  /** Runs the parse callbacks now. */
  runParseCallbacks(): void {
    for (const callback of this.#callbacks) callback();
  }

  /**
   * Writes Tornado's help layout: `Usage: <program> [OPTIONS]`, then the options grouped by the
   * file that defined them (groups and names sorted), each `  --name=METAVAR` padded to 30 columns
   * with its help and `(default ...)` wrapped at 44 columns.
   */
  printHelp(output: TextOutput = this.#output): void {
    const lines = [
      `Usage: ${this.#program ?? process.argv[1] ?? "node"} [OPTIONS]`,
      "",
      "Options:",
      "",
    ];
    const byGroup = new Map<string, Option[]>();
    for (const option of this.#byName.values()) {
      const list = byGroup.get(option.group) ?? [];
      list.push(option);
      byGroup.set(option.group, list);
    }
    const groups = [...byGroup].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [group, list] of groups) {
      if (group !== "") lines.push("", `${normalize(group)} options:`, "");
      const options = list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const option of options) {
        let prefix = normalizeName(option.name);
        if (option.metavar) prefix += `=${option.metavar}`;
        let description = option.help ?? "";
        if (option.default !== null && option.default !== "") {
          description += ` (default ${formatDefault(option.default)})`;
        }
        const text = wrap(description, 44);
        if (prefix.length > 30 || text.length === 0) text.unshift("");
        lines.push(`  --${prefix.padEnd(30)} ${text[0]}`);
        for (const line of text.slice(1)) lines.push(`${" ".repeat(34)} ${line}`);
      }
    }
    lines.push("");
    output.write(`${lines.join("\n")}\n`);
  }

  #makeView(): OptionValues {
    const methods: OptionViewMethods = {
      asDict: () => Object.fromEntries(this.#entries()),
      groups: () => new Set([...this.#byName.values()].map((option) => option.group)),
      groupDict: (group) =>
        Object.fromEntries(
          [...this.#byName.values()]
            .filter((option) => !group || option.group === group)
            .map((option) => [option.name, option.value]),
        ),
      items: () => this.#entries(),
      toJSON: () => Object.fromEntries(this.#entries()),
      [Symbol.iterator]: () => [...this.#byName.values()].map((option) => option.name).values(),
    };
    return new Proxy(methods, {
      get: (target, property) => {
        if (typeof property === "symbol") return Reflect.get(target, property);
        if (property === "then") return undefined;
        if (VIEW_METHODS.has(property)) return Reflect.get(target, property);
        return this.#require(property).value;
      },
      set: (_target, property, value) => {
        if (typeof property === "symbol") return false;
        this.#require(property).set(value);
        return true;
      },
      has: (_target, property) =>
        typeof property === "string" && this.option(property) !== undefined,
      ownKeys: () => [...this.#byName.keys()],
      getOwnPropertyDescriptor: (_target, property) => {
        if (typeof property !== "string") return undefined;
        const option = this.option(property);
        if (!option) return undefined;
        return { value: option.value, writable: true, enumerable: true, configurable: true };
      },
      deleteProperty: () => false,
    }) as unknown as OptionValues;
  }

  #entries(): [string, unknown][] {
    return [...this.#byName.values()].map((option) => [option.name, option.value]);
  }
}

function isModulePath(file: string): boolean {
  return [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"].includes(extname(file).toLowerCase());
}

function readDataFile(file: string): Record<string, unknown> {
  const text = readFileSync(file, "utf8");
  try {
    const data: unknown =
      extname(file).toLowerCase() === ".json" ? JSON.parse(text) : parseToml(text);
    if (!isPlainObject(data))
      throw new OptionError(`Config file ${file} does not hold a table of options`);
    return data;
  } catch (error) {
    if (error instanceof OptionError) throw error;
    throw new OptionError(
      `Config file ${file} does not parse: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

const LOG_FILE = fileURLToPath(new URL(`./log${extname(THIS_FILE)}`, import.meta.url));

/**
 * Defines Tornado's logging options on `parser` (`--logging`, `--log-to-stderr`,
 * `--log-file-prefix`, `--log-file-max-size`, `--log-file-num-backups`, `--log-rotate-when`,
 * `--log-rotate-interval`, `--log-rotate-mode`, and tornado-ts's `--log-format=pretty|json`), and a
 * parse callback that applies them with `enablePrettyLogging`. The global parser has them already.
 */
export function defineLoggingOptions(parser: OptionParser): void {
  const defs: [string, OptionSpec][] = [
    [
      "logging",
      {
        default: "info",
        metavar: "debug|info|warning|error|none",
        help: "lowest level logged; none turns all log output off",
      },
    ],
    [
      "log_to_stderr",
      {
        type: Boolean,
        help: "write log lines to stderr (in colour on a terminal); unset: only when there is no log file and no other log handler",
      },
    ],
    [
      "log_file_prefix",
      {
        type: String,
        metavar: "PATH",
        help: "write log lines to this file (worker processes add .w<task id>)",
      },
    ],
    [
      "log_file_max_size",
      { type: "int", default: 100_000_000, help: "size rotation: bytes per file" },
    ],
    ["log_file_num_backups", { type: "int", default: 10, help: "rotated log files kept" }],
    [
      "log_rotate_when",
      {
        type: String,
        default: "midnight",
        help: "time rotation unit: S, M, H, D, midnight or W0-W6",
      },
    ],
    ["log_rotate_interval", { type: "int", default: 1, help: "time rotation: units per file" }],
    [
      "log_rotate_mode",
      { type: String, default: "size", help: "rotate log files by size or by time" },
    ],
    [
      "log_format",
      {
        type: String,
        default: "pretty",
        metavar: "pretty|json",
        help: "log line format: Tornado's lines, or one JSON object per line",
      },
    ],
  ];
  for (const [name, spec] of defs) parser.define(name, { ...spec, group: spec.group ?? LOG_FILE });
  parser.addParseCallback(() => {
    const values = parser.options;
    enablePrettyLogging({
      logging: values.logging,
      logToStderr: values.logToStderr,
      logFilePrefix: values.logFilePrefix,
      logFileMaxSize: values.logFileMaxSize,
      logFileNumBackups: values.logFileNumBackups,
      logRotateWhen: values.logRotateWhen,
      logRotateInterval: values.logRotateInterval,
      logRotateMode: values.logRotateMode,
      logFormat: values.logFormat,
    });
  });
}

/** The global parser behind `define`, `options`, `parseCommandLine` and the other helpers. */
export const parser: OptionParser = new OptionParser();
defineLoggingOptions(parser);

/** The global options' values: `options.port`, `options.logging = null`, `options.asDict()`, ... */
export const options: OptionValues = parser.options;

/** Defines an option on the global parser; see {@link OptionParser.define}. */
export function define<const S extends OptionSpec>(name: string, spec?: S): Option<SpecValue<S>> {
  return parser.define(name, spec);
}

/**
 * Parses the command line into the global options (see {@link OptionParser.parseCommandLine}) and
 * turns logging on. An unknown option, a missing value or a bad value prints a message to stderr
 * and exits with status 2.
 */
export function parseCommandLine(argv?: readonly string[], parse: ParseOptions = {}): string[] {
  try {
    return parser.parseCommandLine(argv, parse);
  } catch (error) {
    if (!(error instanceof OptionError) && !(error instanceof LogConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

/** Reads a TOML or JSON config file into the global options; see {@link OptionParser.parseConfigFile}. */
export function parseConfigFile(path: string | URL, parse: ParseOptions = {}): void {
  parser.parseConfigFile(path, parse);
}

/** Reads a config file, modules included, into the global options; see {@link OptionParser.parseConfigFileAsync}. */
export function parseConfigFileAsync(path: string | URL, parse: ParseOptions = {}): Promise<void> {
  return parser.parseConfigFileAsync(path, parse);
}

/** Prints the global options' help; see {@link OptionParser.printHelp}. */
export function printHelp(output?: TextOutput): void {
  parser.printHelp(output);
}

/** Adds a callback run after the global parser parses; see {@link OptionParser.addParseCallback}. */
export function addParseCallback(callback: () => void): void {
  parser.addParseCallback(callback);
}
