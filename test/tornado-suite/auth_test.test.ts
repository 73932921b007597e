// Tornado's tornado/test/auth_test.py, ported: one test per Python test function, named
// Class.test_name, each against the Python suite's simulated providers served by the same
// Application on a real socket. Where tornado-ts differs (docs/name-map.md#auth-flow-cookie and
// #auth-errors), the tests carry the signed login cookie and the `state` from step to step, as a
// browser does, and check the signed cookie's content where Tornado checks its raw text.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  FacebookGraphMixin,
  GoogleOAuth2Mixin,
  type OAuth1Token,
  OAuth2Mixin,
  OAuthMixin,
  OpenIdMixin,
  TwitterMixin,
} from "tornado-ts/auth";
import { HTTPClientError } from "tornado-ts/httpclient";
import { urlConcat } from "tornado-ts/httputil";
import { expectLog, type TestResponse, TestServer } from "tornado-ts/testing";
import {
  Application,
  createSignedValue,
  decodeSignedValue,
  HTTPError,
  type InitArgs,
  RequestHandler,
} from "tornado-ts/web";

const COOKIE_SECRET = "auth-test-cookie-secret";

/** What the Python tests reach as `test.get_url(path)`: set once the server listens. */
class Base {
  origin = "";
  url(path: string): string {
    return this.origin + path;
  }
}

/** Serves `routes` (each given `{ test: base }` where it asks for it) for the length of `body`. */
async function serving(
  makeApp: (base: Base) => Application,
  body: (server: TestServer) => Promise<void>,
): Promise<void> {
  const base = new Base();
  const server = await TestServer.start(makeApp(base));
  base.origin = server.url("");
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** The `Cookie` header a browser would send back after `response`. */
function cookiesFrom(response: TestResponse): string {
  return response.headers
    .getList("Set-Cookie")
    .map((line) => line.split(";")[0]!)
    .join("; ");
}

/** The value of cookie `name` set by `response`, without its quotes. */
function setCookieValue(response: TestResponse, name: string): string | undefined {
  for (const line of response.headers.getList("Set-Cookie")) {
    const pair = line.split(";")[0]!;
    if (pair.startsWith(`${name}=`)) return pair.slice(name.length + 1).replace(/^"|"$/g, "");
  }
  return undefined;
}

/** Tornado's test cookie `base64('zxcv')|base64('1234')`, signed as tornado-ts keeps it. */
const REQUEST_TOKEN_COOKIE = `_oauth_request_token="${createSignedValue(
  COOKIE_SECRET,
  "_oauth_request_token",
  "enhjdg==|MTIzNA==",
)}"`;

class OpenIdClientLoginHandler extends OpenIdMixin(RequestHandler) {
  override initialize(args: InitArgs): void {
    this.openidEndpoint = (args.test as Base).url("/openid/server/authenticate");
  }

  override async get() {
    if (this.getArgument("openid.mode", null)) {
      const user = await this.getAuthenticatedUser();
      if (!user) throw new Error("user is None");
      await this.finish({ ...user });
      return;
    }
    this.authenticateRedirect();
  }
}

class OpenIdServerAuthenticateHandler extends RequestHandler {
  override post() {
    if (this.getArgument("openid.mode") !== "check_authentication") {
      throw new Error("incorrect openid.mode");
    }
    this.write("is_valid:true");
  }
}

class OAuth1ClientLoginHandler extends OAuthMixin(RequestHandler) {
  override initialize(args: InitArgs): void {
    const base = args.test as Base;
    this.oauthVersion = args.version as "1.0" | "1.0a";
    this.oauthRequestTokenUrl = base.url("/oauth1/server/request_token");
    this.oauthAuthorizeUrl = base.url("/oauth1/server/authorize");
    this.oauthAccessTokenUrl = base.url("/oauth1/server/access_token");
  }

  override oauthConsumerToken(): OAuth1Token {
    return { key: "asdf", secret: "qwer" };
  }

  override async get() {
    if (this.getArgument("oauth_token", null)) {
      const user = await this.getAuthenticatedUser();
      if (!user) throw new Error("user is None");
      await this.finish(user);
      return;
    }
    await this.authorizeRedirect();
  }

  override async oauthGetUserFuture(accessToken: OAuth1Token) {
    if (this.getArgument("fail_in_get_user", null)) throw new Error("failing in get_user");
    assert.deepEqual(accessToken, { key: "uiop", secret: "5678" }, "incorrect access token");
    return { email: "foo@example.com" };
  }
}

class OAuth1ClientLoginCoroutineHandler extends OAuth1ClientLoginHandler {
  override async get() {
    if (this.getArgument("oauth_token", null)) {
      // The error reaches the caller, not the surrounding request.
      try {
        await this.getAuthenticatedUser();
      } catch (error) {
        this.setStatus(503);
        this.write(`got exception: ${(error as Error).message}`);
      }
    } else {
      await this.authorizeRedirect();
    }
  }
}

class OAuth1ClientRequestParametersHandler extends OAuthMixin(RequestHandler) {
  override initialize(args: InitArgs): void {
    this.oauthVersion = args.version as "1.0" | "1.0a";
  }

  override oauthConsumerToken(): OAuth1Token {
    return { key: "asdf", secret: "qwer" };
  }

  override get() {
    const params = this.oauthRequestParameters(
      "http://www.example.com/api/asdf",
      { key: "uiop", secret: "5678" },
      { foo: "bar" },
    );
    this.write(params);
  }
}

/** Python's `mock.patch.object(OAuth1ServerRequestTokenHandler, "get")` in one test. */
let requestTokenFailure: Error | null = null;

class OAuth1ServerRequestTokenHandler extends RequestHandler {
  override get() {
    if (requestTokenFailure !== null) throw requestTokenFailure;
    this.write("oauth_token=zxcv&oauth_token_secret=1234");
  }
}

class OAuth1ServerAccessTokenHandler extends RequestHandler {
  override get() {
    this.write("oauth_token=uiop&oauth_token_secret=5678");
  }
}

class OAuth2ClientLoginHandler extends OAuth2Mixin(RequestHandler) {
  override initialize(args: InitArgs): void {
    this.oauthAuthorizeUrl = (args.test as Base).url("/oauth2/server/authorize");
  }

  override get() {
    const result: unknown = this.authorizeRedirect();
    assert.equal(result, undefined);
  }
}

class FacebookClientLoginHandler extends FacebookGraphMixin(RequestHandler) {
  override initialize(args: InitArgs): void {
    const base = args.test as Base;
    this.oauthAuthorizeUrl = base.url("/facebook/server/authorize");
    this.oauthAccessTokenUrl = base.url("/facebook/server/access_token");
    this.facebookBaseUrl = base.url("/facebook/server");
  }

  override async get() {
    if (this.getArgument("code", null)) {
      const user = await this.getAuthenticatedUser({
        redirectUri: this.request.fullUrl(),
        clientId: this.settings.facebookApiKey,
        clientSecret: this.settings.facebookSecret,
        code: this.getArgument("code"),
      });
      this.write({ ...user });
    } else {
      this.authorizeRedirect({
        redirectUri: this.request.fullUrl(),
        clientId: this.settings.facebookApiKey,
        extraParams: { scope: "read_stream,offline_access" },
      });
    }
  }
}

class FacebookServerAccessTokenHandler extends RequestHandler {
  override get() {
    this.write({ access_token: "asdf", expires_in: 3600 });
  }
}

class FacebookServerMeHandler extends RequestHandler {
  override get() {
    this.write("{}");
  }
}

class TwitterClientHandler extends TwitterMixin(RequestHandler) {
  override initialize(args: InitArgs): void {
    const base = args.test as Base;
    this.oauthRequestTokenUrl = base.url("/oauth1/server/request_token");
    this.oauthAccessTokenUrl = base.url("/twitter/server/access_token");
    this.oauthAuthorizeUrl = base.url("/oauth1/server/authorize");
    this.oauthAuthenticateUrl = base.url("/twitter/server/authenticate");
    this.twitterBaseUrl = base.url("/twitter/api");
  }
}

class TwitterClientLoginHandler extends TwitterClientHandler {
  override async get() {
    if (this.getArgument("oauth_token", null)) {
      const user = await this.getAuthenticatedUser();
      if (!user) throw new Error("user is None");
      await this.finish(user);
      return;
    }
    await this.authorizeRedirect();
  }
}

class TwitterClientAuthenticateHandler extends TwitterClientHandler {
  override async get() {
    if (this.getArgument("oauth_token", null)) {
      const user = await this.getAuthenticatedUser();
      if (!user) throw new Error("user is None");
      await this.finish(user);
      return;
    }
    await this.authenticateRedirect();
  }
}

class TwitterClientLoginGenCoroutineHandler extends TwitterClientHandler {
  override async get() {
    if (this.getArgument("oauth_token", null)) {
      const user = await this.getAuthenticatedUser();
      await this.finish(user);
    } else {
      await this.authorizeRedirect();
    }
  }
}

class TwitterClientShowUserHandler extends TwitterClientHandler {
  override async get() {
    let response: unknown;
    try {
      response = await this.twitterRequest(`/users/show/${this.getArgument("name")}`, {
        accessToken: { key: "hjkl", secret: "vbnm" },
      });
    } catch (error) {
      if (!(error instanceof HTTPClientError)) throw error;
      this.setStatus(500);
      await this.finish("error from twitter request");
      return;
    }
    await this.finish(response as Record<string, unknown>);
  }
}

class TwitterServerAccessTokenHandler extends RequestHandler {
  override get() {
    this.write("oauth_token=hjkl&oauth_token_secret=vbnm&screen_name=foo");
  }
}

/** The checks Tornado's simulated Twitter makes on every signed request. */
function assertSignedTwitterRequest(handler: RequestHandler): void {
  const args = handler.request.arguments;
  for (const name of ["oauth_nonce", "oauth_timestamp", "oauth_signature"]) {
    if (!(name in args)) throw new HTTPError(400, `missing ${name}`);
  }
  const expected: Record<string, string> = {
    oauth_consumer_key: "test_twitter_consumer_key",
    oauth_signature_method: "HMAC-SHA1",
    oauth_version: "1.0",
    oauth_token: "hjkl",
  };
  for (const [name, value] of Object.entries(expected)) {
    if (handler.getArgument(name) !== value) throw new HTTPError(400, `bad ${name}`);
  }
}

class TwitterServerShowUserHandler extends RequestHandler {
  override get(screenName: string) {
    if (screenName === "error") throw new HTTPError(500);
    assertSignedTwitterRequest(this);
    this.write({
      screen_name: screenName,
      name: screenName.charAt(0).toUpperCase() + screenName.slice(1).toLowerCase(),
    });
  }
}

class TwitterServerVerifyCredentialsHandler extends RequestHandler {
  override get() {
    assertSignedTwitterRequest(this);
    this.write({ screen_name: "foo", name: "Foo" });
  }
}

function authTestApp(base: Base): Application {
  const test = { test: base };
  return new Application(
    [
      // test endpoints
      ["/openid/client/login", OpenIdClientLoginHandler, test],
      ["/oauth10/client/login", OAuth1ClientLoginHandler, { ...test, version: "1.0" }],
      ["/oauth10/client/request_params", OAuth1ClientRequestParametersHandler, { version: "1.0" }],
      ["/oauth10a/client/login", OAuth1ClientLoginHandler, { ...test, version: "1.0a" }],
      [
        "/oauth10a/client/login_coroutine",
        OAuth1ClientLoginCoroutineHandler,
        { ...test, version: "1.0a" },
      ],
      [
        "/oauth10a/client/request_params",
        OAuth1ClientRequestParametersHandler,
        { version: "1.0a" },
      ],
      ["/oauth2/client/login", OAuth2ClientLoginHandler, test],
      ["/facebook/client/login", FacebookClientLoginHandler, test],
      ["/twitter/client/login", TwitterClientLoginHandler, test],
      ["/twitter/client/authenticate", TwitterClientAuthenticateHandler, test],
      ["/twitter/client/login_gen_coroutine", TwitterClientLoginGenCoroutineHandler, test],
      ["/twitter/client/show_user", TwitterClientShowUserHandler, test],
      // simulated servers
      ["/openid/server/authenticate", OpenIdServerAuthenticateHandler],
      ["/oauth1/server/request_token", OAuth1ServerRequestTokenHandler],
      ["/oauth1/server/access_token", OAuth1ServerAccessTokenHandler],
      ["/facebook/server/access_token", FacebookServerAccessTokenHandler],
      ["/facebook/server/me", FacebookServerMeHandler],
      ["/twitter/server/access_token", TwitterServerAccessTokenHandler],
      ["/twitter/api/users/show/(.*)\\.json", TwitterServerShowUserHandler],
      ["/twitter/api/account/verify_credentials\\.json", TwitterServerVerifyCredentialsHandler],
    ],
    {
      cookieSecret: COOKIE_SECRET,
      twitterConsumerKey: "test_twitter_consumer_key",
      twitterConsumerSecret: "test_twitter_consumer_secret",
      facebookApiKey: "test_facebook_api_key",
      facebookSecret: "test_facebook_secret",
    },
  );
}

/** The request-token cookie a redirect set, checked as Tornado checks its raw text. */
function assertRequestTokenCookie(response: TestResponse): void {
  const cookie = setCookieValue(response, "_oauth_request_token");
  assert.ok(cookie, response.headers.getList("Set-Cookie").join("\n"));
  // the cookie is base64('zxcv')|base64('1234'), signed
  assert.equal(
    decodeSignedValue(COOKIE_SECRET, "_oauth_request_token", cookie),
    "enhjdg==|MTIzNA==",
  );
}

test("AuthTest.test_openid_redirect", async () => {
  await serving(authTestApp, async (server) => {
    const response = await server.fetch("/openid/client/login");
    assert.equal(response.code, 302);
    assert.ok(response.headers.get("Location")!.includes("/openid/server/authenticate?"));
  });
});

test("AuthTest.test_openid_get_user", async () => {
  await serving(authTestApp, async (server) => {
    const response = await server.fetch(
      "/openid/client/login?openid.mode=blah" +
        "&openid.ns.ax=http://openid.net/srv/ax/1.0" +
        "&openid.ax.type.email=http://axschema.org/contact/email" +
        "&openid.ax.value.email=foo@example.com",
    );
    assert.equal(response.code, 200, response.text);
    assert.equal(response.json<{ email: string }>().email, "foo@example.com");
  });
});

/** The login of the OAuth 1.0 or 1.0a client (`version`) redirects to the provider with a request token. */
function checkOAuth1Redirect(version: string): Promise<void> {
  return serving(authTestApp, async (server) => {
    const response = await server.fetch(`/${version}/client/login`);
    assert.equal(response.code, 302);
    assert.ok(
      response.headers.get("Location")!.endsWith("/oauth1/server/authorize?oauth_token=zxcv"),
    );
    assertRequestTokenCookie(response);
  });
}

/** The callback of the OAuth 1.0 or 1.0a client (`version`) gets the user and its access token. */
function checkOAuth1GetUser(version: string): Promise<void> {
  return serving(authTestApp, async (server) => {
    const response = await server.fetch(`/${version}/client/login?oauth_token=zxcv`, {
      headers: { Cookie: REQUEST_TOKEN_COOKIE },
    });
    assert.equal(response.code, 200, response.text);
    const parsed = response.json<Record<string, unknown>>();
    assert.equal(parsed.email, "foo@example.com");
    assert.deepEqual(parsed.access_token, { key: "uiop", secret: "5678" });
  });
}

/** The OAuth 1.0 or 1.0a client (`version`) signs a request with the consumer key and token. */
function checkOAuth1RequestParameters(version: string): Promise<void> {
  return serving(authTestApp, async (server) => {
    const response = await server.fetch(`/${version}/client/request_params`);
    assert.equal(response.code, 200, response.text);
    const parsed = response.json<Record<string, string>>();
    assert.equal(parsed.oauth_consumer_key, "asdf");
    assert.equal(parsed.oauth_token, "uiop");
    assert.ok("oauth_nonce" in parsed);
    assert.ok("oauth_signature" in parsed);
  });
}

test("AuthTest.test_oauth10_redirect", () => checkOAuth1Redirect("oauth10"));

test("AuthTest.test_oauth10_get_user", () => checkOAuth1GetUser("oauth10"));

test("AuthTest.test_oauth10_request_parameters", () => checkOAuth1RequestParameters("oauth10"));

test("AuthTest.test_oauth10a_redirect", () => checkOAuth1Redirect("oauth10a"));

test("AuthTest.test_oauth10a_redirect_error", async () => {
  await serving(authTestApp, async (server) => {
    requestTokenFailure = new Error("boom");
    try {
      // The simulated provider fails with a 500; the login answers 502 and logs why
      // (docs/name-map.md#auth-errors), where Tornado logs an uncaught exception and answers 500.
      const response = await expectLog(
        [
          "Uncaught exception",
          /500 GET \/oauth1\/server\/request_token/,
          /request-token request failed/,
          /502 GET \/oauth10a\/client\/login/,
        ],
        () => server.fetch("/oauth10a/client/login"),
      );
      assert.equal(response.code, 502);
    } finally {
      requestTokenFailure = null;
    }
  });
});

test("AuthTest.test_oauth10a_get_user", () => checkOAuth1GetUser("oauth10a"));

test("AuthTest.test_oauth10a_request_parameters", () => checkOAuth1RequestParameters("oauth10a"));

test("AuthTest.test_oauth10a_get_user_coroutine_exception", async () => {
  await serving(authTestApp, async (server) => {
    const response = await expectLog(/503 GET \/oauth10a\/client\/login_coroutine/, () =>
      server.fetch("/oauth10a/client/login_coroutine?oauth_token=zxcv&fail_in_get_user=true", {
        headers: { Cookie: REQUEST_TOKEN_COOKIE },
      }),
    );
    assert.equal(response.code, 503);
    assert.equal(response.text, "got exception: failing in get_user");
  });
});

test("AuthTest.test_oauth2_redirect", async () => {
  await serving(authTestApp, async (server) => {
    const response = await server.fetch("/oauth2/client/login");
    assert.equal(response.code, 302);
    assert.ok(response.headers.get("Location")!.includes("/oauth2/server/authorize?"));
  });
});

test("AuthTest.test_facebook_login", async () => {
  await serving(authTestApp, async (server) => {
    let response = await server.fetch("/facebook/client/login");
    assert.equal(response.code, 302);
    const location = response.headers.get("Location")!;
    assert.ok(location.includes("/facebook/server/authorize?"));
    // The provider sends the state back with the code; the browser brings the login cookie.
    const state = new URL(location).searchParams.get("state")!;
    response = await server.fetch(`/facebook/client/login?code=1234&state=${state}`, {
      headers: { Cookie: cookiesFrom(response) },
    });
    assert.equal(response.code, 200, response.text);
    const user = response.json<Record<string, unknown>>();
    assert.equal(user.access_token, "asdf");
    assert.equal(user.session_expires, "3600");
  });
});

async function baseTwitterRedirect(url: string): Promise<void> {
  await serving(authTestApp, async (server) => {
    // Same as test_oauth10a_redirect
    const response = await server.fetch(url);
    assert.equal(response.code, 302);
    assert.ok(
      response.headers.get("Location")!.endsWith("/oauth1/server/authorize?oauth_token=zxcv"),
    );
    assertRequestTokenCookie(response);
  });
}

test("AuthTest.test_twitter_redirect", async () => {
  await baseTwitterRedirect("/twitter/client/login");
});

test("AuthTest.test_twitter_redirect_gen_coroutine", async () => {
  await baseTwitterRedirect("/twitter/client/login_gen_coroutine");
});

test("AuthTest.test_twitter_authenticate_redirect", async () => {
  await serving(authTestApp, async (server) => {
    const response = await server.fetch("/twitter/client/authenticate");
    assert.equal(response.code, 302);
    const location = response.headers.get("Location")!;
    assert.ok(location.endsWith("/twitter/server/authenticate?oauth_token=zxcv"), location);
    assertRequestTokenCookie(response);
  });
});

test("AuthTest.test_twitter_get_user", async () => {
  await serving(authTestApp, async (server) => {
    const response = await server.fetch("/twitter/client/login?oauth_token=zxcv", {
      headers: { Cookie: REQUEST_TOKEN_COOKIE },
    });
    assert.equal(response.code, 200, response.text);
    assert.deepEqual(response.json(), {
      access_token: { key: "hjkl", screen_name: "foo", secret: "vbnm" },
      name: "Foo",
      screen_name: "foo",
      username: "foo",
    });
  });
});

test("AuthTest.test_twitter_show_user", async () => {
  await serving(authTestApp, async (server) => {
    const response = await server.fetch("/twitter/client/show_user?name=somebody");
    assert.equal(response.code, 200, response.text);
    assert.deepEqual(response.json(), { name: "Somebody", screen_name: "somebody" });
  });
});

test("AuthTest.test_twitter_show_user_error", async () => {
  await serving(authTestApp, async (server) => {
    // The simulated Twitter's 500 and the client handler's own 500 are both access-logged.
    const response = await expectLog(/500 GET \/twitter\/api\/users\/show\/error\.json/, () =>
      expectLog(/500 GET \/twitter\/client\/show_user\?name=error/, () =>
        server.fetch("/twitter/client/show_user?name=error"),
      ),
    );
    assert.equal(response.code, 500);
    assert.equal(response.text, "error from twitter request");
  });
});

class GoogleLoginHandler extends GoogleOAuth2Mixin(RequestHandler) {
  test!: Base;
  redirectUri = "";

  override initialize(args: InitArgs): void {
    this.test = args.test as Base;
    this.redirectUri = this.test.url("/client/login");
    this.oauthAuthorizeUrl = this.test.url("/google/oauth2/authorize");
    this.oauthAccessTokenUrl = this.test.url("/google/oauth2/token");
  }

  override async get() {
    const code = this.getArgument("code", null);
    if (code !== null) {
      // retrieve authenticate google user
      const access = await this.getAuthenticatedUser({ redirectUri: this.redirectUri, code });
      const user = (await this.oauth2Request(this.test.url("/google/oauth2/userinfo"), {
        accessToken: access.access_token,
      })) as Record<string, unknown>;
      // return the user and access token as json
      user.access_token = access.access_token;
      this.write(user);
    } else {
      this.authorizeRedirect({
        redirectUri: this.redirectUri,
        clientId: this.settings.googleOauth?.key,
        clientSecret: this.settings.googleOauth?.secret,
        scope: ["profile", "email"],
        responseType: "code",
        extraParams: { prompt: "select_account" },
      });
    }
  }
}

class GoogleOAuth2AuthorizeHandler extends RequestHandler {
  override get() {
    // issue a fake auth code and redirect to redirect_uri, with the state as a provider does
    const code = "fake-authorization-code";
    this.redirect(
      urlConcat(this.getArgument("redirect_uri"), { code, state: this.getArgument("state") }),
    );
  }
}

class GoogleOAuth2TokenHandler extends RequestHandler {
  override post() {
    if (this.getArgument("code") !== "fake-authorization-code") throw new HTTPError(400);
    // issue a fake token
    return this.finish({ access_token: "fake-access-token", expires_in: "never-expires" });
  }
}

class GoogleOAuth2UserinfoHandler extends RequestHandler {
  override get() {
    if (this.request.headers.get("Authorization") !== "Bearer fake-access-token") {
      throw new HTTPError(401);
    }
    // return a fake user
    return this.finish({ name: "Foo", email: "foo@example.com" });
  }
}

function googleApp(base: Base): Application {
  const test = { test: base };
  return new Application(
    [
      // test endpoints
      ["/client/login", GoogleLoginHandler, test],
      // simulated google authorization server endpoints
      ["/google/oauth2/authorize", GoogleOAuth2AuthorizeHandler],
      ["/google/oauth2/token", GoogleOAuth2TokenHandler],
      ["/google/oauth2/userinfo", GoogleOAuth2UserinfoHandler],
    ],
    {
      cookieSecret: COOKIE_SECRET,
      googleOauth: { key: "fake_google_client_id", secret: "fake_google_client_secret" },
    },
  );
}

test("GoogleOAuth2Test.test_google_login", async () => {
  await serving(googleApp, async (server) => {
    // Python follows the redirects with fetch(); here the login cookie travels as in a browser.
    const start = await server.fetch("/client/login");
    assert.equal(start.code, 302);
    const authorize = await server.fetch(start.headers.get("Location")!);
    assert.equal(authorize.code, 302);
    const response = await server.fetch(authorize.headers.get("Location")!, {
      headers: { Cookie: cookiesFrom(start) },
    });
    assert.deepEqual(response.json(), {
      name: "Foo",
      email: "foo@example.com",
      access_token: "fake-access-token",
    });
  });
});
