import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OptionParser, parseDateTime, parseTimedelta } from "tornado-ts/options";
import { runPython } from "../support/python-tornado.ts";

function parse<T>(spec: Parameters<OptionParser["define"]>[1], text: string): T {
  const parser = new OptionParser();
  const option = parser.define("x", spec);
  parser.parseCommandLine([`--x=${text}`]);
  return option.value as T;
}

describe("option values from text", () => {
  it("reads integers and numbers, naming the option and the text when they do not convert", () => {
    assert.equal(parse({ type: "int" }, "42"), 42);
    assert.equal(parse({ type: "int" }, "-7"), -7);
    assert.equal(parse({ type: "int" }, "1_000"), 1000);
    assert.equal(parse({ type: "float" }, "1.5e3"), 1500);
    assert.equal(parse({ type: Number }, "0.25"), 0.25);
    assert.throws(
      () => parse({ type: "int" }, "abc"),
      /^OptionError: Option 'x' requires an integer, got 'abc'$/,
    );
    assert.throws(() => parse({ type: "int" }, "1.5"), /Option 'x' requires an integer, got '1.5'/);
    assert.throws(() => parse({ type: Number }, "ten"), /Option 'x' requires a number, got 'ten'/);
    assert.throws(() => parse({ type: Number }, ""), /Option 'x' requires a number, got ''/);
  });

  it("reads numbers as Python's float() does, not as JavaScript's Number()", () => {
    assert.equal(parse({ type: "float" }, "1_000.5"), 1000.5);
    assert.equal(parse({ type: Number }, "-inf"), Number.NEGATIVE_INFINITY);
    assert.equal(parse({ type: Number }, " 2.5 "), 2.5);
    assert.throws(
      () => parse({ type: Number }, "0x10"),
      /Option 'x' requires a number, got '0x10'/,
    );
    assert.throws(() => parse({ type: "int" }, "0x10"), /requires an integer, got '0x10'/);
  });

  it("reads booleans as Tornado: only false, 0 and f are false", () => {
    for (const text of ["false", "FALSE", "0", "f", "F"])
      assert.equal(parse({ type: Boolean }, text), false);
    for (const text of ["true", "1", "no", "off", "", "yes"])
      assert.equal(parse({ type: Boolean }, text), true);
  });

  it("splits multiple values on commas, keeping empty strings", () => {
    assert.deepEqual(parse({ multiple: true }, "a,b,,c"), ["a", "b", "", "c"]);
    assert.deepEqual(parse({ multiple: true }, "good,nice,handsome,cool"), [
      "good",
      "nice",
      "handsome",
      "cool",
    ]);
  });

  it("expands inclusive integer ranges", () => {
    assert.deepEqual(parse({ type: "int", multiple: true }, "1,2,5:7"), [1, 2, 5, 6, 7]);
    assert.deepEqual(parse({ type: "int", multiple: true }, "3:1"), []);
    assert.deepEqual(parse({ type: "int", multiple: true }, "5:"), [5]);
    assert.deepEqual(parse({ type: Number, multiple: true }, "1:3"), [1, 2, 3]);
    assert.throws(
      () => parse({ type: "int", multiple: true }, ""),
      /Option 'x' requires an integer, got ''/,
    );
    assert.throws(
      () => parse({ type: "int", multiple: true }, "1:x"),
      /Option 'x' requires an integer, got 'x'/,
    );
  });

  it("reads Tornado's date-time formats as local time", () => {
    const local = (...fields: number[]) =>
      new Date(
        fields[0]!,
        fields[1]! - 1,
        fields[2]!,
        fields[3] ?? 0,
        fields[4] ?? 0,
        fields[5] ?? 0,
      );
    assert.deepEqual(parseDateTime("Tue Nov 26 14:30:05 2024"), local(2024, 11, 26, 14, 30, 5));
    assert.deepEqual(parseDateTime("2024-11-26 14:30:05"), local(2024, 11, 26, 14, 30, 5));
    assert.deepEqual(parseDateTime("2024-11-26 14:30"), local(2024, 11, 26, 14, 30));
    assert.deepEqual(parseDateTime("2024-11-26T14:30"), local(2024, 11, 26, 14, 30));
    assert.deepEqual(parseDateTime("20241126 14:30:05"), local(2024, 11, 26, 14, 30, 5));
    assert.deepEqual(parseDateTime("20241126 14:30"), local(2024, 11, 26, 14, 30));
    assert.deepEqual(parseDateTime("2024-11-26"), local(2024, 11, 26));
    assert.deepEqual(parseDateTime("20241126"), local(2024, 11, 26));
    const time = parseDateTime("14:30:05")!;
    assert.deepEqual(
      [
        time.getFullYear(),
        time.getMonth(),
        time.getDate(),
        time.getHours(),
        time.getMinutes(),
        time.getSeconds(),
      ],
      [1900, 0, 1, 14, 30, 5],
    );
    assert.equal(parseDateTime("14:30")!.getMinutes(), 30);
    assert.equal(parseDateTime("2024-02-30"), undefined);
    assert.equal(parseDateTime("bad"), undefined);
    assert.throws(
      () => parse({ type: Date }, "bad"),
      /^OptionError: Option 'x': unrecognized date\/time format 'bad'$/,
    );
  });

  it("reads time spans into seconds, failing where Tornado fails", () => {
    assert.equal(parse({ type: "timedelta" }, "1h 30m"), 5400);
    assert.throws(
      () => parse({ type: "timedelta" }, "1h30m"),
      /Option 'x' requires a time span such as '1h 30m', got '1h30m'/,
    );
  });

  it("agrees with Python Tornado's time span parser", async () => {
    const inputs = [
      "1h 30m",
      "1 h 30 min",
      "45s",
      "-1h",
      "1.5",
      "2 weeks",
      "3 hours",
      "10 ms",
      "1d",
      "  7m  ",
      "1.5 days",
      "1e2s",
      "+2.5 sec",
      "100us",
      "3 minutes 4 seconds",
      "1 w",
      ".5h",
      "",
      "1h30m",
      "1x",
      "1 day 2 hours",
      "1H",
      "abc",
      "1 2",
    ];
    const script = `
import json, tornado.options
o = tornado.options._Option("x", type=__import__("datetime").timedelta)
out = []
for text in json.loads(${JSON.stringify(JSON.stringify(inputs))}):
    try:
        out.append(o._parse_timedelta(text).total_seconds())
    except Exception:
        out.append(None)
print(json.dumps(out))
`;
    const expected = JSON.parse(await runPython(script)) as (number | null)[];
    const actual = inputs.map((text) => parseTimedelta(text) ?? null);
    assert.equal(actual.length, expected.length);
    for (let i = 0; i < inputs.length; i++) {
      const want = expected[i];
      const got = actual[i];
      if (want === null || got === null) assert.equal(got, want, `'${inputs[i]}'`);
      else assert.ok(Math.abs(got! - want!) < 1e-9, `'${inputs[i]}': ${got} != ${want}`);
    }
  });
});
