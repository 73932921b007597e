// The ceiling: node:http with hand-written routing, doing the least work that answers correctly.
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import busboy from "busboy";
import {
  cookieSecret,
  cookieValue,
  isMain,
  jsonBody,
  pageData,
  plainText,
  port,
  ready,
  routeCount,
  staticDir,
} from "./common.mjs";

const routes = Array.from({ length: routeCount }, (_, i) => new RegExp(`^/r${i}/([^/]+)/(\\d+)$`));
const TEXT = "text/plain; charset=UTF-8";

function send(res, status, type, body, extra) {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch]);

function renderPage(d) {
  let rows = "";
  for (const row of d.rows) {
    rows += `<tr><td>${escapeHtml(row.id)}</td><td>${escapeHtml(row.name)}</td><td>${escapeHtml(row.email)}</td><td>${row.active ? "yes" : "no"}</td></tr>\n`;
  }
  return `<html lang="en"><head><title>${escapeHtml(d.title)}</title></head>\n<body>\n<header>${escapeHtml(d.site)}</header>\n<table>\n${rows}</table>\n<footer>${escapeHtml(d.footer)}</footer>\n</body></html>`;
}

export const sign = (value) => createHmac("sha256", cookieSecret).update(value).digest("base64url");

function readSignedCookie(header, name) {
  if (!header) return null;
  for (const piece of header.split(";")) {
    const eq = piece.indexOf("=");
    if (piece.slice(0, eq).trim() !== name) continue;
    const raw = piece.slice(eq + 1).trim();
    const dot = raw.lastIndexOf(".");
    if (dot < 0) return null;
    const value = raw.slice(0, dot);
    const given = Buffer.from(raw.slice(dot + 1));
    const expected = Buffer.from(sign(value));
    return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
  }
  return null;
}

async function serveStatic(req, res, name) {
  if (name.includes("/") || name.includes("..")) return send(res, 404, TEXT, "Not Found");
  const path = join(staticDir, name);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return send(res, 404, TEXT, "Not Found");
  const etag = `W/"${info.size.toString(16)}-${info.mtimeMs.toString(16)}"`;
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, { ETag: etag });
    res.end();
    return;
  }
  const body = await readFile(path);
  res.writeHead(200, {
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Length": body.length,
    ETag: etag,
    "Last-Modified": info.mtime.toUTCString(),
  });
  res.end(body);
}

function upload(req, res) {
  const parser = busboy({ headers: req.headers });
  let answer = "no file";
  parser.on("file", (_field, stream, info) => {
    const chunks = [];
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.on("end", () => {
      answer = `${info.filename} ${Buffer.concat(chunks).length}`;
    });
  });
  parser.on("close", () => send(res, 200, TEXT, answer));
  req.pipe(parser);
}

/** The server, not yet listening (bench/in-process.mjs drives it without a port). */
export function createRawServer() {
  const server = createServer(answer);
  server.keepAliveTimeout = 60_000;
  return server;
}

function answer(req, res) {
  const url = req.url;
  if (url === "/") return send(res, 200, TEXT, plainText);
  if (url === "/json") {
    return send(res, 200, "application/json; charset=UTF-8", JSON.stringify(jsonBody));
  }
  if (url.startsWith("/form")) {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const query = new URLSearchParams(url.slice(url.indexOf("?") + 1));
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      send(res, 200, TEXT, `${query.get("q")} ${form.get("name")} ${form.get("age")}`);
    });
    return;
  }
  if (url === "/page") return send(res, 200, "text/html; charset=UTF-8", renderPage(pageData));
  if (url.startsWith("/static/")) {
    serveStatic(req, res, url.slice(8)).catch(() => res.destroy());
    return;
  }
  if (url === "/cookie") {
    const value = readSignedCookie(req.headers.cookie, "session");
    return send(res, 200, TEXT, `Hello ${value ?? "stranger"}`, {
      "Set-Cookie": `session=${cookieValue}.${sign(cookieValue)}; Path=/; HttpOnly`,
    });
  }
  if (url === "/upload") return upload(req, res);
  for (const route of routes) {
    const m = route.exec(url);
    if (m) return send(res, 200, TEXT, `${m[1]}:${m[2]}`);
  }
  res.writeHead(404);
  res.end();
}

if (isMain(import.meta.url)) {
  const server = createRawServer();
  server.listen(port, "127.0.0.1", () => ready(server));
}
