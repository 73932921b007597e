// Tornado 6.2's tornado/test/options_test.py, ported to tornado-ts/options. Tornado's argv starts
// with the program name, which tornado-ts's parseCommandLine leaves out; Tornado's config files are
// Python, here TOML or a module (support/suite-a-options*.{toml,mts}); Tornado's `Error` is
// OptionError.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { OptionError, OptionParser } from "tornado-ts/options";

const SUPPORT = join(import.meta.dirname, "support");

class Exited extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit(${code})`);
    this.code = code;
  }
}

/** A parser whose help goes to a string and whose exit throws (Python's SystemExit). */
function quietParser(): { parser: OptionParser; output: () => string } {
  let text = "";
  const parser = new OptionParser({
    output: {
      write: (chunk: string) => {
        text += chunk;
      },
    },
    exit: (code) => {
      throw new Exited(code);
    },
  });
  return { parser, output: () => text };
}

test("OptionsTest.test_parse_command_line", () => {
  const parser = new OptionParser();
  parser.define("port", { default: 80 });
  parser.parseCommandLine(["--port=443"]);
  assert.equal(parser.options["port"], 443);
});

test("OptionsTest.test_parse_config_file", async () => {
  const parser = new OptionParser();
  parser.define("port", { default: 80 });
  parser.define("username", { default: "foo" });
  parser.define("my_path");
  const configPath = join(SUPPORT, "suite-a-options-config.mts");
  await parser.parseConfigFileAsync(configPath);
  assert.equal(parser.options["port"], 443);
  assert.equal(parser.options["username"], "\u674e\u5eb7");
  assert.equal(parser.options["my_path"], configPath);
});

test("OptionsTest.test_parse_callbacks", () => {
  const parser = new OptionParser();
  let called = false;
  parser.addParseCallback(() => {
    called = true;
  });
  parser.parseCommandLine([], { final: false });
  assert.equal(called, false);
  parser.parseCommandLine([]);
  assert.equal(called, true);
  called = false;
  parser.parseCommandLine([]);
  assert.equal(called, true);
});

test("OptionsTest.test_help", () => {
  const { parser, output } = quietParser();
  assert.throws(() => parser.parseCommandLine(["--help"]), Exited);
  assert.ok(output().includes("Usage:"));
});

test("OptionsTest.test_subcommand", () => {
  const base = new OptionParser();
  base.define("verbose", { default: false });
  const { parser: sub } = quietParser();
  sub.define("foo", { type: String });
  const rest = base.parseCommandLine(["--verbose", "subcommand", "--foo=bar"]);
  assert.deepEqual(rest, ["subcommand", "--foo=bar"]);
  assert.equal(base.options["verbose"], true);
  // Tornado's parser skips argv[0] (the subcommand here); tornado-ts's argv has no program name.
  const rest2 = sub.parseCommandLine(rest.slice(1));
  assert.deepEqual(rest2, []);
  assert.equal(sub.options["foo"], "bar");
  // The two option sets are distinct.
  assert.throws(() => sub.parseCommandLine(["--verbose"]), OptionError);
});

test("OptionsTest.test_setattr", () => {
  const parser = new OptionParser();
  parser.define("foo", { default: 1, type: "int" });
  parser.options["foo"] = 2;
  assert.equal(parser.options["foo"], 2);
});

test("OptionsTest.test_setattr_type_check", () => {
  const parser = new OptionParser();
  parser.define("foo", { default: 1, type: "int" });
  assert.throws(() => {
    parser.options["foo"] = "2";
  }, OptionError);
});

test("OptionsTest.test_setattr_with_callback", () => {
  const values: unknown[] = [];
  const parser = new OptionParser();
  parser.define("foo", { default: 1, type: "int", callback: (value) => values.push(value) });
  parser.options["foo"] = 2;
  assert.deepEqual(values, [2]);
});

function sampleOptions(): OptionParser {
  const parser = new OptionParser();
  parser.define("a", { default: 1 });
  parser.define("b", { default: 2 });
  return parser;
}

test("OptionsTest.test_iter", () => {
  assert.deepEqual(new Set(sampleOptions().options), new Set(["a", "b", "help"]));
});

test("OptionsTest.test_getitem", () => {
  assert.equal(sampleOptions().options["a"], 1);
});

test("OptionsTest.test_setitem", () => {
  const parser = new OptionParser();
  parser.define("foo", { default: 1, type: "int" });
  parser.options["foo"] = 2;
  assert.equal(parser.options["foo"], 2);
});

test("OptionsTest.test_items", () => {
  const options = sampleOptions().options;
  const actual = options.items().sort(([a], [b]) => (a < b ? -1 : 1));
  assert.deepEqual(actual, [
    ["a", 1],
    ["b", 2],
    ["help", options["help"]],
  ]);
});

test("OptionsTest.test_as_dict", () => {
  const options = sampleOptions().options;
  assert.deepEqual(options.asDict(), { a: 1, b: 2, help: options["help"] });
});

test("OptionsTest.test_group_dict", () => {
  const parser = new OptionParser();
  parser.define("a", { default: 1 });
  parser.define("b", { group: "b_group", default: 2 });
  // The default group is the file that called define(): this one.
  assert.deepEqual(parser.options.groups(), new Set(["b_group", "", import.meta.filename]));
  assert.deepEqual(parser.options.groupDict("b_group"), { b: 2 });
  assert.deepEqual(parser.options.groupDict("nonexistent"), {});
});

function defineTypedOptions(): OptionParser {
  const parser = new OptionParser();
  parser.define("str", { type: String });
  parser.define("basestring", { type: String });
  parser.define("int", { type: "int" });
  parser.define("float", { type: "float" });
  parser.define("datetime", { type: Date });
  parser.define("timedelta", { type: "timedelta" });
  parser.define("list-of-int", { type: "int", multiple: true });
  return parser;
}

function checkTypedValues(parser: OptionParser): void {
  const options = parser.options;
  assert.equal(options["str"], "asdf");
  assert.equal(options["basestring"], "qwer");
  assert.equal(options["int"], 42);
  assert.equal(options["float"], 1.5);
  assert.deepEqual(options["datetime"], new Date(2013, 3, 28, 5, 16));
  // A timedelta is a number of seconds.
  assert.equal(options["timedelta"], 45);
  assert.deepEqual(options["list_of_int"], [1, 2, 3]);
}

test("OptionsTest.test_types", () => {
  const parser = defineTypedOptions();
  parser.parseCommandLine([
    "--str=asdf",
    "--basestring=qwer",
    "--int=42",
    "--float=1.5",
    "--datetime=2013-04-28 05:16",
    "--timedelta=45s",
    "--list-of-int=1,2,3",
  ]);
  checkTypedValues(parser);
});

test("OptionsTest.test_types_with_conf_file", async () => {
  for (const name of ["suite-a-options-types.mts", "suite-a-options-types-str.toml"]) {
    const parser = defineTypedOptions();
    await parser.parseConfigFileAsync(join(SUPPORT, name));
    checkTypedValues(parser);
  }
});

test("OptionsTest.test_multiple_string", () => {
  const parser = new OptionParser();
  parser.define("foo", { type: String, multiple: true });
  parser.parseCommandLine(["--foo=a,b,c"]);
  assert.deepEqual(parser.options["foo"], ["a", "b", "c"]);
});

test("OptionsTest.test_multiple_int", () => {
  const parser = new OptionParser();
  parser.define("foo", { type: "int", multiple: true });
  parser.parseCommandLine(["--foo=1,3,5:7"]);
  assert.deepEqual(parser.options["foo"], [1, 3, 5, 6, 7]);
});

test("OptionsTest.test_error_redefine", () => {
  const parser = new OptionParser();
  parser.define("foo");
  assert.throws(() => parser.define("foo"), /Option.*foo.*already defined/);
});

test("OptionsTest.test_error_redefine_underscore", () => {
  for (const [a, b] of [
    ["foo-bar", "foo-bar"],
    ["foo_bar", "foo_bar"],
    ["foo-bar", "foo_bar"],
    ["foo_bar", "foo-bar"],
  ] as const) {
    const parser = new OptionParser();
    parser.define(a);
    assert.throws(
      () => parser.define(b),
      (error: unknown) =>
        error instanceof OptionError && /Option.*foo.bar.*already defined/.test(error.message),
      `${a} then ${b}`,
    );
  }
});

test("OptionsTest.test_dash_underscore_cli", () => {
  for (const definedName of ["foo-bar", "foo_bar"]) {
    for (const flag of ["--foo-bar=a", "--foo_bar=a"]) {
      const parser = new OptionParser();
      parser.define(definedName);
      parser.parseCommandLine([flag]);
      assert.equal(parser.options["foo_bar"], "a");
      assert.equal(parser.options["foo-bar"], "a");
    }
  }
});

test("OptionsTest.test_dash_underscore_file", () => {
  for (const definedName of ["foo-bar", "foo_bar"]) {
    const parser = new OptionParser();
    parser.define(definedName);
    parser.parseConfigFile(join(SUPPORT, "suite-a-options.toml"));
    assert.equal(parser.options["foo_bar"], "a");
  }
});

test("OptionsTest.test_dash_underscore_introspection", () => {
  const parser = new OptionParser();
  parser.define("with-dash", { group: "g" });
  parser.define("with_underscore", { group: "g" });
  const all = ["help", "with-dash", "with_underscore"];
  assert.deepEqual([...parser.options].sort(), all);
  assert.deepEqual(
    parser.options
      .items()
      .map(([name]) => name)
      .sort(),
    all,
  );
  assert.deepEqual(Object.keys(parser.options.asDict()).sort(), all);
  assert.deepEqual(Object.keys(parser.options.groupDict("g")).sort(), [
    "with-dash",
    "with_underscore",
  ]);
  let help = "";
  parser.printHelp({
    write: (chunk: string) => {
      help += chunk;
    },
  });
  assert.ok(help.includes("--with-dash"));
  assert.ok(help.includes("--with-underscore"));
});
