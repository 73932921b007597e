// XSRF checks and @authenticated redirects, compared with real Python Tornado on the same requests
// (tornado-behaviour.md sections 2.4 and 7.2). Both servers write the status and the error's log
// message into the error page, so the exact 403 reasons are compared too.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, TestServer } from "tornado-ts/testing";
import {
  Application,
  authenticated,
  type ErrorInfo,
  encodeXsrfToken,
  HTTPError,
  RequestHandler,
} from "tornado-ts/web";
import { startTornado, type TornadoProcess } from "../support/python-tornado.ts";

const TORNADO_APP = `
class Base(tornado.web.RequestHandler):
    def write_error(self, status_code, **kwargs):
        error = kwargs.get("exc_info", (None, None))[1]
        self.finish("%d %s" % (status_code, getattr(error, "log_message", None) or ""))

class Form(Base):
    def get(self):
        self.write("got")
    def post(self):
        self.write("posted")
    def put(self):
        self.write("put")
    def patch(self):
        self.write("patched")
    def delete(self):
        self.write("deleted")
    def options(self):
        self.write("options")

class User(Base):
    def get_current_user(self):
        return self.get_argument("user", None)
    @tornado.web.authenticated
    def get(self):
        self.write("hello")
    @tornado.web.authenticated
    def head(self):
        pass
    @tornado.web.authenticated
    def post(self):
        self.write("posted")
    @tornado.web.authenticated
    def delete(self):
        self.write("deleted")

app = tornado.web.Application()
app.add_handlers("xsrf", [("/form", Form)])
app.add_handlers("relative", [(r"/user.*", User)])
app.add_handlers("absolute", [(r"/user.*", User)])
app.add_handlers("query", [(r"/user.*", User)])
app.settings.update(xsrf_cookies=True)
LOGIN = {"relative": "/login", "absolute": "http://login.example.com/auth", "query": "/login?foo=bar"}
def get_login_url(self):
    return LOGIN[self.request.host.split(":")[0]]
User.get_login_url = get_login_url
User.check_xsrf_cookie = lambda self: None
`;

class Base extends RequestHandler {
  override writeError(statusCode: number, info: ErrorInfo = {}) {
    const error = info.error;
    this.finish(`${statusCode} ${error instanceof HTTPError ? (error.logMessage ?? "") : ""}`);
  }
}

class FormHandler extends Base {
  override get() {
    this.write("got");
  }
  override post() {
    this.write("posted");
  }
  override put() {
    this.write("put");
  }
  override patch() {
    this.write("patched");
  }
  override delete() {
    this.write("deleted");
  }
  override options() {
    this.write("options");
  }
}

const LOGIN: Record<string, string> = {
  relative: "/login",
  absolute: "http://login.example.com/auth",
  query: "/login?foo=bar",
};

class UserHandler extends Base {
  override getCurrentUser() {
    return this.getArgument("user", null);
  }
  override getLoginUrl() {
    return LOGIN[this.request.hostName]!;
  }
  override checkXsrfCookie() {}
  @authenticated
  override get() {
    this.write("hello");
  }
  @authenticated
  override head() {}
  @authenticated
  override post() {
    this.write("posted");
  }
  @authenticated
  override delete() {
    this.write("deleted");
  }
}

const RAW_A = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
const COOKIE_A = "2|deadbeef|deacbcecdaa8b8e8d6a4b4e4d2a0b0e0|1700000000";
const REMASKED_A = "2|0a0b0c0d|0a0a0e0e0e0e0a0a0202060606060202|1700000000";
const V1_A = "000102030405060708090a0b0c0d0e0f";

const COOKIES: (string | null)[] = [
  null,
  COOKIE_A,
  COOKIE_A.toUpperCase(),
  V1_A,
  "abc",
  "3|zz",
  "2|deadbeef||1700000000",
  "2|dead|dead|1",
];

const TOKENS: (string | null)[] = [
  null,
  "",
  COOKIE_A,
  REMASKED_A,
  `${REMASKED_A.slice(0, -10)}1`,
  V1_A,
  V1_A.toUpperCase(),
  "abc",
  "3|zz",
  "2|deadbeef|zz|1",
  "2|deadbeef||1",
  "2|dead|dead|1",
  "2|deadbeef|00| 12 ",
  encodeXsrfToken(Buffer.alloc(16, 9), { mask: Buffer.from("01020304", "hex"), timestamp: 1 }),
  encodeXsrfToken(RAW_A.subarray(0, 15), { mask: Buffer.from("01020304", "hex"), timestamp: 1 }),
];

type Source = "body" | "query" | "X-Xsrftoken" | "X-Csrftoken";

interface XsrfCase {
  method: string;
  cookie: string | null;
  token: string | null;
  source: Source;
  extra?: Record<string, string>;
}

function cases(): XsrfCase[] {
  const out: XsrfCase[] = [];
  for (const cookie of COOKIES) {
    for (const token of TOKENS) out.push({ method: "POST", cookie, token, source: "body" });
  }
  for (const source of ["query", "X-Xsrftoken", "X-Csrftoken"] as const) {
    for (const token of [null, REMASKED_A, V1_A, "3|zz", "abc"]) {
      out.push({ method: "PUT", cookie: COOKIE_A, token, source });
    }
  }
  for (const method of ["GET", "OPTIONS", "DELETE", "PATCH", "PUT"]) {
    out.push({ method, cookie: COOKIE_A, token: null, source: "body" });
    out.push({ method, cookie: COOKIE_A, token: REMASKED_A, source: "X-Xsrftoken" });
  }
  // An empty argument falls through to the headers; a body token wins over a header one.
  out.push({
    method: "POST",
    cookie: COOKIE_A,
    token: "",
    source: "body",
    extra: { "X-Xsrftoken": V1_A },
  });
  out.push({
    method: "POST",
    cookie: COOKIE_A,
    token: "3|zz",
    source: "body",
    extra: { "X-Xsrftoken": V1_A },
  });
  out.push({
    method: "POST",
    cookie: COOKIE_A,
    token: V1_A,
    source: "body",
    extra: { "X-Xsrftoken": "3|zz" },
  });
  return out;
}

function request(c: XsrfCase): { path: string; init: Parameters<TestServer["fetch"]>[1] } {
  const headers: Record<string, string> = { ...c.extra };
  if (c.cookie !== null) headers["Cookie"] = `_xsrf=${c.cookie}`;
  let path = "/form";
  let body: string | undefined;
  if (c.method !== "GET" && c.method !== "OPTIONS") body = "";
  if (c.token !== null) {
    if (c.source === "body") {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      body = `_xsrf=${encodeURIComponent(c.token)}`;
    } else if (c.source === "query") {
      path += `?_xsrf=${encodeURIComponent(c.token)}`;
    } else {
      headers[c.source] = c.token;
    }
  }
  return { path, init: { method: c.method, headers, ...(body === undefined ? {} : { body }) } };
}

describe("XSRF and @authenticated, compared with Python Tornado", () => {
  let tornado: TornadoProcess;
  let ours: TestServer;
  before(async () => {
    tornado = await startTornado(TORNADO_APP);
    const app = new Application([], { xsrfCookies: true });
    app.addHandlers("xsrf", [["/form", FormHandler]]);
    for (const host of ["relative", "absolute", "query"])
      app.addHandlers(host, [["/user.*", UserHandler]]);
    ours = await TestServer.start(app);
  });
  after(async () => {
    await ours.close();
    await tornado.close();
  });

  it("gives the same answer and 403 reason for every token, cookie and source", async () => {
    const logs = captureLogs();
    const seen = new Set<string>();
    try {
      for (const c of cases()) {
        const { path, init } = request(c);
        const headers = { ...(init!.headers as Record<string, string>), Host: "xsrf" };
        const theirs = await ours.fetch(tornado.url(path), { ...init, headers });
        const mine = await ours.fetch(path, { ...init, headers });
        const label = JSON.stringify(c);
        assert.equal(mine.code, theirs.code, label);
        assert.equal(mine.text, theirs.text, label);
        seen.add(mine.text);
      }
    } finally {
      logs.stop();
    }
    for (const outcome of [
      "posted",
      "got",
      "403 '_xsrf' argument missing from POST",
      "403 '_xsrf' argument has invalid format",
      "403 XSRF cookie does not match POST argument",
    ]) {
      assert.ok(seen.has(outcome), `no case answered ${outcome}`);
    }
  });

  it("answers 404 to a POST to an unknown URL in both", async () => {
    const logs = captureLogs();
    try {
      const init = { body: "a=1", headers: { Host: "xsrf" } };
      assert.equal((await ours.fetch(tornado.url("/unknown"), init)).code, 404);
      assert.equal((await ours.fetch("/unknown", init)).code, 404);
    } finally {
      logs.stop();
    }
  });

  const AUTH: { host: string; path: string; method: string }[] = [];
  for (const host of ["relative", "absolute", "query"]) {
    for (const path of [
      "/user",
      "/user?a=1&b=%20x",
      "/user/%C3%A9?next=%2Fx#frag",
      "/user?user=",
      "/user?user=u",
    ]) {
      for (const method of ["GET", "HEAD", "POST", "DELETE"]) AUTH.push({ host, path, method });
    }
  }

  it("redirects or refuses anonymous users exactly as Tornado", async () => {
    const logs = captureLogs();
    const codes = new Set<number>();
    try {
      for (const { host, path, method } of AUTH) {
        const init = {
          method,
          headers: { Host: host },
          ...(method === "POST" || method === "DELETE" ? { body: "" } : {}),
        };
        const theirs = await ours.fetch(tornado.url(path), init);
        const mine = await ours.fetch(path, init);
        const label = `${method} ${host} ${path}`;
        assert.equal(mine.code, theirs.code, label);
        assert.equal(mine.text, theirs.text, label);
        // An absolute login URL carries this server's own address in next.
        const location = (response: typeof mine, port: number) =>
          response.headers.get("Location")?.replace(`%3A${port}%2F`, "%3APORT%2F");
        assert.equal(location(mine, ours.port), location(theirs, tornado.port), label);
        codes.add(mine.code);
      }
    } finally {
      logs.stop();
    }
    assert.deepEqual([...codes].sort(), [200, 302, 403]);
  });
});
