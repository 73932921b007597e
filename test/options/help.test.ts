import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OptionParser } from "tornado-ts/options";
import { runPython } from "../support/python-tornado.ts";

describe("OptionParser.printHelp", () => {
  it("lays the help out exactly as Python Tornado does", async () => {
    const definitions = `
p.define("port", default=8000, type=int, help="this is a port")
p.define("list", default=[], type=str, multiple=True)
p.define("name", metavar="NAME", help="who to greet")
p.define("verbose-logging-of-everything-in-the-world", default=1, help="a long option name to test the wrapping behavior of the help output which wraps at 44 columns")
p.define("db_host", default="localhost", group="db", help="database host name")
p.define("empty", default="")
p.define("averyveryveryverylongwordwithoutanyspacesinitatall", help="x" * 50 + " tail")
`;
    const python = await runPython(`
import io, sys, tornado.options
sys.argv = ["app.py"]
p = tornado.options.OptionParser()
${definitions}
out = io.StringIO()
p.print_help(out)
print(out.getvalue(), end="")
`);
    const parser = new OptionParser({ program: "app.py" });
    parser.define("port", { default: 8000, type: "int", help: "this is a port" });
    parser.define("list", { default: [], type: String, multiple: true });
    parser.define("name", { metavar: "NAME", help: "who to greet" });
    parser.define("verbose-logging-of-everything-in-the-world", {
      default: 1,
      help: "a long option name to test the wrapping behavior of the help output which wraps at 44 columns",
    });
    parser.define("db_host", { default: "localhost", group: "db", help: "database host name" });
    parser.define("empty", { default: "" });
    parser.define("averyveryveryverylongwordwithoutanyspacesinitatall", {
      help: `${"x".repeat(50)} tail`,
    });
    let ours = "";
    parser.printHelp({ write: (text: string) => (ours += text) });
    // The groups named after the defining file differ only in that file's path.
    const pythonFile = /\n(\S+) options:\n/.exec(python.replace("\ndb options:\n", ""))![1]!;
    assert.equal(
      ours.replaceAll(import.meta.filename, "<file>"),
      python.replaceAll(pythonFile, "<file>"),
    );
  });
});
