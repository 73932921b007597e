// Hono on its Node adapter, idiomatic: c.text / c.json, parseBody for forms and uploads, its JSX
// for the page (hono-page.jsx, compiled by bench/run.ts with esbuild into bench/results/tmp/),
// serveStatic with the etag middleware, and hono/cookie signed cookies.
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { getSignedCookie, setSignedCookie } from "hono/cookie";
import { etag } from "hono/etag";
import { renderPage } from "../results/tmp/hono-page.mjs";
import {
  cookieSecret,
  cookieValue,
  jsonBody,
  pageData,
  plainText,
  port,
  ready,
  routeIndexes,
  staticDir,
} from "./common.mjs";

const app = new Hono();
app.get("/", (c) => c.text(plainText));
app.get("/json", (c) => c.json(jsonBody));
app.post("/form", async (c) => {
  const body = await c.req.parseBody();
  return c.text(`${c.req.query("q")} ${body.name} ${body.age}`);
});
app.get("/page", (c) => c.html(renderPage(pageData)));
app.use(
  "/static/*",
  etag(),
  serveStatic({ root: staticDir, rewriteRequestPath: (path) => path.slice("/static".length) }),
);
app.get("/cookie", async (c) => {
  const value = await getSignedCookie(c, cookieSecret, "session");
  await setSignedCookie(c, "session", cookieValue, cookieSecret, { path: "/", httpOnly: true });
  return c.text(`Hello ${value || "stranger"}`);
});
app.post("/upload", async (c) => {
  const body = await c.req.parseBody();
  const file = body.file;
  return c.text(`${file.name} ${file.size}`);
});
for (const i of routeIndexes) {
  app.get(`/r${i}/:a/:b`, (c) => c.text(`${c.req.param("a")}:${c.req.param("b")}`));
}
const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => ready(server));
server.keepAliveTimeout = 60_000;
