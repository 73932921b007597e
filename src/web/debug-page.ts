/**
 * The debug error page: what a developer's browser shows for an uncaught error while `debug` (or
 * `serveTraceback`) is on.
 *
 * Tornado sends the Python traceback as plain text. This page shows, in one HTML document: the
 * error and its causes; for a template error, the template's name, line and the lines around it;
 * the stack, with the source lines around each frame of the application's own code (TypeScript
 * lines when the stack points at compiled JavaScript that has a source map), the framework's and
 * Node's frames folded away; and the request (method, URL, headers, arguments, cookies) with
 * credentials and signed values masked. Clients that do not ask for HTML get Tornado's plain text.
 * Nothing here runs unless the application turned `serveTraceback` on.
 */
import { readFileSync, realpathSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { xhtmlEscape } from "../escape.ts";
import type { HTTPServerRequest } from "../httputil/request.ts";
import {
  formatLocation,
  ParseError,
  type TemplateLocation,
  templateErrorLocation,
} from "../template/index.ts";
import { HTTPError } from "./errors.ts";

/** What {@link renderDebugPage} shows. */
interface DebugPageInput {
  /** The response's status code. */
  statusCode: number;
  /** The response's reason phrase. */
  reason: string;
  /** The error that ended the request. */
  error: unknown;
  /** The request being answered. */
  request: HTTPServerRequest;
  /** The directory the handler's templates load from, to show a template error's lines. */
  templateRoot?: string | undefined;
}

/** One `at ...` line of a V8 stack, with the place it names when it names one. */
interface StackFrame {
  /** The line as V8 wrote it, without the leading `at`. */
  text: string;
  /** The function, when the line names one. */
  functionName: string;
  /** The file path (or `node:` module), when the line names one. */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** The template location, for the frame the template module adds (`at template a.html:3`). */
  template?: string;
}

/** Lines of a file around one of them. */
interface Excerpt {
  file: string;
  first: number;
  lines: string[];
  focus: number;
}

const CONTEXT_LINES = 5;
/** The longest value shown whole; longer ones are cut and their length given. */
const MAX_VALUE = 400;
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

// The framework's own files: src/ (run from TypeScript) or dist/ (built), two levels up from here.
const frameworkRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const frameworkDirs = [resolve(frameworkRoot, "src") + sep, resolve(frameworkRoot, "dist") + sep];

// `at fn (file:1:2)`, `at file:1:2`, `at async fn (file:1:2)`.
const FRAME_WITH_NAME = /^(.*?) \((.+?):(\d+):(\d+)\)$/;
const FRAME_BARE = /^(.+?):(\d+):(\d+)$/;
const TEMPLATE_FRAME = /^template (.+)$/;

/** Splits a V8 stack into its frames (the message lines before them are left out). */
function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const rawLine of stack.split("\n")) {
    const line = rawLine.trim();
    if (!line.startsWith("at ")) continue;
    const text = line.slice(3);
    const template = TEMPLATE_FRAME.exec(text);
    if (template) {
      frames.push({ text, functionName: "", template: template[1] ?? "" });
      continue;
    }
    const named = FRAME_WITH_NAME.exec(text);
    // A frame without a function name has no group for it: "" in its place.
    const match = named ?? FRAME_BARE.exec(text)?.toSpliced(1, 0, "");
    if (!match) {
      frames.push({ text, functionName: text });
      continue;
    }
    const [, functionName = "", file = "", lineText = "", columnText = ""] = match;
    frames.push({
      text,
      functionName,
      file: file.startsWith("file://") ? fileURLToPath(file) : file,
      line: Number(lineText),
      column: Number(columnText),
    });
  }
  return frames;
}

/** Whether a frame is in the application's own code: not Node's, a dependency's or the framework's. */
function isApplicationFrame(frame: StackFrame): boolean {
  const file = frame.file;
  if (file === undefined || !isAbsolute(file)) return false;
  if (file.includes(`${sep}node_modules${sep}`)) return false;
  return !frameworkDirs.some((dir) => file.startsWith(dir));
}

/** The HTML page for an error (see the module comment). */
export function renderDebugPage(input: DebugPageInput): string {
  const { statusCode, reason, error, request } = input;
  const title = `${statusCode}: ${reason}`;
  const parts: string[] = [];
  parts.push(
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${xhtmlEscape(title)}</title>`,
    `<style>${STYLES}</style></head><body>`,
    `<header><p class="status">${xhtmlEscape(title)} · ${xhtmlEscape(request.method)} ${xhtmlEscape(shownUri(request.uri))}</p>`,
    `<h1>${xhtmlEscape(errorName(error))}</h1>`,
    `<pre class="message">${xhtmlEscape(errorMessage(error))}</pre></header>`,
  );
  const location = templateLocationOf(error);
  if (location) parts.push(templateSection(location, input.templateRoot));
  parts.push(stackSection(error));
  for (const cause of causes(error)) {
    parts.push(
      `<section><h2>Caused by ${xhtmlEscape(errorName(cause))}</h2>`,
      `<pre class="message">${xhtmlEscape(errorMessage(cause))}</pre>`,
      stackSection(cause, false),
      "</section>",
    );
  }
  parts.push(requestSection(request));
  parts.push(
    "<footer>This page is shown because the application runs with <code>debug</code> (or",
    " <code>serveTraceback</code>) on. Never turn it on where others can reach the server: it shows",
    " source code and request details.</footer>",
    "</body></html>",
  );
  return parts.join("\n");
}

/** Tornado's plain-text traceback: the stack, then each cause's. */
export function renderTracebackText(error: unknown): string {
  const text = (value: unknown): string =>
    value instanceof Error ? (value.stack ?? String(value)) : String(value);
  return [text(error), ...causes(error).map((cause) => `Caused by: ${text(cause)}`)].join("\n");
}

/** Whether the client asked for HTML (a browser), so the page rather than plain text is sent. */
export function acceptsHtml(request: HTTPServerRequest): boolean {
  const accept = request.headerValue("accept");
  return accept !== undefined && /\btext\/html\b/i.test(accept);
}

function errorName(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name;
  return typeof error;
}

function errorMessage(error: unknown): string {
  if (error instanceof HTTPError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

function causes(error: unknown): unknown[] {
  const found: unknown[] = [];
  let current: unknown = error instanceof Error ? error.cause : undefined;
  while (current !== undefined && found.length < 5 && !found.includes(current)) {
    found.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return found;
}

function templateLocationOf(error: unknown): TemplateLocation | undefined {
  if (error instanceof ParseError) {
    return { template: error.filename, line: error.lineno, via: [] };
  }
  return templateErrorLocation(error);
}

function templateSection(location: TemplateLocation, root: string | undefined): string {
  const parts = [
    '<section class="template"><h2>Template</h2>',
    `<p><code>${xhtmlEscape(formatLocation(location))}</code></p>`,
  ];
  const source = root === undefined ? undefined : readTemplate(root, location.template);
  if (source !== undefined) {
    parts.push(excerptHtml(excerptOf(location.template, source, location.line)));
  }
  parts.push("</section>");
  return parts.join("\n");
}

function readTemplate(root: string, name: string): string | undefined {
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(resolve(root, name));
    // Only files inside the template directory, as the loader itself allows.
    if (!real.startsWith(realRoot + sep)) return undefined;
    return readFileSync(real, "utf8");
  } catch {
    return undefined;
  }
}

function stackSection(error: unknown, withHeading = true): string {
  const stack = error instanceof Error ? error.stack : undefined;
  if (typeof stack !== "string") return "";
  const frames = parseStack(stack);
  const parts: string[] = [withHeading ? '<section class="stack"><h2>Stack</h2>' : "<div>"];
  let folded: StackFrame[] = [];
  const flush = (): void => {
    if (folded.length === 0) return;
    parts.push(
      `<details><summary>${folded.length} frame${folded.length === 1 ? "" : "s"} of the framework, dependencies and Node</summary><ol class="other">`,
      ...folded.map((frame) => `<li><code>${xhtmlEscape(frame.text)}</code></li>`),
      "</ol></details>",
    );
    folded = [];
  };
  for (const frame of frames) {
    if (frame.template !== undefined) {
      flush();
      parts.push(
        `<div class="frame own"><p><code>template ${xhtmlEscape(frame.template)}</code></p></div>`,
      );
      continue;
    }
    if (!isApplicationFrame(frame)) {
      folded.push(frame);
      continue;
    }
    flush();
    const excerpt = sourceExcerpt(frame);
    const place = excerpt
      ? `${shownPath(excerpt.file)}:${excerpt.focus}`
      : `${shownPath(frame.file ?? frame.text)}:${frame.line}:${frame.column}`;
    parts.push(
      '<div class="frame own">',
      `<p><b>${xhtmlEscape(frame.functionName || "(anonymous)")}</b> <code>${xhtmlEscape(place)}</code></p>`,
      excerpt ? excerptHtml(excerpt) : "",
      "</div>",
    );
  }
  flush();
  parts.push(withHeading ? "</section>" : "</div>");
  return parts.join("\n");
}

/** The source lines around a frame, through the file's source map when it has one. */
function sourceExcerpt(frame: StackFrame): Excerpt | undefined {
  const { file, line, column } = frame;
  if (file === undefined || line === undefined || column === undefined) return undefined;
  const text = readSource(file);
  if (text === undefined) return undefined;
  const original = /\.[cm]?js$/.test(file) ? originalPosition(file, text, line, column) : undefined;
  if (original) return excerptOf(original.file, original.text, original.line);
  return excerptOf(file, text, line);
}

function readSource(file: string): string | undefined {
  try {
    const text = readFileSync(file, "utf8");
    return text.length > MAX_SOURCE_BYTES ? undefined : text;
  } catch {
    return undefined;
  }
}

const SOURCE_MAPPING_URL = /\/\/# sourceMappingURL=(\S+)\s*$/;

/** Maps a place in compiled JavaScript to its TypeScript source through the file's source map. */
function originalPosition(
  file: string,
  text: string,
  line: number,
  column: number,
): { file: string; text: string; line: number } | undefined {
  const mapUrl = SOURCE_MAPPING_URL.exec(text.slice(-2048))?.[1];
  if (mapUrl === undefined) return undefined;
  try {
    const fileUrl = pathToFileURL(file);
    let json: string;
    let mapBase: URL;
    if (mapUrl.startsWith("data:")) {
      const comma = mapUrl.indexOf(",");
      const data = mapUrl.slice(comma + 1);
      json = mapUrl.slice(0, comma).endsWith(";base64")
        ? Buffer.from(data, "base64").toString("utf8")
        : decodeURIComponent(data);
      mapBase = fileUrl;
    } else {
      mapBase = new URL(mapUrl, fileUrl);
      json = readFileSync(mapBase, "utf8");
    }
    const payload = JSON.parse(json) as SourceMapPayload;
    const entry = new SourceMap(payload).findEntry(line - 1, column - 1);
    if (!("originalSource" in entry)) return undefined;
    const index = payload.sources.indexOf(entry.originalSource);
    const sourceUrl = new URL(entry.originalSource, new URL(payload.sourceRoot || ".", mapBase));
    const sourcePath = sourceUrl.protocol === "file:" ? fileURLToPath(sourceUrl) : undefined;
    const sourceText =
      payload.sourcesContent?.[index] ??
      (sourcePath === undefined ? undefined : readSource(sourcePath));
    if (sourceText === undefined) return undefined;
    return {
      file: sourcePath ?? entry.originalSource,
      text: sourceText,
      line: entry.originalLine + 1,
    };
  } catch {
    return undefined;
  }
}

/** A path relative to the working directory when it is inside it, else as it is. */
function shownPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const shown = relative(process.cwd(), file);
  return shown.startsWith("..") || isAbsolute(shown) ? file : shown;
}

function excerptOf(file: string, text: string, line: number): Excerpt {
  const all = text.split(/\r?\n/);
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = Math.min(all.length, line + CONTEXT_LINES);
  return { file, first, lines: all.slice(first - 1, last), focus: line };
}

function excerptHtml(excerpt: Excerpt): string {
  const rows = excerpt.lines.map((text, index) => {
    const number = excerpt.first + index;
    const mark = number === excerpt.focus ? ' class="focus"' : "";
    return `<tr${mark}><td class="n">${number}</td><td><code>${xhtmlEscape(cut(text))}</code></td></tr>`;
  });
  return `<table class="source" title="${xhtmlEscape(excerpt.file)}">${rows.join("")}</table>`;
}

// Credentials a developer's screen should not show in full, even in debug.
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-xsrftoken",
  "x-csrftoken",
]);
const SECRET_NAME = /pass|secret|token|key|signature|session|^_xsrf$/i;
// Tornado's signed values: v2 `2|1:0|10:...` and v1 `base64|timestamp|hex-signature`.
const SIGNED_V2 = /^2\|\d+:\d+\|/;
const SIGNED_V1 = /^[A-Za-z0-9+/=]*\|\d+\|[0-9a-f]{40,}$/;

function masked(value: string, what: string): string {
  return `(${what}, ${Buffer.byteLength(value)} bytes, masked)`;
}

/** A cookie's value as shown: signed values, XSRF tokens and secret-looking names masked. */
function shownCookieValue(name: string, value: string): string {
  if (SIGNED_V2.test(value) || SIGNED_V1.test(value)) return masked(value, "signed value");
  if (SECRET_NAME.test(name)) return masked(value, "secret");
  return cut(value);
}

function requestSection(request: HTTPServerRequest): string {
  const rows = (pairs: [string, string][]): string =>
    pairs.length === 0
      ? "<p>(none)</p>"
      : `<table class="pairs">${pairs
          .map(
            ([name, value]) =>
              `<tr><th>${xhtmlEscape(cut(name))}</th><td><code>${xhtmlEscape(value)}</code></td></tr>`,
          )
          .join("")}</table>`;
  const headers: [string, string][] = [];
  for (const [name, value] of request.headers.getAll()) {
    const lower = name.toLowerCase();
    if (lower === "cookie") headers.push([name, "(see Cookies below)"]);
    else headers.push([name, SECRET_HEADERS.has(lower) ? masked(value, "credential") : cut(value)]);
  }
  const argumentsShown: [string, string][] = [];
  try {
    for (const [name, values] of Object.entries(request.arguments)) {
      for (const value of values) {
        const text = value.toString("utf8");
        argumentsShown.push([name, SECRET_NAME.test(name) ? masked(text, "secret") : cut(text)]);
      }
    }
  } catch {
    argumentsShown.push(["(body)", "(could not be parsed)"]);
  }
  let cookies: [string, string][];
  try {
    cookies = Object.entries(request.cookies).map(([name, value]) => [
      name,
      shownCookieValue(name, value),
    ]);
  } catch {
    cookies = [["(Cookie header)", "(could not be parsed)"]];
  }
  return [
    '<section class="request"><h2>Request</h2>',
    rows([
      ["Method", request.method],
      ["URL", shownUri(request.uri)],
      ["Version", request.version],
      ["Remote IP", request.remoteIp],
    ]),
    "<h3>Headers</h3>",
    rows(headers),
    "<h3>Arguments</h3>",
    rows(argumentsShown),
    "<h3>Cookies</h3>",
    rows(cookies),
    "</section>",
  ].join("\n");
}

/** The request URI with the values of secret-looking query arguments masked. */
function shownUri(uri: string): string {
  const question = uri.indexOf("?");
  if (question === -1) return cut(uri);
  const query = uri
    .slice(question + 1)
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      if (equals === -1) return pair;
      let name = pair.slice(0, equals);
      try {
        name = decodeURIComponent(name.replaceAll("+", " "));
      } catch {
        // An undecodable name is matched as it was sent.
      }
      return SECRET_NAME.test(name) ? `${pair.slice(0, equals)}=(masked)` : pair;
    })
    .join("&");
  return cut(`${uri.slice(0, question)}?${query}`);
}

function cut(value: string): string {
  return value.length <= MAX_VALUE
    ? value
    : `${value.slice(0, MAX_VALUE)}… (${value.length} characters)`;
}

// The page's own style: no script, no external resource.
const STYLES = `
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#f4f5f8}
header{background:#8f1d21;color:#fff;padding:20px 24px}
header h1{margin:4px 0 8px;font-size:24px}
.status{margin:0;opacity:.85;font-size:13px;word-break:break-all}
.message{margin:0;white-space:pre-wrap;word-break:break-word;font:15px/1.4 ui-monospace,Menlo,Consolas,monospace}
section{margin:16px 24px;background:#fff;border-radius:6px;padding:12px 16px;box-shadow:0 1px 2px #0002;overflow-x:auto}
h2{font-size:17px;margin:4px 0 10px}h3{font-size:14px;margin:14px 0 6px;color:#555}
.frame{border-top:1px solid #e3e5ea;padding:6px 0}.frame p{margin:4px 0;word-break:break-all}
table.source{border-collapse:collapse;width:100%;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;background:#fafbfc}
table.source td{padding:0 8px;white-space:pre;vertical-align:top}table.source td.n{color:#8a8f99;text-align:right;width:1%;user-select:none}
table.source tr.focus{background:#ffe7e7}table.source tr.focus td.n{color:#8f1d21;font-weight:bold}
details{margin:6px 0;color:#555}summary{cursor:pointer}ol.other{font-size:12px;word-break:break-all}
table.pairs{border-collapse:collapse;width:100%;font-size:13px}table.pairs th{text-align:left;vertical-align:top;padding:3px 12px 3px 0;width:25%;word-break:break-all}
table.pairs td{padding:3px 0;word-break:break-all}table.pairs tr{border-top:1px solid #eef0f3}
footer{margin:16px 24px 32px;color:#666;font-size:13px}
`;
