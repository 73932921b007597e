// Every guide sample runs as a reader runs it: the command its chapter shows starts the sample's
// server (with --port=0 added, so tests never collide on a port), and the pages the chapter
// describes answer with what the chapter says. Each sample runs twice: in the clone, and copied
// into a folder outside it where `tornado-ts` is an installed package (a link to this checkout in
// node_modules), so no sample leans on a path inside the repository.
import assert from "node:assert/strict";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startDevOidcProvider } from "../../examples/tutorial-app/oidc-dev-provider.ts";
import { NodeProcess, ROOT } from "../support/node-process.ts";

const GUIDE = join(ROOT, "docs", "guide");

// Chapter 12's sample signs in at a development OpenID Connect provider on this machine; the
// sample's redirect is checked here, the whole sign-in in test/browser/openid-connect.test.ts.
const oidc = await startDevOidcProvider([
  { clientId: "guide", clientSecret: "guide-secret", redirectUris: ["http://127.0.0.1/unused"] },
]);

/** A running sample: its base URL and the process (for its output). */
interface Running {
  base: string;
  proc: NodeProcess;
}

interface Sample {
  chapter: string;
  dir: string;
  /** Arguments the test adds after --port=0. */
  args?: (work: string) => string[];
  /** Packages besides tornado-ts (and tsx) that the sample imports. */
  needs?: string[];
  check: (app: Running) => Promise<void>;
}

async function text(url: string, init?: RequestInit): Promise<{ res: Response; body: string }> {
  const res = await fetch(url, { redirect: "manual", ...init });
  return { res, body: await res.text() };
}

async function page(url: string, status = 200): Promise<string> {
  const { res, body } = await text(url);
  assert.equal(res.status, status, `${url}: ${body}`);
  return body;
}

/** The `_xsrf` cookie the page at `url` sets, as `[cookie header, token]`. */
async function xsrf(url: string): Promise<[string, string]> {
  const res = await fetch(url);
  await res.arrayBuffer();
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("_xsrf="));
  assert.ok(cookie, `${url} sets no _xsrf cookie`);
  const pair = cookie.split(";")[0]!;
  return [pair, decodeURIComponent(pair.slice("_xsrf=".length))];
}

const SAMPLES: Sample[] = [
  {
    chapter: "01-getting-started.md",
    dir: "01-first-app",
    async check({ base }) {
      assert.equal(await page(`${base}/`), "sunck is a good man ");
    },
  },
  {
    chapter: "02-application-and-routes.md",
    dir: "02-routes",
    async check({ base }) {
      assert.match(await page(`${base}/`), /<a href="\/kaige">去另一个界面<\/a>/);
      assert.equal(await page(`${base}/kaige`), "kaige is a handsome man");
      assert.equal(await page(`${base}/sunck`), "sunck is a nice man: good, nice");
      assert.equal(
        await page(`${base}/liuyifei/sunck/good/nice`),
        "liuyifei is a nice women: sunck good nice",
      );
      assert.equal(await page(`${base}/named/a/b/c`), "liuyifei is a nice women: a b c (p1=a)");
      await page(`${base}/liuyifei/only-two/x`, 404);
      assert.equal(await page(`${base}/student/12/sunck`), "student 12: sunck");
      assert.equal(await page(`${base}/greeting`), "ni hao: /student/12/sunck");
    },
  },
  {
    chapter: "03-requests.md",
    dir: "03-requests",
    needs: ["zod"],
    async check({ base }) {
      const json = { "Content-Type": "application/json" };
      const added = await text(`${base}/api/students`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ name: "sunck", age: 18, hobbies: ["read"] }),
      });
      assert.deepEqual(JSON.parse(added.body), { added: "sunck", age: 18, hobbies: 1 });
      const refused = await text(`${base}/api/students`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ name: "", age: -1 }),
      });
      assert.equal(refused.res.status, 400);
      const { errors } = JSON.parse(refused.body) as { errors: { path: string[] }[] };
      assert.deepEqual(
        errors.map((error) => error.path),
        [["name"], ["age"]],
      );
      assert.deepEqual(JSON.parse(await page(`${base}/zhangmanyu?a=1&a=2&b=1&c=%20%201`)), {
        a: "2",
        b: "1",
        c: "  1",
        all: ["1", "2"],
      });
      await page(`${base}/zhangmanyu`, 400); // a is required
      const form = new URLSearchParams([
        ["username", "sunck"],
        ["passwd", "secret"],
        ["hobby", "read"],
        ["hobby", "run"],
      ]);
      const posted = await text(`${base}/postfile?next=/home`, { method: "POST", body: form });
      assert.deepEqual(JSON.parse(posted.body), {
        name: "sunck",
        passwdLength: 6,
        hobbyList: ["read", "run"],
        next: "/home",
      });
      const request = JSON.parse(await page(`${base}/zhuyin?x=1`));
      assert.equal(request.method, "GET");
      assert.equal(request.path, "/zhuyin");
      assert.equal(request.query, "x=1");
      assert.equal(request.remoteIp, "127.0.0.1");
      assert.match(await page(`${base}/upfile`), /enctype="multipart\/form-data"/);
    },
  },
  {
    chapter: "04-responses.md",
    dir: "04-responses",
    async check({ base, proc }) {
      assert.match(await page(`${base}/`), /href="\/status"/);
      assert.equal(await page(`${base}/write`), "goodnicehandsomeman");
      const json = await text(`${base}/json2`);
      assert.equal(json.res.headers.get("content-type"), "application/json; charset=UTF-8");
      assert.deepEqual(JSON.parse(json.body), { name: "sunck", age: 18, height: 175, weight: 70 });
      const header = await text(`${base}/header`);
      assert.equal(header.res.headers.get("kaige"), "handsome");
      const status = await text(`${base}/status`);
      assert.equal(status.res.status, 299);
      assert.equal(status.res.statusText, "Weird");
      const redirect = await text(`${base}/redirect`);
      assert.equal(redirect.res.status, 302);
      assert.equal(redirect.res.headers.get("location"), "/");
      assert.equal(await page(`${base}/error?flag=0`, 500), "服务器内部错误");
      assert.equal(await page(`${base}/error?flag=1`), "you are right");
      const from = proc.mark();
      await page(`${base}/order`);
      // The prints go to stdout and the access log to stderr, so a log line may fall between them.
      const steps = ["setDefaultHeaders", "initialize", "prepare", "get", "onFinish"];
      await proc.waitFor(new RegExp(steps.join("\\s+(?:\\[[^\\n]*\\n\\s*)*")), { from });
    },
  },
  {
    chapter: "05-templates.md",
    dir: "05-templates",
    async check({ base }) {
      assert.match(await page(`${base}/`), /这里是静态首页/);
      const home = await page(`${base}/home`);
      for (const line of ["num:100", "num+10:110", "name:tom", "<li>kaige</li>"]) {
        assert.ok(home.includes(line), `${line} in ${home}`);
      }
      assert.match(home, /href="\/static\/css\/site\.css\?v=[0-9a-f]+"/);
      assert.match(await page(`${base}/function`), /<p id="result">189<\/p>/);
      const trans = await page(`${base}/trans`);
      assert.match(trans, /<p id="escaped">&lt;h1&gt;sunck is a good man &lt;\/h1&gt;<\/p>/);
      assert.match(trans, /<div id="raw"><h1>sunck is a good man <\/h1><\/div>/);
      const cart = await page(`${base}/cart`);
      assert.match(cart, /<title>cart<\/title>/);
      assert.match(cart, /<li>banana<\/li>/);
      assert.match(await page(`${base}/static/css/site.css`), /font-family/);
    },
  },
  {
    chapter: "06-database.md",
    dir: "06-database",
    needs: ["better-sqlite3"],
    args: (work) => [`--db=${join(work, "students.sqlite3")}`],
    async check({ base }) {
      const list = await page(`${base}/students`);
      for (const name of ["sunck", "kaige", "dahaigui"])
        assert.ok(list.includes(`<td>${name}</td>`));
      const [cookie, token] = await xsrf(`${base}/students`);
      const refused = await text(`${base}/students`, {
        method: "POST",
        body: new URLSearchParams({ name: "nobody", age: "3" }),
      });
      assert.equal(refused.res.status, 403); // no _xsrf token
      const added = await text(`${base}/students`, {
        method: "POST",
        headers: { cookie },
        body: new URLSearchParams({
          _xsrf: token,
          name: "Robert'); DROP TABLE students;--",
          age: "9",
        }),
      });
      assert.equal(added.res.status, 302, added.body);
      assert.match(
        await page(`${base}/students`),
        /<td>Robert&#39;\); DROP TABLE students;--<\/td><td>9<\/td>/,
      );
    },
  },
  {
    chapter: "07-security.md",
    dir: "07-security",
    async check({ base }) {
      const anonymous = await text(`${base}/home`);
      assert.equal(anonymous.res.status, 302);
      assert.equal(anonymous.res.headers.get("location"), "/login?next=%2Fhome");
      assert.match(await page(`${base}/login?next=/home`), /name="_xsrf"/);
      const [cookie, token] = await xsrf(`${base}/login?next=/home`);
      const wrong = await text(`${base}/login?next=/home`, {
        method: "POST",
        headers: { cookie },
        body: new URLSearchParams({ _xsrf: token, username: "1", passwd: "2" }),
      });
      assert.equal(wrong.res.status, 302);
      assert.match(wrong.res.headers.get("location") ?? "", /^\/login\?next=/);
      const login = await text(`${base}/login?next=/home`, {
        method: "POST",
        headers: { cookie },
        body: new URLSearchParams({ _xsrf: token, username: "1", passwd: "1" }),
      });
      assert.equal(login.res.status, 302, login.body);
      assert.equal(login.res.headers.get("location"), "/home");
      const user = login.res.headers.getSetCookie().find((c) => c.startsWith("user="));
      assert.ok(user);
      assert.match(user, /; HttpOnly/i);
      assert.match(user, /; SameSite=Lax/i);
      const home = await text(`${base}/home`, { headers: { cookie: user.split(";")[0]! } });
      assert.equal(home.res.status, 200);
      assert.match(home.body, /<span id="user">1<\/span>/);
      assert.equal(await page(`${base}/pcookie`), "ok 未登录");
      assert.equal(await page(`${base}/scookie`), "ok null"); // a cookie set now is read next time
      assert.match(await page(`${base}/`), /这里是静态首页/);
    },
  },
  {
    chapter: "08-async.md",
    dir: "08-async",
    async check({ base }) {
      // /sleep waits five seconds (gen.sleep counts seconds) while the others are answered.
      const started = Date.now();
      let slept = false;
      const sleeping = page(`${base}/sleep`).then((body) => {
        slept = true;
        return body;
      });
      assert.deepEqual(JSON.parse(await page(`${base}/fib?n=20`)), { n: 20, fib: 6765 });
      assert.deepEqual(JSON.parse(await page(`${base}/fetch`)), { name: "sunck", age: 18 });
      assert.equal(slept, false, "the other requests waited for /sleep");
      assert.equal(await sleeping, "sunck is a good man");
      assert.ok(Date.now() - started >= 4500, "gen.sleep(5) waited less than 5 seconds");
      await page(`${base}/fib?n=1000`, 400);
    },
  },
  {
    chapter: "09-deployment.md",
    dir: "09-deployment",
    args: () => ["--list=good,nice"],
    async check({ base, proc }) {
      const answer = JSON.parse(await page(`${base}/`));
      assert.equal(answer.worker, null);
      assert.equal(answer.remoteIp, "127.0.0.1");
      assert.match(proc.output, /list \[ 'good', 'nice' \]/);
    },
  },
  {
    chapter: "12-sign-in.md",
    dir: "12-sign-in",
    args: () => [
      `--oidc-issuer=${oidc.issuer}`,
      "--oidc-client-id=guide",
      "--oidc-client-secret=guide-secret",
    ],
    async check({ base }) {
      const home = await text(`${base}/`);
      assert.equal(home.res.status, 302);
      assert.equal(home.res.headers.get("location"), "/login?next=%2F");
      assert.match(await page(`${base}/login`), /href="\/login\/oidc"/);
      const start = await text(`${base}/login/oidc`);
      assert.equal(start.res.status, 302, start.body);
      const location = new URL(start.res.headers.get("location") ?? "");
      assert.equal(location.origin, oidc.issuer);
      for (const name of ["state", "nonce", "code_challenge", "redirect_uri"]) {
        assert.ok(location.searchParams.get(name), `${name} in ${location}`);
      }
      assert.equal(location.searchParams.get("redirect_uri"), `${base}/login/oidc`);
      const flow = start.res.headers.getSetCookie().find((c) => c.startsWith("_oidc_flow="));
      assert.match(flow ?? "", /; HttpOnly;/);
      assert.match(flow ?? "", /; SameSite=Lax/);
      // A callback with another state than the one this browser was given is refused.
      const forged = await text(`${base}/login/oidc?code=stolen&state=forged`, {
        headers: { cookie: flow!.split(";")[0]! },
      });
      assert.equal(forged.res.status, 403);
      await page(`${base}/login/github`, 404); // no --github-key
    },
  },
];

const work = mkdtempSync(join(tmpdir(), "tornado-ts-guide-"));
const running: NodeProcess[] = [];
after(async () => {
  await Promise.all(running.map((proc) => proc.kill()));
  await oidc.close();
  rmSync(work, { recursive: true, force: true });
});

/** Starts `script` as `npx tsx <script> --port=0 ...` does, from `cwd`. */
async function start(script: string, args: string[], cwd: string): Promise<Running> {
  const proc = NodeProcess.start(script, ["--port=0", ...args], { cwd });
  running.push(proc);
  const [, base] = await proc.waitFor(/Listening on (http:\/\/127\.0\.0\.1:\d+)/, {
    timeoutMs: 60_000,
  });
  return { base: base!, proc };
}

/**
 * Copies a sample folder to `work/name`, as a reader copies it into a project of their own, with
 * tsx, tornado-ts (this checkout) and the sample's other packages in its node_modules.
 */
function copyOut(dir: string, name: string, needs: readonly string[] = []): string {
  const project = join(work, name);
  cpSync(join(GUIDE, "samples", dir), project, { recursive: true });
  // A project of its own: ES modules, as `npx tornado-ts new` makes it.
  writeFileSync(join(project, "package.json"), '{ "private": true, "type": "module" }\n');
  const modules = join(project, "node_modules");
  mkdirSync(modules);
  for (const pkg of ["tsx", ...needs])
    symlinkSync(join(ROOT, "node_modules", pkg), join(modules, pkg));
  symlinkSync(ROOT, join(modules, "tornado-ts"));
  return project;
}

describe("the guide's samples", { concurrency: 3 }, () => {
  for (const sample of SAMPLES) {
    const script = `docs/guide/samples/${sample.dir}/server.ts`;
    const command = `npx tsx ${script}`;

    it(`${sample.chapter} shows the command that runs ${sample.dir}`, () => {
      const chapter = readFileSync(join(GUIDE, sample.chapter), "utf8");
      assert.ok(chapter.includes(command), `${sample.chapter} does not show \`${command}\``);
    });

    it(`${command}: the pages of ${sample.chapter}`, async () => {
      const own = join(work, `${sample.dir}-in-clone`);
      mkdirSync(own, { recursive: true });
      const app = await start(script, sample.args?.(own) ?? [], ROOT);
      try {
        await sample.check(app);
      } finally {
        await app.proc.kill();
      }
    });

    it(`${sample.dir}, copied into a project outside the clone, serves the same pages`, async () => {
      const project = copyOut(sample.dir, sample.dir, sample.needs);
      const app = await start("server.ts", sample.args?.(project) ?? [], project);
      try {
        await sample.check(app);
      } finally {
        await app.proc.kill();
      }
    });
  }

  it("the chapter 9 sample with --processes=2 serves from two workers, and stops on SIGTERM", async () => {
    const script = "docs/guide/samples/09-deployment/server.ts";
    const { base, proc } = await start(script, ["--processes=2"], ROOT);
    try {
      await proc.waitFor(/Listening on .*\n[\s\S]*Listening on /);
      const workers = new Set<number>();
      for (let i = 0; i < 8 && workers.size < 2; i++) {
        workers.add(JSON.parse(await page(`${base}/`)).worker);
      }
      assert.deepEqual([...workers].sort(), [0, 1]);
      proc.signal("SIGTERM");
      assert.deepEqual(await proc.exited, { code: 0, signal: null });
    } finally {
      await proc.kill();
    }
  });

  it("a file uploaded to the chapter 3 sample lands in its upfile/ folder", async () => {
    const project = copyOut("03-requests", "03-upload", ["zod"]);
    const { base, proc } = await start("server.ts", [], project);
    try {
      const form = new FormData();
      form.append("file", new Blob(["hello"]), "../../evil.txt");
      const { res, body } = await text(`${base}/upfile`, { method: "POST", body: form });
      assert.equal(res.status, 200, body);
      assert.deepEqual(JSON.parse(body), { saved: ["evil.txt"] });
      assert.equal(readFileSync(join(project, "upfile", "evil.txt"), "utf8"), "hello");
    } finally {
      await proc.kill();
    }
  });
});
