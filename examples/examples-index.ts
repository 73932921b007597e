// The standalone examples of the tutorial's chapters (examples/basics, examples/request-response)
// in one application with an index page linking them:
// `node --conditions=tornado-ts-source --import tsx examples/examples-index.ts` (`--port=N`, or PORT=N).
// `npm start` serves the tutorial application instead (examples/start.ts).
import { fileURLToPath } from "node:url";
import { xhtmlEscape } from "tornado-ts/escape";
import { IOLoop } from "tornado-ts/ioloop";
import { enablePrettyLogging, genLog } from "tornado-ts/log";
import { Application, RequestHandler } from "tornado-ts/web";
import { IndexHandler as FirstExampleHandler } from "./basics/server01.ts";
import { routes as requestResponseRoutes } from "./request-response/app.ts";

/** The port from `--port=N`, else the PORT variable, else 8000. */
export function portFromArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): number {
  for (const arg of argv) {
    const match = /^--port=(\d+)$/.exec(arg);
    if (match) return Number(match[1]);
  }
  return Number(env["PORT"] ?? 8000);
}

/** The examples the index page links, by chapter: [path, what it shows]. */
export const EXAMPLES: readonly (readonly [string, readonly (readonly [string, string])[]])[] = [
  ["基础流程 (basics)", [["/first", "The first example: sunck is a good man"]]],
  [
    "请求与响应 (requests and responses)",
    [
      ["/index", "Reverse URL: a link to the route named kaige"],
      ["/sunck", "Route with init args (word1, word2)"],
      ["/liuyifei/sunck/good/nice/", "Regex groups, positional"],
      ["/liuyifei2/sunck/good/nice/", "Regex groups, named (?P<p1>...)"],
      ["/zhangmanyu?a=1&b=1&c=%20%201", "Query arguments (a, b, c with strip)"],
      ["/postfile", "Body arguments: a form with checkboxes"],
      ["/next?next=/index", "getArgument with a default"],
      ["/zhuyin?a=1&b=2", "The request's attributes (printed on the server console)"],
      ["/upfile", "File upload into the upfile folder"],
      ["/write", "write() and finish()"],
      ["/json1", "JSON serialised by hand (text/html)"],
      ["/json2", "write(object): JSON with application/json"],
      ["/setheader", "setHeader"],
      ["/header", "setDefaultHeaders"],
      ["/status", "setStatus with the tutorial's reason"],
      ["/redirect", "redirect('/')"],
      ["/error?flag=0", "sendError(500) and writeError"],
      ["/error?flag=1", "no error"],
      ["/order", "The call order (printed on the server console)"],
      ["/order?error=1", "The call order with an error"],
    ],
  ],
];

/** The index page. */
export class ExamplesIndexHandler extends RequestHandler {
  override get() {
    let html =
      '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>tornado-ts examples</title></head><body>\n<h1>tornado-ts examples</h1>\n';
    for (const [chapter, links] of EXAMPLES) {
      html += `<h2>${xhtmlEscape(chapter)}</h2>\n<ul>\n`;
      for (const [href, label] of links) {
        html += `<li><a href="${xhtmlEscape(href)}">${xhtmlEscape(href)}</a> ${xhtmlEscape(label)}</li>\n`;
      }
      html += "</ul>\n";
    }
    this.write(`${html}</body></html>\n`);
  }
}

/** Every example in one application. */
export function examplesApp(): Application {
  return new Application([
    ["/", ExamplesIndexHandler],
    ["/first", FirstExampleHandler],
    ...requestResponseRoutes({ indexPath: "/index" }),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  enablePrettyLogging();
  const port = portFromArgs(process.argv.slice(2));
  await examplesApp().listen(port);
  genLog.info(`tornado-ts examples listening on http://127.0.0.1:${port}/`);
  IOLoop.current().start();
}
