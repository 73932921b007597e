// Measures what type-checking the tutorial application costs: runs `tsc --noEmit
// --extendedDiagnostics` on examples/tutorial-app/server.ts (and what it imports, the framework's
// sources included) several times and prints the medians of its check time, the CPU time of the
// whole run, instantiations and memory.
//
//   node scripts/type-check-cost.mjs [project root, default .] [runs, default 5] [entry file]
//
// The entry `stress:N` checks a generated file of N handlers, each routed by url() with two
// groups and init args (written to the root's .tmp/, which git ignores, and removed afterwards).
// Give another checkout's root to compare (its node_modules must be installed or linked).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(process.argv[2] ?? ".");
const runs = Number(process.argv[3] ?? 5);
let entry = process.argv[4] ?? "examples/tutorial-app/server.ts";
const stress = /^stress:(\d+)$/.exec(entry);
if (stress) {
  const count = Number(stress[1]);
  // Before RequestHandler declared the HTTP methods, `override` on them was an error.
  const declared = readFileSync(join(root, "src/web/request-handler.ts"), "utf8").includes("get?(");
  const override = declared ? "override " : "";
  const lines = [
    'import { RequestHandler, url } from "tornado-ts/web";',
    "export const routes = [",
  ];
  const classes = [];
  for (let i = 0; i < count; i++) {
    classes.push(
      `class H${i} extends RequestHandler {`,
      `  n = "";`,
      `  override initialize(args: { n: string }) { this.n = args.n; }`,
      `  ${override}get(a: string, b: string) { this.write(a + b + this.n); }`,
      `  ${override}post(a: string, b?: string) { this.write(a + (b ?? "")); }`,
      "}",
    );
    lines.push(`  url("/r${i}/(\\d+)/([a-z]+)", H${i}, { n: "${i}" }, "r${i}"),`);
  }
  lines.push("];");
  entry = ".tmp/type-check-stress.ts";
  mkdirSync(join(root, ".tmp"), { recursive: true });
  writeFileSync(join(root, entry), `${[...classes, ...lines].join("\n")}\n`);
  process.on("exit", () => rmSync(join(root, entry), { force: true }));
}
const tsc = join(import.meta.dirname, "..", "node_modules", "typescript", "bin", "tsc");
// The options of tsconfig.json, on the command line so that only the entry's imports are checked.
const options = [
  "--noEmit",
  "--extendedDiagnostics",
  "--target",
  "ES2023",
  "--lib",
  "ES2023",
  "--module",
  "NodeNext",
  "--moduleResolution",
  "NodeNext",
  "--customConditions",
  "tornado-ts-source",
  "--types",
  "node",
  "--strict",
  "--noImplicitOverride",
  "--noUncheckedIndexedAccess",
  "--verbatimModuleSyntax",
  "--erasableSyntaxOnly",
  "--isolatedModules",
  "--skipLibCheck",
  "--allowImportingTsExtensions",
];

const samples = [];
for (let i = 0; i < runs; i++) {
  // bash's `time` gives the CPU seconds (user + system): on a shared machine they vary far less
  // than tsc's own wall-clock "Check time".
  const command = [process.execPath, tsc, ...options, entry].map((a) => `'${a}'`).join(" ");
  const run = spawnSync("bash", ["-c", `TIMEFORMAT='cpu %U %S'; time ${command}`], { cwd: root });
  const output = run.stdout.toString();
  if (run.status !== 0) throw new Error(`tsc failed in ${root}:\n${output}`);
  const [, user, system] = /cpu ([\d.]+) ([\d.]+)/.exec(run.stderr.toString()) ?? [];
  const value = (label) => Number(new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(output)?.[1]);
  samples.push({
    check: value("Check time"),
    total: value("Total time"),
    instantiations: value("Instantiations"),
    memoryK: value("Memory used"),
    files: value("Files"),
    cpu: Number(user) + Number(system),
  });
}
const median = (key) => {
  const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
console.log(
  JSON.stringify({
    root,
    entry,
    runs,
    checkSeconds: median("check"),
    totalSeconds: median("total"),
    instantiations: median("instantiations"),
    memoryMB: Math.round(median("memoryK") / 1024),
    files: median("files"),
    cpuSeconds: median("cpu"),
    checkSecondsAll: samples.map((s) => s.check),
    cpuSecondsAll: samples.map((s) => s.cpu),
  }),
);
