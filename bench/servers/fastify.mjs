// Fastify, idiomatic: route params, reply.send of a string or an object.
import Fastify from "fastify";
import { jsonBody, plainText, port, ready, routeIndexes } from "./common.mjs";

const app = Fastify({ logger: false, keepAliveTimeout: 60_000 });
app.addContentTypeParser(
  "application/x-www-form-urlencoded",
  { parseAs: "string" },
  (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body)));
  },
);
app.get("/", (_req, reply) => {
  reply.type("text/plain; charset=UTF-8").send(plainText);
});
app.get("/json", () => jsonBody);
app.post("/form", (req, reply) => {
  reply.type("text/plain; charset=UTF-8").send(`${req.query.q} ${req.body.name} ${req.body.age}`);
});
for (const i of routeIndexes) {
  app.get(`/r${i}/:a/:b`, (req, reply) => {
    reply.type("text/plain; charset=UTF-8").send(`${req.params.a}:${req.params.b}`);
  });
}
await app.listen({ port, host: "127.0.0.1" });
ready(app.server);
