/**
 * `tornado-ts new <dir>`: writes a new project laid out as the Tornado tutorial's project template
 * (server, application, config, views, templates, static, upfile, tests, README) from the files in
 * the package's `generator/template/` folder.
 * @internal
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";

/** A project that cannot be written (the folder is not empty, a bad name, ...). */
export class NewProjectError extends Error {
  override name = "NewProjectError";
}

/** Options of {@link createProject}. */
export interface NewProjectOptions {
  /** The folder with the template files (default: this package's `generator/template`). */
  templateDir?: string;
  /** The `tornado-ts` dependency written to package.json (default `^<this version>`). */
  tornadoTs?: string;
}

/** The package's root folder (two levels above this file, in `src/cli` or `dist/cli`). */
const PACKAGE_ROOT = resolve(import.meta.dirname, "..", "..");

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
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
    engines: { node: ">=20" },
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
 * Writes a new project into `dir` (created if missing; it must be empty if it exists) and returns
 * the paths written, relative to `dir`.
 */
export function createProject(dir: string, options: NewProjectOptions = {}): string[] {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new NewProjectError(`${dir} is not empty: choose a new folder`);
  }
  const templateDir = options.templateDir ?? join(PACKAGE_ROOT, "generator", "template");
  const name = npmName(dir);
  const written: string[] = [];
  const write = (path: string, content: string | Buffer) => {
    const full = join(target, path);
    mkdirSync(resolve(full, ".."), { recursive: true });
    writeFileSync(full, content);
    written.push(path);
  };
  for (const path of listFiles(templateDir)) {
    let content = readFileSync(join(templateDir, path), "utf8");
    content = content
      .replaceAll("__PROJECT_NAME__", name)
      .replaceAll("__DEVELOPMENT_SECRET__", randomBytes(32).toString("base64"));
    // npm leaves .gitignore files out of packages, so the template keeps it as `gitignore`.
    write(path === "gitignore" ? ".gitignore" : path, content);
  }
  write("upfile/.gitkeep", "");
  write("package.json", packageJson(name, options.tornadoTs ?? `^${packageVersion()}`));
  return written.sort();
}
