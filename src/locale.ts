/**
 * Translations and locale-aware formatting (Tornado's `tornado.locale`).
 *
 * Load translations once at start-up with {@link loadTranslations} (Tornado's CSV files) or
 * {@link loadGettextTranslations} (gettext `.mo` / `.po` catalogues), then pick a locale with
 * {@link Locale.get}, which falls back as Tornado does (`fr_CA` to `fr`, anything unknown to the
 * default `en_US`):
 *
 * ```ts
 * loadTranslations("translations");
 * const locale = Locale.get("es-la", "en");
 * locale.translate("%(name)s liked this", "%(name)s liked this", 2); // "A %(name)s les gustó esto"
 * formatMessage(locale.translate("Hello, %(name)s"), { name: "Ana" });
 * ```
 *
 * Messages keep Python's `%(name)s` placeholders so Tornado's translation files work unchanged;
 * {@link formatMessage} fills them in (Python's `%` operator). Like Tornado, the loaded
 * translations are process-wide; loading again replaces them.
 * @module tornado-ts/locale
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as GettextParser from "gettext-parser";
import { genLog } from "./log.ts";
import { DAY_NAMES, MONTH_NAMES } from "./python.ts";

// gettext-parser loads with the first catalogue read, not with the framework (require() of an
// ES module: Node 20.19 or later).
const require = createRequire(import.meta.url);
let gettextParser: typeof GettextParser | undefined;

/** A value {@link formatMessage} can put in a message. */
export type MessageValue = string | number | bigint | boolean | null | undefined;

/** A message placeholder that cannot be filled (unknown conversion, missing name, wrong type). */
export class MessageFormatError extends Error {
  /** The error's name, `"MessageFormatError"`. */
  override readonly name = "MessageFormatError";
  /** The message being formatted. */
  readonly template: string;
  constructor(template: string, problem: string) {
    super(`${problem} in message ${JSON.stringify(template)}`);
    this.template = template;
  }
}

const PLACEHOLDER = /%(?:\(([^)]*)\))?([-+ 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])?/g;

/**
 * Fills Python-style named placeholders, as Python's `message % values` does with a dict:
 * `%(name)s` (text), `%(name)d` / `%(name)i` (integer, truncated), `%(name)f` (fixed point,
 * 6 decimals unless a precision such as `%(name).2f` is given), with the flags `-`, `+`, space
 * and `0` and a width; `%%` is a literal `%`.
 *
 * Throws a {@link MessageFormatError} for a missing name, an unnamed placeholder or an
 * unsupported conversion, as Python raises for them.
 */
export function formatMessage(
  template: string,
  values: Readonly<Record<string, MessageValue>>,
): string {
  return template.replace(
    PLACEHOLDER,
    (whole, name: string | undefined, flags: string, width, precision, type) => {
      if (type === "%" && name === undefined && flags === "" && width === undefined) return "%";
      if (type === undefined)
        throw new MessageFormatError(template, `Incomplete placeholder ${whole}`);
      if (name === undefined) {
        throw new MessageFormatError(template, `Placeholder ${whole} has no name`);
      }
      if (!Object.hasOwn(values, name)) {
        throw new MessageFormatError(template, `No value for placeholder %(${name})`);
      }
      const value = values[name];
      let text: string;
      let numeric = true;
      switch (type) {
        case "s":
          text = String(value);
          numeric = false;
          break;
        case "d":
        case "i":
          text = integerText(template, whole, value);
          break;
        case "f":
        case "F":
          if (typeof value !== "number") {
            throw new MessageFormatError(template, `${whole} needs a number`);
          }
          text = Math.abs(value).toFixed(precision === undefined ? 6 : Number(precision));
          if (value < 0 || Object.is(value, -0)) text = `-${text}`;
          break;
        default:
          throw new MessageFormatError(template, `Unsupported conversion ${whole}`);
      }
      if (numeric && !text.startsWith("-")) {
        if (flags.includes("+")) text = `+${text}`;
        else if (flags.includes(" ")) text = ` ${text}`;
      }
      if (!numeric && precision !== undefined) text = text.slice(0, Number(precision));
      const size = width === undefined ? 0 : Number(width);
      if (text.length >= size) return text;
      if (flags.includes("-")) return text.padEnd(size);
      if (numeric && flags.includes("0")) {
        const sign = /^[-+ ]/.test(text) ? text.charAt(0) : "";
        return sign + text.slice(sign.length).padStart(size - sign.length, "0");
      }
      return text.padStart(size);
    },
  );
}

function integerText(template: string, placeholder: string, value: MessageValue): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number" && Number.isFinite(value)) {
    return BigInt(Math.trunc(value)).toString();
  }
  throw new MessageFormatError(template, `${placeholder} needs a number`);
}

// ---- the process-wide translation store (as Tornado's module globals) --------------------------

/** The three tables of a CSV locale: rows marked `plural`, `singular`, and `unknown` (or unmarked). */
export type CSVTranslations = Partial<
  Record<"plural" | "singular" | "unknown", ReadonlyMap<string, string>>
>;
type PluralKind = "plural" | "singular" | "unknown";

let defaultLocale = "en_US";
let csvTranslations = new Map<string, CSVTranslations>();
let gettextCatalogs = new Map<string, GettextCatalog>();
let useGettext = false;
let supportedLocales: ReadonlySet<string> = new Set([defaultLocale]);
const cache = new Map<string, Locale>();

function resetSupported(codes: Iterable<string>): void {
  supportedLocales = new Set([...codes, defaultLocale]);
  cache.clear();
  genLog.debug(`Supported locales: ${JSON.stringify([...supportedLocales].sort())}`);
}

/**
 * Sets the default locale: the language the application's own strings are written in, and the
 * locale {@link Locale.get} returns when nothing else matches. `en_US` unless changed.
 */
export function setDefaultLocale(code: string): void {
  defaultLocale = code;
  const loaded = useGettext ? gettextCatalogs.keys() : csvTranslations.keys();
  resetSupported(loaded);
}

/** The default locale's code (see {@link setDefaultLocale}). */
export function getDefaultLocale(): string {
  return defaultLocale;
}

/** The codes of every loaded locale plus the default one, sorted. */
export function getSupportedLocales(): string[] {
  return [...supportedLocales].sort();
}

const LOCALE_FILE = /^[a-z]+(_[A-Z]+)?$/;
const PLURAL_KINDS: ReadonlySet<string> = new Set(["plural", "singular", "unknown"]);

function isPluralKind(text: string): text is PluralKind {
  return PLURAL_KINDS.has(text);
}

/**
 * Loads translations from the CSV files in `directory`, replacing any loaded before (Tornado's
 * `load_translations`).
 *
 * Each file is named after its locale (`es_LA.csv`, `fr.csv`); other names are logged as errors
 * and skipped, and files not ending in `.csv` are ignored. Rows are
 * `english,translation[,plural]` in Excel's CSV dialect (no spaces after the commas), where the
 * third column is `plural`, `singular`, or `unknown` / empty / absent; rows with fewer than two
 * columns are skipped, cells are trimmed, and an unknown plural indicator is logged and skipped.
 * A UTF-16 byte-order mark selects UTF-16; anything else is read as UTF-8 (a UTF-8 BOM is
 * allowed), unless `encoding` (a WHATWG label such as `utf-16le` or `latin1`) is given.
 *
 * Reads synchronously: call it at start-up. Differs from Tornado in that the encoding is detected
 * for each file (Tornado keeps the first file's) and already-made Locale objects are dropped, so
 * {@link Locale.get} sees the new translations.
 */
export function loadTranslations(directory: string, encoding?: string): void {
  const loaded = new Map<string, CSVTranslations>();
  for (const file of readdirSync(directory).sort()) {
    if (!file.endsWith(".csv")) continue;
    const code = file.slice(0, -4);
    const path = join(directory, file);
    if (!LOCALE_FILE.test(code)) {
      genLog.error(`Unrecognized locale '${code}' (path: ${path})`);
      continue;
    }
    const table: Partial<Record<PluralKind, Map<string, string>>> = {};
    const rows = parseCsv(decodeText(readFileSync(path), encoding));
    rows.forEach((raw, index) => {
      if (raw.length < 2) return;
      const [key = "", value = "", indicator = ""] = raw.map((cell) => cell.trim());
      const kind = indicator !== "" ? indicator : "unknown";
      if (!isPluralKind(kind)) {
        genLog.error(`Unrecognized plural indicator '${kind}' in ${file} line ${index + 1}`);
        return;
      }
      let map = table[kind];
      if (!map) {
        map = new Map();
        table[kind] = map;
      }
      map.set(key, value);
    });
    loaded.set(code, table);
  }
  csvTranslations = loaded;
  gettextCatalogs = new Map();
  useGettext = false;
  resetSupported(loaded.keys());
}

function decodeText(bytes: Buffer, encoding: string | undefined): string {
  if (encoding !== undefined) return new TextDecoder(encoding).decode(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  return new TextDecoder("utf-8").decode(bytes);
}

/**
 * Parses CSV text the way Python's `csv.reader` does with the Excel dialect (non-strict): `,`
 * separates, `"` quotes (doubled inside quotes), a blank line is an empty row, and a quote in the
 * middle of an unquoted field is kept as text. Line ends are normalized first, as Python's text
 * files do.
 */
function parseCsv(text: string): string[][] {
  const input = text.replace(/\r\n?/g, "\n");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let state: "record" | "field" | "unquoted" | "quoted" | "quote" = "record";
  const endField = (): void => {
    row.push(field);
    field = "";
  };
  const endRow = (): void => {
    rows.push(row);
    row = [];
  };
  for (const ch of input) {
    // Inside quotes everything is text; a quote ends them unless the next one doubles it.
    if (state === "quoted") {
      if (ch === '"') state = "quote";
      else field += ch;
      continue;
    }
    if (state === "quote" && ch === '"') {
      field += '"';
      state = "quoted";
      continue;
    }
    if (state === "record") {
      if (ch === "\n") {
        endRow();
        continue;
      }
      state = "field";
    }
    // Outside quotes (at a field's start, in an unquoted field, or after a closing quote) a comma
    // ends the field, a line end the row, and a quote opens quotes only at a field's start.
    if (ch === ",") {
      endField();
      state = "field";
    } else if (ch === "\n") {
      endField();
      endRow();
      state = "record";
    } else if (ch === '"' && state === "field") {
      state = "quoted";
    } else {
      field += ch;
      state = "unquoted";
    }
  }
  if (state !== "record") {
    endField();
    endRow();
  }
  return rows;
}

// ---- gettext ------------------------------------------------------------------------------

/** One message of a gettext catalogue. */
export interface GettextEntry {
  /** The plural message id, for a message with plural forms. */
  readonly msgid_plural?: string | undefined;
  /** The translations: one, or one per plural form. */
  readonly msgstr: readonly string[];
}

/** A loaded gettext catalogue, as {@link loadGettextTranslations} reads it. */
export interface GettextCatalog {
  /** Messages by context (`""` for none), then by message id. */
  readonly entries: ReadonlyMap<string, ReadonlyMap<string, GettextEntry>>;
  /** The catalogue's plural rule: the index into `msgstr` for a count. */
  readonly plural: (n: number) => number;
}

/**
 * Loads gettext catalogues from a locale tree, `directory/<locale>/LC_MESSAGES/<domain>.mo`,
 * replacing any translations loaded before (Tornado's `load_gettext_translations`).
 *
 * Compiled `.mo` files are read as Tornado does; where a locale has no `.mo`, a `.po` source file
 * of the same name is read instead (not in Tornado), skipping fuzzy entries as `msgfmt` does.
 * Plural forms follow the catalogue's `Plural-Forms` header (evaluated without `eval`). A
 * catalogue that cannot be read is logged (`Cannot load translation for 'fr': ...`) and skipped.
 * Reads synchronously: call it at start-up.
 */
export function loadGettextTranslations(directory: string, domain: string): void {
  const loaded = new Map<string, GettextCatalog>();
  for (const lang of readdirSync(directory).sort()) {
    const folder = join(directory, lang, "LC_MESSAGES");
    const moPath = join(folder, `${domain}.mo`);
    const poPath = join(folder, `${domain}.po`);
    const path = isFile(moPath) ? moPath : isFile(poPath) ? poPath : undefined;
    if (path === undefined) continue;
    try {
      loaded.set(lang, readCatalog(path));
    } catch (error) {
      genLog.error(
        `Cannot load translation for '${lang}': ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  gettextCatalogs = loaded;
  csvTranslations = new Map();
  useGettext = true;
  resetSupported(loaded.keys());
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readCatalog(path: string): GettextCatalog {
  const bytes = readFileSync(path);
  const isPo = path.endsWith(".po");
  // A catalogue that names no charset is read as UTF-8.
  gettextParser ??= require("gettext-parser") as typeof GettextParser;
  const { mo, po } = gettextParser;
  const parsed = isPo ? po.parse(bytes, { defaultCharset: "utf-8" }) : mo.parse(bytes, "utf-8");
  const entries = new Map<string, Map<string, GettextEntry>>();
  for (const [context, messages] of Object.entries(parsed.translations)) {
    const byId = new Map<string, GettextEntry>();
    for (const [msgid, entry] of Object.entries(messages)) {
      // The entry with an empty id in the default context is the catalogue's header.
      if (msgid === "" && context === "") continue;
      if (isPo && entry.comments?.flag?.split(",").some((flag) => flag.trim() === "fuzzy")) {
        continue;
      }
      byId.set(msgid, { msgid_plural: entry.msgid_plural, msgstr: entry.msgstr });
    }
    entries.set(context, byId);
  }
  const header = Object.entries(parsed.headers ?? {}).find(
    ([name]) => name.toLowerCase() === "plural-forms",
  )?.[1];
  return { entries, plural: compilePluralRule(header) };
}

/** A malformed `Plural-Forms` expression in a gettext catalogue. */
export class PluralFormsError extends Error {
  /** The error's name, `"PluralFormsError"`. */
  override readonly name = "PluralFormsError";
}

type PluralNode = (n: number) => number;

/**
 * Compiles the C expression of a `Plural-Forms: nplurals=3; plural=(n==1 ? 0 : ...);` header into
 * a function from a count to a plural index, with a small parser instead of `eval` (catalogues
 * are data). Without a header the rule is English's, `n != 1`.
 */
function compilePluralRule(header: string | undefined): (n: number) => number {
  if (header === undefined) return (n) => (n !== 1 ? 1 : 0);
  const match = /(?:^|;)\s*plural\s*=\s*([^;]*)/.exec(header);
  if (!match) throw new PluralFormsError(`Plural-Forms header has no plural=: ${header}`);
  const source = match[1]!;
  const tokens = source.match(/\d+|n|\|\||&&|[=!<>]=|[-+*/%<>!?:()]|\S/g) ?? [];
  let pos = 0;
  const fail = (problem: string): never => {
    throw new PluralFormsError(`${problem} in plural expression ${JSON.stringify(source)}`);
  };
  const peek = (): string | undefined => tokens[pos];
  const expect = (token: string): void => {
    if (tokens[pos] !== token) fail(`Expected "${token}"`);
    pos++;
  };
  const truth = (value: number): number => (value !== 0 ? 1 : 0);
  // Binary operators from the loosest to the tightest binding, as in C.
  const levels: readonly (readonly string[])[] = [
    ["||"],
    ["&&"],
    ["==", "!="],
    ["<", ">", "<=", ">="],
    ["+", "-"],
    ["*", "/", "%"],
  ];
  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case "||":
        return truth(a) || truth(b);
      case "&&":
        return truth(a) && truth(b);
      case "==":
        return a === b ? 1 : 0;
      case "!=":
        return a !== b ? 1 : 0;
      case "<":
        return a < b ? 1 : 0;
      case ">":
        return a > b ? 1 : 0;
      case "<=":
        return a <= b ? 1 : 0;
      case ">=":
        return a >= b ? 1 : 0;
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      // C's integer division and remainder truncate toward zero.
      case "/":
        return b === 0 ? fail("Division by zero") : Math.trunc(a / b);
      default:
        return b === 0 ? fail("Division by zero") : a % b;
    }
  };
  const parseLevel = (level: number): PluralNode => {
    if (level === levels.length) return parseUnary();
    let left = parseLevel(level + 1);
    const ops = levels[level]!;
    while (ops.includes(peek() ?? "")) {
      const op = tokens[pos++]!;
      const lhs = left;
      const rhs = parseLevel(level + 1);
      left = (n) => apply(op, lhs(n), rhs(n));
    }
    return left;
  };
  const parseUnary = (): PluralNode => {
    const token = tokens[pos++];
    if (token === undefined) return fail("Unexpected end");
    if (token === "!") {
      const operand = parseUnary();
      return (n) => (operand(n) === 0 ? 1 : 0);
    }
    if (token === "-") {
      const operand = parseUnary();
      return (n) => -operand(n);
    }
    if (token === "n") return (n) => n;
    if (/^\d+$/.test(token)) {
      const value = Number(token);
      return () => value;
    }
    if (token === "(") {
      const inner = parseTernary();
      expect(")");
      return inner;
    }
    return fail(`Unexpected "${token}"`);
  };
  const parseTernary = (): PluralNode => {
    const condition = parseLevel(0);
    if (peek() !== "?") return condition;
    pos++;
    const whenTrue = parseTernary();
    expect(":");
    const whenFalse = parseTernary();
    return (n) => (condition(n) !== 0 ? whenTrue(n) : whenFalse(n));
  };
  const rule = parseTernary();
  if (pos !== tokens.length) fail(`Unexpected "${tokens[pos]}"`);
  return rule;
}

// ---- Locale -------------------------------------------------------------------------------

/** Options of {@link Locale.formatDate}. */
export interface FormatDateOptions {
  /** The viewer's offset from GMT in minutes, as JavaScript's `getTimezoneOffset()` (UTC-5 is 300). Default 0. */
  gmtOffset?: number;
  /** Say "2 minutes ago" or "yesterday" for recent dates. Default true. */
  relative?: boolean;
  /** Leave the time of day out ("yesterday", "March 5"). Default false. */
  shorter?: boolean;
  /** Always give the full date with the year. Default false. */
  fullFormat?: boolean;
  /** The time to compare with, as a Date or seconds since the epoch; default the current time. Not in Tornado. */
  now?: Date | number;
}

const DAY_MS = 86_400_000;

function toMillis(value: Date | number): number {
  return value instanceof Date ? value.getTime() : value * 1000;
}

/** Python's `round()`: halves go to the even neighbour. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function displayName(code: string): string {
  const tag = code.replace("_", "-");
  try {
    const name = new Intl.DisplayNames([tag], {
      type: "language",
      languageDisplay: "standard",
      fallback: "none",
    }).of(tag);
    if (name === undefined) return "Unknown";
    return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
  } catch {
    return "Unknown";
  }
}

/**
 * A locale: translations for one language and its ways of writing dates, lists and numbers
 * (Tornado's `Locale`).
 *
 * Get one with {@link Locale.get}; handlers have `this.locale`. `translate` and `pgettext` are
 * bound to their locale, so `const _ = locale.translate` works (as templates' `_` does).
 */
export abstract class Locale {
  /** The locale's code, e.g. `es_LA`. */
  readonly code: string;
  /**
   * The language's name in that language, e.g. `Español (Laos)`, or `Unknown`. Differs from
   * Tornado, whose names come from its own table (`Español`, `English (US)`): here they come from
   * the ICU data in Node (`Intl.DisplayNames`).
   */
  readonly name: string;
  /** Whether the language is written right to left (codes starting with `fa`, `ar` or `he`). */
  readonly rtl: boolean;
  #months: string[] | undefined;
  #weekdays: string[] | undefined;

  protected constructor(code: string) {
    this.code = code;
    this.name = displayName(code);
    this.rtl = ["fa", "ar", "he"].some((prefix) => code.startsWith(prefix));
    // Bound so that `_ = locale.translate` can be handed to templates.
    this.translate = this.translate.bind(this);
    this.pgettext = this.pgettext.bind(this);
  }

  /**
   * The closest supported locale to the codes given, tried in order (Tornado's `locale.get` and
   * `Locale.get_closest`): `-` is read as `_`, `es-la` is read as `es_LA`, codes of more than two
   * parts are skipped, and a code whose country is not supported falls back to its bare language
   * (`fr_CA` to `fr`, but `es` never to `es_LA`). With no match, the default locale
   * (`en_US` unless {@link setDefaultLocale} changed it). Locales are made once and reused.
   */
  static get(...codes: readonly string[]): Locale {
    for (const given of codes) {
      if (!given) continue;
      const parts = given.replaceAll("-", "_").split("_");
      if (parts.length > 2) continue;
      const [first = "", region] = parts;
      const code = region === undefined ? first : `${first.toLowerCase()}_${region.toUpperCase()}`;
      if (supportedLocales.has(code)) return Locale.#make(code);
      const language = first.toLowerCase();
      if (supportedLocales.has(language)) return Locale.#make(language);
    }
    return Locale.#make(defaultLocale);
  }

  /** The same as {@link Locale.get} (Tornado's name). */
  static getClosest(...codes: readonly string[]): Locale {
    return Locale.get(...codes);
  }

  static #make(code: string): Locale {
    let locale = cache.get(code);
    if (locale === undefined) {
      const catalog = useGettext ? gettextCatalogs.get(code) : undefined;
      locale =
        catalog !== undefined
          ? new GettextLocale(code, catalog)
          : new CSVLocale(code, csvTranslations.get(code) ?? {});
      cache.set(code, locale);
    }
    return locale;
  }

  /**
   * The translation of `message`. With `pluralMessage`, `count` picks the form: Tornado's CSV
   * files have a singular (count 1) and a plural form; gettext catalogues follow their plural
   * rule. An untranslated message comes back as `message`, or as `pluralMessage` when `count` is
   * not 1. Placeholders are left for {@link formatMessage}.
   */
  abstract translate(message: string, pluralMessage?: string, count?: number): string;

  /**
   * Translates `message` in `context` (gettext's `pgettext`, for words that translate differently
   * in different places: `pgettext("law", "right")`). Only gettext catalogues know contexts; a CSV
   * locale logs a warning and translates without one.
   */
  abstract pgettext(
    context: string,
    message: string,
    pluralMessage?: string,
    count?: number,
  ): string;

  /** The translated month names, January first. */
  protected get monthNames(): readonly string[] {
    this.#months ??= MONTH_NAMES.map((month) => this.translate(month));
    return this.#months;
  }

  /** The translated weekday names, Monday first. */
  protected get weekdayNames(): readonly string[] {
    this.#weekdays ??= DAY_NAMES.map((day) => this.translate(day));
    return this.#weekdays;
  }

  /**
   * Formats a date in GMT (a Date, or seconds since the epoch) for a viewer `gmtOffset` minutes
   * behind GMT, as Tornado's `format_date` does: "2 minutes ago", "yesterday at 3:04 pm",
   * "Thursday at 3:04 pm", "January 2 at 3:04 pm", and with the year after 334 days or with
   * `fullFormat`: "January 2, 2020 at 3:04 pm". Dates in the future get the full format, except up
   * to a minute ahead (clock skew), which counts as now. English and Chinese (`zh_CN`) use a
   * 12-hour clock, other locales 24 hours. Every piece goes through `translate`.
   */
  formatDate(date: Date | number, options: FormatDateOptions = {}): string {
    const gmtOffset = options.gmtOffset ?? 0;
    const relative = options.relative ?? true;
    const shorter = options.shorter ?? false;
    let fullFormat = options.fullFormat ?? false;
    const now = toMillis(options.now ?? new Date());
    let when = toMillis(date);
    if (when > now) {
      // Tornado compares only the seconds part of the difference (its timedelta.seconds).
      const aheadSeconds = Math.floor(((when - now) % DAY_MS) / 1000);
      if (relative && aheadSeconds < 60) when = now;
      else fullFormat = true;
    }
    const local = new Date(when - gmtOffset * 60_000);
    const localYesterday = new Date(now - gmtOffset * 60_000 - DAY_MS);
    const difference = now - when;
    const days = Math.floor(difference / DAY_MS);
    const seconds = Math.floor((difference - days * DAY_MS) / 1000);
    const _ = this.translate;
    let format: string | undefined;
    if (!fullFormat) {
      if (relative && days === 0) {
        if (seconds < 50) {
          return formatMessage(_("1 second ago", "%(seconds)d seconds ago", seconds), {
            seconds,
          });
        }
        if (seconds < 50 * 60) {
          const minutes = roundHalfEven(seconds / 60);
          return formatMessage(_("1 minute ago", "%(minutes)d minutes ago", minutes), {
            minutes,
          });
        }
        const hours = roundHalfEven(seconds / 3600);
        return formatMessage(_("1 hour ago", "%(hours)d hours ago", hours), { hours });
      }
      if (days === 0) format = _("%(time)s");
      else if (days === 1 && local.getUTCDate() === localYesterday.getUTCDate() && relative) {
        format = shorter ? _("yesterday") : _("yesterday at %(time)s");
      } else if (days < 5) {
        format = shorter ? _("%(weekday)s") : _("%(weekday)s at %(time)s");
      } else if (days < 334) {
        // Eleven months: beyond that "March 5" could be read as last year's or this year's.
        format = shorter ? _("%(month_name)s %(day)s") : _("%(month_name)s %(day)s at %(time)s");
      }
    }
    format ??= shorter
      ? _("%(month_name)s %(day)s, %(year)s")
      : _("%(month_name)s %(day)s, %(year)s at %(time)s");
    const hour = local.getUTCHours();
    const minute = String(local.getUTCMinutes()).padStart(2, "0");
    let time: string;
    if (this.code === "zh_CN") time = `${hour >= 12 ? "下午" : "上午"}${hour % 12 || 12}:${minute}`;
    else if (this.code === "en" || this.code === "en_US") {
      time = `${hour % 12 || 12}:${minute} ${hour >= 12 ? "pm" : "am"}`;
    } else time = `${hour}:${minute}`;
    return formatMessage(format, {
      month_name: this.monthNames[local.getUTCMonth()],
      weekday: this.weekdayNames[(local.getUTCDay() + 6) % 7],
      day: String(local.getUTCDate()),
      year: String(local.getUTCFullYear()),
      time,
    });
  }

  /**
   * Formats the day of a date in GMT (a Date, or seconds since the epoch) for a viewer `gmtOffset`
   * minutes behind GMT: "Monday, January 22", or "January 22" with `dow` false (Tornado's
   * `format_day`).
   */
  formatDay(date: Date | number, gmtOffset = 0, dow = true): string {
    const local = new Date(toMillis(date) - gmtOffset * 60_000);
    const month_name = this.monthNames[local.getUTCMonth()];
    const day = String(local.getUTCDate());
    if (!dow) return formatMessage(this.translate("%(month_name)s %(day)s"), { month_name, day });
    return formatMessage(this.translate("%(weekday)s, %(month_name)s %(day)s"), {
      month_name,
      weekday: this.weekdayNames[(local.getUTCDay() + 6) % 7],
      day,
    });
  }

  /**
   * Joins `parts` as a sentence list: "A, B and C", "A and B", "A", or "" (Tornado's `list`).
   * The " and " comes from translating `%(commas)s and %(last)s`; Persian locales use its own comma.
   */
  list(parts: readonly string[]): string {
    if (parts.length === 0) return "";
    if (parts.length === 1) return parts[0]!;
    const comma = this.code.startsWith("fa") ? " \u0648 " : ", ";
    return formatMessage(this.translate("%(commas)s and %(last)s"), {
      commas: parts.slice(0, -1).join(comma),
      last: parts[parts.length - 1],
    });
  }

  /**
   * An integer with thousands separators, "1,234,567", for `en` and `en_US`; other locales get
   * the plain number (Tornado's `friendly_number`).
   */
  friendlyNumber(value: number | bigint): string {
    let text = String(value);
    if (this.code !== "en" && this.code !== "en_US") return text;
    const groups: string[] = [];
    while (text !== "") {
      groups.unshift(text.slice(-3));
      text = text.slice(0, -3);
    }
    return groups.join(",");
  }
}

/** A locale whose translations come from Tornado's CSV files (Tornado's `CSVLocale`). */
export class CSVLocale extends Locale {
  readonly #table: CSVTranslations;

  /** Made by {@link Locale.get} from the loaded CSV files. */
  constructor(code: string, table: CSVTranslations) {
    super(code);
    this.#table = table;
  }

  override translate(message: string, pluralMessage?: string, count?: number): string {
    let kind: PluralKind = "unknown";
    let key = message;
    if (pluralMessage !== undefined) {
      if (count === undefined)
        throw new TypeError("translate() with a plural message needs a count");
      if (count !== 1) {
        key = pluralMessage;
        kind = "plural";
      } else kind = "singular";
    }
    return this.#table[kind]?.get(key) ?? key;
  }

  override pgettext(
    _context: string,
    message: string,
    pluralMessage?: string,
    count?: number,
  ): string {
    if (Object.keys(this.#table).length > 0) {
      genLog.warning("pgettext is not supported by CSVLocale");
    }
    return this.translate(message, pluralMessage, count);
  }
}

/** A locale whose translations come from a gettext catalogue (Tornado's `GettextLocale`). */
export class GettextLocale extends Locale {
  readonly #catalog: GettextCatalog;

  /** Made by {@link Locale.get} after {@link loadGettextTranslations}. */
  constructor(code: string, catalog: GettextCatalog) {
    super(code);
    this.#catalog = catalog;
  }

  #lookup(
    context: string,
    message: string,
    pluralMessage: string | undefined,
    count: number | undefined,
  ): string | undefined {
    const entry = this.#catalog.entries.get(context)?.get(message);
    if (entry === undefined) return undefined;
    // As Python's gettext: ngettext finds only messages that have plural forms, and gettext reads
    // a message with plural forms through the rule's form for 1.
    let index = 0;
    if (pluralMessage !== undefined) {
      if (entry.msgid_plural === undefined) return undefined;
      index = this.#catalog.plural(count!);
    } else if (entry.msgid_plural !== undefined) index = this.#catalog.plural(1);
    const translated = entry.msgstr[index];
    return translated === undefined || translated === "" ? undefined : translated;
  }

  override translate(message: string, pluralMessage?: string, count?: number): string {
    if (pluralMessage !== undefined && count === undefined) {
      throw new TypeError("translate() with a plural message needs a count");
    }
    return (
      this.#lookup("", message, pluralMessage, count) ??
      (pluralMessage !== undefined && count !== 1 ? pluralMessage : message)
    );
  }

  /**
   * As {@link Locale.pgettext}. As in Tornado, a plural message missing from the context falls
   * back to its translation without context, a singular one to the untranslated `message`.
   */
  override pgettext(
    context: string,
    message: string,
    pluralMessage?: string,
    count?: number,
  ): string {
    if (pluralMessage !== undefined) {
      if (count === undefined)
        throw new TypeError("pgettext() with a plural message needs a count");
      return (
        this.#lookup(context, message, pluralMessage, count) ??
        this.translate(message, pluralMessage, count)
      );
    }
    return this.#lookup(context, message, undefined, undefined) ?? message;
  }
}
