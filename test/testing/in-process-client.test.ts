import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, InProcessClient, TestServer } from "tornado-ts/testing";
import { Application, RequestHandler } from "tornado-ts/web";

class FormHandler extends RequestHandler {
  override get() {
    this.setCookie("seen", "yes");
    this.write(
      `hello ${this.getArgument("name", "world")} from ${this.request.remoteIp} via ${this.request.host}`,
    );
  }
  override post() {
    this.write({ name: this.getBodyArgument("name"), size: this.request.body.length });
  }
}

class CookieHandler extends RequestHandler {
  override get() {
    this.write(this.getCookie("seen", "none"));
  }
}

class RedirectingHandler extends RequestHandler {
  override get() {
    this.redirect("/form?name=redirected");
  }
}

class HangingHandler extends RequestHandler {
  static closed = 0;
  override async get() {
    this.detach();
  }
  override onConnectionClose() {
    HangingHandler.closed++;
  }
}

const app = (): Application =>
  new Application([
    ["/form", FormHandler],
    ["/cookie", CookieHandler],
    ["/redirect", RedirectingHandler],
    ["/hang", HangingHandler],
  ]);

describe("InProcessClient", () => {
  let client: InProcessClient;
  before(() => {
    client = new InProcessClient(app());
  });
  after(() => client.close());

  it("serves requests without a listening socket", async () => {
    const response = await client.fetch("/form?name=ana");
    assert.equal(response.code, 200);
    assert.equal(response.text, "hello ana from 127.0.0.1 via 127.0.0.1");
    assert.equal(client.server.listening, false);
    assert.equal(client.server.port, undefined);
  });

  it("gives the same status, headers and body as a real socket", async () => {
    const server = await TestServer.start(app());
    try {
      const headers = { Cookie: "seen=1" };
      const viaSocket = await server.fetch("/cookie", { headers });
      const inProcess = await client.fetch("/cookie", { headers });
      const withoutDate = (response: typeof viaSocket) =>
        response.rawHeaders.filter(([name]) => name !== "Date");
      assert.equal(inProcess.code, viaSocket.code);
      assert.deepEqual(withoutDate(inProcess), withoutDate(viaSocket));
      assert.equal(inProcess.text, "1");
      assert.equal(inProcess.text, viaSocket.text);
    } finally {
      await server.close();
    }
  });

  it("sends bodies, headers and cookies, and follows redirects on request", async () => {
    const big = "x".repeat(2 * 1024 * 1024);
    const posted = await client.fetch("/form", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `name=b%C3%A9a&pad=${big}`,
    });
    assert.deepEqual(posted.json(), { name: "béa", size: big.length + 18 });
    assert.equal((await client.fetch("/cookie", { headers: { Cookie: "seen=yes" } })).text, "yes");
    const redirect = await client.fetch("/redirect");
    assert.equal(redirect.code, 302);
    const followed = await client.fetch("/redirect", { followRedirects: true });
    assert.equal(followed.text, "hello redirected from 127.0.0.1 via 127.0.0.1");
    assert.equal(followed.effectiveUrl, "http://127.0.0.1/form?name=redirected");
  });

  it("serves many requests at once", async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.fetch(`/form?name=${i}`)),
    );
    assert.deepEqual(
      responses.map((response) => response.text.split(" ")[1]),
      Array.from({ length: 50 }, (_, i) => String(i)),
    );
  });

  it("answers errors with Tornado's pages", async () => {
    const logs = captureLogs();
    try {
      const missing = await client.fetch("/nowhere");
      assert.equal(missing.code, 404);
      assert.equal(
        missing.text,
        "<html><title>404: Not Found</title><body>404: Not Found</body></html>",
      );
    } finally {
      logs.stop();
    }
  });

  it("gives up after the timeout, and the handler hears the connection close", async () => {
    await assert.rejects(client.fetch("/hang", { timeout: 50 }), /Timed out fetching GET/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(HangingHandler.closed, 1);
  });
});
