import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { captureLogs, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

class BrokenHandler extends RequestHandler {
  override get() {
    throw new Error("handler broke");
  }
}

describe("the debug setting", () => {
  it("turns on autoreload and serveTraceback and turns off the template and static hash caches", () => {
    const { settings } = new Application([], { debug: true });
    assert.equal(settings.autoreload, true);
    assert.equal(settings.serveTraceback, true);
    assert.equal(settings.compiledTemplateCache, false);
    assert.equal(settings.staticHashCache, false);
  });

  it("leaves each of them as set explicitly", () => {
    const { settings } = new Application([], {
      debug: true,
      autoreload: false,
      serveTraceback: false,
      compiledTemplateCache: true,
      staticHashCache: true,
    });
    assert.equal(settings.autoreload, false);
    assert.equal(settings.serveTraceback, false);
    assert.equal(settings.compiledTemplateCache, true);
    assert.equal(settings.staticHashCache, true);
  });

  it("is off by default, and each setting can be turned on alone", () => {
    const plain = new Application([]).settings;
    assert.equal(plain.autoreload, undefined);
    assert.equal(plain.serveTraceback, undefined);
    const alone = new Application([], { autoreload: true }).settings;
    assert.equal(alone.autoreload, true);
    assert.equal(alone.serveTraceback, undefined);
  });

  it("sends the error's stack on a 500 page with debug, and Tornado's plain page without", async () => {
    const logs = captureLogs();
    const debug = await TestServer.start(new Application([["/", BrokenHandler]], { debug: true }));
    const quiet = await TestServer.start(new Application([["/", BrokenHandler]]));
    try {
      const traced = await debug.fetch("/");
      assert.equal(traced.code, 500);
      assert.match(traced.text, /^Error: handler broke\n\s+at /);
      const plain = await quiet.fetch("/");
      assert.equal(plain.code, 500);
      assert.equal(
        plain.text,
        "<html><title>500: Internal Server Error</title><body>500: Internal Server Error</body></html>",
      );
      assert.equal(logs.of("tornado.application").length, 2);
    } finally {
      await debug.close();
      await quiet.close();
      logs.stop();
    }
  });

  it("does not turn a test process into an autoreload watcher", async () => {
    const logs = captureLogs();
    const server = await new Application([], { debug: true }).listen(0, "127.0.0.1");
    try {
      assert.equal(server.listening, true);
    } finally {
      await server.stop();
      logs.stop();
    }
  });
});
