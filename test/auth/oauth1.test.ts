// OAuth 1.0a request signing: the example of the OAuth Core 1.0 specification (Appendix A.5),
// and agreement with Python Tornado's own signing function on awkward parameters.
import assert from "node:assert/strict";
import { test } from "node:test";
import { oauthEscape, oauthSignature, parseOAuthToken } from "tornado-ts/auth";
import { runPython } from "../support/python-tornado.ts";

const consumer = { key: "dpf43f3p2l4k3l03", secret: "kd94hf93k423kf44" };
const token = { key: "nnch734d00sl2jdk", secret: "pfkkdhi9sl3r4s00" };

test("signs the specification's example request", () => {
  const parameters = {
    file: "vacation.jpg",
    size: "original",
    oauth_consumer_key: consumer.key,
    oauth_token: token.key,
    oauth_signature_method: "HMAC-SHA1",
    oauth_timestamp: "1191242096",
    oauth_nonce: "kllo9940pd9333jh",
    oauth_version: "1.0",
  };
  assert.equal(
    oauthSignature(consumer, "GET", "http://photos.example.net/photos", parameters, token),
    "tR3+Ty81lMeYAr/Fid0kMTYa/WM=",
  );
  // The query of the URL is not part of the normalized URL; scheme and host are lower-cased.
  assert.equal(
    oauthSignature(consumer, "get", "HTTP://Photos.Example.NET/photos?x=1", parameters, token),
    "tR3+Ty81lMeYAr/Fid0kMTYa/WM=",
  );
});

test("percent-encodes as RFC 5849 section 3.6", () => {
  assert.equal(oauthEscape("a b!'()*~-._"), "a%20b%21%27%28%29%2A~-._");
  assert.equal(oauthEscape("é/="), "%C3%A9%2F%3D");
});

test("agrees with Python Tornado's signature on awkward parameters and secrets", async () => {
  const cases: { secret: string; tokenSecret: string; params: Record<string, string> }[] = [
    { secret: "s&cr=t é", tokenSecret: "t!k*n", params: { ab: "x+y", q: "1/2?3", u: "ü 😀" } },
    // A parameter name that needs encoding: RFC 5849 section 3.4.1.3.2 encodes names as well as
    // values; Tornado encodes only values (docs/name-map.md#auth-oauth1-names).
    { secret: "s", tokenSecret: "t", params: { "a b": "1" } },
    {
      secret: "plain",
      tokenSecret: "",
      params: { status: "Hello Ladies + Gentlemen, a signed OAuth request!" },
    },
  ];
  const script = `
import json, sys
from tornado.auth import _oauth10a_signature
cases = json.loads(${JSON.stringify(JSON.stringify(cases))})
out = []
for c in cases:
    token = dict(key="k", secret=c["tokenSecret"]) if c["tokenSecret"] else None
    out.append(_oauth10a_signature(dict(key="ck", secret=c["secret"]), "POST", "https://api.example.com/1/statuses/update.json", c["params"], token).decode())
print(json.dumps(out))
`;
  const expected = JSON.parse(await runPython(script)) as string[];
  const ours = cases.map((c) =>
    oauthSignature(
      { secret: c.secret },
      "POST",
      "https://api.example.com/1/statuses/update.json",
      c.params,
      c.tokenSecret ? { secret: c.tokenSecret } : null,
    ),
  );
  assert.deepEqual([ours[0], ours[2]], [expected[0], expected[2]]);
  assert.notEqual(ours[1], expected[1]);
});

test("parses a token answer with its extra fields", () => {
  assert.deepEqual(parseOAuthToken("oauth_token=hjkl&oauth_token_secret=vbnm&screen_name=foo"), {
    key: "hjkl",
    secret: "vbnm",
    screen_name: "foo",
  });
  assert.throws(() => parseOAuthToken("nothing=here"), { name: "AuthError" });
});
