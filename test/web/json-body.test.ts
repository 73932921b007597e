import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectLog, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

interface Order {
  item: string;
  qty: number;
}

class JsonHandler extends RequestHandler {
  override post() {
    const order = this.getJsonBody<Order>();
    const again = this.getJsonBody<Order>();
    this.write({
      item: order.item,
      qty: order.qty,
      cached: order === again,
      protoIsObject: Object.getPrototypeOf(order) === Object.prototype,
      ownProto: Object.hasOwn(order, "__proto__"),
      polluted: ({} as Record<string, unknown>)["polluted"] === true,
      nestedProto: Object.hasOwn(
        (order as unknown as { nested: object }).nested ?? {},
        "__proto__",
      ),
    });
  }
}

describe("getJsonBody", () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(new Application([["/order", JsonHandler]]));
  });
  after(() => server.close());

  const post = (body: string | Buffer, type = "application/json") =>
    server.fetch("/order", { method: "POST", body, headers: { "Content-Type": type } });

  it("parses a JSON body once and returns the same object", async () => {
    const response = await post('{"item": "tea", "qty": 2}');
    assert.equal(response.code, 200);
    assert.deepEqual(response.json(), {
      item: "tea",
      qty: 2,
      cached: true,
      protoIsObject: true,
      ownProto: false,
      polluted: false,
      nestedProto: false,
    });
  });

  it("accepts a charset parameter and +json media types", async () => {
    assert.equal((await post('{"item":"a","qty":1}', "application/json; charset=utf-8")).code, 200);
    assert.equal((await post('{"item":"a","qty":1}', "application/problem+json")).code, 200);
  });

  it("drops __proto__ keys, at any depth", async () => {
    const response = await post(
      '{"item": "x", "qty": 1, "__proto__": {"polluted": true}, "nested": {"__proto__": {"polluted": true}}}',
    );
    const result = response.json<Record<string, unknown>>();
    assert.equal(result["ownProto"], false);
    assert.equal(result["nestedProto"], false);
    assert.equal(result["polluted"], false);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });

  it("answers 400 for invalid JSON and logs why", async () => {
    const response = await expectLog(["Invalid JSON body", "400 POST /order"], () =>
      post('{"item": '),
    );
    assert.equal(response.code, 400);
    assert.equal(
      response.text,
      "<html><title>400: Bad Request</title><body>400: Bad Request</body></html>",
    );
  });

  it("answers 400 for an empty body", async () => {
    const response = await expectLog(["Invalid JSON body", "400 POST /order"], () => post(""));
    assert.equal(response.code, 400);
  });

  it("answers 400 for a body that is not UTF-8", async () => {
    const response = await expectLog(["Invalid JSON body: not valid UTF-8", "400 POST"], () =>
      post(Buffer.from([0x7b, 0xff, 0x7d])),
    );
    assert.equal(response.code, 400);
  });

  it("answers 415 when the body is not declared as JSON", async () => {
    const response = await expectLog(
      ['Expected a JSON body, got Content-Type "text/plain"', "415 POST /order"],
      () => post('{"item":"a","qty":1}', "text/plain"),
    );
    assert.equal(response.code, 415);
  });
});
