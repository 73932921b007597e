// Conformance: what handlers write (text, JSON, headers, status, redirects, ETag/304, HEAD, flush)
// reaches the client exactly as real Tornado sends it.
import { Application, Finish, RequestHandler } from "tornado-ts/web";
import { conformanceSuite } from "../support/core-conformance.ts";

const PYTHON = String.raw`
from tornado.web import RequestHandler, Finish

class Hello(RequestHandler):
    def get(self):
        self.write("Hello")

class Unicode(RequestHandler):
    def get(self):
        self.write("café €")
        self.write(b"\xff")

class Json(RequestHandler):
    def get(self):
        self.write({"name": "sunck", "age": 18, "html": "</script>", "uni": "é€",
                    "list": [1, 2], "none": None, "yes": True, "nested": {"a": []}})

class JsonThenType(RequestHandler):
    def get(self):
        self.set_header("X-Before", "1")
        self.write({"a": 1})
        self.set_header("Content-Type", "application/vnd.test+json")

class Empty(RequestHandler):
    def get(self):
        pass

class Headers(RequestHandler):
    def set_default_headers(self):
        self.set_header("X-Default", "d")
        self.set_header("Content-Type", "text/plain; charset=utf-8")

    def get(self):
        self.set_header("x-custom-HEADER", "1")
        self.add_header("X-Multi", "1")
        self.add_header("X-Multi", "2")
        self.set_header("X-Default", "override")
        self.set_header("X-Int", 42)
        self.set_header("X-Replaced", "a")
        self.clear_header("X-Replaced")
        self.set_header("X-Replaced", "b")
        self.set_header("ETag", '"custom"')
        self.write("headers")

class ClearServer(RequestHandler):
    def get(self):
        self.clear_header("Server")
        self.clear_header("Content-Type")
        self.write("x")

class Cookies(RequestHandler):
    def get(self):
        self.set_cookie("a", "1")
        self.set_cookie("b", "2", path="/p", domain="example.com", httponly=True, secure=True)
        self.set_cookie("a", "3")
        self.set_cookie("q", 'x;y"z')
        self.set_cookie("e", "")
        self.set_cookie("l", "caf\u00e9")
        self.write("cookies")

class Status(RequestHandler):
    def get(self):
        reason = self.get_argument("reason", None)
        self.set_status(int(self.get_argument("code")), reason)
        if self.get_argument("body", "1") == "1":
            self.write("status body")

class Redirect(RequestHandler):
    def get(self):
        status = self.get_argument("status", None)
        self.redirect(self.get_argument("to"), self.get_argument("permanent", "") == "1",
                      int(status) if status else None)

class Etag(RequestHandler):
    def get(self):
        self.write("etag body")
    def post(self):
        self.write("etag body")

class Head(RequestHandler):
    def get(self):
        self.write("get body")
    def head(self):
        self.write("head body")

class Flush(RequestHandler):
    async def get(self):
        self.write("part1")
        await self.flush()
        self.write("part2")
        await self.flush()
        self.write("part3")

class FlushEmpty(RequestHandler):
    async def get(self):
        await self.flush()
        self.write("after")

class FinishRaise(RequestHandler):
    def get(self):
        self.set_status(401)
        self.set_header("WWW-Authenticate", 'Basic realm="x"')
        raise Finish()

class FinishChunk(RequestHandler):
    def get(self):
        raise Finish("finished")

class OwnLength(RequestHandler):
    def get(self):
        self.set_header("Content-Length", 5)
        self.set_header("X-After", "1")
        self.write("12345")

class NoContent(RequestHandler):
    def get(self):
        self.set_status(204)

class NotModified(RequestHandler):
    def get(self):
        self.set_status(304)

class Created(RequestHandler):
    def post(self):
        self.set_status(201)
        self.write("made")

class Latin1Header(RequestHandler):
    def get(self):
        self.set_header("X-Latin", "caf\u00e9")
        self.set_header("X-Bytes", b"\xc3\xa9")
        self.write("body é")

app = tornado.web.Application([
    (r"/latin1-header", Latin1Header),
    (r"/hello", Hello), (r"/unicode", Unicode), (r"/json", Json), (r"/json-type", JsonThenType),
    (r"/empty", Empty), (r"/headers", Headers), (r"/clear-server", ClearServer),
    (r"/cookies", Cookies), (r"/status", Status), (r"/redirect", Redirect), (r"/etag", Etag),
    (r"/head", Head), (r"/flush", Flush), (r"/flush-empty", FlushEmpty),
    (r"/finish", FinishRaise), (r"/finish-chunk", FinishChunk), (r"/own-length", OwnLength),
    (r"/no-content", NoContent), (r"/not-modified", NotModified), (r"/created", Created),
])
`;

class Hello extends RequestHandler {
  override get() {
    this.write("Hello");
  }
}

class Unicode extends RequestHandler {
  override get() {
    this.write("café €");
    this.write(Buffer.from([0xff]));
  }
}

class Json extends RequestHandler {
  override get() {
    this.write({
      name: "sunck",
      age: 18,
      html: "</script>",
      uni: "é€",
      list: [1, 2],
      none: null,
      yes: true,
      nested: { a: [] },
    });
  }
}

class JsonThenType extends RequestHandler {
  override get() {
    this.setHeader("X-Before", "1");
    this.write({ a: 1 });
    this.setHeader("Content-Type", "application/vnd.test+json");
  }
}

class Empty extends RequestHandler {
  override get() {}
}

class Headers extends RequestHandler {
  override setDefaultHeaders() {
    this.setHeader("X-Default", "d");
    this.setHeader("Content-Type", "text/plain; charset=utf-8");
  }

  override get() {
    this.setHeader("x-custom-HEADER", "1");
    this.addHeader("X-Multi", "1");
    this.addHeader("X-Multi", "2");
    this.setHeader("X-Default", "override");
    this.setHeader("X-Int", 42);
    this.setHeader("X-Replaced", "a");
    this.clearHeader("X-Replaced");
    this.setHeader("X-Replaced", "b");
    this.setHeader("ETag", '"custom"');
    this.write("headers");
  }
}

class ClearServer extends RequestHandler {
  override get() {
    this.clearHeader("Server");
    this.clearHeader("Content-Type");
    this.write("x");
  }
}

class Cookies extends RequestHandler {
  override get() {
    this.setCookie("a", "1");
    this.setCookie("b", "2", { path: "/p", domain: "example.com", httpOnly: true, secure: true });
    this.setCookie("a", "3");
    this.setCookie("q", 'x;y"z');
    this.setCookie("e", "");
    this.setCookie("l", "caf\u00e9");
    this.write("cookies");
  }
}

class Status extends RequestHandler {
  override get() {
    const reason = this.getArgument("reason", undefined);
    this.setStatus(Number(this.getArgument("code")), reason);
    if (this.getArgument("body", "1") === "1") this.write("status body");
  }
}

class Redirect extends RequestHandler {
  override get() {
    const status = this.getArgument("status", null);
    this.redirect(
      this.getArgument("to"),
      this.getArgument("permanent", "") === "1",
      status ? Number(status) : undefined,
    );
  }
}

class Etag extends RequestHandler {
  override get() {
    this.write("etag body");
  }
  override post() {
    this.write("etag body");
  }
}

class Head extends RequestHandler {
  override get() {
    this.write("get body");
  }
  override head() {
    this.write("head body");
  }
}

class Flush extends RequestHandler {
  override async get() {
    this.write("part1");
    await this.flush();
    this.write("part2");
    await this.flush();
    this.write("part3");
  }
}

class FlushEmpty extends RequestHandler {
  override async get() {
    await this.flush();
    this.write("after");
  }
}

class FinishRaise extends RequestHandler {
  override get() {
    this.setStatus(401);
    this.setHeader("WWW-Authenticate", 'Basic realm="x"');
    throw new Finish();
  }
}

class FinishChunk extends RequestHandler {
  override get() {
    throw new Finish("finished");
  }
}

class OwnLength extends RequestHandler {
  override get() {
    this.setHeader("Content-Length", 5);
    this.setHeader("X-After", "1");
    this.write("12345");
  }
}

class NoContent extends RequestHandler {
  override get() {
    this.setStatus(204);
  }
}

class NotModified extends RequestHandler {
  override get() {
    this.setStatus(304);
  }
}

class Created extends RequestHandler {
  override post() {
    this.setStatus(201);
    this.write("made");
  }
}

class Latin1Header extends RequestHandler {
  override get() {
    this.setHeader("X-Latin", "caf\u00e9");
    this.setHeader("X-Bytes", Buffer.from([0xc3, 0xa9]));
    this.write("body é");
  }
}

function makeApp(): Application {
  return new Application([
    ["/latin1-header", Latin1Header],
    ["/hello", Hello],
    ["/unicode", Unicode],
    ["/json", Json],
    ["/json-type", JsonThenType],
    ["/empty", Empty],
    ["/headers", Headers],
    ["/clear-server", ClearServer],
    ["/cookies", Cookies],
    ["/status", Status],
    ["/redirect", Redirect],
    ["/etag", Etag],
    ["/head", Head],
    ["/flush", Flush],
    ["/flush-empty", FlushEmpty],
    ["/finish", FinishRaise],
    ["/finish-chunk", FinishChunk],
    ["/own-length", OwnLength],
    ["/no-content", NoContent],
    ["/not-modified", NotModified],
    ["/created", Created],
  ]);
}

const ETAG = '"7c3d5163b89d71e9813b68219d97064c4ae9c2f3"';

conformanceSuite("core conformance: output", PYTHON, makeApp, [
  { name: "hello: default headers, Etag, Content-Length", path: "/hello" },
  { name: "text and bytes are concatenated as UTF-8 and raw bytes", path: "/unicode" },
  { name: "an object is JSON with Tornado's layout and content type", path: "/json" },
  { name: "Content-Type set after a JSON write wins, in place", path: "/json-type" },
  { name: "an empty body has the SHA-1 Etag of nothing", path: "/empty" },
  { name: "default headers, casing, add/set/clear order", path: "/headers" },
  { name: "default headers can be cleared", path: "/clear-server" },
  { name: "Set-Cookie lines: attribute order, quoting, reset moves to end", path: "/cookies" },
  { name: "setStatus with a standard code", path: "/status?code=201" },
  { name: "setStatus with a custom reason", path: "/status?code=200&reason=Fine%20Thanks" },
  { name: "setStatus with an unknown code and a reason", path: "/status?code=299&reason=Weird" },
  { name: "setStatus with an unknown code and no reason gives Unknown", path: "/status?code=299" },
  { name: "a reason with < becomes Unknown", path: "/status?code=200&reason=%3Cb%3E" },
  {
    name: "a reason beyond latin-1 (the tutorial's Chinese one) becomes Unknown",
    path: "/status?code=200&reason=%E6%88%91%E6%98%AF%E8%B0%81",
  },
  { name: "a non-200 status gets no Etag", path: "/status?code=202" },
  { name: "redirect: 302 with Location and empty body", path: "/redirect?to=/hello" },
  { name: "redirect permanent: 301", path: "/redirect?to=/hello&permanent=1" },
  {
    name: "redirect to a non-ASCII URL sends its UTF-8 bytes",
    path: "/redirect?to=http://x.com/%C3%A9",
  },
  { name: "header values up to U+00FF go out as latin-1 bytes", path: "/latin1-header" },
  { name: "redirect with an explicit status", path: "/redirect?to=http://x.com/a&status=307" },
  {
    name: "ETag: matching If-None-Match gives 304",
    path: "/etag",
    headers: [["If-None-Match", ETAG]],
  },
  {
    name: "ETag: a non-matching If-None-Match gives 200",
    path: "/etag",
    headers: [["If-None-Match", '"nomatch"']],
  },
  { name: "ETag: * matches", path: "/etag", headers: [["If-None-Match", "*"]] },
  {
    name: "ETag: an unquoted tag does not match",
    path: "/etag",
    headers: [["If-None-Match", ETAG.slice(1, -1)]],
  },
  { name: "POST gets no automatic Etag", path: "/etag", method: "POST", body: "" },
  {
    name: "HEAD runs head() and sends no body, with Content-Length and Etag",
    path: "/head",
    method: "HEAD",
  },
  { name: "HEAD without head() is a 405 with no body", path: "/hello", method: "HEAD" },
  { name: "flush streams a chunked body", path: "/flush" },
  { name: "flush before any write still sends headers", path: "/flush-empty" },
  { name: "flush over HTTP/1.0 sends a raw body", path: "/flush", version: "HTTP/1.0" },
  { name: "raise Finish keeps status and headers", path: "/finish" },
  { name: "raise Finish(chunk) writes it", path: "/finish-chunk" },
  { name: "a Content-Length the handler set is kept in place", path: "/own-length" },
  { name: "204 has no Content-Type and no Content-Length", path: "/no-content" },
  { name: "304 has no Content-Type and no Content-Length", path: "/not-modified" },
  {
    name: "201 to a POST",
    path: "/created",
    method: "POST",
    body: "x=1",
    headers: [["Content-Type", "application/x-www-form-urlencoded"]],
  },
  {
    name: "HTTP/1.0 request: status line still says HTTP/1.1",
    path: "/hello",
    version: "HTTP/1.0",
  },
]);
