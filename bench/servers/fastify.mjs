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

/**
 * The application, ready but not listening. With `files: false` it leaves out the template, static
 * and multipart plugins and their routes: bench/in-process.mjs, which runs every server in one
 * process, measured every other server about 3 µs per request slower once they were loaded.
 */
export async function createFastify({ files = true } = {}) {
  const app = Fastify({ logger: false, keepAliveTimeout: 60_000 });
  if (files) {
    await app.register(fastifyView, { engine: { ejs }, root: viewsDir, production: true });
    await app.register(fastifyStatic, { root: staticDir, prefix: "/static/" });
    await app.register(fastifyMultipart, { limits: { fileSize: 2 * 1024 * 1024 } });
  }
  await app.register(fastifyCookie, { secret: cookieSecret });
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
  app.get("/cookie", (req, reply) => {
    const raw = req.cookies.session;
    const read = raw === undefined ? null : req.unsignCookie(raw);
    reply.setCookie("session", cookieValue, { signed: true, path: "/", httpOnly: true });
    reply.type("text/plain; charset=UTF-8").send(`Hello ${read?.valid ? read.value : "stranger"}`);
  });
  for (const i of routeIndexes) {
    app.get(`/r${i}/:a/:b`, (req, reply) => {
      reply.type("text/plain; charset=UTF-8").send(`${req.params.a}:${req.params.b}`);
    });
  }
  if (files) {
    app.get("/page", (_req, reply) => reply.view("page.ejs", pageData));
    app.post("/upload", async (req, reply) => {
      const file = await req.file();
      const body = await file.toBuffer();
      reply.type("text/plain; charset=UTF-8");
      return `${file.filename} ${body.length}`;
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
