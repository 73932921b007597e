// examples/examples-index.ts: one application serving every example, with an index page.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, TestServer } from "tornado-ts/testing";
import { EXAMPLES, examplesApp, portFromArgs } from "../../examples/examples-index.ts";
import { setPrinter } from "../../examples/request-response/handlers.ts";

describe("examples/examples-index.ts", () => {
  let server: TestServer;
  before(async () => {
    setPrinter(() => {});
    server = await TestServer.start(examplesApp());
  });
  after(() => server.close());

  it("links every example from the index page", async () => {
    const page = (await server.fetch("/")).text;
    for (const [, links] of EXAMPLES) {
      for (const [href] of links)
        assert.ok(page.includes(`href="${href.replaceAll("&", "&amp;")}"`), href);
    }
  });

  it("serves every linked example (no 404, no 405)", async () => {
    const logs = captureLogs();
    try {
      for (const [, links] of EXAMPLES) {
        for (const [href] of links) {
          const response = await server.fetch(href);
          assert.ok(response.code !== 404 && response.code !== 405, `${href}: ${response.code}`);
        }
      }
    } finally {
      logs.stop();
    }
  });

  it("serves the first example at /first", async () => {
    assert.equal((await server.fetch("/first")).text, "sunck is a good man ");
  });

  it("takes the port from --port=N, then PORT, then 8000", () => {
    assert.equal(portFromArgs(["--port=9001"], { PORT: "9002" }), 9001);
    assert.equal(portFromArgs([], { PORT: "9002" }), 9002);
    assert.equal(portFromArgs([], {}), 8000);
  });
});
