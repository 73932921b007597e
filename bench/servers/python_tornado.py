# Python Tornado (Debian's 6.2), the reference, written as its users write it.
import asyncio, gc, os, sys
import tornado.web, tornado.httpserver, tornado.netutil

HERE = os.path.dirname(os.path.abspath(__file__))
PLAIN = "Hello, World!"
ROUTES = int(os.environ.get("ROUTES", "100"))
# The same data as pageData in common.mjs.
PAGE_DATA = dict(
    title="Users & <friends>",
    site="tornado-ts",
    footer='\u00a9 2026 "quoted"',
    rows=[
        dict(id=i, name="User <%d> & co" % i, email="user%d@example.com" % i, active=i % 3 != 0)
        for i in range(100)
    ],
)

class Plain(tornado.web.RequestHandler):
    def get(self):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(PLAIN)

class Json(tornado.web.RequestHandler):
    def get(self):
        self.write({"message": PLAIN})

class Form(tornado.web.RequestHandler):
    def post(self):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write("%s %s %s" % (self.get_query_argument("q"), self.get_body_argument("name"), self.get_body_argument("age")))

class Route(tornado.web.RequestHandler):
    def get(self, a, b):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write("%s:%s" % (a, b))

class Page(tornado.web.RequestHandler):
    def get(self):
        self.render("page.html", **PAGE_DATA)

class Cookie(tornado.web.RequestHandler):
    def get(self):
        value = self.get_secure_cookie("session")
        self.set_secure_cookie("session", "user-42", httponly=True)
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write("Hello %s" % (value.decode() if value else "stranger"))

class Upload(tornado.web.RequestHandler):
    def post(self):
        files = self.request.files.get("file")
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write("%s %d" % (files[0].filename, len(files[0].body)) if files else "no file")

app = tornado.web.Application(
    [
        (r"/", Plain),
        (r"/json", Json),
        (r"/form", Form),
        (r"/page", Page),
        (r"/cookie", Cookie),
        (r"/upload", Upload),
    ]
    + [(r"/r%d/([^/]+)/(\d+)" % i, Route) for i in range(ROUTES)],
    template_path=os.path.join(HERE, "templates"),
    static_path=os.path.join(HERE, "static"),
    cookie_secret="bench-cookie-secret-5f1c3e0a9b7d4c2e",
)

async def main():
    server = tornado.httpserver.HTTPServer(app)
    sockets = tornado.netutil.bind_sockets(int(os.environ.get("PORT", "0")), "127.0.0.1")
    server.add_sockets(sockets)
    print("ready %d" % sockets[0].getsockname()[1], flush=True)
    # A "gc" line on standard input runs a full collection (as the Node servers do with --expose-gc).
    loop = asyncio.get_running_loop()
    def on_stdin():
        line = sys.stdin.readline()
        if not line:
            loop.remove_reader(sys.stdin.fileno())
        elif "gc" in line:
            gc.collect()
            print("gc done", flush=True)
    loop.add_reader(sys.stdin.fileno(), on_stdin)
    await asyncio.Event().wait()

asyncio.run(main())
