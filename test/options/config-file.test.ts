import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { OptionError, OptionParser } from "tornado-ts/options";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tornado-ts-options-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function tutorialParser() {
  const parser = new OptionParser();
  const port = parser.define("port", { default: 8000, type: "int" });
  const list = parser.define("list", { default: [], type: String, multiple: true });
  return { parser, port, list };
}

describe("OptionParser.parseConfigFile", () => {
  it("reads the tutorial's config file as written (TOML)", () => {
    const { parser, port, list } = tutorialParser();
    parser.parseConfigFile(file("config", "port = 7000\nlist = ['good','nice','handsome']\n"));
    assert.equal(port.value, 7000);
    assert.deepEqual(list.value, ["good", "nice", "handsome"]);
  });

  it("reads JSON, ignoring keys that name no option, with either spelling of a name", () => {
    const parser = new OptionParser();
    const maxSize = parser.define("max_size", { default: 1 });
    const debug = parser.define("debug-mode", { default: false });
    parser.parseConfigFile(file("c.json", '{"max-size": 5, "debug_mode": true, "other": [1]}'));
    assert.equal(maxSize.value, 5);
    assert.equal(debug.value, true);
  });

  it("converts strings for non-string options, as the command line does", () => {
    const parser = new OptionParser();
    const port = parser.define("port", { default: 1, type: "int" });
    const ids = parser.define("ids", { type: "int", multiple: true });
    const names = parser.define("names", { multiple: true });
    const debug = parser.define("debug", { default: false });
    const timeout = parser.define("timeout", { type: "timedelta" });
    parser.parseConfigFile(
      file(
        "s.toml",
        'port = "8081"\nids = "1,2,4:5"\nnames = "a,b"\ndebug = "true"\ntimeout = "1h 30m"\n',
      ),
    );
    assert.equal(port.value, 8081);
    assert.deepEqual(ids.value, [1, 2, 4, 5]);
    assert.deepEqual(names.value, ["a", "b"]);
    assert.equal(debug.value, true);
    assert.equal(timeout.value, 5400);
  });

  it("takes TOML dates for Date options", () => {
    const parser = new OptionParser();
    const when = parser.define("when", { type: Date });
    parser.parseConfigFile(file("d.toml", "when = 2024-11-26T10:00:00Z\n"));
    assert.equal(when.value!.toISOString(), "2024-11-26T10:00:00.000Z");
  });

  it("names the key and the file when a value has the wrong type, keeping earlier values", () => {
    const { parser, port } = tutorialParser();
    const path = file("bad.toml", "port = 7001\nlist = 5\n");
    assert.throws(
      () => parser.parseConfigFile(path),
      (error: unknown) =>
        error instanceof OptionError &&
        error.message ===
          `Option 'list' is required to be a list of string values or a comma-separated string (in ${path})`,
    );
    assert.equal(port.value, 7001);
    const ratio = new OptionParser();
    ratio.define("ratio", { type: "int" });
    assert.throws(
      () => ratio.parseConfigFile(file("r.toml", "ratio = 2.5\n")),
      /Option 'ratio' is required to be an integer \(number given\)/,
    );
  });

  it("says so when the file does not parse", () => {
    const { parser } = tutorialParser();
    assert.throws(
      () => parser.parseConfigFile(file("broken", "port = = 1\n")),
      /Config file .*broken does not parse: /,
    );
  });

  it("runs the parse callbacks after the file, unless final is false", () => {
    const { parser } = tutorialParser();
    let runs = 0;
    parser.addParseCallback(() => runs++);
    const path = file("cb.toml", "port = 1\n");
    parser.parseConfigFile(path);
    parser.parseConfigFile(path, { final: false });
    assert.equal(runs, 1);
  });

  it("sends module configs to parseConfigFileAsync", () => {
    const { parser } = tutorialParser();
    assert.throws(
      () => parser.parseConfigFile(new URL("./fixtures/config.mts", import.meta.url)),
      /is a module: load it with parseConfigFileAsync\(\)/,
    );
  });
});

describe("OptionParser.parseConfigFileAsync", () => {
  it("reads a module's named exports and its default object, named exports winning", async () => {
    const { parser, port, list } = tutorialParser();
    const debug = parser.define("debug_mode", { default: false });
    await parser.parseConfigFileAsync(new URL("./fixtures/config.mts", import.meta.url));
    assert.equal(port.value, 8123);
    assert.deepEqual(list.value, ["a", "b"]);
    assert.equal(debug.value, true);
  });

  it("reads data files too", async () => {
    const { parser, port } = tutorialParser();
    await parser.parseConfigFileAsync(file("a.toml", "port = 7002\n"));
    assert.equal(port.value, 7002);
  });
});
