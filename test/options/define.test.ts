import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { OptionError, OptionParser } from "tornado-ts/options";

const HERE = fileURLToPath(import.meta.url);

describe("OptionParser.define", () => {
  it("refuses a second definition of a name, naming the file of the first", () => {
    const parser = new OptionParser();
    parser.define("debug_mode", { default: false });
    assert.throws(
      () => parser.define("debug-mode"),
      (error: unknown) =>
        error instanceof OptionError &&
        error.name === "OptionError" &&
        error.message === `Option 'debug-mode' already defined in ${HERE}`,
    );
  });

  it("infers the type from the default, and defaults to a string or an empty list", () => {
    const parser = new OptionParser();
    assert.equal(parser.define("a", { default: 1.5 }).type, Number);
    assert.equal(parser.define("b", { default: true }).type, Boolean);
    assert.equal(parser.define("c", { default: new Date(0) }).type, Date);
    assert.equal(parser.define("d", { default: "x" }).type, String);
    assert.equal(parser.define("e").type, String);
    assert.equal(parser.define("e2").value, null);
    const list = parser.define("f", { multiple: true });
    assert.equal(list.type, String);
    assert.deepEqual(list.value, []);
    assert.equal(parser.define("g", { default: 3, type: "timedelta" }).type, "timedelta");
  });

  it("returns a typed accessor whose value follows parsing", () => {
    const parser = new OptionParser();
    const port = parser.define("port", { default: 8000, type: "int", help: "run on this port" });
    const value: number = port.value;
    assert.equal(value, 8000);
    parser.parseCommandLine(["--port=9000"]);
    assert.equal(port.value, 9000);
    assert.equal(port.help, "run on this port");
    assert.equal(port.group, HERE);
    assert.equal(port.file, HERE);
  });

  it("reserves the names of the options view's methods", () => {
    const parser = new OptionParser();
    assert.throws(() => parser.define("items"), /Option name 'items' is reserved/);
  });
});

describe("OptionParser.options", () => {
  it("reads one option through any spelling of its name", () => {
    const parser = new OptionParser();
    parser.define("log_file_max_size", { default: 10 });
    const { options } = parser;
    assert.equal(options.log_file_max_size, 10);
    assert.equal(options["log-file-max-size"], 10);
    assert.equal(options.logFileMaxSize, 10);
    assert.ok("log_file_max_size" in options);
    assert.ok(!("nosuch" in options));
  });

  it("throws for an unknown name, on read and on write", () => {
    const { options } = new OptionParser();
    assert.throws(() => options.nosuch, /^OptionError: Unrecognized option 'nosuch'$/);
    assert.throws(() => {
      options.nosuch = 1;
    }, /Unrecognized option 'nosuch'/);
  });

  it("checks the type of an assigned value, and accepts null", () => {
    const parser = new OptionParser();
    parser.define("port", { default: 80, type: "int" });
    parser.define("ids", { type: "int", multiple: true });
    // Untyped on purpose: these assignments are what the type checker would refuse.
    const options: Record<string, unknown> = parser.options;
    assert.throws(() => {
      options.port = "80";
    }, /^OptionError: Option 'port' is required to be an integer \(string given\)$/);
    assert.throws(() => {
      options.port = 1.5;
    }, /Option 'port' is required to be an integer \(number given\)/);
    assert.throws(() => {
      options.ids = [1, "2"];
    }, /Option 'ids' is required to be a list of integer values/);
    options.port = 81;
    assert.equal(options.port, 81);
    options.port = null;
    assert.equal(options.port, null);
  });

  it("runs an option's callback every time it is set, by parsing or by assignment", () => {
    const parser = new OptionParser();
    const seen: unknown[] = [];
    parser.define("level", { default: 1, callback: (value) => seen.push(value) });
    parser.parseCommandLine(["--level=2"]);
    parser.options.level = 3;
    assert.deepEqual(seen, [2, 3]);
  });

  it("lists values with asDict, items, groups, groupDict and iteration", () => {
    const parser = new OptionParser();
    parser.define("port", { default: 80 });
    parser.define("db_host", { default: "localhost", group: "db" });
    const { options } = parser;
    assert.deepEqual(options.asDict(), { help: null, port: 80, db_host: "localhost" });
    assert.deepEqual(options.items(), [
      ["help", null],
      ["port", 80],
      ["db_host", "localhost"],
    ]);
    assert.deepEqual(options.groups(), new Set(["", HERE, "db"]));
    assert.deepEqual(options.groupDict("db"), { db_host: "localhost" });
    assert.deepEqual(Object.keys(options.groupDict()), ["help", "port", "db_host"]);
    assert.deepEqual([...options], ["help", "port", "db_host"]);
    assert.deepEqual(JSON.parse(JSON.stringify(options)), {
      help: null,
      port: 80,
      db_host: "localhost",
    });
  });

  it("is not mistaken for a promise", async () => {
    const { options } = new OptionParser();
    assert.equal(await Promise.resolve(options), options);
  });
});
