import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatMessage, MessageFormatError } from "tornado-ts/locale";
import { runPython } from "../support/python-tornado.ts";

const CASES: [string, Record<string, string | number | boolean>][] = [
  ["%(name)s liked this", { name: "Ana" }],
  ["%(n)d items, 100%%", { n: 3.9 }],
  ["%(n)i|%(n)5d|%(n)-5d|%(n)05d|%(n)+d|%(n) d", { n: -42 }],
  ["%(n)+d|%(n) d|%(n)05d", { n: 42 }],
  ["%(x)f|%(x).2f|%(x)8.3f|%(x)-8.1f|%(x)08.2f", { x: 12.34567 }],
  ["%(x).2f", { x: -0.001 }],
  ["%(s).3s|%(s)6s|%(s)-6s|", { s: "abcdef" }],
  ["%(t)d %(f)d", { t: true, f: false }],
  ["no placeholders", {}],
];

describe("formatMessage (Python's % with a dict)", () => {
  it("gives what Python gives", async () => {
    const expected = JSON.parse(
      await runPython(
        `import json, sys\nout = [t % v for t, v in json.loads(${JSON.stringify(JSON.stringify(CASES))})]\njson.dump(out, sys.stdout)`,
      ),
    ) as string[];
    assert.deepEqual(
      CASES.map(([template, values]) => formatMessage(template, values)),
      expected,
    );
  });

  it("names the problem for a missing value, an unnamed or unsupported placeholder", () => {
    assert.throws(() => formatMessage("%(who)s", {}), {
      name: "MessageFormatError",
      message: 'No value for placeholder %(who) in message "%(who)s"',
    });
    assert.throws(() => formatMessage("%s", { s: 1 }), MessageFormatError);
    assert.throws(() => formatMessage("%(a)r", { a: 1 }), /Unsupported conversion %\(a\)r/);
    assert.throws(() => formatMessage("%(a)d", { a: "x" }), /needs a number/);
    assert.throws(() => formatMessage("50%", {}), /Incomplete placeholder/);
    assert.throws(() => formatMessage("%(x)#x", { x: 1 }), /Incomplete placeholder/);
  });
});
