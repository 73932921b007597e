#!/usr/bin/env node
// The `tornado-ts` command. An installed package runs the build (dist/); a clone of the repository
// without a build runs the TypeScript sources through tsx (a dev dependency).
import { existsSync } from "node:fs";

const built = new URL("../dist/cli/index.js", import.meta.url);
let cli;
if (existsSync(built)) {
  cli = await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import(new URL("../src/cli/index.ts", import.meta.url).href);
}
process.exitCode = cli.main(process.argv.slice(2));
