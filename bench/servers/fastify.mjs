// Fastify, idiomatic: route params, reply.send of a string or an object, and the official plugins
// (@fastify/view with EJS, @fastify/static, @fastify/cookie signed cookies, @fastify/multipart).
import fastifyCookie from "@fastify/cookie";
import fastifyMultipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import fastifyView from "@fastify/view";
import ejs from "ejs";
import Fastify from "fastify";
import {
  cookieSecret,
  cookieValue,
  isMain,
  jsonBody,
  pageData,
  plainText,
  port,
  ready,
  routeIndexes,
  staticDir,
  viewsDir,
} from "./common.mjs";

/** The application, ready but not listening (bench/in-process.mjs drives its server without a port). */
export async function createFastify() {
  const app = Fastify({ logger: false, keepAliveTimeout: 60_000 });
  await app.register(fastifyView, { engine: { ejs }, root: viewsDir, production: true });
  await app.register(fastifyStatic, { root: staticDir, prefix: "/static/" });
  await app.register(fastifyCookie, { secret: cookieSecret });
  await app.register(fastifyMultipart, { limits: { fileSize: 2 * 1024 * 1024 } });
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
  app.get("/page", (_req, reply) => reply.view("page.ejs", pageData));
  app.get("/cookie", (req, reply) => {
    const raw = req.cookies.session;
    const read = raw === undefined ? null : req.unsignCookie(raw);
    reply.setCookie("session", cookieValue, { signed: true, path: "/", httpOnly: true });
    reply.type("text/plain; charset=UTF-8").send(`Hello ${read?.valid ? read.value : "stranger"}`);
  });
  app.post("/upload", async (req, reply) => {
    const file = await req.file();
    const body = await file.toBuffer();
    reply.type("text/plain; charset=UTF-8");
    return `${file.filename} ${body.length}`;
  });
  for (const i of routeIndexes) {
    app.get(`/r${i}/:a/:b`, (req, reply) => {
      reply.type("text/plain; charset=UTF-8").send(`${req.params.a}:${req.params.b}`);
    });
  }
  await app.ready();
  return app;
}

if (isMain(import.meta.url)) {
  const app = await createFastify();
  await app.listen({ port, host: "127.0.0.1" });
  ready(app.server);
}
