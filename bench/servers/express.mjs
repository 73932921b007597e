// Express 5, idiomatic: express.urlencoded for the form, res.send / res.json.
import express from "express";
import { jsonBody, plainText, port, ready, routeIndexes } from "./common.mjs";

const app = express();
app.get("/", (_req, res) => {
  res.type("text/plain").send(plainText);
});
app.get("/json", (_req, res) => {
  res.json(jsonBody);
});
app.post("/form", express.urlencoded({ extended: false }), (req, res) => {
  res.type("text/plain").send(`${req.query.q} ${req.body.name} ${req.body.age}`);
});
for (const i of routeIndexes) {
  app.get(`/r${i}/:a/:b`, (req, res) => {
    res.type("text/plain").send(`${req.params.a}:${req.params.b}`);
  });
}
const server = app.listen(port, "127.0.0.1", () => ready(server));
server.keepAliveTimeout = 60_000;
