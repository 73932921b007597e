/**
 * HTTP headers (Tornado's `HTTPHeaders`): a case-insensitive multi-map that keeps Tornado's
 * `Http-Header-Case` names and the order headers arrived in, and the name normalisation it uses.
 * @module
 */
const normalizedNames = new Map<string, string>();

/**
 * Rewrites a header name to Tornado's "Http-Header-Case": every `-`-separated piece gets an upper-case
 * first letter and lower-case rest (`etag` becomes `Etag`, `x-custom-HEADER` becomes `X-Custom-Header`).
 */
export function normalizeHeaderName(name: string): string {
  let normalized = normalizedNames.get(name);
  if (normalized === undefined) {
    normalized = name
      .split("-")
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
      .join("-");
    if (normalizedNames.size < 10_000) normalizedNames.set(name, normalized);
  }
  return normalized;
}

interface Entry {
  name: string;
  values: string[];
}

/**
 * A case-insensitive, multi-valued map of HTTP headers (Tornado's `HTTPHeaders`).
 *
 * Names are stored in "Http-Header-Case". `get` joins several values with `,` as Tornado does;
 * `getList` returns them one by one. Setting a name again keeps its position; deleting it and
 * setting it again moves it to the end. `toString()` gives the header lines, CRLF-terminated.
 */
export class HTTPHeaders implements Iterable<[string, string]> {
  #entries = new Map<string, Entry>();

  /** Builds headers from an object, an iterable of pairs, or another `HTTPHeaders`. */
  constructor(init?: Iterable<readonly [string, string]> | Record<string, string | string[]>) {
    if (init === undefined) return;
    if (Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<readonly [string, string]>)
        this.add(name, value);
    } else {
      for (const [name, value] of Object.entries(init)) {
        if (Array.isArray(value)) for (const v of value) this.add(name, v);
        else this.add(name, value);
      }
    }
  }

  /** Builds headers from Node's `rawHeaders` array (`[name, value, name, value, ...]`). */
  static fromRaw(raw: readonly string[]): HTTPHeaders {
    const headers = new HTTPHeaders();
    for (let i = 0; i + 1 < raw.length; i += 2) headers.add(raw[i]!, raw[i + 1]!);
    return headers;
  }

  /**
   * Parses a header block (`Name: value` lines, CRLF or LF separated; continuation lines that start
   * with whitespace are joined to the previous value). Throws on a line without a colon.
   */
  static parse(text: string): HTTPHeaders {
    const headers = new HTTPHeaders();
    let last: string | undefined;
    for (const line of text.split(/\r?\n/)) {
      if (line === "") continue;
      if (line[0] === " " || line[0] === "\t") {
        if (last === undefined) throw new Error("first header line cannot start with whitespace");
        const entry = headers.#entries.get(last.toLowerCase())!;
        const index = entry.values.length - 1;
        entry.values[index] = `${entry.values[index]} ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(":");
      if (colon < 0) throw new Error("no colon in header line");
      last = line.slice(0, colon);
      headers.add(last, line.slice(colon + 1).trim());
    }
    return headers;
  }

  /** Appends a value, keeping earlier ones. */
  add(name: string, value: string): void {
    const key = name.toLowerCase();
    const entry = this.#entries.get(key);
    if (entry) entry.values.push(value);
    else this.#entries.set(key, { name: normalizeHeaderName(name), values: [value] });
  }

  /** Replaces every value of `name` with `value`, keeping the name's position. */
  set(name: string, value: string): void {
    const key = name.toLowerCase();
    const entry = this.#entries.get(key);
    if (entry) entry.values = [value];
    else this.#entries.set(key, { name: normalizeHeaderName(name), values: [value] });
  }

  /** The value of `name` (several values joined with `,`), or `defaultValue` when absent. */
  get(name: string): string | undefined;
  get<D>(name: string, defaultValue: D): string | D;
  get<D>(name: string, defaultValue?: D): string | D | undefined {
    const entry = this.#entries.get(name.toLowerCase());
    if (!entry) return defaultValue;
    return entry.values.length === 1 ? entry.values[0] : entry.values.join(",");
  }

  /** Every value of `name`, in the order they were added (empty when absent). */
  getList(name: string): string[] {
    return [...(this.#entries.get(name.toLowerCase())?.values ?? [])];
  }

  /** Whether `name` is present, in any case. */
  has(name: string): boolean {
    return this.#entries.has(name.toLowerCase());
  }

  /** Removes `name` and all its values; returns whether it was present. */
  delete(name: string): boolean {
    return this.#entries.delete(name.toLowerCase());
  }

  /** Removes every header. */
  clear(): void {
    this.#entries.clear();
  }

  /** The number of distinct names. */
  get size(): number {
    return this.#entries.size;
  }

  /** The distinct names, normalized, in order. */
  keys(): string[] {
    return [...this.#entries.values()].map((entry) => entry.name);
  }

  /** Every `[name, value]` pair, one per value (Tornado's `get_all`). */
  *getAll(): IterableIterator<[string, string]> {
    for (const entry of this.#entries.values()) {
      for (const value of entry.values) yield [entry.name, value];
    }
  }

  /** Iterates over `[name, value]` pairs, one per value. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.getAll();
  }

  /** A plain object of the headers, several values joined with `,` (as `get` returns them). */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of this.#entries.values()) out[entry.name] = entry.values.join(",");
    return out;
  }

  /** A copy of these headers. */
  copy(): HTTPHeaders {
    return new HTTPHeaders(this.getAll());
  }

  /** The header lines, `Name: value\r\n` each, as Tornado prints them. */
  toString(): string {
    let out = "";
    for (const [name, value] of this.getAll()) out += `${name}: ${value}\r\n`;
    return out;
  }
}
