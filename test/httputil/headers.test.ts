import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HTTPHeaders, normalizeHeaderName } from "tornado-ts/httputil";

describe("HTTPHeaders", () => {
  it("normalizes names to Tornado's Http-Header-Case", () => {
    assert.equal(normalizeHeaderName("etag"), "Etag");
    assert.equal(normalizeHeaderName("x-custom-HEADER"), "X-Custom-Header");
    assert.equal(normalizeHeaderName("WWW-Authenticate"), "Www-Authenticate");
    assert.equal(normalizeHeaderName("sec-websocket-accept"), "Sec-Websocket-Accept");
    assert.equal(normalizeHeaderName("content-md5"), "Content-Md5");
  });

  it("is case-insensitive and multi-valued", () => {
    const headers = new HTTPHeaders();
    headers.add("Set-Cookie", "a");
    headers.add("set-cookie", "b");
    assert.equal(headers.get("SET-COOKIE"), "a,b");
    assert.deepEqual(headers.getList("Set-Cookie"), ["a", "b"]);
    assert.ok(headers.has("set-cookie"));
    assert.equal(headers.size, 1);
  });

  it("keeps a name's position when it is set again, and moves it after delete", () => {
    const headers = new HTTPHeaders([
      ["A", "1"],
      ["B", "2"],
    ]);
    headers.set("a", "3");
    assert.deepEqual(headers.keys(), ["A", "B"]);
    headers.delete("A");
    headers.set("A", "4");
    assert.deepEqual(
      [...headers],
      [
        ["B", "2"],
        ["A", "4"],
      ],
    );
  });

  it("returns a default for a missing name", () => {
    const headers = new HTTPHeaders();
    assert.equal(headers.get("X"), undefined);
    assert.equal(headers.get("X", "fallback"), "fallback");
    assert.deepEqual(headers.getList("X"), []);
    assert.equal(headers.delete("X"), false);
  });

  it("prints as header lines", () => {
    const headers = new HTTPHeaders({ Host: "127.0.0.1:9000", Accept: ["text/html", "*/*"] });
    assert.equal(String(headers), "Host: 127.0.0.1:9000\r\nAccept: text/html\r\nAccept: */*\r\n");
  });

  it("turns into a plain object with joined values", () => {
    const headers = new HTTPHeaders([
      ["x-a", "1"],
      ["X-A", "2"],
    ]);
    assert.deepEqual(headers.toJSON(), { "X-A": "1,2" });
    assert.equal(JSON.stringify(headers), '{"X-A":"1,2"}');
  });

  it("copies independently", () => {
    const original = new HTTPHeaders({ A: "1" });
    const copy = original.copy();
    copy.add("A", "2");
    assert.equal(original.get("A"), "1");
    assert.equal(copy.get("A"), "1,2");
  });

  it("parses a header block with continuation lines", () => {
    const headers = HTTPHeaders.parse("Content-Type: text/plain\r\nX-Long: a\r\n  b\r\nX-Lf: c\n");
    assert.equal(headers.get("content-type"), "text/plain");
    assert.equal(headers.get("X-Long"), "a b");
    assert.equal(headers.get("X-Lf"), "c");
  });

  it("refuses a header block with a line without a colon, or starting with whitespace", () => {
    assert.throws(() => HTTPHeaders.parse("NoColon\r\n"), /no colon in header line/);
    assert.throws(
      () => HTTPHeaders.parse(" Leading: x\r\n"),
      /first header line cannot start with whitespace/,
    );
  });

  it("builds from Node's rawHeaders", () => {
    const headers = HTTPHeaders.fromRaw(["Host", "x", "X-A", "1", "x-a", "2"]);
    assert.equal(headers.toString(), "Host: x\r\nX-A: 1\r\nX-A: 2\r\n");
  });
});
