// Shared pieces of the benchmark servers: the port, the scenario data and the ready signal. Every
// server answers the same URLs with the same content, each in its framework's idiomatic way:
//   GET  /                   plaintext
//   GET  /json               a JSON object
//   GET  /r<i>/<a>/<n>        one of `ROUTES` two-group regex routes
//   POST /form?q=...          a query argument plus a form-urlencoded body
//   GET  /page               a template page: a base layout, a 100-row loop, escaped values
//   GET  /static/file4k.txt  a 4 KiB static file (and 304 with If-None-Match)
//   GET  /cookie             reads the signed cookie "session" and sets it again
//   POST /upload             a multipart body with one file; answers its name and size
// The minimal apps (minimal-*.mjs) answer only / (`minimalText`) and /json (`minimalJson`).
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export const port = Number(process.env.PORT ?? 0);
export const routeCount = Number(process.env.ROUTES ?? 100);
export const jsonBody = { message: "Hello, World!" };
export const plainText = "Hello, World!";
/** The minimal apps' bodies: issue 18's `write("sunck is a good man ")` and a four-field object. */
export const minimalText = "sunck is a good man ";
export const minimalJson = { name: "sunck", age: 18, good: true, motto: "sunck is a good man" };
export const routeIndexes = Array.from({ length: routeCount }, (_, i) => i);
/** The folder of the tornado-ts and Python Tornado templates (base.html, page.html). */
export const templateDir = join(here, "templates");
/** The folder of the EJS views (page.ejs with header.ejs and footer.ejs). */
export const viewsDir = join(here, "views");
/** The folder served under /static/ (file4k.txt). */
export const staticDir = join(here, "static");
/** The secret every framework signs the "session" cookie with. */
export const cookieSecret = "bench-cookie-secret-5f1c3e0a9b7d4c2e";
/** The value the cookie scenario stores in the signed cookie. */
export const cookieValue = "user-42";

/** The data of the template page: values that need escaping, and 100 rows. */
export const pageData = {
  title: "Users & <friends>",
  site: "tornado-ts",
  footer: '© 2026 "quoted"',
  rows: Array.from({ length: 100 }, (_, i) => ({
    id: i,
    name: `User <${i}> & co`,
    email: `user${i}@example.com`,
    active: i % 3 !== 0,
  })),
};

/** Whether the module at `url` is the script node was started with (not imported). */
export function isMain(url) {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(url);
}

/**
 * Prints "ready <port>" for bench/run.ts. With --expose-gc, a "gc" line on standard input runs a
 * full garbage collection and answers "gc done", so that memory is compared without garbage.
 */
export function ready(server) {
  const address = server.address();
  process.stdout.write(`ready ${typeof address === "object" ? address.port : port}\n`);
  if (typeof globalThis.gc === "function" && !process.stdin.isTTY) {
    process.stdin.on("data", (data) => {
      if (!String(data).includes("gc")) return;
      globalThis.gc();
      process.stdout.write("gc done\n");
    });
    process.stdin.on("error", () => {});
    process.stdin.unref?.();
  }
}
