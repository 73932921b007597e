// Plain cookies, compared with real Python Tornado on the same requests: request cookie parsing
// (tornado-behaviour.md section 5.1) and Set-Cookie output (sections 5.2 to 5.4).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { captureLogs, type TestResponse, TestServer } from "tornado-ts/testing";
import {
  Application,
  CookieError,
  type CookieOptions,
  HTTPError,
  RequestHandler,
} from "tornado-ts/web";
import { startTornado, type TornadoProcess } from "../support/python-tornado.ts";

interface Attrs {
  domain?: string;
  expires?: number;
  path?: string | null;
  expiresDays?: number;
  maxAge?: number;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: string;
}

type Op =
  | ["set", string, string, Attrs?]
  | ["clear", string, Attrs?]
  | ["clearAll", Attrs?]
  | ["header", string]
  | ["addHeader", string]
  | ["otherHeader", string, string]
  | ["raise", number];

const TORNADO_APP = `
import json

def py_kwargs(attrs):
    names = {"domain": "domain", "expires": "expires", "path": "path", "expiresDays": "expires_days",
             "maxAge": "max_age", "secure": "secure", "httpOnly": "httponly", "sameSite": "samesite"}
    return {names[k]: v for k, v in (attrs or {}).items()}

class Echo(tornado.web.RequestHandler):
    def get(self):
        self.write(json.dumps({k: m.value for k, m in self.request.cookies.items()}))

class Apply(tornado.web.RequestHandler):
    def get(self):
        for op in json.loads(self.get_argument("ops")):
            kind, args = op[0], op[1:]
            if kind == "set":
                self.set_cookie(args[0], args[1], **py_kwargs(args[2] if len(args) > 2 else None))
            elif kind == "clear":
                self.clear_cookie(args[0], **py_kwargs(args[1] if len(args) > 1 else None))
            elif kind == "clearAll":
                self.clear_all_cookies(**py_kwargs(args[0] if args else None))
            elif kind == "header":
                self.set_header("Set-Cookie", args[0])
            elif kind == "addHeader":
                self.add_header("Set-Cookie", args[0])
            elif kind == "otherHeader":
                self.set_header(args[0], args[1])
            elif kind == "raise":
                raise tornado.web.HTTPError(args[0])
        self.write("ok")

app = tornado.web.Application([("/echo", Echo), ("/apply", Apply)])
`;

class EchoHandler extends RequestHandler {
  override get() {
    const out: Record<string, string> = {};
    for (const name of Object.keys(this.request.cookies)) out[name] = this.getCookie(name)!;
    this.write(JSON.stringify(out));
  }
}

function tsOptions(attrs: Attrs | undefined): CookieOptions {
  return { ...(attrs as CookieOptions | undefined) };
}

class ApplyHandler extends RequestHandler {
  override get() {
    for (const op of JSON.parse(this.getArgument("ops")) as Op[]) {
      if (op[0] === "set") this.setCookie(op[1], op[2], tsOptions(op[3]));
      else if (op[0] === "clear") this.clearCookie(op[1], tsOptions(op[2]));
      else if (op[0] === "clearAll") this.clearAllCookies(tsOptions(op[1]));
      else if (op[0] === "header") this.setHeader("Set-Cookie", op[1]);
      else if (op[0] === "addHeader") this.addHeader("Set-Cookie", op[1]);
      else if (op[0] === "otherHeader") this.setHeader(op[1], op[2]);
      else throw new HTTPError(op[1]);
    }
    this.write("ok");
  }
}

// Dates computed from "now" differ by the time between the two requests; compare their shape.
function normalize(lines: string[], keepDates: boolean): string[] {
  return keepDates
    ? lines
    : lines.map((line) =>
        line.replace(
          /expires=[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [\d:]{8} GMT/,
          "expires=<date>",
        ),
      );
}

function setCookies(response: TestResponse): string[] {
  return response.rawHeaders
    .filter(([name]) => name.toLowerCase() === "set-cookie")
    .map(([, v]) => v);
}

// The connection layer's headers belong to the server's own conformance suite.
const SKIPPED_HEADERS = new Set([
  "server",
  "date",
  "etag",
  "content-length",
  "content-type",
  "connection",
  "keep-alive",
]);

function headerNames(response: TestResponse): string[] {
  return response.rawHeaders
    .map(([name]) => name)
    .filter((name) => !SKIPPED_HEADERS.has(name.toLowerCase()));
}

describe("cookies, compared with Python Tornado", () => {
  let tornado: TornadoProcess;
  let ours: TestServer;
  before(async () => {
    tornado = await startTornado(TORNADO_APP);
    ours = await TestServer.start(
      new Application([
        ["/echo", EchoHandler],
        ["/apply", ApplyHandler],
      ]),
    );
  });
  after(async () => {
    await ours.close();
    await tornado.close();
  });

  async function both(path: string, headers: Record<string, string> = {}) {
    const logs = captureLogs();
    try {
      const theirs = await ours.fetch(tornado.url(path), { headers });
      const mine = await ours.fetch(path, { headers });
      return { theirs, mine };
    } finally {
      logs.stop();
    }
  }

  const cookieHeaders = [
    'a=1; b="x\\073y"; c; =d; e=f=g; ;  h  =  i  ',
    "path=1; Expires=2; max-age=3; Version=4; domain=5; secure=6; httponly=7; samesite=8; x=9",
    "/=exception; ok=1",
    "a=1; a=2",
    'a="\\"q\\\\"',
    'a="unterminated',
    'a=""',
    'a="\\400"; b="\\377"; c="\\101\\102"',
    "foo=a=b",
    'foo="a=b"',
    'foo="a;b"',
    "foo=a\\073b",
    'sig="2|1:0|10:1300000000|3:foo|4:YmFy|7919d42402d4e0dfcbb25d3be41e1b90864d6b5ac6c1850279fa1e8af6b8b0e0"',
    "_xsrf=2|deadbeef|deacbcecdaa8b8e8d6a4b4e4d2a0b0e0|1700000000",
    "",
    ";;;",
    "noequals",
    "a=1;b=2;c=3",
  ];
  for (const header of cookieHeaders) {
    it(`parses Cookie: ${JSON.stringify(header)} as Tornado does`, async () => {
      const { theirs, mine } = await both("/echo", { Cookie: header });
      assert.equal(theirs.code, 200);
      assert.deepEqual(mine.json(), theirs.json());
    });
  }

  const outputs: {
    label: string;
    ops: Op[];
    cookie?: string;
    keepDates?: boolean;
    status?: number;
  }[] = [
    { label: "a plain cookie", ops: [["set", "a", "1"]] },
    {
      label: "every attribute, in Tornado's order",
      ops: [
        [
          "set",
          "a",
          "1",
          {
            domain: "example.com",
            expiresDays: 1,
            path: "/p",
            secure: true,
            httpOnly: true,
            sameSite: "Lax",
            maxAge: 10,
          },
        ],
      ],
    },
    { label: "a fixed expiry", ops: [["set", "a", "1", { expires: 1700000000 }]], keepDates: true },
    {
      label: "a fractional expiry",
      ops: [["set", "a", "1", { expires: 1700000000.9 }]],
      keepDates: true,
    },
    { label: "no path", ops: [["set", "a", "1", { path: null }]] },
    { label: "an empty path", ops: [["set", "a", "1", { path: "" }]] },
    { label: "false flags", ops: [["set", "a", "1", { secure: false, httpOnly: false }]] },
    {
      label: "SameSite=None with Secure",
      ops: [["set", "a", "1", { sameSite: "None", secure: true }]],
    },
    { label: "a lower-case SameSite", ops: [["set", "a", "1", { sameSite: "strict" }]] },
    { label: 'a quoted value with ; and "', ops: [["set", "a", 'x;y"z']] },
    { label: "a comma", ops: [["set", "a", "x,y"]] },
    { label: "latin-1 text", ops: [["set", "a", "café"]] },
    { label: "an equals sign", ops: [["set", "equals", "a=b"]] },
    { label: "a backslash", ops: [["set", "a", "a\\b"]] },
    { label: "characters kept inside quotes", ops: [["set", "a", "()/<=>?@[]{}"]] },
    { label: "an empty value", ops: [["set", "a", ""]] },
    { label: "a DEL character (octal-escaped)", ops: [["set", "a", "x\u007fy"]] },
    {
      label: "an error page (cookies survive sendError)",
      ops: [
        ["set", "keep", "1"],
        ["otherHeader", "X-Lost", "1"],
        ["raise", 400],
      ],
      status: 400,
    },
    {
      label: "a signed value",
      ops: [["set", "user", "2|1:0|10:1795559920|4:user|8:YWxpY2U=|04063f4c"]],
    },
    {
      label: "an XSRF cookie (not quoted)",
      ops: [["set", "_xsrf", "2|e91cb01c|d3abbeabacae67e76b1dc56b3247e1c3|1795559928"]],
    },
    {
      label: "the same name twice (the later wins)",
      ops: [
        ["set", "a", "1"],
        ["set", "a", "2"],
        ["set", "b", "3"],
      ],
    },
    {
      label: "a name set again moves to the end",
      ops: [
        ["set", "a", "1"],
        ["set", "b", "2"],
        ["set", "a", "3"],
      ],
    },
    { label: "clearCookie", ops: [["clear", "a"]] },
    {
      label: "clearCookie with domain and path",
      ops: [["clear", "a", { domain: "example.com", path: "/x" }]],
    },
    { label: "clearAllCookies", ops: [["clearAll"]], cookie: 'a=1; b=2; c="q"' },
    {
      label: "clearAllCookies with a path",
      ops: [["clearAll", { path: "/p" }]],
      cookie: "z=1; a=2",
    },
    { label: "the tutorial's Set-Cookie set by hand", ops: [["header", "sunck=good1; Path=/"]] },
    {
      label: "Set-Cookie by hand next to setCookie",
      ops: [
        ["set", "y", "2"],
        ["header", "x=1; Path=/"],
      ],
    },
    {
      label: "Set-Cookie by hand keeps its header position",
      ops: [
        ["header", "x=1"],
        ["otherHeader", "X-After", "1"],
        ["set", "y", "2"],
      ],
    },
    {
      label: "Set-Cookie added twice by hand",
      ops: [
        ["addHeader", "x=1"],
        ["addHeader", "z=3"],
      ],
    },
  ];
  for (const { label, ops, cookie, keepDates, status = 200 } of outputs) {
    it(`writes Set-Cookie for ${label} as Tornado does`, async () => {
      const query = `/apply?ops=${encodeURIComponent(JSON.stringify(ops))}`;
      const { theirs, mine } = await both(query, cookie ? { Cookie: cookie } : {});
      assert.equal(theirs.code, status, theirs.text);
      assert.equal(mine.code, status, mine.text);
      assert.deepEqual(
        normalize(setCookies(mine), !!keepDates),
        normalize(setCookies(theirs), !!keepDates),
      );
      assert.deepEqual(headerNames(mine), headerNames(theirs));
    });
  }

  const refused: { label: string; ops: Op[] }[] = [
    { label: "a space in the value", ops: [["set", "a", "x y"]] },
    { label: "a control character in the value", ops: [["set", "a", "x\u0001y"]] },
    { label: "a newline in the value", ops: [["set", "a", "x\r\nSet-Cookie: evil=1"]] },
    { label: "a ; in the name", ops: [["set", "a;b", "1"]] },
    { label: "a space in the name", ops: [["set", "a b", "1"]] },
    { label: "an empty name", ops: [["set", "", "1"]] },
  ];
  for (const { label, ops } of refused) {
    it(`answers 500 for ${label}, as Tornado does`, async () => {
      const query = `/apply?ops=${encodeURIComponent(JSON.stringify(ops))}`;
      const { theirs, mine } = await both(query);
      assert.equal(theirs.code, 500);
      assert.equal(mine.code, 500);
      assert.deepEqual(setCookies(mine), []);
    });
  }

  it("refuses a value above U+00FF with a 500 where Tornado drops the connection", async () => {
    const ops: Op[] = [["set", "a", "snow\u2603"]];
    const query = `/apply?ops=${encodeURIComponent(JSON.stringify(ops))}`;
    const logs = captureLogs();
    try {
      await assert.rejects(ours.fetch(tornado.url(query)), /socket hang up|ECONNRESET/);
      const mine = await ours.fetch(query);
      assert.equal(mine.code, 500);
      const logged = logs.records
        .map((record) => record.error)
        .find((e) => e instanceof CookieError);
      assert.match(String(logged), /characters above U\+00FF cannot be carried/);
    } finally {
      logs.stop();
    }
  });
});
