import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, MissingArgumentError, RequestHandler } from "tornado-ts/web";

/** Answers with one accessor's result, chosen by `?fn=` (and the argument name by `?name=`). */
class ArgsHandler extends RequestHandler {
  #answer() {
    const fn = this.getQueryArgument("fn");
    const name = this.getQueryArgument("name", "x");
    const strip = this.getQueryArgument("strip", "1") === "1";
    const results: Record<string, () => unknown> = {
      getArgument: () => this.getArgument(name),
      getArgumentDefault: () => this.getArgument(name, "the default", strip),
      getArgumentNull: () => this.getArgument(name, null),
      getArgumentStrip: () => this.getArgument(name, "the default", strip),
      getArguments: () => this.getArguments(name, strip),
      getQueryArgument: () => this.getQueryArgument(name),
      getQueryArgumentDefault: () => this.getQueryArgument(name, null),
      getQueryArguments: () => this.getQueryArguments(name, strip),
      getBodyArgument: () => this.getBodyArgument(name),
      getBodyArgumentDefault: () => this.getBodyArgument(name, "body default"),
      getBodyArguments: () => this.getBodyArguments(name, strip),
    };
    const result = results[fn]!();
    this.write({ result: result === undefined ? "<undefined>" : result });
  }
  override get() {
    this.#answer();
  }
  override post() {
    this.#answer();
  }
  override put() {
    this.#answer();
  }
}

/** getArgument(name) with no default: types say it is a string, a missing one is a 400. */
class RequiredHandler extends RequestHandler {
  override get() {
    const value: string = this.getArgument("required");
    this.write(value.toUpperCase());
  }
}

class CatchMissingHandler extends RequestHandler {
  override get() {
    try {
      this.getArgument("absent");
    } catch (error) {
      assert.ok(error instanceof MissingArgumentError);
      this.write({ name: error.name, argName: error.argName, status: error.statusCode });
    }
  }
}

describe("arguments", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([
        ["/args", ArgsHandler],
        ["/required", RequiredHandler],
        ["/catch", CatchMissingHandler],
      ]),
    );
  });
  after(() => server.close());

  const result = async (query: string, options: Parameters<TestServer["fetch"]>[1] = {}) => {
    const response = await server.fetch(`/args?${query}`, options);
    assert.equal(response.code, 200, response.text);
    return response.json<{ result: unknown }>().result;
  };
  const form = (body: string, method = "POST") => ({
    method,
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });

  it("getArgument returns the last value", async () => {
    assert.equal(await result("fn=getArgument&x=1&x=2"), "2");
  });

  it("getArgument strips whitespace unless strip is false", async () => {
    assert.equal(await result("fn=getArgument&x=%20%20sp%20%20"), "sp");
    assert.equal(await result("fn=getArgumentStrip&strip=0&x=%20%20sp%20%20"), "  sp  ");
  });

  it("getArgument returns the default when the argument is missing", async () => {
    assert.equal(await result("fn=getArgumentDefault"), "the default");
    assert.equal(await result("fn=getArgumentNull"), null);
  });

  it("keeps blank values: ?x and ?x= are empty strings, not missing", async () => {
    assert.equal(await result("fn=getArgumentDefault&x"), "");
    assert.equal(await result("fn=getArgumentDefault&x="), "");
  });

  it("decodes + as a space and percent escapes as UTF-8", async () => {
    assert.equal(await result("fn=getArgument&x=a+b%2Bc%C3%A9"), "a b+cé");
  });

  it("replaces control characters with spaces but keeps TAB, LF, CR and DEL", async () => {
    assert.equal(
      await result("fn=getArgumentStrip&strip=0&x=a%01b%09c%0ad%0de%7f"),
      "a b\tc\nd\re\x7f",
    );
  });

  it("does not split on ;", async () => {
    assert.equal(await result("fn=getArgument&x=1;x=2"), "1;x=2");
  });

  it("answers 400 for an argument that is not valid UTF-8 and logs it", async () => {
    const response = await expectLog(
      [
        String.raw`400 GET /args?fn=getArgument&x=%FF (127.0.0.1): Invalid unicode in x: b'\xff'`,
        "400 GET",
      ],
      () => server.fetch("/args?fn=getArgument&x=%FF"),
    );
    assert.equal(response.code, 400);
  });

  it("shows the bytes in the log as Python's repr() does: quotes and backslashes", async () => {
    await expectLog(
      [
        String.raw`400 GET /args?fn=getArgument&x=%27%FF (127.0.0.1): Invalid unicode in x: b"'\xff"`,
        "400 GET",
      ],
      () => server.fetch("/args?fn=getArgument&x=%27%FF"),
    );
    await expectLog(
      [
        String.raw`400 GET /args?fn=getArgument&x=%5C%FF (127.0.0.1): Invalid unicode in x: b'\\\xff'`,
        "400 GET",
      ],
      () => server.fetch("/args?fn=getArgument&x=%5C%FF"),
    );
    // Tornado shows the first 40 bytes.
    await expectLog([`Invalid unicode in x: b'${"\\xff".repeat(40)}'`, "400 GET"], () =>
      server.fetch(`/args?fn=getArgument&x=${"%FF".repeat(50)}`),
    );
  });

  it("answers 400 with Tornado's page for a missing required argument, naming it in the log", async () => {
    const response = await expectLog(
      ["400 GET /required (127.0.0.1): Missing argument required", /^400 GET \/required/],
      () => server.fetch("/required"),
    );
    assert.equal(response.code, 400);
    assert.equal(
      response.text,
      "<html><title>400: Bad Request</title><body>400: Bad Request</body></html>",
    );
    assert.equal((await server.fetch("/required?required=yes")).text, "YES");
  });

  it("throws a MissingArgumentError that names the argument", async () => {
    assert.deepEqual((await server.fetch("/catch")).json(), {
      name: "MissingArgumentError",
      argName: "absent",
      status: 400,
    });
  });

  it("getArguments returns every value, an empty list when absent", async () => {
    assert.deepEqual(await result("fn=getArguments&x=1&x=%202%20"), ["1", "2"]);
    assert.deepEqual(await result("fn=getArguments&strip=0&x=%202%20"), [" 2 "]);
    assert.deepEqual(await result("fn=getArguments"), []);
  });

  it("merges query and body arguments, query values first", async () => {
    assert.deepEqual(await result("fn=getArguments&x=q1", form("x=b1&x=b2")), ["q1", "b1", "b2"]);
    assert.equal(await result("fn=getArgument&x=q1", form("x=b1&x=b2")), "b2");
    assert.deepEqual(await result("fn=getQueryArguments&x=q1", form("x=b1&x=b2")), ["q1"]);
    assert.deepEqual(await result("fn=getBodyArguments&x=q1", form("x=b1&x=b2")), ["b1", "b2"]);
    assert.equal(await result("fn=getQueryArgument&x=q1", form("x=b1&x=b2")), "q1");
    assert.equal(await result("fn=getBodyArgument&x=q1", form("x=b1&x=b2")), "b2");
  });

  it("keeps query and body sources apart for defaults and missing arguments", async () => {
    assert.equal(await result("fn=getQueryArgumentDefault", form("x=body")), null);
    assert.equal(await result("fn=getBodyArgumentDefault&x=query"), "body default");
    const response = await expectLog(["Missing argument x", "400 POST"], () =>
      server.fetch("/args?fn=getBodyArgument&x=query", form("")),
    );
    assert.equal(response.code, 400);
  });

  it("parses form bodies for PUT too", async () => {
    assert.equal(await result("fn=getBodyArgument", form("x=put", "PUT")), "put");
  });

  it("leaves a body of another content type unparsed", async () => {
    assert.deepEqual(
      await result("fn=getBodyArguments", {
        method: "POST",
        body: "x=1",
        headers: { "Content-Type": "text/plain" },
      }),
      [],
    );
  });

  it("decodes non-ASCII argument names as UTF-8 (unlike Tornado)", async () => {
    assert.equal(await result("fn=getArgument&name=%C3%A9&%C3%A9=yes"), "yes");
  });

  it("reads argument names such as __proto__ as plain names", async () => {
    assert.equal(await result("fn=getArgument&name=__proto__&__proto__=p"), "p");
    assert.equal(await result("fn=getArgumentDefault&name=constructor"), "the default");
  });
});
