import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OptionError, OptionParser } from "tornado-ts/options";

function quietParser(): { parser: OptionParser; printed: string[]; exits: number[] } {
  const printed: string[] = [];
  const exits: number[] = [];
  const parser = new OptionParser({
    output: { write: (text: string) => printed.push(text) },
    exit: (code) => exits.push(code),
    program: "app.ts",
  });
  return { parser, printed, exits };
}

describe("OptionParser.parseCommandLine", () => {
  it("reads --name=value, treating - and _ alike, and any number of leading dashes", () => {
    const { parser } = quietParser();
    const port = parser.define("port", { default: 0 });
    const name = parser.define("user_name", { default: "" });
    parser.parseCommandLine(["--port=1", "--user-name=a"]);
    assert.deepEqual([port.value, name.value], [1, "a"]);
    parser.parseCommandLine(["-port=2", "---user_name=b=c"]);
    assert.deepEqual([port.value, name.value], [2, "b=c"]);
  });

  it("returns the arguments from the first one without a dash, or after --", () => {
    const { parser } = quietParser();
    const port = parser.define("port", { default: 0 });
    assert.deepEqual(parser.parseCommandLine(["a", "--port=1"]), ["a", "--port=1"]);
    assert.equal(port.value, 0);
    assert.deepEqual(parser.parseCommandLine(["--port=1", "a", "--port=2"]), ["a", "--port=2"]);
    assert.equal(port.value, 1);
    assert.deepEqual(parser.parseCommandLine(["--port=3", "--", "--port=4", "b"]), [
      "--port=4",
      "b",
    ]);
    assert.equal(port.value, 3);
    assert.deepEqual(parser.parseCommandLine([]), []);
  });

  it("sets a boolean from a bare flag, and wants a value for other types", () => {
    const { parser } = quietParser();
    const debug = parser.define("debug", { default: false });
    parser.define("port", { default: 0 });
    parser.parseCommandLine(["--debug"]);
    assert.equal(debug.value, true);
    parser.parseCommandLine(["--debug=false"]);
    assert.equal(debug.value, false);
    assert.throws(
      () => parser.parseCommandLine(["--port"]),
      /^OptionError: Option 'port' requires a value$/,
    );
    // A value after a space is not taken, as in Tornado.
    assert.throws(
      () => parser.parseCommandLine(["--port", "80"]),
      /Option 'port' requires a value/,
    );
  });

  it("refuses an unknown option after printing the help; names are case-sensitive", () => {
    const { parser, printed } = quietParser();
    parser.define("port", { default: 0 });
    assert.throws(
      () => parser.parseCommandLine(["--PORT=1"]),
      (error: unknown) =>
        error instanceof OptionError &&
        error.message === "Unrecognized command line option: 'PORT'",
    );
    assert.match(printed.join(""), /^Usage: app\.ts \[OPTIONS\]/);
    assert.throws(() => parser.parseCommandLine(["-"]), /Unrecognized command line option: ''/);
  });

  it("prints the help and exits 0 on --help", () => {
    const { parser, printed, exits } = quietParser();
    parser.parseCommandLine(["--help"]);
    assert.deepEqual(exits, [0]);
    assert.match(printed.join(""), /--help {27}show this help information/);
  });

  it("runs the parse callbacks after parsing, unless final is false", () => {
    const { parser } = quietParser();
    const port = parser.define("port", { default: 0 });
    const seen: number[] = [];
    parser.addParseCallback(() => seen.push(port.value));
    parser.parseCommandLine(["--port=5"]);
    parser.parseCommandLine(["--port=6"], { final: false });
    assert.deepEqual(seen, [5]);
  });

  it("stops at the first bad value; earlier options keep their new values", () => {
    const { parser } = quietParser();
    const a = parser.define("a", { default: 0 });
    const b = parser.define("b", { default: 0 });
    const c = parser.define("c", { default: 0 });
    assert.throws(
      () => parser.parseCommandLine(["--a=1", "--b=x", "--c=3"]),
      /Option 'b' requires a number, got 'x'/,
    );
    assert.deepEqual([a.value, b.value, c.value], [1, 0, 0]);
  });
});
