// Template rendering throughput: a page with inheritance, a 100-row loop and escaping, rendered
// by tornado-ts, by Tornado's own engine (/usr/bin/python3) on the same templates, and by EJS on
// the equivalent page. Run: node --conditions=source --import tsx bench/template-render.ts
import { execFileSync } from "node:child_process";
import ejs from "ejs";
import { DictLoader } from "tornado-ts/template";

const TEMPLATES = {
  "base.html":
    "<html><head><title>{% block title %}Site{% end %}</title></head>\n<body>\n<header>{{ site }}</header>\n{% block body %}{% end %}\n<footer>{{ footer }}</footer>\n</body></html>",
  "page.html":
    "{% extends 'base.html' %}\n{% block title %}{{ title }}{% end %}\n{% block body %}\n<table>\n{% for row in rows %}\n<tr><td>{{ row['id'] }}</td><td>{{ row['name'] }}</td><td>{{ row['email'] }}</td>{% if row['active'] %}<td>yes</td>{% else %}<td>no</td>{% end %}</tr>\n{% end %}\n</table>\n{% end %}",
};

const EJS_PAGE =
  "<html><head><title><%= title %></title></head>\n<body>\n<header><%= site %></header>\n<table>\n<% for (const row of rows) { %>\n<tr><td><%= row.id %></td><td><%= row.name %></td><td><%= row.email %></td><% if (row.active) { %><td>yes</td><% } else { %><td>no</td><% } %></tr>\n<% } %>\n</table>\n<footer><%= footer %></footer>\n</body></html>";

const DATA = {
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

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

function measure(render: () => string): { perSecond: number; bytes: number } {
  let bytes = render().length;
  for (let i = 0; i < 200; i++) bytes = render().length;
  const deadline = process.hrtime.bigint() + BigInt(SECONDS * 1e9);
  const start = process.hrtime.bigint();
  let count = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 100; i++) render();
    count += 100;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: count / elapsed, bytes };
}

const loader = new DictLoader(TEMPLATES);
const page = loader.load("page.html");
const ours = measure(() => page.generate(DATA));

const compiledEjs = ejs.compile(EJS_PAGE);
const ejsResult = measure(() => compiledEjs(DATA));

const python = `
import json, sys, time
from tornado.template import DictLoader
templates, data, seconds = json.loads(sys.stdin.read())
page = DictLoader(templates).load("page.html")
for _ in range(200): page.generate(**data)
count = 0
start = time.perf_counter()
deadline = start + seconds
while time.perf_counter() < deadline:
    for _ in range(100): page.generate(**data)
    count += 100
print(json.dumps({"perSecond": count / (time.perf_counter() - start), "bytes": len(page.generate(**data).decode())}))
`;
const tornado = JSON.parse(
  execFileSync("/usr/bin/python3", ["-c", python], {
    input: JSON.stringify([TEMPLATES, DATA, SECONDS]),
  }).toString(),
) as { perSecond: number; bytes: number };

const rows = [
  ["tornado-ts template", ours],
  ["Tornado 6.2 template (CPython)", tornado],
  ["EJS 3", ejsResult],
] as const;
console.log(
  `Page: inheritance, 100-row loop, escaping (${SECONDS}s each, Node ${process.version})`,
);
console.log("| engine | renders/s | page bytes | vs tornado-ts |");
console.log("|---|---:|---:|---:|");
for (const [name, result] of rows) {
  console.log(
    `| ${name} | ${Math.round(result.perSecond).toLocaleString("en-US")} | ${result.bytes} | ${(result.perSecond / ours.perSecond).toFixed(2)}x |`,
  );
}
