// Conformance: what handlers read (query and body arguments, path groups, uploaded files, request
// attributes) and how bad input is refused, compared with real Tornado on the same bytes.
import { Application, RequestHandler } from "tornado-ts/web";
import { conformanceSuite } from "../support/core-conformance.ts";

const PYTHON = String.raw`
from tornado.web import RequestHandler

class Args(RequestHandler):
    def get(self):
        name = self.get_argument("name", "x")
        self.write({
            "last": self.get_argument(name, None),
            "all": self.get_arguments(name),
            "query": self.get_query_arguments(name),
            "body": self.get_body_arguments(name),
            "unstripped": self.get_arguments(name, strip=False),
            "query_last": self.get_query_argument(name, None),
            "body_last": self.get_body_argument(name, None),
        })
    post = get
    put = get

class Upload(RequestHandler):
    def post(self):
        files = {}
        for field, items in self.request.files.items():
            files[field] = [{"filename": f.filename, "body": f.body.decode("latin-1"),
                             "content_type": f.content_type} for f in items]
        args = {k: [v.decode("latin-1") for v in vs] for k, vs in self.request.body_arguments.items()}
        self.write({"files": files, "args": args})

class Positional(RequestHandler):
    def get(self, *args):
        self.write({"args": list(args)})

class Named(RequestHandler):
    def get(self, **kwargs):
        self.write({"kwargs": kwargs})

class Raw(RequestHandler):
    def post(self):
        self.write({"body": self.request.body.decode("latin-1"),
                    "args": {k: [v.decode("latin-1") for v in vs] for k, vs in self.request.body_arguments.items()}})
    put = post

class Attrs(RequestHandler):
    def get(self):
        self.write({"method": self.request.method, "uri": self.request.uri,
                    "path": self.request.path, "query": self.request.query,
                    "version": self.request.version, "host": self.request.host,
                    "host_name": self.request.host_name, "remote_ip": self.request.remote_ip,
                    "protocol": self.request.protocol, "full_url": self.request.full_url()})

app = tornado.web.Application([
    (r"/args", Args), (r"/upload", Upload), (r"/pos/(\d+)/([a-z]+)?", Positional),
    (r"/unq/(.*)", Positional), (r"/named/(?P<a>[^/]+)/(?P<b>\d+)", Named), (r"/raw", Raw),
    (r"/attrs", Attrs),
])
`;

class Args extends RequestHandler {
  override get() {
    const name = this.getArgument("name", "x");
    this.write({
      last: this.getArgument(name, null),
      all: this.getArguments(name),
      query: this.getQueryArguments(name),
      body: this.getBodyArguments(name),
      unstripped: this.getArguments(name, false),
      query_last: this.getQueryArgument(name, null),
      body_last: this.getBodyArgument(name, null),
    });
  }
  override post() {
    this.get();
  }
  override put() {
    this.get();
  }
}

class Upload extends RequestHandler {
  override post() {
    const files: Record<string, unknown[]> = {};
    for (const [field, items] of Object.entries(this.request.files)) {
      files[field] = items.map((f) => ({
        filename: f.filename,
        body: f.body.toString("latin1"),
        content_type: f.contentType,
      }));
    }
    const args: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(this.request.bodyArguments)) {
      args[name] = values.map((v) => v.toString("latin1"));
    }
    this.write({ files, args });
  }
}

class Positional extends RequestHandler {
  override get(...args: (string | undefined)[]) {
    this.write({ args: args.map((a) => a ?? null) });
  }
}

class Named extends RequestHandler {
  override get() {
    this.write({ kwargs: this.pathKwargs });
  }
}

class Raw extends RequestHandler {
  override post() {
    const args: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(this.request.bodyArguments)) {
      args[name] = values.map((v) => v.toString("latin1"));
    }
    this.write({ body: this.request.body.toString("latin1"), args });
  }
  override put() {
    this.post();
  }
}

class Attrs extends RequestHandler {
  override get() {
    const r = this.request;
    this.write({
      method: r.method,
      uri: r.uri,
      path: r.path,
      query: r.query,
      version: r.version,
      host: r.host,
      host_name: r.hostName,
      remote_ip: r.remoteIp,
      protocol: r.protocol,
      full_url: r.fullUrl(),
    });
  }
}

function makeApp(): Application {
  return new Application([
    ["/args", Args],
    ["/upload", Upload],
    [String.raw`/pos/(\d+)/([a-z]+)?`, Positional],
    ["/unq/(.*)", Positional],
    [String.raw`/named/(?P<a>[^/]+)/(?P<b>\d+)`, Named],
    ["/raw", Raw],
    ["/attrs", Attrs],
  ]);
}

const FORM: readonly (readonly [string, string])[] = [
  ["Content-Type", "application/x-www-form-urlencoded"],
];
const MULTIPART: readonly (readonly [string, string])[] = [
  ["Content-Type", "multipart/form-data; boundary=XyZ"],
];

function multipart(parts: string[]): string {
  return `${parts.map((p) => `--XyZ\r\n${p}\r\n`).join("")}--XyZ--\r\n`;
}

conformanceSuite("core conformance: input", PYTHON, makeApp, [
  { name: "query arguments: last wins, strip, blanks kept", path: "/args?x=1&x=%20%202%20%20&x" },
  { name: "plus and percent decoding", path: "/args?x=a+b%2Bc" },
  { name: "control characters become spaces; TAB, LF, DEL kept", path: "/args?x=a%01b%09c%0ad%7f" },
  { name: "; is not a separator", path: "/args?x=1;x=2" },
  { name: "a missing argument with a default", path: "/args?name=absent" },
  { name: "invalid UTF-8 in an argument is a 400", path: "/args?x=%FF" },
  { name: "a leading byte-order mark in an argument is kept", path: "/args?x=%EF%BB%BFa" },
  { name: "a leading byte-order mark in a path group is kept", path: "/unq/%EF%BB%BFa" },
  {
    name: "arguments are stripped of what Python counts as white space",
    path: "/args?x=%C2%85a%E3%80%80%EF%BB%BF&x=%1C%E2%80%A8b%C2%A0",
  },
  {
    name: "query and body arguments merge, query first",
    path: "/args?x=q1",
    method: "POST",
    body: "x=b1&x=b2",
    headers: FORM,
  },
  {
    name: "a form body on PUT is parsed too",
    path: "/args",
    method: "PUT",
    body: "x=1",
    headers: FORM,
  },
  {
    name: "a form content type with a charset",
    path: "/args",
    method: "POST",
    body: "x=%C3%A9",
    headers: [["Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"]],
  },
  {
    name: "a JSON body is not parsed into arguments",
    path: "/raw",
    method: "POST",
    body: '{"x": 1}',
    headers: [["Content-Type", "application/json"]],
  },
  {
    name: "multipart: files grouped by field, arguments, empty filename is an argument",
    path: "/upload",
    method: "POST",
    headers: MULTIPART,
    body: multipart([
      'Content-Disposition: form-data; name="file"; filename="a b.txt"\r\n\r\nfile body',
      'Content-Disposition: form-data; name="file"; filename="2.txt"\r\nContent-Type: text/plain\r\n\r\nsecond',
      "Content-Disposition: form-data; name=\"img\"; filename*=UTF-8''%C3%A9.png\r\nContent-Type: image/png\r\n\r\nPNG",
      'Content-Disposition: form-data; name="x"\r\n\r\nv1',
      'Content-Disposition: form-data; name="x"\r\n\r\nv2',
      'Content-Disposition: form-data; name="empty"; filename=""\r\n\r\nnofile',
    ]),
  },
  {
    name: 'multipart file names keep backslashes; only \\\\ and \\" are escapes',
    path: "/upload",
    method: "POST",
    headers: MULTIPART,
    body: multipart([
      String.raw`Content-Disposition: form-data; name="f"; filename="C:\dir\a.txt"` + "\r\n\r\n1",
      String.raw`Content-Disposition: form-data; name="f"; filename="q\"r\\s.txt"` + "\r\n\r\n2",
    ]),
  },
  {
    name: "multipart with a quoted boundary",
    path: "/upload",
    method: "POST",
    headers: [["Content-Type", 'multipart/form-data; boundary="XyZ"']],
    body: multipart(['Content-Disposition: form-data; name="x"\r\n\r\nq']),
  },
  {
    name: "multipart without the final boundary is a 400",
    path: "/upload",
    method: "POST",
    headers: MULTIPART,
    body: '--XyZ\r\nContent-Disposition: form-data; name="x"\r\n\r\nv\r\n',
  },
  {
    name: "multipart part without a name is a 400",
    path: "/upload",
    method: "POST",
    headers: MULTIPART,
    body: multipart(["Content-Disposition: form-data\r\n\r\nv"]),
  },
  {
    name: "multipart part without headers is a 400",
    path: "/upload",
    method: "POST",
    headers: MULTIPART,
    body: multipart(["no headers here"]),
  },
  {
    name: "multipart without a boundary parameter is a 400",
    path: "/upload",
    method: "POST",
    headers: [["Content-Type", "multipart/form-data"]],
    body: multipart(['Content-Disposition: form-data; name="x"\r\n\r\nv']),
  },
  {
    name: "a chunked request body",
    path: "/raw",
    method: "POST",
    headers: [...FORM, ["Transfer-Encoding", "chunked"]],
    body: "3\r\nx=1\r\n4\r\n&y=2\r\n0\r\n\r\n",
  },
  {
    name: "Expect: 100-continue",
    path: "/raw",
    method: "POST",
    headers: [...FORM, ["Expect", "100-continue"]],
    body: "x=1",
  },
  { name: "positional groups, optional group missing", path: "/pos/12/" },
  { name: "positional groups", path: "/pos/12/ab" },
  { name: "anchored: a longer path is a 404", path: "/pos/12/ab/c" },
  { name: "path groups are URL-decoded, + kept", path: "/unq/a%2Fb%20c+d%25" },
  { name: "invalid UTF-8 in a path group is a 400", path: "/unq/%FF" },
  { name: "named groups", path: "/named/x%20y%2Fz/5" },
  { name: "request attributes", path: "/attrs?a=1&b=%C3%A9" },
  {
    name: "request attributes keep the Host header's case",
    path: "/attrs",
    headers: [["Host", "EXAMPLE.com:80"]],
  },
]);
