/**
 * Template errors and where they happened: {@link ParseError} for syntax, and the template name and
 * line (with the templates that included it) attached to errors raised while rendering.
 * @module
 */
/**
 * A syntax error in a template (Tornado's `ParseError`).
 *
 * The message reads `<problem> at <filename>:<line>`, as Tornado's `str()` of the error does;
 * `rawMessage`, `filename` and `lineno` hold the parts. Templates built from a string are named
 * `<string>`. Invalid JavaScript in an expression is reported as a ParseError too (Tornado raises
 * Python's `SyntaxError` for the generated code instead).
 */
export class ParseError extends Error {
  /** The error class name, as in stack traces and logs. */
  override readonly name = "ParseError";
  /** The problem, without the location. */
  readonly rawMessage: string;
  /** The template's name (`<string>` for a template built from a string). */
  readonly filename: string;
  /** The line of the template where the problem was found. */
  readonly lineno: number;

  constructor(message: string, filename = "<string>", lineno = 0, options?: ErrorOptions) {
    super(`${message} at ${filename}:${lineno}`, options);
    this.rawMessage = message;
    this.filename = filename;
    this.lineno = lineno;
  }
}

/** A place in a template: its name and line, and the templates that included it. */
export interface TemplateLocation {
  /** The template's name. */
  readonly template: string;
  /** The line in that template. */
  readonly line: number;
  /** The `{% include %}`, `{% extends %}` or `{% block %}` sites that led there, innermost first. */
  readonly via: readonly {
    /** The including or extending template's name. */
    readonly template: string;
    /** The line of the `{% include %}` or `{% extends %}` in it. */
    readonly line: number;
  }[];
}

/** `name:line (via parent:line, ...)`, as Tornado's generated code comments read. */
export function formatLocation(location: TemplateLocation): string {
  const via = location.via.map((site) => `${site.template}:${site.line}`).join(", ");
  return `${location.template}:${location.line}` + (via ? ` (via ${via})` : "");
}

const locations = new WeakMap<object, TemplateLocation>();

/**
 * Where in a template an error was thrown while `generate()` ran, or `undefined` for an error
 * that did not come from a template. The error's stack also gains a line
 * `at template <name>:<line>` for each template it went through (the innermost first, then a
 * template whose expression rendered another one, as Tornado's traceback shows both), so logs
 * show it; the error itself is rethrown unchanged (an `HTTPError` raised inside a template keeps
 * its status).
 */
export function templateErrorLocation(error: unknown): TemplateLocation | undefined {
  return error !== null && typeof error === "object" ? locations.get(error) : undefined;
}

const TEMPLATE_FRAME = "\n    at template ";

/**
 * Records where `error` was thrown (the innermost template wins) and adds the place to its stack,
 * below the templates already there.
 */
export function annotateError(error: unknown, location: TemplateLocation | undefined): void {
  if (location === undefined || error === null || typeof error !== "object") return;
  const seen = locations.has(error);
  if (!seen) locations.set(error, location);
  if (!(error instanceof Error) || typeof error.stack !== "string") return;
  const frame = `    at template ${formatLocation(location)}`;
  const stack = error.stack;
  let at: number;
  if (seen) {
    const last = stack.lastIndexOf(TEMPLATE_FRAME);
    if (last === -1) return;
    at = stack.indexOf("\n", last + 1);
    if (at === -1) at = stack.length;
  } else {
    at = stack.indexOf("\n    at ");
  }
  try {
    error.stack =
      at === -1 ? `${stack}\n${frame}` : `${stack.slice(0, at)}\n${frame}${stack.slice(at)}`;
  } catch {
    // A frozen error keeps its stack; the location is still available from templateErrorLocation.
  }
}
