// OAuth2Mixin and its providers against a loopback OAuth 2 provider written here (authorization
// page, token endpoint, user API), both on real sockets: state and PKCE, the login cookie's
// attributes and lifetime, refusals, and the bearer token on API calls.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import { AuthError, GitHubOAuth2Mixin, OAuth2Mixin } from "tornado-ts/auth";
import { urlConcat } from "tornado-ts/httputil";
import { expectLog, type TestResponse, TestServer } from "tornado-ts/testing";
import {
  Application,
  createSignedValue,
  decodeSignedValue,
  type InitArgs,
  RequestHandler,
} from "tornado-ts/web";

const SECRET = "oauth2-test-secret";

interface TokenRequest {
  method: string;
  fields: Record<string, string>;
  authorization: string | undefined;
}

/** What the provider saw, reset before each test. */
const seen: { tokenRequests: TokenRequest[]; apiAuthorization: string[] } = {
  tokenRequests: [],
  apiAuthorization: [],
};
/** Codes the provider issued, with the PKCE challenge each was bound to; a code works once. */
const codes = new Map<string, { challenge: string | null; redirectUri: string }>();

class AuthorizePage extends RequestHandler {
  override get() {
    // A provider that approves at once: a fresh code, back to redirect_uri with the state.
    const code = `code-${codes.size + 1}`;
    codes.set(code, {
      challenge: this.getArgument("code_challenge", null),
      redirectUri: this.getArgument("redirect_uri"),
    });
    this.redirect(
      urlConcat(this.getArgument("redirect_uri"), { code, state: this.getArgument("state") }),
    );
  }
}

class TokenEndpoint extends RequestHandler {
  override get() {
    return this.#answer();
  }

  override post() {
    return this.#answer();
  }

  #answer() {
    const fields: Record<string, string> = {};
    for (const name of Object.keys(this.request.arguments)) fields[name] = this.getArgument(name);
    seen.tokenRequests.push({
      method: this.request.method,
      fields,
      authorization: this.request.headers.get("Authorization"),
    });
    const issued = codes.get(fields.code ?? "");
    codes.delete(fields.code ?? "");
    const verifier = fields.code_verifier ?? "";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    if (
      issued === undefined ||
      (issued.challenge !== null && issued.challenge !== challenge) ||
      issued.redirectUri !== fields.redirect_uri ||
      fields.client_secret !== "client-secret"
    ) {
      this.setStatus(400);
      return this.finish({ error: "invalid_grant" });
    }
    return this.finish({ access_token: `token-for-${fields.code}`, token_type: "Bearer" });
  }
}

class UserApi extends RequestHandler {
  override get() {
    const authorization = this.request.headers.get("Authorization") ?? "";
    seen.apiAuthorization.push(authorization);
    if (!authorization.startsWith("Bearer token-for-")) {
      this.setStatus(401);
      return this.finish({ message: "Bad credentials" });
    }
    return this.finish({ id: 7, login: "octo", name: "Octo Cat" });
  }

  override post() {
    seen.apiAuthorization.push(this.request.headers.get("Authorization") ?? "");
    return this.finish({ posted: this.getBodyArgument("text") });
  }
}

function providerApp(): Application {
  return new Application([
    ["/authorize", AuthorizePage],
    ["/token", TokenEndpoint],
    ["/user", UserApi],
  ]);
}

class LoginHandler extends OAuth2Mixin(RequestHandler) {
  provider = "";

  override initialize(args: InitArgs): void {
    this.provider = args.provider as string;
    this.oauthAuthorizeUrl = `${this.provider}/authorize`;
    this.oauthAccessTokenUrl = `${this.provider}/token`;
  }

  override async get() {
    const redirectUri = this.request.fullUrl().split("?")[0]!;
    if (this.getArgument("code", null) === null && this.getArgument("error", null) === null) {
      this.authorizeRedirect({
        redirectUri,
        clientId: "client-id",
        scope: ["read", "write"],
        pkce: this.getArgument("pkce", "on") === "on",
      });
      return;
    }
    const token = await this.getAccessToken({
      clientId: "client-id",
      clientSecret: "client-secret",
    });
    const me = await this.oauth2Request(`${this.provider}/user`, {
      accessToken: token.access_token,
    });
    this.setSignedCookie("user", JSON.stringify(me));
    this.write({ token, me: me as Record<string, unknown> });
  }
}

class PostHandler extends OAuth2Mixin(RequestHandler) {
  override async get() {
    const provider = this.getArgument("provider");
    this.write(
      (await this.oauth2Request(`${provider}/user`, {
        accessToken: "token-for-x",
        postArgs: { text: "hello" },
      })) as Record<string, unknown>,
    );
  }
}

class GitHubLogin extends GitHubOAuth2Mixin(RequestHandler) {
  override initialize(args: InitArgs): void {
    const provider = args.provider as string;
    this.oauthAuthorizeUrl = `${provider}/authorize`;
    this.oauthAccessTokenUrl = `${provider}/token`;
    this.githubApiUrl = provider;
  }

  override async get() {
    if (this.getArgument("code", null) === null) {
      this.authorizeRedirect({
        redirectUri: this.request.fullUrl().split("?")[0],
        clientId: this.getGitHubOauthSettings().key,
        scope: ["read:user"],
      });
      return;
    }
    const user = await this.getAuthenticatedUser();
    this.write({ ...user });
  }
}

function clientApp(provider: string): Application {
  return new Application(
    [
      ["/login", LoginHandler, { provider }],
      ["/post", PostHandler],
      ["/github", GitHubLogin, { provider }],
    ],
    {
      cookieSecret: SECRET,
      githubOauth: { key: "client-id", secret: "client-secret" },
    },
  );
}

/** `name=value` pairs of a response's `Set-Cookie` lines, as a browser sends them back. */
function cookieHeader(response: TestResponse): string {
  return response.headers
    .getList("Set-Cookie")
    .map((line) => line.split(";")[0]!)
    .join("; ");
}

function setCookieLine(response: TestResponse, name: string): string {
  const line = response.headers.getList("Set-Cookie").find((l) => l.startsWith(`${name}=`));
  assert.ok(line, `no ${name} cookie in ${response.headers.getList("Set-Cookie").join(" / ")}`);
  return line;
}

function cookieValue(line: string): string {
  return line
    .split(";")[0]!
    .replace(/^[^=]+=/, "")
    .replace(/^"|"$/g, "");
}

describe("OAuth2Mixin against a loopback provider", () => {
  let provider: TestServer;
  let client: TestServer;

  before(async () => {
    provider = await TestServer.start(providerApp());
    client = await TestServer.start(clientApp(provider.url("")));
  });

  after(async () => {
    await client?.close();
    await provider?.close();
  });

  beforeEach(() => {
    seen.tokenRequests = [];
    seen.apiAuthorization = [];
  });

  /** Starts a login and follows the provider's approval: the callback URL and the login cookie. */
  async function approve(path = "/login"): Promise<{ callback: string; cookie: string }> {
    const start = await client.fetch(path);
    assert.equal(start.code, 302);
    const approval = await provider.fetch(start.headers.get("Location")!);
    assert.equal(approval.code, 302);
    return { callback: approval.headers.get("Location")!, cookie: cookieHeader(start) };
  }

  it("redirects with state and an S256 PKCE challenge kept in a signed, HttpOnly, Lax, 10-minute cookie", async () => {
    const response = await client.fetch("/login");
    assert.equal(response.code, 302);
    const location = new URL(response.headers.get("Location")!);
    assert.equal(location.origin + location.pathname, provider.url("/authorize"));
    const args = Object.fromEntries(location.searchParams);
    assert.equal(args.response_type, "code");
    assert.equal(args.client_id, "client-id");
    assert.equal(args.redirect_uri, client.url("/login"));
    assert.equal(args.scope, "read write");
    assert.equal(args.code_challenge_method, "S256");
    assert.match(args.state ?? "", /^[A-Za-z0-9_-]{43}$/);

    const line = setCookieLine(response, "_oauth2_flow");
    assert.match(line, /; HttpOnly/);
    assert.match(line, /; SameSite=Lax/);
    assert.match(line, /; Max-Age=600/);
    assert.doesNotMatch(line, /; Secure/, "not on plain HTTP");
    const flow = JSON.parse(
      decodeSignedValue(SECRET, "_oauth2_flow", cookieValue(line)) ?? "null",
    ) as { state: string; codeVerifier: string; redirectUri: string };
    assert.equal(flow.state, args.state);
    assert.equal(flow.redirectUri, client.url("/login"));
    assert.equal(
      createHash("sha256").update(flow.codeVerifier).digest("base64url"),
      args.code_challenge,
    );
  });

  it("exchanges the code with the verifier and signs the user in", async () => {
    const { callback, cookie } = await approve();
    const response = await client.fetch(callback, { headers: { Cookie: cookie } });
    assert.equal(response.code, 200, response.text);
    const body = response.json<{ token: { access_token: string }; me: { login: string } }>();
    assert.equal(body.me.login, "octo");
    assert.match(body.token.access_token, /^token-for-code-\d+$/);
    const [request] = seen.tokenRequests;
    assert.equal(request?.method, "POST");
    assert.equal(request?.fields.grant_type, "authorization_code");
    assert.equal(request?.fields.redirect_uri, client.url("/login"));
    assert.match(request?.fields.code_verifier ?? "", /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(seen.apiAuthorization, [`Bearer ${body.token.access_token}`]);
    // The login cookie is deleted and the user is in a signed cookie.
    assert.ok(setCookieLine(response, "_oauth2_flow").startsWith('_oauth2_flow="";'));
    const user = decodeSignedValue(SECRET, "user", cookieValue(setCookieLine(response, "user")));
    assert.deepEqual(JSON.parse(user ?? "null"), { id: 7, login: "octo", name: "Octo Cat" });
  });

  it("works without PKCE when turned off", async () => {
    const { callback, cookie } = await approve("/login?pkce=off");
    assert.doesNotMatch(callback, /code_challenge/);
    const response = await client.fetch(callback, { headers: { Cookie: cookie } });
    assert.equal(response.code, 200, response.text);
    assert.equal(seen.tokenRequests[0]?.fields.code_verifier, undefined);
  });

  it("refuses a forged state without calling the token endpoint", async () => {
    const { callback, cookie } = await approve();
    const forged = new URL(callback);
    forged.searchParams.set("state", "forged-state");
    const response = await expectLog([/state argument does not match/, /403 GET \/login/], () =>
      client.fetch(forged.href, { headers: { Cookie: cookie } }),
    );
    assert.equal(response.code, 403);
    assert.equal(seen.tokenRequests.length, 0);
    assert.equal(
      response.headers.getList("Set-Cookie").some((l) => l.startsWith("user=")),
      false,
    );
  });

  it("refuses a callback in a browser that did not start the login (no cookie)", async () => {
    const { callback } = await approve();
    const response = await expectLog([/no sign-in in progress/, /403 GET \/login/], () =>
      client.fetch(callback),
    );
    assert.equal(response.code, 403);
    assert.equal(seen.tokenRequests.length, 0);
  });

  it("refuses a login cookie older than ten minutes, or tampered with", async () => {
    const { callback, cookie } = await approve();
    const flow = decodeSignedValue(SECRET, "_oauth2_flow", cookieValue(cookie))!;
    const stale = createSignedValue(SECRET, "_oauth2_flow", flow, {
      clock: () => Date.now() / 1000 - 601,
    });
    let response = await expectLog([/no sign-in in progress/, /403 GET \/login/], () =>
      client.fetch(callback, { headers: { Cookie: `_oauth2_flow="${stale}"` } }),
    );
    assert.equal(response.code, 403);
    const fresh = createSignedValue(SECRET, "_oauth2_flow", flow, {
      clock: () => Date.now() / 1000 - 590,
    });
    const tampered = fresh.replace(/.$/, (c) => (c === "0" ? "1" : "0"));
    response = await expectLog([/no sign-in in progress/, /403 GET \/login/], () =>
      client.fetch(callback, { headers: { Cookie: `_oauth2_flow="${tampered}"` } }),
    );
    assert.equal(response.code, 403);
    response = await client.fetch(callback, { headers: { Cookie: `_oauth2_flow="${fresh}"` } });
    assert.equal(response.code, 200, "a 9m50s-old cookie still works");
  });

  it("refuses a replayed callback: the cookie is gone and the code is spent", async () => {
    const { callback, cookie } = await approve();
    assert.equal((await client.fetch(callback, { headers: { Cookie: cookie } })).code, 200);
    // The same browser again: its login cookie was deleted.
    let response = await expectLog(/403 GET \/login/, () => client.fetch(callback));
    assert.equal(response.code, 403);
    // An attacker holding the old cookie too: the provider refuses the spent code.
    response = await expectLog(
      [/token request failed.*invalid_grant/, /403 GET \/login/, /400 POST \/token/],
      () => client.fetch(callback, { headers: { Cookie: cookie } }),
    );
    assert.equal(response.code, 403);
    assert.equal(seen.tokenRequests.length, 2);
  });

  it("reports the provider's error as an AuthError", async () => {
    const start = await client.fetch("/login");
    const state = new URL(start.headers.get("Location")!).searchParams.get("state")!;
    const response = await expectLog([/provider answered access_denied/, /403 GET \/login/], () =>
      client.fetch(`/login?error=access_denied&state=${state}`, {
        headers: { Cookie: cookieHeader(start) },
      }),
    );
    assert.equal(response.code, 403);
    assert.ok(new AuthError("x") instanceof Error);
    assert.equal(new AuthError("x", { statusCode: 502 }).statusCode, 502);
  });

  it("POSTs postArgs with the bearer token", async () => {
    const response = await client.fetch(`/post?provider=${encodeURIComponent(provider.url(""))}`);
    assert.deepEqual(response.json(), { posted: "hello" });
    assert.deepEqual(seen.apiAuthorization, ["Bearer token-for-x"]);
  });

  it("GitHubOAuth2Mixin returns the /user profile with the access token", async () => {
    const { callback, cookie } = await approve("/github");
    const response = await client.fetch(callback, { headers: { Cookie: cookie } });
    assert.equal(response.code, 200, response.text);
    const user = response.json<Record<string, unknown>>();
    assert.equal(user.login, "octo");
    assert.equal(user.id, 7);
    assert.match(String(user.access_token), /^token-for-code-/);
    assert.equal(seen.tokenRequests[0]?.fields.client_id, "client-id");
  });
});
