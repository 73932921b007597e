// Express 5, idiomatic: express.urlencoded for the form, res.send / res.json, res.render with EJS,
// express.static, cookie-parser signed cookies, multer (memory storage) for uploads.
import cookieParser from "cookie-parser";
import express from "express";
import multer from "multer";
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
  viewsDir,
} from "./common.mjs";

const app = express();
app.set("views", viewsDir);
app.set("view engine", "ejs");
const upload = multer({ storage: multer.memoryStorage() });
app.get("/", (_req, res) => {
  res.type("text/plain").send(plainText);
});
app.get("/json", (_req, res) => {
  res.json(jsonBody);
});
app.post("/form", express.urlencoded({ extended: false }), (req, res) => {
  res.type("text/plain").send(`${req.query.q} ${req.body.name} ${req.body.age}`);
});
app.get("/page", (_req, res) => {
  res.render("page", pageData);
});
app.use("/static", express.static(staticDir));
app.get("/cookie", cookieParser(cookieSecret), (req, res) => {
  const value = req.signedCookies.session;
  res.cookie("session", cookieValue, { signed: true, httpOnly: true });
  res.type("text/plain").send(`Hello ${value || "stranger"}`);
});
app.post("/upload", upload.single("file"), (req, res) => {
  res.type("text/plain").send(`${req.file.originalname} ${req.file.size}`);
});
for (const i of routeIndexes) {
  app.get(`/r${i}/:a/:b`, (req, res) => {
    res.type("text/plain").send(`${req.params.a}:${req.params.b}`);
  });
}
const server = app.listen(port, "127.0.0.1", () => ready(server));
server.keepAliveTimeout = 60_000;
