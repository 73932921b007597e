// OpenID Connect sign-in in a real browser against a real provider: two `oidc-provider` instances
// on 127.0.0.1 (examples/tutorial-app/oidc-dev-provider.ts) and an application using
// OpenIdConnectMixin, driven in Debian's Chromium (launched once for every case; CI installs it).
// Redirect, login, consent, callback and the user in a signed cookie; then the refusals: a forged
// `state`, a replayed code, and an ID token from the other provider.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { OpenIdConnectMixin, type OpenIdConnectSettings } from "tornado-ts/auth";
import { captureLogs, type LogCapture, TestServer } from "tornado-ts/testing";
import { Application, decodeSignedValue, type InitArgs, RequestHandler } from "tornado-ts/web";
import {
  type DevOidcProvider,
  startDevOidcProvider,
} from "../../examples/tutorial-app/oidc-dev-provider.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/chromium.ts";
import { startTutorialApp, type TutorialFixture } from "../tutorial-app/support.ts";

const SECRET = "openid-connect-browser-test";

/** The ID tokens the application received, by route. */
const received: Record<string, string[]> = {};

class LoginHandler extends OpenIdConnectMixin(RequestHandler) {
  settingsForRoute!: () => OpenIdConnectSettings;
  route = "";
  redirectPath: string | undefined;

  override initialize(args: InitArgs): void {
    this.settingsForRoute = args.settings as () => OpenIdConnectSettings;
    this.route = args.route as string;
    this.redirectPath = args.redirectPath as string | undefined;
  }

  override getOpenIdConnectSettings(): OpenIdConnectSettings {
    return this.settingsForRoute();
  }

  override async get() {
    if (this.getArgument("code", null) === null && this.getArgument("error", null) === null) {
      await this.authorizeRedirect(
        this.redirectPath === undefined
          ? {}
          : { redirectUri: new URL(this.redirectPath, this.request.fullUrl()).href },
      );
      return;
    }
    const user = await this.getAuthenticatedUser();
    received[this.route] = [...(received[this.route] ?? []), user.id_token];
    this.setSignedCookie(
      "user",
      JSON.stringify({ sub: user.sub, email: user.email, iss: user.iss }),
    );
    this.redirect("/me");
  }
}

/** A callback that only shows what the provider sent, leaving the code unspent. */
class CaptureHandler extends RequestHandler {
  override get() {
    this.write(`<p id="query">${this.xhtmlEscapeQuery()}</p>`);
  }

  xhtmlEscapeQuery(): string {
    return this.request.query.replaceAll("&", "&amp;");
  }
}

class MeHandler extends RequestHandler {
  override getCurrentUser() {
    const cookie = this.getSignedCookie("user");
    return cookie === null ? null : (JSON.parse(cookie) as Record<string, string>);
  }

  override get() {
    if (!this.currentUser) {
      this.setStatus(401);
      this.write("nobody");
      return;
    }
    this.write(`<p id="user">${JSON.stringify(this.currentUser)}</p>`);
  }
}

describe("OpenID Connect sign-in in Chromium", { timeout: 180_000 }, () => {
  let providerA: DevOidcProvider;
  let providerB: DevOidcProvider;
  let app: TestServer;
  let tutorial: TutorialFixture;
  let browser: Browser;
  let logs: LogCapture;
  const callbacks: Record<string, string> = {};

  before(async () => {
    logs = captureLogs();
    // The application's port is needed for the redirect URIs before the providers start.
    const routes: Record<string, () => OpenIdConnectSettings> = {};
    const login = (route: string) => ({ route, settings: () => routes[route]!() });
    const application = new Application(
      [
        ["/login", LoginHandler, login("/login")],
        ["/login-b", LoginHandler, login("/login-b")],
        ["/login-mixed", LoginHandler, login("/login-mixed")],
        ["/login-capture", LoginHandler, { ...login("/login"), redirectPath: "/capture" }],
        ["/capture", CaptureHandler],
        ["/me", MeHandler],
      ],
      { cookieSecret: SECRET },
    );
    app = await TestServer.start(application);
    // The tutorial application's /login/oidc, with its provider filled in once A is running.
    const tutorialOidc: OpenIdConnectSettings = {
      issuer: "",
      clientId: "tutorial-app",
      clientSecret: "tutorial-app-secret",
      allowInsecureRequests: true,
    };
    tutorial = await startTutorialApp({ openidConnect: tutorialOidc });
    for (const route of ["/login", "/login-b", "/login-mixed"]) callbacks[route] = app.url(route);
    providerA = await startDevOidcProvider([
      {
        clientId: "tutorial",
        clientSecret: "tutorial-secret",
        redirectUris: [callbacks["/login"]!, callbacks["/login-mixed"]!, app.url("/capture")],
      },
      {
        clientId: "tutorial-app",
        clientSecret: "tutorial-app-secret",
        redirectUris: [tutorial.server.url("/login/oidc")],
      },
    ]);
    tutorialOidc.issuer = providerA.issuer;
    providerB = await startDevOidcProvider([
      {
        clientId: "tutorial",
        clientSecret: "tutorial-secret",
        redirectUris: [callbacks["/login-b"]!],
      },
    ]);
    const settingsA: OpenIdConnectSettings = {
      issuer: providerA.issuer,
      clientId: "tutorial",
      clientSecret: "tutorial-secret",
      allowInsecureRequests: true,
    };
    routes["/login"] = () => settingsA;
    routes["/login-b"] = () => ({ ...settingsA, issuer: providerB.issuer });
    // Provider A, reached through a fetch that swaps the ID token of A's token response for one
    // that provider B issued: a token endpoint answering with another issuer's token.
    const mixUp = async (url: string, options: RequestInit): Promise<Response> => {
      const response = await fetch(url, options);
      if (!url.endsWith("/token")) return response;
      const body = (await response.json()) as Record<string, unknown>;
      body.id_token = received["/login-b"]?.at(-1);
      return new Response(JSON.stringify(body), {
        status: response.status,
        headers: { "Content-Type": "application/json" },
      });
    };
    routes["/login-mixed"] = () => ({ ...settingsA, customFetch: mixUp });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await tutorial?.close();
    await providerA?.close();
    await providerB?.close();
    logs?.stop();
  });

  /** Goes to `path`, signs in at the provider as `login` and gives consent; returns the page. */
  async function signIn(context: BrowserContext, path: string, login: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(app.url(path));
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', "any password");
    await page.click('button[type="submit"]');
    await page.waitForSelector('button:has-text("Continue")');
    return page;
  }

  async function consent(page: Page, callbackPath = "/login"): Promise<number | undefined> {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(app.url(callbackPath))),
      page.click('button[type="submit"]'),
    ]);
    await page.waitForLoadState();
    return response.status();
  }

  async function userCookie(context: BrowserContext): Promise<Record<string, string> | null> {
    const cookie = (await context.cookies(app.url("/"))).find((c) => c.name === "user");
    if (cookie === undefined) return null;
    const value = decodeSignedValue(SECRET, "user", cookie.value.replace(/^"|"$/g, ""));
    return value === null ? null : (JSON.parse(value) as Record<string, string>);
  }

  it("signs in: redirect, login, consent, callback, user in a signed cookie; a replayed code is refused", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, "/login", "alice");
    // The login cookie as it is before the callback, for the replay below.
    const flowCookie = (await context.cookies(app.url("/"))).find((c) => c.name === "_oidc_flow");
    assert.ok(flowCookie, "the login cookie is set");
    assert.equal(flowCookie.httpOnly, true);
    assert.equal(flowCookie.sameSite, "Lax");
    let callback = "";
    page.on("request", (request) => {
      if (request.url().startsWith(`${callbacks["/login"]}?`)) callback = request.url();
    });
    assert.equal(await consent(page), 302);
    assert.equal(page.url(), app.url("/me"));
    const shown = JSON.parse((await page.textContent("#user")) ?? "null") as Record<string, string>;
    assert.deepEqual(shown, { sub: "alice", email: "alice@example.test", iss: providerA.issuer });
    assert.deepEqual(await userCookie(context), shown);
    assert.match(callback, /[?&]code=[^&]+/);
    assert.match(callback, /[?&]state=[^&]+/);
    assert.equal(
      (await context.cookies(app.url("/"))).some((c) => c.name === "_oidc_flow"),
      false,
      "the login cookie is deleted after use",
    );

    // Replay: the same callback with the same (still signed, still fresh) login cookie. The state
    // check passes; the provider refuses the spent code.
    await context.clearCookies();
    await context.addCookies([{ ...flowCookie }]);
    const replay = await page.goto(callback);
    assert.equal(replay?.status(), 403);
    assert.equal(await userCookie(context), null);
    assert.ok(
      logs.records.some((r) => /403 GET \/login.*invalid_grant/s.test(r.message)),
      logs.records.map((r) => r.message).join("\n"),
    );
    await context.close();
  });

  it("refuses a forged state before the code is exchanged", async () => {
    const context = await browser.newContext();
    // A real code, delivered to a callback that does not spend it.
    const page = await signIn(context, "/login-capture", "bob");
    const flowCookie = (await context.cookies(app.url("/"))).find((c) => c.name === "_oidc_flow");
    assert.ok(flowCookie);
    await consent(page, "/capture");
    const query = new URLSearchParams((await page.textContent("#query")) ?? "");
    const code = query.get("code");
    assert.ok(code, "the provider issued a code");
    // The same code with a state this browser did not start: refused, the code unspent.
    const forged = new URLSearchParams(query);
    forged.set("state", "forged-by-an-attacker");
    const refused = await page.goto(app.url(`/login-capture?${forged}`));
    assert.equal(refused?.status(), 403);
    assert.equal(await userCookie(context), null);
    assert.ok(logs.has(/state argument does not match/));
    // With the real state (and the login cookie again), the same code signs in.
    await context.addCookies([{ ...flowCookie }]);
    const accepted = await page.goto(app.url(`/login-capture?${query}`));
    assert.equal(accepted?.status(), 200, logs.records.map((r) => r.message).join("\n"));
    assert.equal(page.url(), app.url("/me"));
    assert.equal((await userCookie(context))?.sub, "bob");
    await context.close();
  });

  it("refuses an ID token issued by another provider", async () => {
    const context = await browser.newContext();
    // A real sign-in at provider B gives a real ID token signed by B.
    const pageB = await signIn(context, "/login-b", "carol");
    assert.equal(await consent(pageB), 302);
    assert.equal((await userCookie(context))?.iss, providerB.issuer);
    assert.equal(received["/login-b"]?.length, 1);
    await context.clearCookies();
    // Signing in at A, whose token response now carries B's ID token.
    const page = await signIn(context, "/login-mixed", "carol");
    assert.equal(await consent(page), 403);
    assert.equal(await userCookie(context), null);
    assert.equal(received["/login-mixed"], undefined);
    const refusal = logs.records.find((r) => /OpenID Connect sign-in refused/.test(r.message));
    assert.ok(refusal, logs.records.map((r) => r.message).join("\n"));
    assert.match(refusal.message, /iss|issuer|nonce|signature/i);
    await context.close();
  });

  it("signs in to the tutorial application from its login page", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(tutorial.server.url("/login"));
    await page.click("#oidc a");
    await page.fill('input[name="login"]', "dave");
    await page.fill('input[name="password"]', "any password");
    await page.click('button[type="submit"]');
    await page.waitForSelector('button:has-text("Continue")');
    await Promise.all([
      page.waitForURL(tutorial.server.url("/home")),
      page.click('button[type="submit"]'),
    ]);
    assert.equal(await page.textContent("#welcome"), "欢迎回家, Dave");
    await context.close();
  });
});
