// What importing a tornado-ts module costs: the third-party packages it loads, the files, and the
// time. Runs each import in a fresh Node process against the build (dist/: `npm run build` first),
// as an installed package runs. Usage: node scripts/import-cost.mjs [tornado-ts/web ...]
import { execFileSync } from "node:child_process";

const specifiers = process.argv.slice(2);
if (specifiers.length === 0) specifiers.push("tornado-ts/web", "tornado-ts");

// Resolve hooks run in their own thread; this one records every file:// URL that gets loaded.
const hooks = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith("file:")) process.stdout.write("LOADED " + result.url + "\\n");
  return result;
}`;
const register = `import { register } from "node:module";
register("data:text/javascript,${encodeURIComponent(hooks)}");`;

for (const specifier of specifiers) {
  const program = `const t = performance.now(); await import(${JSON.stringify(specifier)});
    const ms = performance.now() - t;
    console.log("TIME " + ms.toFixed(1));`;
  const output = execFileSync(
    process.execPath,
    [
      "--import",
      `data:text/javascript,${encodeURIComponent(register)}`,
      "--input-type=module",
      "-e",
      program,
    ],
    { encoding: "utf8" },
  );
  const urls = output
    .split("\n")
    .filter((l) => l.startsWith("LOADED "))
    .map((l) => l.slice(7));
  const packages = new Set();
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match && match[1] !== "tornado-ts") packages.add(match[1]);
  }
  const time = /TIME ([\d.]+)/.exec(output)?.[1];
  console.log(`${specifier}: ${urls.length} ESM files resolved, ${time} ms`);
  console.log(`  third-party packages: ${[...packages].sort().join(", ") || "(none)"}`);
}
