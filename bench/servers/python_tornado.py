# Python Tornado (Debian's 6.2), the reference, written as its users write it.
import asyncio, os, sys
import tornado.web, tornado.httpserver, tornado.netutil

PLAIN = "Hello, World!"
ROUTES = int(os.environ.get("ROUTES", "100"))

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

app = tornado.web.Application(
    [(r"/", Plain), (r"/json", Json), (r"/form", Form)]
    + [(r"/r%d/([^/]+)/(\d+)" % i, Route) for i in range(ROUTES)]
)

async def main():
    server = tornado.httpserver.HTTPServer(app)
    sockets = tornado.netutil.bind_sockets(int(os.environ.get("PORT", "0")), "127.0.0.1")
    server.add_sockets(sockets)
    print("ready %d" % sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
