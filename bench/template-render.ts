// Template rendering throughput, without HTTP: the benchmark page (a base layout, a 100-row loop,
// escaping; bench/servers/templates and bench/servers/views) rendered by tornado-ts, by Tornado's
// own engine (/usr/bin/python3) on the same templates, and by EJS on the equivalent page.
// Run: node --conditions=tornado-ts-source --import tsx bench/template-render.ts [--json]
// (bench/run.ts runs it too, against the built package.) BENCH_SECONDS sets the time per engine.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ejs from "ejs";
import { DictLoader } from "tornado-ts/template";
import { pageData, templateDir, viewsDir } from "./servers/common.mjs";

const TEMPLATES = {
  "base.html": readFileSync(join(templateDir, "base.html"), "utf8"),
  "page.html": readFileSync(join(templateDir, "page.html"), "utf8"),
};

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

/** Renders per second over SECONDS, after a warm-up; and the page's length. */
function measure(render: () => string): { perSecond: number; bytes: number } {
  let bytes = render().length;
  for (let i = 0; i < 200; i++) bytes = render().length;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(SECONDS * 1e9));
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
const ours = measure(() => page.generate(pageData));

const compiledEjs = ejs.compile(readFileSync(join(viewsDir, "page.ejs"), "utf8"), {
  filename: join(viewsDir, "page.ejs"),
  cache: true,
});
const ejsResult = measure(() => compiledEjs(pageData));

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
    input: JSON.stringify([TEMPLATES, pageData, SECONDS]),
  }).toString(),
) as { perSecond: number; bytes: number };

const rows = [
  ["tornado-ts template", ours],
  ["Tornado 6.2 template (CPython)", tornado],
  ["EJS 3", ejsResult],
] as const;
if (process.argv.includes("--json")) {
  console.log(JSON.stringify(Object.fromEntries(rows)));
} else {
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
}
