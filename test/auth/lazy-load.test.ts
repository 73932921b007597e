// Importing tornado-ts/web or tornado-ts/auth loads no OpenID Connect library: openid-client (and
// oauth4webapi and jose under it) load on the first OpenID Connect sign-in. Checked in a fresh
// Node process whose module loader reports every file it resolves.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { ROOT } from "../support/node-process.ts";

const hooks = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith("file:")) process.stdout.write("LOADED " + result.url + "\\n");
  return result;
}`;
const register = `import { register } from "node:module";
register("data:text/javascript,${encodeURIComponent(hooks)}");`;

/** The file URLs a fresh process resolves while it runs `program`. */
function loadedBy(program: string): string[] {
  const output = execFileSync(
    process.execPath,
    [
      "--conditions=tornado-ts-source",
      "--import",
      "tsx",
      "--import",
      `data:text/javascript,${encodeURIComponent(register)}`,
      "--input-type=module",
      "-e",
      program,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  return output
    .split("\n")
    .filter((line) => line.startsWith("LOADED "))
    .map((line) => line.slice("LOADED ".length));
}

const OIDC_LIBRARIES = /\/node_modules\/(openid-client|oauth4webapi|jose)\//;

test("importing tornado-ts/web and tornado-ts/auth loads no OpenID Connect library", () => {
  const loaded = loadedBy('await import("tornado-ts/web"); await import("tornado-ts/auth");');
  assert.ok(
    loaded.some((url) => url.endsWith("/src/auth/openid-connect.ts")),
    "the hook sees the auth module's own files",
  );
  assert.deepEqual(
    loaded.filter((url) => OIDC_LIBRARIES.test(url)),
    [],
  );
});

test("the first use of OpenID Connect loads openid-client", () => {
  const loaded = loadedBy(`
    const { discoverOpenIdConnect } = await import("tornado-ts/auth");
    // An issuer nobody listens on: discovery fails, after loading the library.
    await discoverOpenIdConnect({ issuer: "http://127.0.0.1:9/", clientId: "x", allowInsecureRequests: true }).catch(() => {});
  `);
  assert.ok(loaded.some((url) => /\/node_modules\/openid-client\//.test(url)));
});
