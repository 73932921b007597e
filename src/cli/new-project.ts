/**
 * `tornado-ts new <dir>`: writes a new project laid out as the Tornado tutorial's project template
 * (server, application, config, views, templates, static, upfile, tests, README) from the files in
 * the package's `generator/template/` folder.
 * @internal
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { isPlainObject } from "../python.ts";

/** A project that cannot be written (the folder is not empty, a bad name, ...). */
export class NewProjectError extends Error {
  override name = "NewProjectError";
}

/** Options of {@link createProject}. */
interface NewProjectOptions {
  /** The folder with the template files (default: this package's `generator/template`). */
  templateDir?: string;
  /**
   * The `tornado-ts` dependency written to package.json. By default `^<this version>` when this
   * copy of tornado-ts was installed from the npm registry; otherwise (a git checkout, a tarball,
   * a `file:` or git dependency) this copy is packed into the project's `vendor/` folder and the
   * dependency is `file:./vendor/tornado-ts-<version>.tgz`, so `npm install` installs exactly it.
   */
  tornadoTs?: string;
  /** This package's root folder (default: the one this module belongs to). For tests. */
  packageRoot?: string;
  /** Told what is going on before a slow step (packing). */
  progress?: (text: string) => void;
}

/** What {@link createProject} wrote. */
interface NewProject {
  /** The paths written, relative to the project folder, sorted. */
  files: string[];
  /** The `tornado-ts` dependency written to package.json. */
  dependency: string;
  /** Where the dependency comes from: the registry, this copy packed into `vendor/`, or as given. */
  source: "registry" | "vendor" | "given";
}

/** The package's root folder (two levels above this file, in `src/cli` or `dist/cli`). */
const PACKAGE_ROOT = resolve(import.meta.dirname, "..", "..");

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

function packageVersion(root: string): string {
  const manifest = readJson(join(root, "package.json"));
  if (!isPlainObject(manifest) || typeof manifest.version !== "string") {
    throw new NewProjectError(`${join(root, "package.json")} has no version`);
  }
  return manifest.version;
}

/**
 * Whether the package at `root` was installed by npm from a registry: it sits in a
 * `node_modules` folder whose lockfile (npm's hidden `node_modules/.package-lock.json`, or the
 * project's `package-lock.json`) records an http(s) tarball URL for it. A git checkout, a packed
 * tarball or a `file:` link records no such URL.
 */
export function installedFromRegistry(root: string): boolean {
  const parts = resolve(root).split(sep);
  const at = parts.lastIndexOf("node_modules");
  if (at < 1) return false;
  const project = parts.slice(0, at).join(sep) || sep;
  const key = parts.slice(at).join("/");
  for (const lockfile of [
    join(project, "node_modules", ".package-lock.json"),
    join(project, "package-lock.json"),
  ]) {
    let lock: unknown;
    try {
      lock = readJson(lockfile);
    } catch {
      continue;
    }
    const packages = isPlainObject(lock) ? lock.packages : undefined;
    const entry = isPlainObject(packages) ? packages[key] : undefined;
    const resolved = isPlainObject(entry) ? entry.resolved : undefined;
    if (typeof resolved === "string") return /^https?:\/\//.test(resolved);
  }
  return false;
}

/**
 * Packs the package at `root` with `npm pack` into `destination`; returns the tarball's name. A
 * checkout (with its build config) is built first by the package's `prepack` script; an installed
 * copy already holds its build, so its scripts are skipped.
 */
function packInto(root: string, destination: string): string {
  const checkout = existsSync(join(root, "tsconfig.build.json"));
  const args = ["pack", "--json", "--pack-destination", destination];
  if (!checkout) args.push("--ignore-scripts");
  let output: string;
  try {
    output = execFileSync("npm", args, {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      // npm's own variables from an outer `npx` would point this npm at the wrong project.
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
    });
  } catch (error) {
    const output = error instanceof Error && "stderr" in error ? error.stderr : "";
    const stderr = String(output ?? "").slice(-2000);
    throw new NewProjectError(`npm pack failed in ${root}:\n${stderr}`);
  }
  // npm pack --json prints an array with one entry per package; scripts may print before it.
  const json = output.slice(output.indexOf("["));
  const packed: unknown = JSON.parse(json);
  const first: unknown = Array.isArray(packed) ? packed[0] : undefined;
  if (!isPlainObject(first) || typeof first.filename !== "string") {
    throw new NewProjectError(`npm pack in ${root} printed no file name:\n${json.slice(0, 2000)}`);
  }
  return basename(first.filename);
}

// npm forbids upper case and most punctuation in names; keep the folder name readable.
function npmName(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|-+$/g, "");
  return name === "" ? "tornado-app" : name;
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
    });
}

/** The package.json of a new project. */
function packageJson(name: string, tornadoTs: string): string {
  const pkg = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: ">=20.19.0" },
    scripts: {
      start: "node --import tsx server.ts",
      test: "tsc -p tsconfig.json && node --import tsx --test test/app.test.ts",
    },
    dependencies: { "tornado-ts": tornadoTs },
    devDependencies: {
      "@types/node": "^20.19.43",
      tsx: "^4.23.15",
      typescript: "^5.9.3",
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/**
 * Writes a new project into `dir` (created if missing; it must be empty if it exists) and says
 * what it wrote and which `tornado-ts` dependency it chose.
 */
export function createProject(dir: string, options: NewProjectOptions = {}): NewProject {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new NewProjectError(`${dir} is not empty: choose a new folder`);
  }
  const root = options.packageRoot ?? PACKAGE_ROOT;
  const templateDir = options.templateDir ?? join(root, "generator", "template");
  const name = npmName(dir);
  const written: string[] = [];
  const write = (path: string, content: string | Buffer) => {
    const full = join(target, path);
    mkdirSync(resolve(full, ".."), { recursive: true });
    writeFileSync(full, content);
    written.push(path);
  };
  for (const path of listFiles(templateDir)) {
    const content = readFileSync(join(templateDir, path), "utf8").replaceAll(
      "__PROJECT_NAME__",
      name,
    );
    // npm leaves .gitignore files out of packages, so the template keeps it as `gitignore`.
    write(path === "gitignore" ? ".gitignore" : path, content);
  }
  write("upfile/.gitkeep", "");
  let dependency: string;
  let source: NewProject["source"];
  if (options.tornadoTs !== undefined) {
    dependency = options.tornadoTs;
    source = "given";
  } else if (installedFromRegistry(root)) {
    dependency = `^${packageVersion(root)}`;
    source = "registry";
  } else {
    const vendor = join(target, "vendor");
    mkdirSync(vendor, { recursive: true });
    options.progress?.(`Packing tornado-ts from ${root} into vendor/ (npm pack)...\n`);
    const tarball = packInto(root, vendor);
    written.push(`vendor/${tarball}`);
    dependency = `file:./vendor/${tarball}`;
    source = "vendor";
  }
  write("package.json", packageJson(name, dependency));
  return { files: written.sort(), dependency, source };
}
