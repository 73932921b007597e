#!/usr/bin/env node
// The `tornado-ts` command. An installed package runs its build (dist/); a git checkout (it has
// tsconfig.build.json, which is not published) runs the TypeScript sources through tsx (a dev
// dependency), so the command never runs a stale build.
import { existsSync } from "node:fs";

const checkout = existsSync(new URL("../tsconfig.build.json", import.meta.url));
let cli;
if (checkout) {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import(new URL("../src/cli/index.ts", import.meta.url).href);
} else {
  cli = await import(new URL("../dist/cli/index.js", import.meta.url).href);
}
process.exitCode = cli.main(process.argv.slice(2));
