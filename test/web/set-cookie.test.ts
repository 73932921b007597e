import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TestServer } from "tornado-ts/testing";
import {
  Application,
  CookieError,
  formatSetCookie,
  quoteCookieValue,
  RequestHandler,
} from "tornado-ts/web";
import { rawFetch } from "../support/raw-http.ts";

class CookieHandler extends RequestHandler {
  override get() {
    switch (this.getQueryArgument("case")) {
      case "plain":
        this.setCookie("a", "1");
        break;
      case "attributes":
        this.setCookie("a", "1", {
          domain: "example.com",
          expires: 1700000000,
          path: "/p",
          secure: true,
          httpOnly: true,
          sameSite: "Lax",
          maxAge: 10,
        });
        break;
      case "no-path":
        this.setCookie("a", "1", { path: null });
        break;
      case "order":
        this.setCookie("a", "1");
        this.setCookie("b", "2");
        this.setCookie("a", "3");
        break;
      case "quoting":
        this.setCookie("semicolon", 'x;y"z');
        this.setCookie("comma", "x,y");
        this.setCookie("latin", "café");
        this.setCookie("equals", "a=b");
        break;
      case "clear":
        this.clearCookie("a");
        this.clearCookie("b", { path: "/x", domain: "example.com" });
        break;
      case "clear-all":
        this.clearAllCookies();
        break;
      case "read":
        this.write({ a: this.getCookie("a") ?? null, missing: this.getCookie("missing", "dflt") });
        return;
      case "invalid": {
        const errors: string[] = [];
        for (const [name, value] of [
          ["a;b", "1"],
          ["", "1"],
          ["a", "has space"],
          ["a", "line\r\nbreak"],
          ["a", "€uro"],
        ] as const) {
          try {
            this.setCookie(name, value);
          } catch (error) {
            errors.push(error instanceof CookieError ? error.message : "other error");
          }
        }
        this.write({ errors });
        return;
      }
    }
    this.write("ok");
  }
}

describe("setCookie and friends", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application([["/c", CookieHandler]]));
  });
  after(() => server.close());

  const cookies = async (name: string, headers: [string, string][] = []) =>
    (await rawFetch(server.port, `/c?case=${name}`, { headers })).headers
      .filter(([header]) => header === "Set-Cookie")
      .map(([, value]) => value);

  it("writes Path=/ by default", async () => {
    assert.deepEqual(await cookies("plain"), ["a=1; Path=/"]);
  });

  it("writes attributes in Tornado's order", async () => {
    assert.deepEqual(await cookies("attributes"), [
      "a=1; Domain=example.com; expires=Tue, 14 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=10; Path=/p; SameSite=Lax; Secure",
    ]);
  });

  it("leaves Path out when it is null", async () => {
    assert.deepEqual(await cookies("no-path"), ["a=1"]);
  });

  it("replaces a cookie set twice and moves it to the end", async () => {
    assert.deepEqual(await cookies("order"), ["b=2; Path=/", "a=3; Path=/"]);
  });

  it("quotes values as Python's SimpleCookie does", async () => {
    assert.deepEqual(await cookies("quoting"), [
      'semicolon="x\\073y\\"z"; Path=/',
      'comma="x\\054y"; Path=/',
      'latin="caf\\351"; Path=/',
      'equals="a=b"; Path=/',
    ]);
  });

  it("clears a cookie with an empty value and an expiry in the past", async () => {
    const [a, b] = await cookies("clear");
    assert.match(
      a!,
      /^a=""; expires=[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [\d:]{8} GMT; Path=\/$/,
    );
    assert.match(b!, /^b=""; Domain=example\.com; expires=.* GMT; Path=\/x$/);
    const expires = Date.parse(/expires=([^;]+)/.exec(a!)![1]!);
    assert.ok(expires < Date.now() - 300 * 86400 * 1000);
  });

  it("clears every cookie the request brought, in request order", async () => {
    const lines = await cookies("clear-all", [["Cookie", 'x=1; y=2; z="q"']]);
    assert.deepEqual(
      lines.map((line) => line.split(";")[0]),
      ['x=""', 'y=""', 'z=""'],
    );
  });

  it("reads request cookies, with a default", async () => {
    const response = await server.fetch("/c?case=read", { headers: { Cookie: "a=hello" } });
    assert.deepEqual(response.json(), { a: "hello", missing: "dflt" });
  });

  it("refuses names and values HTTP cannot carry with a CookieError", async () => {
    const response = await server.fetch("/c?case=invalid");
    assert.deepEqual(response.json(), {
      errors: [
        'Invalid cookie name "a;b"',
        'Invalid cookie name ""',
        'Invalid cookie "a": "has space"',
        'Invalid cookie "a": "line\\r\\nbreak"',
        'Invalid cookie "a": characters above U+00FF cannot be carried; encode the value first',
      ],
    });
  });
});

describe("formatSetCookie's value check", () => {
  it("writes every value of up to three characters as SimpleCookie's rules do", () => {
    // Characters of every class: legal as they are, legal only in quotes, escaped in quotes,
    // refused (controls, space, above U+00FF). The fast path for plain values must agree with
    // the rules everywhere.
    const alphabet = [
      "a",
      "Z",
      "0",
      "=",
      "|",
      ":",
      '"',
      ",",
      ";",
      "\\",
      "\x7f",
      "\xe9",
      "~",
      "/",
      "@",
      "[",
      "{",
      "(",
      "<",
      " ",
      "\x01",
      "\u0100",
    ];
    const legal = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/;
    let values = [""];
    let checked = 0;
    for (let length = 1; length <= 3; length++) {
      values = values.flatMap((prefix) => alphabet.map((char) => prefix + char));
      for (const value of values) {
        const refused = /[\x00-\x20]|[^\x00-\xff]/.test(value);
        if (refused) {
          assert.throws(() => formatSetCookie("n", value, { path: null }), CookieError, value);
        } else {
          const expected = legal.test(value) ? value : quoteCookieValue(value);
          assert.equal(formatSetCookie("n", value, { path: null }), `n=${expected}`, value);
        }
        checked++;
      }
    }
    assert.equal(checked, 22 + 22 ** 2 + 22 ** 3);
  });
});
