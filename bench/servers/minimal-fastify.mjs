// The minimal Fastify 5 app: two routes whose handlers return the string and the object.
import Fastify from "fastify";
import { isMain, minimalJson, minimalText, port, ready } from "./common.mjs";

/** The application, ready but not listening. */
export async function createMinimalFastify() {
  const app = Fastify({ logger: false, keepAliveTimeout: 60_000 });
  app.get("/", () => minimalText);
  app.get("/json", () => minimalJson);
  await app.ready();
  return app;
}

if (isMain(import.meta.url)) {
  const app = await createMinimalFastify();
  await app.listen({ port, host: "127.0.0.1" });
  ready(app.server);
}
