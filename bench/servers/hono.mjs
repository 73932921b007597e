// Hono on its Node adapter, idiomatic: c.text / c.json, parseBody for the form.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { jsonBody, plainText, port, ready, routeIndexes } from "./common.mjs";

const app = new Hono();
app.get("/", (c) => c.text(plainText));
app.get("/json", (c) => c.json(jsonBody));
app.post("/form", async (c) => {
  const body = await c.req.parseBody();
  return c.text(`${c.req.query("q")} ${body.name} ${body.age}`);
});
for (const i of routeIndexes) {
  app.get(`/r${i}/:a/:b`, (c) => c.text(`${c.req.param("a")}:${c.req.param("b")}`));
}
const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => ready(server));
server.keepAliveTimeout = 60_000;
