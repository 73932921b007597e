// src/python.ts against real Python (one process): int(), float(), str.strip() and len() of the
// same strings, so every module that parses or prints as Python does gets Python's answers.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { codePointLength, parsePyFloat, parsePyInt, pyStrip } from "../../src/python.ts";
import { runPython } from "../support/python-tornado.ts";

const INT_INPUTS: [string, number][] = [
  ["42", 10],
  ["  -7\t", 10],
  ["+3", 10],
  ["-0", 10],
  ["1_000", 10],
  ["1__000", 10],
  ["_1", 10],
  ["1_", 10],
  ["", 10],
  [" ", 10],
  ["1.5", 10],
  ["0x1f", 10],
  ["0x1f", 16],
  ["0X_1F", 16],
  ["0x", 16],
  ["ff", 16],
  ["fg", 16],
  ["-ff", 16],
  ["\u00a012\u3000", 10],
  ["\u200b12", 10],
  ["0b101", 2],
  ["102", 2],
  ["0o17", 8],
  ["18", 8],
  ["zz", 36],
  ["123456789012345678901234567890", 10],
];

const FLOAT_INPUTS = [
  "1.5",
  " -2.25e3 ",
  "1_000.5",
  "1__0",
  "1_.5",
  ".5",
  "5.",
  ".",
  ".e5",
  "e5",
  "1e",
  "1e+_5",
  "1e1_0",
  "inf",
  "-Infinity",
  "+iNf",
  "nan",
  "-NaN",
  "infinit",
  "0x10",
  "",
  "\t\n",
  "1,5",
  "\u20071",
  "1e400",
];

const STRIP_INPUTS = [
  "  a b  ",
  "\u00a0\u3000x\u2028",
  "\u200bx\u200b",
  "\x1cx\x1f",
  "\ufeffx",
  "",
];

const LENGTH_INPUTS = ["", "abc", "é", "𝒳𝒴", "a\ud800b", "\udc00"];

interface Reference {
  int: (number | string | null)[];
  float: (number | string | null)[];
  strip: string[];
  length: number[];
}

// JSON has no inf, nan or 2^53-and-beyond integers: Python sends those as strings.
function fromPython(value: number | string | null): number | undefined {
  if (value === null) return undefined;
  return typeof value === "string" ? Number(value) : value;
}

describe("Python behaviour, compared with Python itself", () => {
  let reference: Reference;

  before(async () => {
    const script = `
import json
ints, floats, strips, lengths = json.loads(${JSON.stringify(
      JSON.stringify([INT_INPUTS, FLOAT_INPUTS, STRIP_INPUTS, LENGTH_INPUTS]),
    )})
def attempt(fn):
    try:
        return fn()
    except ValueError:
        return None
def int_out(text, base):
    value = attempt(lambda: int(text, base))
    return None if value is None else (value if abs(value) < 2**53 else str(float(value)))
def float_out(text):
    value = attempt(lambda: float(text))
    return None if value is None else (value if value == value and abs(value) != float("inf") else str(value).replace("inf", "Infinity").replace("nan", "NaN"))
print(json.dumps({
    "int": [int_out(t, b) for t, b in ints],
    "float": [float_out(t) for t in floats],
    "strip": [t.strip() for t in strips],
    "length": [len(t) for t in lengths],
}))
`;
    reference = JSON.parse(await runPython(script)) as Reference;
  });

  it("parses integers as int(text, base) does, undefined where it raises", () => {
    INT_INPUTS.forEach(([text, base], i) => {
      assert.equal(
        parsePyInt(text, base),
        fromPython(reference.int[i]!),
        `int(${JSON.stringify(text)}, ${base})`,
      );
    });
  });

  it("parses floats as float(text) does, undefined where it raises", () => {
    FLOAT_INPUTS.forEach((text, i) => {
      assert.equal(
        parsePyFloat(text),
        fromPython(reference.float[i]!),
        `float(${JSON.stringify(text)})`,
      );
    });
  });

  it("strips Python's whitespace, and only that", () => {
    assert.deepEqual(STRIP_INPUTS.map(pyStrip), reference.strip);
  });

  it("counts code points as len() does", () => {
    assert.deepEqual(LENGTH_INPUTS.map(codePointLength), reference.length);
  });

  it("refuses a base int() refuses", () => {
    assert.throws(() => parsePyInt("1", 1), RangeError);
    assert.throws(() => parsePyInt("1", 37), RangeError);
  });
});
