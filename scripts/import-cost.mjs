// What importing a tornado-ts module costs: the third-party packages it loads, the ES module files,
// and the time (median of fresh Node processes). Runs against the build, as an installed package
// runs: `npm run build` first.
//
//   node scripts/import-cost.mjs [--runs=N] [tornado-ts/web | ./path/to/module.js ...]
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const runs = Number(args.find((a) => a.startsWith("--runs="))?.slice("--runs=".length) ?? 5);
const specifiers = args.filter((a) => !a.startsWith("--"));
if (specifiers.length === 0) specifiers.push("tornado-ts/web", "tornado-ts");

// Resolve hooks run in their own thread; this one prints every file:// URL that gets resolved.
const hooks = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith("file:")) process.stdout.write("LOADED " + result.url + "\\n");
  return result;
}`;
const register = `import { register } from "node:module";
register("data:text/javascript,${encodeURIComponent(hooks)}");`;

function run(target, withHooks) {
  const program = `const t = performance.now(); await import(${JSON.stringify(target)});
    console.log("TIME " + (performance.now() - t).toFixed(1) + " HEAP " + process.memoryUsage().heapUsed);`;
  const hookArgs = withHooks
    ? ["--import", `data:text/javascript,${encodeURIComponent(register)}`]
    : [];
  return execFileSync(process.execPath, [...hookArgs, "--input-type=module", "-e", program], {
    encoding: "utf8",
  });
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const specifier of specifiers) {
  const target = /^\.{0,2}\//.test(specifier) ? pathToFileURL(resolve(specifier)).href : specifier;
  const urls = run(target, true)
    .split("\n")
    .filter((line) => line.startsWith("LOADED "))
    .map((line) => line.slice("LOADED ".length));
  const packages = new Set();
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match && match[1] !== "tornado-ts") packages.add(match[1]);
  }
  const times = [];
  const heaps = [];
  for (let i = 0; i < runs; i++) {
    const [, time, heap] = /TIME ([\d.]+) HEAP (\d+)/.exec(run(target, false));
    times.push(Number(time));
    heaps.push(Number(heap));
  }
  console.log(
    `${specifier}: ${urls.length} ES module files, import ${median(times)} ms, ` +
      `heap ${(median(heaps) / 2 ** 20).toFixed(1)} MiB (median of ${runs})`,
  );
  console.log(`  third-party packages: ${[...packages].sort().join(", ") || "(none)"}`);
}
