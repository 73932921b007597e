// Conformance: error responses (404, 405, 500, HTTPError with and without a reason, sendError,
// writeError overrides, missing arguments, errors after flush) match real Tornado byte for byte.
import { Application, HTTPError, RequestHandler } from "tornado-ts/web";
import { conformanceSuite } from "../support/core-conformance.ts";

const PYTHON = String.raw`
import tornado.gen
from tornado.web import RequestHandler, HTTPError

class Hello(RequestHandler):
    def get(self):
        self.write("Hello")

class Boom(RequestHandler):
    def get(self):
        self.set_header("X-Lost", "1")
        self.set_cookie("keep", "1")
        self.write("lost")
        raise ValueError("boom")

class Raise(RequestHandler):
    def get(self):
        reason = self.get_argument("reason", None)
        raise HTTPError(int(self.get_argument("code")), "secret %s", "detail", reason=reason)

class Send(RequestHandler):
    def get(self):
        reason = self.get_argument("reason", None)
        if reason is None:
            self.send_error(int(self.get_argument("code")))
        else:
            self.send_error(int(self.get_argument("code")), reason=reason)

class PrepareError(RequestHandler):
    def prepare(self):
        raise HTTPError(403)
    def get(self):
        self.write("never")

class CustomError(RequestHandler):
    def write_error(self, status_code, **kwargs):
        self.set_header("X-Error", str(status_code))
        self.write("custom %d %s" % (status_code, self._reason))
    def get(self):
        raise HTTPError(418, reason="Teapot Time")

class Missing(RequestHandler):
    def get(self):
        self.write(self.get_argument("x"))

class ListWrite(RequestHandler):
    def get(self):
        self.write([1, 2])

class BodyWith204(RequestHandler):
    def get(self):
        self.set_status(204)
        self.write("x")

class AfterFlush(RequestHandler):
    async def get(self):
        self.write("partial")
        await self.flush()
        raise ValueError("late")

class OnlyPost(RequestHandler):
    def post(self):
        self.write("posted")

class Options(RequestHandler):
    def options(self):
        self.set_header("Allow", "GET, OPTIONS")
        self.set_status(204)

class UnsafeHeader(RequestHandler):
    def get(self):
        self.set_header("X-Bad", "a\r\nX-Injected: 1")
        self.write("never")

class FloatHeader(RequestHandler):
    def get(self):
        self.set_header("X-Float", 1.5)

class BadRedirect(RequestHandler):
    def get(self):
        self.redirect("/hello", status=200)

class LengthShort(RequestHandler):
    def get(self):
        self.set_header("Content-Length", 10)
        self.write("abc")

class LengthLong(RequestHandler):
    def get(self):
        self.set_header("Content-Length", 2)
        self.write("abc")

class WriteAfterFinish(RequestHandler):
    def get(self):
        self.finish("done")
        self.write("more")

class AsyncBoom(RequestHandler):
    async def get(self):
        await tornado.gen.sleep(0.001)
        raise HTTPError(409, "conflict")

class OnFinishBoom(RequestHandler):
    def get(self):
        self.write("fine")
    def on_finish(self):
        raise ValueError("on_finish failed")

class SendErrorTwice(RequestHandler):
    def get(self):
        self.send_error(400)
        self.send_error(500)

class PrepareSend(RequestHandler):
    def prepare(self):
        self.send_error(503, reason="Busy Now")
    def get(self):
        self.write("never")

class HeadError(RequestHandler):
    def head(self):
        raise HTTPError(410)

class RedirectAfterFlush(RequestHandler):
    async def get(self):
        self.write("started")
        await self.flush()
        self.redirect("/elsewhere")

class FinishInWriteError(RequestHandler):
    def write_error(self, status_code, **kwargs):
        self.set_status(299, "Custom Done")
        self.finish({"error": status_code})
    def get(self):
        raise ValueError("x")

app = tornado.web.Application([
    (r"/prepare-send", PrepareSend), (r"/head-error", HeadError),
    (r"/redirect-after-flush", RedirectAfterFlush), (r"/finish-in-write-error", FinishInWriteError),
    (r"/unsafe-header", UnsafeHeader), (r"/float-header", FloatHeader),
    (r"/bad-redirect", BadRedirect), (r"/length-short", LengthShort),
    (r"/length-long", LengthLong), (r"/write-after-finish", WriteAfterFinish),
    (r"/async-boom", AsyncBoom), (r"/on-finish-boom", OnFinishBoom),
    (r"/send-error-twice", SendErrorTwice),
    (r"/hello", Hello), (r"/boom", Boom), (r"/raise", Raise), (r"/send", Send),
    (r"/prepare-error", PrepareError), (r"/custom-error", CustomError), (r"/missing", Missing),
    (r"/list", ListWrite), (r"/body-204", BodyWith204), (r"/after-flush", AfterFlush),
    (r"/only-post", OnlyPost), (r"/options", Options),
])
`;

class Hello extends RequestHandler {
  override get() {
    this.write("Hello");
  }
}

class Boom extends RequestHandler {
  override get() {
    this.setHeader("X-Lost", "1");
    this.setCookie("keep", "1");
    this.write("lost");
    throw new Error("boom");
  }
}

class Raise extends RequestHandler {
  override get() {
    const reason = this.getArgument("reason", undefined);
    throw new HTTPError(Number(this.getArgument("code")), "secret detail", { reason });
  }
}

class Send extends RequestHandler {
  override get() {
    const reason = this.getArgument("reason", undefined);
    this.sendError(Number(this.getArgument("code")), reason === undefined ? {} : { reason });
  }
}

class PrepareError extends RequestHandler {
  override prepare() {
    throw new HTTPError(403);
  }
  override get() {
    this.write("never");
  }
}

class CustomError extends RequestHandler {
  override writeError(statusCode: number) {
    this.setHeader("X-Error", String(statusCode));
    this.write(`custom ${statusCode} ${this.reason}`);
  }
  override get() {
    throw new HTTPError(418, undefined, { reason: "Teapot Time" });
  }
}

class Missing extends RequestHandler {
  override get() {
    this.write(this.getArgument("x"));
  }
}

class ListWrite extends RequestHandler {
  override get() {
    this.write([1, 2] as unknown as Record<string, unknown>);
  }
}

class BodyWith204 extends RequestHandler {
  override get() {
    this.setStatus(204);
    this.write("x");
  }
}

class AfterFlush extends RequestHandler {
  override async get() {
    this.write("partial");
    await this.flush();
    throw new Error("late");
  }
}

class OnlyPost extends RequestHandler {
  override post() {
    this.write("posted");
  }
}

class Options extends RequestHandler {
  override options() {
    this.setHeader("Allow", "GET, OPTIONS");
    this.setStatus(204);
  }
}

class UnsafeHeader extends RequestHandler {
  override get() {
    this.setHeader("X-Bad", "a\r\nX-Injected: 1");
    this.write("never");
  }
}

class FloatHeader extends RequestHandler {
  override get() {
    this.setHeader("X-Float", 1.5);
  }
}

class BadRedirect extends RequestHandler {
  override get() {
    this.redirect("/hello", false, 200);
  }
}

class LengthShort extends RequestHandler {
  override get() {
    this.setHeader("Content-Length", 10);
    this.write("abc");
  }
}

class LengthLong extends RequestHandler {
  override get() {
    this.setHeader("Content-Length", 2);
    this.write("abc");
  }
}

class WriteAfterFinish extends RequestHandler {
  override get() {
    this.finish("done");
    this.write("more");
  }
}

class AsyncBoom extends RequestHandler {
  override async get() {
    await new Promise((resolve) => setTimeout(resolve, 1));
    throw new HTTPError(409, "conflict");
  }
}

class OnFinishBoom extends RequestHandler {
  override get() {
    this.write("fine");
  }
  override onFinish() {
    throw new Error("onFinish failed");
  }
}

class SendErrorTwice extends RequestHandler {
  override get() {
    this.sendError(400);
    this.sendError(500);
  }
}

class PrepareSend extends RequestHandler {
  override prepare() {
    this.sendError(503, { reason: "Busy Now" });
  }
  override get() {
    this.write("never");
  }
}

class HeadError extends RequestHandler {
  override head() {
    throw new HTTPError(410);
  }
}

class RedirectAfterFlush extends RequestHandler {
  override async get() {
    this.write("started");
    await this.flush();
    this.redirect("/elsewhere");
  }
}

class FinishInWriteError extends RequestHandler {
  override writeError(statusCode: number) {
    this.setStatus(299, "Custom Done");
    this.finish({ error: statusCode });
  }
  override get() {
    throw new Error("x");
  }
}

function makeApp(): Application {
  return new Application([
    ["/prepare-send", PrepareSend],
    ["/head-error", HeadError],
    ["/redirect-after-flush", RedirectAfterFlush],
    ["/finish-in-write-error", FinishInWriteError],
    ["/unsafe-header", UnsafeHeader],
    ["/float-header", FloatHeader],
    ["/bad-redirect", BadRedirect],
    ["/length-short", LengthShort],
    ["/length-long", LengthLong],
    ["/write-after-finish", WriteAfterFinish],
    ["/async-boom", AsyncBoom],
    ["/on-finish-boom", OnFinishBoom],
    ["/send-error-twice", SendErrorTwice],
    ["/hello", Hello],
    ["/boom", Boom],
    ["/raise", Raise],
    ["/send", Send],
    ["/prepare-error", PrepareError],
    ["/custom-error", CustomError],
    ["/missing", Missing],
    ["/list", ListWrite],
    ["/body-204", BodyWith204],
    ["/after-flush", AfterFlush],
    ["/only-post", OnlyPost],
    ["/options", Options],
  ]);
}

const FORM: readonly (readonly [string, string])[] = [
  ["Content-Type", "application/x-www-form-urlencoded"],
];

conformanceSuite("core conformance: errors", PYTHON, makeApp, [
  { name: "no route: the default 404 page", path: "/nowhere" },
  {
    name: "no route for POST is 404 too",
    path: "/nowhere",
    method: "POST",
    body: "",
    headers: FORM,
  },
  {
    name: "a method the handler lacks: 405",
    path: "/hello",
    method: "POST",
    body: "",
    headers: FORM,
  },
  { name: "DELETE without delete(): 405", path: "/hello", method: "DELETE" },
  { name: "a method outside SUPPORTED_METHODS: 405", path: "/hello", method: "PROPFIND" },
  { name: "GET on a post-only handler: 405", path: "/only-post" },
  { name: "OPTIONS with options()", path: "/options", method: "OPTIONS" },
  { name: "OPTIONS without options(): 405", path: "/hello", method: "OPTIONS" },
  { name: "an uncaught error: 500, headers reset, cookies kept", path: "/boom" },
  { name: "HTTPError keeps its log message off the wire", path: "/raise?code=403" },
  { name: "HTTPError with a reason", path: "/raise?code=418&reason=Teapot%20Time" },
  { name: "HTTPError with an unknown code", path: "/raise?code=599" },
  {
    name: "HTTPError with a reason HTTP cannot carry",
    path: "/raise?code=503&reason=Down%20%3Cx%3E",
  },
  { name: "HTTPError 304 has no body", path: "/raise?code=304" },
  { name: "sendError(404)", path: "/send?code=404" },
  { name: "sendError with a reason", path: "/send?code=400&reason=Bad%20Thing" },
  { name: "sendError(500)", path: "/send?code=500" },
  { name: "an error in prepare skips the method", path: "/prepare-error" },
  { name: "writeError override with the reason", path: "/custom-error" },
  { name: "a missing argument is a 400", path: "/missing" },
  { name: "writing a list is a 500", path: "/list" },
  { name: "a body with 204 is a 500", path: "/body-204" },
  { name: "an error after flush ends the chunked body", path: "/after-flush" },
  { name: "a HEAD 404 has headers and no body", path: "/nowhere", method: "HEAD" },
  { name: "a header value with CR/LF is refused: 500", path: "/unsafe-header" },
  { name: "a float header value is refused: 500", path: "/float-header" },
  { name: "redirect with a non-3xx status: 500", path: "/bad-redirect" },
  { name: "fewer bytes than the handler's Content-Length", path: "/length-short" },
  { name: "more bytes than the handler's Content-Length", path: "/length-long" },
  { name: "write after finish does not change the response", path: "/write-after-finish" },
  { name: "an HTTPError from an async method", path: "/async-boom" },
  { name: "an error in onFinish does not change the response", path: "/on-finish-boom" },
  { name: "sendError twice sends the first", path: "/send-error-twice" },
  { name: "sendError in prepare, with a reason, skips the method", path: "/prepare-send" },
  { name: "an error in head() sends headers only", path: "/head-error", method: "HEAD" },
  { name: "redirect after flush ends the chunked body", path: "/redirect-after-flush" },
  { name: "writeError that finishes itself, with its own status", path: "/finish-in-write-error" },
]);
