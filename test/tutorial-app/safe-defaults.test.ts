// The tutorial application is safe to start on a machine with a network: it listens on 127.0.0.1
// unless told otherwise, each install signs cookies with its own random secret (kept in a
// git-ignored file, never in the repository), and the login cookie is HttpOnly and SameSite=Lax.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { HTTPServer } from "tornado-ts/httpserver";
import { captureLogs, type LogCapture } from "tornado-ts/testing";
import { TutorialApplication } from "../../examples/tutorial-app/application.ts";
import {
  allowedHostsFor,
  COOKIE_SECRET_FILE,
  cookieSecret,
} from "../../examples/tutorial-app/config.ts";
import { openDatabase } from "../../examples/tutorial-app/db/database.ts";
import { prepareStudents } from "../../examples/tutorial-app/db/students.ts";
import { serve, serverUrl, type TutorialServer } from "../../examples/tutorial-app/server.ts";
import { selfSignedCertificate } from "../support/tls.ts";

const root = join(import.meta.dirname, "..", "..");

/** Cookies from a response's Set-Cookie lines, as `name=value` pairs, plus the raw lines. */
function cookiesOf(response: Response): { pairs: Map<string, string>; lines: string[] } {
  const lines = response.headers.getSetCookie();
  const pairs = new Map<string, string>();
  for (const line of lines) {
    const pair = line.split(";")[0]!;
    const eq = pair.indexOf("=");
    pairs.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return { pairs, lines };
}

/** Logs in to `server` with the tutorial's account; the `user` cookie's Set-Cookie line. */
async function logIn(server: TutorialServer): Promise<string> {
  const xsrf = cookiesOf(await fetch(new URL("/setxsrfcookie", server.url))).pairs.get("_xsrf");
  assert.ok(xsrf);
  const response = await fetch(new URL("/login?next=%2Fhome", server.url), {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: `_xsrf=${xsrf}` },
    body: new URLSearchParams({ _xsrf: xsrf, username: "1", passwd: "1" }),
  });
  assert.equal(response.status, 302);
  assert.equal(response.headers.get("Location"), "/home");
  const line = cookiesOf(response).lines.find((l) => l.startsWith("user="));
  assert.ok(line, "the login set the user cookie");
  return line;
}

/** GET /home with `cookie`: 200 when it signs the user in, 302 to the login page when not. */
async function home(server: TutorialServer, cookie: string): Promise<number> {
  const response = await fetch(new URL("/home", server.url), {
    redirect: "manual",
    headers: { Cookie: cookie },
  });
  return response.status;
}

/** The status of `GET /` on 127.0.0.1:`port` sent with the Host header `host`. */
function statusWithHost(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path: "/", headers: { Host: host } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("two fresh installs of the tutorial application", () => {
  let dir: string;
  let logs: LogCapture;
  const servers: TutorialServer[] = [];

  before(async () => {
    logs = captureLogs();
    dir = mkdtempSync(join(tmpdir(), "tutorial-installs-"));
    for (const name of ["a", "b"]) {
      const env: NodeJS.ProcessEnv = {
        DATABASE_URL: `sqlite:${join(dir, `${name}.sqlite3`)}`,
        COOKIE_SECRET_FILE: join(dir, `${name}.cookie-secret`),
      };
      servers.push(await serve(0, undefined, env));
    }
  });
  after(async () => {
    for (const server of servers) await server.close();
    rmSync(dir, { recursive: true, force: true });
    logs.stop();
  });

  it("listen on 127.0.0.1 by default and say so", () => {
    for (const server of servers) {
      assert.equal(server.address, "127.0.0.1");
      assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
    }
  });

  it("answer only this machine's own names in the Host header (allowedHosts)", async () => {
    const port = servers[0]!.port;
    for (const [host, status] of [
      [`127.0.0.1:${port}`, 200],
      [`localhost:${port}`, 200],
      ["evil.example", 400],
      [`attacker.test:${port}`, 400],
    ] as const) {
      assert.equal(await statusWithHost(port, host), status, host);
    }
    assert.ok(logs.has(/Invalid Host header evil\.example/));
  });

  it("answer the names in ALLOWED_HOSTS instead, when it is set", () => {
    assert.deepEqual(allowedHostsFor("0.0.0.0", { ALLOWED_HOSTS: "example.com, .example.org" }), [
      "example.com",
      ".example.org",
    ]);
    assert.deepEqual(allowedHostsFor("127.0.0.1", {}), ["localhost", "127.0.0.1", "[::1]"]);
    // Open to the network without a list: every name, as the README says to set ALLOWED_HOSTS.
    assert.deepEqual(allowedHostsFor("0.0.0.0", {}), ["*"]);
  });

  it("refuse connections to this machine's other addresses", async (t) => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((info) => info !== undefined && !info.internal && info.family === "IPv4");
    if (others.length === 0) {
      t.skip("this machine has no non-loopback IPv4 address to try");
      return;
    }
    for (const info of others) {
      const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
        const socket = connect({ host: info!.address, port: servers[0]!.port });
        socket.once("connect", () => {
          socket.destroy();
          resolve(null);
        });
        socket.once("error", resolve);
      });
      assert.equal(error?.code, "ECONNREFUSED", `${info!.address}:${servers[0]!.port}`);
    }
  });

  it("each made its own secret, said so once, and kept it readable by its owner only", () => {
    const a = readFileSync(join(dir, "a.cookie-secret"), "utf8").trim();
    const b = readFileSync(join(dir, "b.cookie-secret"), "utf8").trim();
    assert.equal(Buffer.from(a, "base64").length, 32);
    assert.notEqual(a, b);
    assert.equal(statSync(join(dir, "a.cookie-secret")).mode & 0o777, 0o600);
    const told = logs.records.filter((r) => /COOKIE_SECRET is not set/.test(r.message));
    assert.equal(told.length, 2, "once per install");
    assert.match(told[0]!.message, /a\.cookie-secret/);
    // The next start reads the same secret without a word.
    const env = { COOKIE_SECRET_FILE: join(dir, "a.cookie-secret") };
    assert.equal(cookieSecret(env), a);
    assert.equal(logs.records.filter((r) => /COOKIE_SECRET is not set/.test(r.message)).length, 2);
  });

  it("log in with an HttpOnly, SameSite=Lax cookie that the other install refuses", async () => {
    const [a, b] = servers as [TutorialServer, TutorialServer];
    const line = await logIn(a);
    assert.match(line, /; HttpOnly/);
    assert.match(line, /; SameSite=Lax/);
    assert.doesNotMatch(line, /; Secure/, "plain HTTP: no Secure flag, or the browser drops it");
    const cookie = line.split(";")[0]!;
    assert.equal(await home(a, cookie), 200);
    assert.equal(await home(b, cookie), 302);
    const fromB = (await logIn(b)).split(";")[0]!;
    assert.equal(await home(b, fromB), 200);
    assert.equal(await home(a, fromB), 302);
  });

  it("COOKIE_SECRET wins over the file", () => {
    assert.equal(cookieSecret({ COOKIE_SECRET: "from-the-environment" }), "from-the-environment");
  });

  it("refuses a secret file too short to be a secret", () => {
    const file = join(dir, "short.cookie-secret");
    writeFileSync(file, "abc");
    assert.throws(() => cookieSecret({ COOKIE_SECRET_FILE: file }), /too short.*delete the file/);
  });
});

/** An HTTPS request trusting only `ca`; the status and the Set-Cookie lines. */
function httpsCall(
  port: number,
  ca: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: "127.0.0.1", port, path, ca, agent: false, method: options.method ?? "GET" },
      (res) => {
        res.resume();
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, cookies: res.headers["set-cookie"] ?? [] }),
        );
      },
    );
    for (const [name, value] of Object.entries(options.headers ?? {})) req.setHeader(name, value);
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("the tutorial application over HTTPS", () => {
  it("marks the login cookie Secure as well", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tutorial-tls-"));
    const logs = captureLogs();
    const db = await openDatabase({ kind: "sqlite", filename: join(dir, "tls.sqlite3") });
    const certificate = selfSignedCertificate();
    const server = new HTTPServer(
      new TutorialApplication({ db, env: { COOKIE_SECRET_FILE: join(dir, "secret") } }),
      { sslOptions: certificate },
    );
    try {
      await prepareStudents(db);
      await server.listen(0, "127.0.0.1");
      const ca = certificate.cert;
      const port = server.port!;
      const first = await httpsCall(port, ca, "/setxsrfcookie");
      const xsrf = first.cookies[0]!.split(";")[0]!.slice("_xsrf=".length);
      const login = await httpsCall(port, ca, "/login?next=%2Fhome", {
        method: "POST",
        headers: {
          Cookie: `_xsrf=${xsrf}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ _xsrf: xsrf, username: "1", passwd: "1" }).toString(),
      });
      assert.equal(login.status, 302);
      const user = login.cookies.find((line) => line.startsWith("user="));
      assert.match(user ?? "", /; Secure(;|$)/);
      assert.match(user ?? "", /; HttpOnly/);
      assert.match(user ?? "", /; SameSite=Lax/);
    } finally {
      await server.stop();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
      logs.stop();
    }
  });
});

describe("the repository", () => {
  it("ignores the secret file and commits no secret", () => {
    const path = relative(root, COOKIE_SECRET_FILE);
    assert.equal(path, join("examples", "tutorial-app", ".cookie-secret"));
    const ignored = execFileSync("git", ["check-ignore", path], { cwd: root, encoding: "utf8" });
    assert.equal(ignored.trim(), path);
    const config = readFileSync(join(root, "examples/tutorial-app/config.ts"), "utf8");
    assert.doesNotMatch(config, /["'][A-Za-z0-9+/]{40,}={0,2}["']/, "no secret-like literal");
  });

  it("serverUrl names the address clients can use", () => {
    assert.equal(serverUrl({ address: "127.0.0.1", port: 8000 }), "http://127.0.0.1:8000/");
    assert.equal(serverUrl({ address: "::1", port: 8000 }), "http://[::1]:8000/");
    assert.equal(serverUrl({ address: "0.0.0.0", port: 8000 }), "http://127.0.0.1:8000/");
  });
});
