// Conformance: which handler a request reaches (path patterns, host groups, defaultHost), and what
// reverse_url builds, compared with real Tornado.
import { Application, type InitArgs, RequestHandler, url } from "tornado-ts/web";
import { conformanceSuite } from "../support/core-conformance.ts";

const PYTHON = String.raw`
from tornado.web import RequestHandler, url

class Text(RequestHandler):
    def initialize(self, text):
        self.text = text
    def get(self, *args, **kwargs):
        self.write("%s %r" % (self.text, list(args) + sorted(kwargs.items())))

class Reverse(RequestHandler):
    def get(self):
        self.write("|".join([
            self.reverse_url("a", 5), self.reverse_url("a", "x y/é"), self.reverse_url("s"),
            self.reverse_url("e", "p"), self.reverse_url("f", 9),
        ]))

app = tornado.web.Application([
    (r"/x", Text, {"text": "wildcard"}),
    url(r"/a/(\d+)/b", Text, {"text": "a"}, name="a"),
    url(r"/static", Text, {"text": "s"}, name="s"),
    url(r"/e/([a-z]+)\.html$", Text, {"text": "e"}, name="e"),
    url(r"^/f/(?P<x>\d+)$", Text, {"text": "f"}, name="f"),
    (r"/reverse", Reverse),
    (r"/opt/(\d+)/([a-z]+)?", Text, {"text": "opt"}),
], default_host="www.example.com")
app.add_handlers(r"www\.example\.com", [
    (r"/y", Text, {"text": "www-y"}),
    (r"/x", Text, {"text": "www-x"}),
])
app.add_handlers(r"api\..*", [(r"/y", Text, {"text": "api-y"})])
`;

class Text extends RequestHandler {
  text = "";
  override initialize(initArgs: InitArgs) {
    this.text = String(initArgs["text"]);
  }
  override get(...args: (string | undefined)[]) {
    // Python's repr of the list Tornado passes: strings quoted, a missing group as None.
    const kwargs = Object.entries(this.pathKwargs).sort(([a], [b]) => (a < b ? -1 : 1));
    const items =
      kwargs.length > 0
        ? kwargs.map(([k, v]) => `('${k}', '${v}')`)
        : args.map((a) => (a === undefined ? "None" : `'${a}'`));
    this.write(`${this.text} [${items.join(", ")}]`);
  }
}

class Reverse extends RequestHandler {
  override get() {
    this.write(
      [
        this.reverseUrl("a", 5),
        this.reverseUrl("a", "x y/é"),
        this.reverseUrl("s"),
        this.reverseUrl("e", "p"),
        this.reverseUrl("f", 9),
      ].join("|"),
    );
  }
}

function makeApp(): Application {
  const app = new Application(
    [
      ["/x", Text, { text: "wildcard" }],
      url(String.raw`/a/(\d+)/b`, Text, { text: "a" }, "a"),
      url("/static", Text, { text: "s" }, "s"),
      url(String.raw`/e/([a-z]+)\.html$`, Text, { text: "e" }, "e"),
      url(String.raw`^/f/(?P<x>\d+)$`, Text, { text: "f" }, "f"),
      ["/reverse", Reverse],
      [String.raw`/opt/(\d+)/([a-z]+)?`, Text, { text: "opt" }],
    ],
    { defaultHost: "www.example.com" },
  );
  app.addHandlers(String.raw`www\.example\.com`, [
    ["/y", Text, { text: "www-y" }],
    ["/x", Text, { text: "www-x" }],
  ]);
  app.addHandlers(String.raw`api\..*`, [["/y", Text, { text: "api-y" }]]);
  return app;
}

const host = (name: string): readonly (readonly [string, string])[] => [["Host", name]];

conformanceSuite("core conformance: routing", PYTHON, makeApp, [
  { name: "reverse_url output", path: "/reverse" },
  { name: "positional groups", path: "/a/5/b" },
  { name: "a pattern with its own ^ and $", path: "/f/12" },
  { name: "an optional group that did not match", path: "/opt/3/" },
  { name: "an escaped dot does not match any character", path: "/e/pxhtml" },
  { name: "host group for its host", path: "/x", headers: host("www.example.com") },
  { name: "host group, case and port ignored", path: "/y", headers: host("WWW.EXAMPLE.COM:99") },
  { name: "host group without the path falls through", path: "/x", headers: host("api.foo") },
  { name: "second host group", path: "/y", headers: host("api.foo") },
  { name: "unknown host: constructor routes first", path: "/x", headers: host("other") },
  { name: "unknown host: defaultHost group", path: "/y", headers: host("other") },
  {
    name: "unknown host with X-Real-Ip: no defaultHost fallback",
    path: "/y",
    headers: [
      ["Host", "other"],
      ["X-Real-Ip", "1.2.3.4"],
    ],
  },
  { name: "host pattern anchored at the end", path: "/y", headers: host("www.example.com.evil") },
]);
