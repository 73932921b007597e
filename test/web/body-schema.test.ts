import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler, type StandardSchemaV1 } from "tornado-ts/web";
import * as v from "valibot";
import { z } from "zod";

// The same order, as zod and as valibot describe it.
const zodOrder = z.object({
  item: z.string().min(1),
  qty: z.number().int().positive(),
  address: z.object({ city: z.string(), lines: z.array(z.string()) }),
});
const valibotOrder = v.object({
  item: v.pipe(v.string(), v.minLength(1)),
  qty: v.pipe(v.number(), v.integer(), v.minValue(1)),
  address: v.object({ city: v.string(), lines: v.array(v.string()) }),
});
// An asynchronous check: the name is looked up (here, after a tick) before it is accepted.
const zodAsync = z.object({
  name: z.string().refine(async (name) => {
    await new Promise((resolve) => setImmediate(resolve));
    return name !== "taken";
  }, "name is taken"),
});
const valibotAsync = v.objectAsync({
  name: v.pipeAsync(
    v.string(),
    v.checkAsync(async (name) => {
      await new Promise((resolve) => setImmediate(resolve));
      return name !== "taken";
    }, "name is taken"),
  ),
});
// A field sent once is a string, several times an array: a list field accepts both.
const zodForm = z.object({
  name: z.string().min(1),
  age: z.coerce.number().int(),
  tags: z.union([z.array(z.string()), z.string().transform((tag) => [tag])]),
});
const valibotForm = v.object({
  name: v.pipe(v.string(), v.minLength(1)),
  age: v.pipe(v.string(), v.toNumber(), v.integer()),
  tags: v.union([
    v.array(v.string()),
    v.pipe(
      v.string(),
      v.transform((tag) => [tag]),
    ),
  ]),
});

/** A validator written by hand against the interface alone: path segments as objects and symbols. */
const handWritten: StandardSchemaV1<unknown, { ok: true }> = {
  "~standard": {
    version: 1,
    vendor: "tornado-ts-test",
    validate: (value) =>
      (value as { ok?: unknown } | null)?.ok === true
        ? { value: { ok: true } }
        : {
            issues: [
              { message: "ok must be true", path: [{ key: "ok" }] },
              { message: "symbol key", path: [Symbol("secret"), 0] },
            ],
          },
  },
};

/** Validates the JSON body; says whether the result came back without a promise. */
function jsonHandler(schema: StandardSchemaV1) {
  return class extends RequestHandler {
    override async post() {
      const result = this.getJsonBody(schema);
      const sync = !(result instanceof Promise);
      this.write({ sync, value: (await result) as Record<string, unknown> });
    }
  };
}

function formHandler(schema: StandardSchemaV1) {
  return class extends RequestHandler {
    override async post() {
      this.write({ value: (await this.getFormBody(schema)) as Record<string, unknown> });
    }
  };
}

const goodOrder = { item: "tea", qty: 2, address: { city: "Hangzhou", lines: ["West Lake 1"] } };
const badOrder = { item: "", qty: 1.5, address: { city: "Hangzhou", lines: ["ok", 7] } };

describe("getJsonBody(schema) and getFormBody(schema) with Standard Schema validators", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(
      new Application([
        ["/zod", jsonHandler(zodOrder)],
        ["/valibot", jsonHandler(valibotOrder)],
        ["/zod-async", jsonHandler(zodAsync)],
        ["/valibot-async", jsonHandler(valibotAsync)],
        ["/hand", jsonHandler(handWritten)],
        ["/zod-form", formHandler(zodForm)],
        ["/valibot-form", formHandler(valibotForm)],
      ]),
    );
  });
  after(() => server.close());

  const post = (path: string, body: string, type = "application/json") =>
    server.fetch(path, { method: "POST", body, headers: { "Content-Type": type } });

  for (const library of ["zod", "valibot"]) {
    describe(library, () => {
      it("returns the validated body, synchronously for a synchronous schema", async () => {
        const response = await post(`/${library}`, JSON.stringify(goodOrder));
        assert.equal(response.code, 200);
        assert.deepEqual(response.json(), { sync: true, value: goodOrder });
      });

      it("answers 400 listing each failing field with its path, nested ones included", async () => {
        const response = await expectLog(`400 POST /${library}`, () =>
          post(`/${library}`, JSON.stringify(badOrder)),
        );
        assert.equal(response.code, 400);
        assert.match(response.headers.get("Content-Type") ?? "", /^application\/json/);
        const { errors } = response.json<{ errors: { path: unknown[]; message: string }[] }>();
        assert.deepEqual(
          errors.map((error) => error.path),
          [["item"], ["qty"], ["address", "lines", 1]],
        );
        for (const error of errors) assert.ok(error.message.length > 0, JSON.stringify(error));
      });

      it("answers 400 with a root-level error for a body that is not JSON", async () => {
        const response = await expectLog(`400 POST /${library}`, () =>
          post(`/${library}`, '{"item": '),
        );
        assert.equal(response.code, 400);
        assert.deepEqual(response.json(), {
          errors: [{ path: [], message: "The body is not valid JSON" }],
        });
      });

      it("answers 415 for another content type", async () => {
        const response = await expectLog(`415 POST /${library}`, () =>
          post(`/${library}`, JSON.stringify(goodOrder), "text/plain"),
        );
        assert.equal(response.code, 415);
        assert.deepEqual(response.json(), {
          errors: [{ path: [], message: "Expected a JSON body (Content-Type: application/json)" }],
        });
      });

      it("awaits an asynchronous validator: a promise of the value, or 400", async () => {
        const ok = await post(`/${library}-async`, '{"name": "free"}');
        assert.deepEqual(ok.json(), { sync: false, value: { name: "free" } });
        const refused = await expectLog(`400 POST /${library}-async`, () =>
          post(`/${library}-async`, '{"name": "taken"}'),
        );
        assert.deepEqual(refused.json(), {
          errors: [{ path: ["name"], message: "name is taken" }],
        });
      });

      it("validates a form body: repeated fields as arrays, values stripped", async () => {
        const response = await post(
          `/${library}-form`,
          "name=+ann+&age=41&tags=a&tags=b",
          "application/x-www-form-urlencoded",
        );
        assert.equal(response.code, 200);
        assert.deepEqual(response.json(), { value: { name: "ann", age: 41, tags: ["a", "b"] } });
        const refused = await expectLog(`400 POST /${library}-form`, () =>
          post(`/${library}-form`, "age=old&tags=a", "application/x-www-form-urlencoded"),
        );
        assert.equal(refused.code, 400);
        const { errors } = refused.json<{ errors: { path: unknown[] }[] }>();
        assert.deepEqual(errors.map((error) => error.path).sort(), [["age"], ["name"]]);
      });
    });
  }

  it("accepts any validator with a `~standard` property; path segments become JSON keys", async () => {
    assert.deepEqual((await post("/hand", '{"ok": true}')).json(), {
      sync: true,
      value: { ok: true },
    });
    const refused = await expectLog("400 POST /hand", () => post("/hand", '{"ok": 1}'));
    assert.deepEqual(refused.json(), {
      errors: [
        { path: ["ok"], message: "ok must be true" },
        { path: ["secret", 0], message: "symbol key" },
      ],
    });
  });

  it("reads a form field named __proto__ as absent", async () => {
    const response = await expectLog("400 POST /zod-form", () =>
      post("/zod-form", "__proto__=x&age=1&tags=a", "application/x-www-form-urlencoded"),
    );
    const { errors } = response.json<{ errors: { path: unknown[] }[] }>();
    assert.deepEqual(
      errors.map((error) => error.path),
      [["name"]],
    );
    assert.equal(({} as Record<string, unknown>)["x"], undefined);
  });
});
