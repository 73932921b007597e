// `npx tornado-ts new <dir>`: the files it writes, its messages and how it picks the tornado-ts
// dependency. test/package/readme-new-project.test.ts installs and runs a generated project.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { main } from "../../src/cli/index.ts";
import {
  createProject,
  installedFromRegistry,
  NewProjectError,
} from "../../src/cli/new-project.ts";

const root = join(import.meta.dirname, "..", "..");

const EXPECTED_FILES = [
  ".gitignore",
  "README.md",
  "application.ts",
  "config.ts",
  "package.json",
  "server.ts",
  "static/css/site.css",
  "templates/index.html",
  "templates/login.html",
  "test/app.test.ts",
  "tsconfig.json",
  "upfile/.gitkeep",
  "views/index.ts",
];

function capture(): { out: string[]; err: string[]; io: Parameters<typeof main>[1] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t) => void out.push(t), err: (t) => void err.push(t) } };
}

describe("tornado-ts new", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tornado-new-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the tutorial's project template as a TypeScript project", () => {
    const project = createProject(join(dir, "My App"), { tornadoTs: "^9.8.7" });
    assert.deepEqual(project.files, EXPECTED_FILES);
    assert.equal(project.source, "given");
    const pkg = JSON.parse(readFileSync(join(dir, "My App", "package.json"), "utf8"));
    assert.equal(pkg.name, "my-app");
    assert.deepEqual(pkg.dependencies, { "tornado-ts": "^9.8.7" });
    assert.equal(pkg.scripts.start, "node --import tsx server.ts");
    assert.match(pkg.scripts.test, /tsc -p tsconfig\.json && node --import tsx --test/);
    const readme = readFileSync(join(dir, "My App", "README.md"), "utf8");
    assert.match(readme, /^# my-app\n/);
    const config = readFileSync(join(dir, "My App", "config.ts"), "utf8");
    assert.doesNotMatch(config, /[A-Za-z0-9+/]{40,}={0,2}/, "no secret in the sources");
    const ignored = readFileSync(join(dir, "My App", ".gitignore"), "utf8").split("\n");
    assert.ok(ignored.includes(".cookie-secret"), "the secret file is git-ignored");
  });

  it("refuses a folder that is not empty", () => {
    const busy = join(dir, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "keep.txt"), "mine");
    assert.throws(() => createProject(busy), NewProjectError);
    const { err, io } = capture();
    assert.equal(main(["new", busy], io), 1);
    assert.match(err.join(""), /is not empty/);
    assert.equal(readFileSync(join(busy, "keep.txt"), "utf8"), "mine");
  });

  it("prints the files and the commands to run and test the project", () => {
    const { out, io } = capture();
    assert.equal(main(["new", join(dir, "printed"), "--tornado-ts=^1.0.0"], io), 0);
    const text = out.join("");
    assert.match(text, /Created .*printed\/ with 13 files:/);
    assert.doesNotMatch(text, /vendor/);
    assert.match(text, /cd .*printed\n {2}npm install\n/);
    assert.match(text, / {2}npm start {4}# http:\/\/127\.0\.0\.1:8000\/\n {2}npm test\n$/);
  });

  it("explains its usage for no command, an unknown one or a missing folder", () => {
    for (const argv of [[], ["old", "x"], ["new"], ["new", "a", "b"], ["new", "a", "--x"]]) {
      const { err, io } = capture();
      assert.equal(main(argv, io), 2, argv.join(" "));
      assert.match(err.join(""), /Usage: tornado-ts new <dir>/);
    }
    const { out, io } = capture();
    assert.equal(main(["--help"], io), 0);
    assert.match(out.join(""), /Usage:/);
  });
});

describe("where the tornado-ts dependency comes from", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tornado-origin-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A project folder with tornado-ts installed as npm records it, resolved from `resolved`. */
  function installed(name: string, resolved: string, lockfile: string): string {
    const project = join(dir, name);
    const pkgRoot = join(project, "node_modules", "tornado-ts");
    mkdirSync(pkgRoot, { recursive: true });
    writeFileSync(join(pkgRoot, "package.json"), '{"name":"tornado-ts","version":"0.1.0"}');
    const lock = { lockfileVersion: 3, packages: { "node_modules/tornado-ts": { resolved } } };
    writeFileSync(join(project, lockfile), JSON.stringify(lock));
    return pkgRoot;
  }

  it("is the registry only when npm installed this copy from a registry URL", () => {
    const registry = "https://registry.npmjs.org/tornado-ts/-/tornado-ts-0.1.0.tgz";
    assert.equal(
      installedFromRegistry(installed("npx", registry, "node_modules/.package-lock.json")),
      true,
    );
    assert.equal(installedFromRegistry(installed("app", registry, "package-lock.json")), true);
    const tarball = installed("tgz", "file:../tornado-ts-0.1.0.tgz", "package-lock.json");
    assert.equal(installedFromRegistry(tarball), false);
    const git = installed(
      "git",
      "git+ssh://git@github.com/x/tornado-ts.git#abc",
      "package-lock.json",
    );
    assert.equal(installedFromRegistry(git), false);
    assert.equal(installedFromRegistry(root), false, "this checkout");
  });

  it("writes ^<version> for a registry install, without packing", () => {
    const registry = "https://registry.npmjs.org/tornado-ts/-/tornado-ts-0.1.0.tgz";
    const pkgRoot = installed("reg", registry, "package-lock.json");
    const project = createProject(join(dir, "from-registry"), {
      packageRoot: pkgRoot,
      templateDir: join(root, "generator", "template"),
    });
    assert.equal(project.source, "registry");
    assert.equal(project.dependency, "^0.1.0");
    assert.ok(!project.files.some((file) => file.startsWith("vendor/")));
  });
});
