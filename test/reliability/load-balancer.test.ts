// Three tornado-ts processes behind a real nginx (Debian's package, run by this test on loopback
// with its own configuration): signed cookies and XSRF tokens made by one instance are accepted by
// the others, and when one instance stops, nginx moves its traffic to the others.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "../support/node-process.ts";

const SECRET = "shared-secret-for-every-instance-5bqD3x";
const instanceScript = join(import.meta.dirname, "support", "instance.ts");

interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
}

function startInstance(name: string): Promise<Instance> {
  const child = spawn(
    process.execPath,
    ["--conditions=tornado-ts-source", "--import", "tsx", instanceScript, name, SECRET],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}): ${stderr}`)));
    child.stdout!.once("data", (chunk: Buffer) => {
      child.removeAllListeners("exit");
      resolve({ name, port: Number(chunk.toString().trim()), child });
    });
  });
}

function nginxConfig(dir: string, port: number, upstreams: readonly number[]): string {
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream tornado_ts {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=30s;`).join("\n")}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://tornado_ts;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Scheme $scheme;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
    }
  }
}
`;
}

interface Reply {
  status: number;
  json: Record<string, unknown>;
  setCookies: string[];
}

async function get(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, { ...init, redirect: "manual" });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json, setCookies: res.headers.getSetCookie() };
}

const cookieHeader = (setCookies: readonly string[]): string =>
  setCookies.map((c) => c.split(";", 1)[0]).join("; ");

describe("several instances behind nginx", () => {
  const instances: Instance[] = [];
  let nginx: ChildProcess;
  let dir: string;
  let base: string;

  before(async () => {
    execFileSync("nginx", ["-v"], { stdio: "ignore" });
    instances.push(...(await Promise.all(["a", "b", "c"].map(startInstance))));
    dir = mkdtempSync(join(tmpdir(), "tornado-ts-nginx-"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const conf = join(dir, "nginx.conf");
    writeFileSync(
      conf,
      nginxConfig(
        dir,
        port,
        instances.map((i) => i.port),
      ),
    );
    nginx = spawn("nginx", ["-p", dir, "-c", conf, "-e", join(dir, "error.log")], {
      stdio: "ignore",
    });
    for (let i = 0; ; i++) {
      try {
        if ((await get(`${base}/id`)).status === 200) break;
      } catch {
        // nginx is not listening yet.
      }
      if (i > 100)
        throw new Error(`nginx did not start: ${readFileSync(join(dir, "error.log"), "utf8")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  after(async () => {
    await Promise.all(
      [nginx, ...instances.map((i) => i.child)].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (!child || child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it("spreads requests over every instance, which see the client's address through xheaders", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const reply = await get(`${base}/id`);
      assert.equal(reply.status, 200);
      assert.equal(reply.json["remoteIp"], "127.0.0.1");
      seen.add(String(reply.json["instance"]));
    }
    assert.deepEqual([...seen].sort(), ["a", "b", "c"]);
  });

  it("accepts a signed cookie made by one instance on every instance", async () => {
    const login = await get(`${base}/login?user=ana`);
    assert.equal(login.status, 200);
    const cookie = cookieHeader(login.setCookies);
    assert.match(cookie, /^user="?2\|/);
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const reply = await get(`${base}/whoami`, { headers: { Cookie: cookie } });
      assert.equal(reply.json["user"], "ana", `instance ${reply.json["instance"]}`);
      seen.add(String(reply.json["instance"]));
    }
    assert.equal(seen.size, 3);
    const forged = cookie.replace(/ana|YW5h/, "bob");
    const reply = await get(`${base}/whoami`, { headers: { Cookie: forged } });
    assert.equal(reply.json["user"], null);
  });

  it("accepts an XSRF token made by one instance on every instance, and refuses a wrong one", async () => {
    const form = await get(`${base}/form`);
    const token = String(form.json["token"]);
    const cookie = cookieHeader(form.setCookies);
    assert.match(cookie, /^_xsrf=/);
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const reply = await get(`${base}/form`, {
        method: "POST",
        headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: `_xsrf=${encodeURIComponent(token)}&text=hello${i}`,
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      assert.equal(reply.json["accepted"], `hello${i}`);
      seen.add(String(reply.json["instance"]));
    }
    assert.equal(seen.size, 3);
    const wrong = await get(`${base}/form`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: "_xsrf=2%7C00000000%7C00%7C1&text=x",
    });
    assert.equal(wrong.status, 403);
  });

  it("moves traffic off a stopped instance: every idempotent request still succeeds", async () => {
    const victim = instances[1]!;
    await new Promise<void>((resolve) => {
      victim.child.once("exit", () => resolve());
      victim.child.kill("SIGKILL");
    });
    const login = await get(`${base}/login?user=zoe`);
    const cookie = cookieHeader(login.setCookies);
    const seen = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const reply = await get(`${base}/whoami`, { headers: { Cookie: cookie } });
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      assert.equal(reply.json["user"], "zoe");
      const name = String(reply.json["instance"]);
      seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    assert.equal(seen.get(victim.name), undefined);
    assert.deepEqual([...seen.keys()].sort(), ["a", "c"]);
  });
});
