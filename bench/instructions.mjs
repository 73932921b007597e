// Machine instructions per request, counted by valgrind's callgrind: a figure that does not move
// with the machine's load, so a before/after of a few percent can be decided on a shared machine,
// where CPU time cannot (see docs/performance.md). Each server answers a scenario of
// bench/in-process.mjs through the in-memory sockets twice, for N1 and for N2 requests, each time
// in a fresh process under callgrind; the count per request is the difference over N2 - N1, so the
// start-up, the warm-up and the checks fall out. Node runs with V8's --predictable (compilation and
// garbage collection on the main thread, no timer-driven heap decisions) and fixed hash and random
// seeds: without them the same count moved by up to 80 % from one run to the next on a loaded
// machine; with them three runs of the full app's GET /cookie agreed within 0.2 %. Small requests
// move more, as a major garbage collection or an optimising compilation (each some 100 million
// instructions) falls in one run's window and not the other's: on 2026-12-07 the minimal node:http
// GET / gave 31,668 to 39,752 in six runs, main's minimal GET / 48,826 to 52,410 in five and
// 510a73e's 45,820 to 52,638 in three (leaving the collector's own functions out, or ending both
// runs with a full collection, did not steady them). Compare small requests by the median of
// several runs, never by one. Instructions are not
// time (a cache miss costs many), so this complements `npm run bench`, it does not replace it.
//
//   node bench/instructions.mjs [--servers=tornado-ts,node:http] [--scenarios=GET /,GET /json]
//                               [--minimal | --pieces] [--tree=DIR] [--n1=10000] [--n2=30000]
//   (npm run bench:instructions -- ...; needs valgrind: apt-get install -y valgrind)
//
// --pieces takes the servers from bench/pieces.mjs's variants (the minimal apps with pieces of
// Tornado's work taken away, and node:http with Tornado's headers), by the names it prints, with
// the minimal apps' scenarios: `--pieces "--servers=tornado headers made once;no Server, Date"`
// (names are split at ";" when there is one, as some hold a comma).
//
// --tree=DIR measures the build in another checkout (say, a `git worktree` of the commit before a
// change, built with `npm run build`), with this tree's bench/ copied into it, so both builds
// answer the very same apps: run it once per tree and compare. One server and scenario takes
// about two minutes (callgrind runs Node some 50 times slower).
import { spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  check,
  createServers,
  drive,
  list,
  minimal,
  minimalScenarios,
  option,
  scenarios,
  splitNames,
} from "./in-process.mjs";

const pieces = process.argv.includes("--pieces");

const here = dirname(fileURLToPath(import.meta.url));

/** The inner run: serve `count` requests of one scenario on one server, then exit. */
async function inner() {
  const serverName = list("server");
  const scenario = scenarios.find((s) => s.name === list("scenario"));
  if (scenario === undefined) throw new Error(`no scenario ${list("scenario")}`);
  let name = serverName;
  let server;
  if (pieces) {
    const make = (await import("./pieces.mjs")).variants[serverName];
    if (make === undefined) throw new Error(`no variant ${serverName} in bench/pieces.mjs`);
    server = await make();
  } else {
    [[name, server]] = await createServers([serverName]);
  }
  await check(server, name, scenario, scenario.request(name));
  await drive(server, scenario.request(name), option("count", 0));
  process.exit(0);
}

/** Instructions callgrind counted for one inner run. */
function count(script, server, scenario, requests) {
  const args = [
    "--tool=callgrind",
    "--callgrind-out-file=/dev/null",
    process.execPath,
    "--predictable",
    "--hash-seed=1",
    "--random-seed=1",
    script,
    "--inner",
    `--server=${server}`,
    `--scenario=${scenario}`,
    `--count=${requests}`,
    ...(minimal || pieces ? ["--minimal"] : []),
    ...(pieces ? ["--pieces"] : []),
  ];
  const child = spawnSync("valgrind", args, { encoding: "utf8", cwd: dirname(script) });
  if (child.error) throw new Error(`valgrind: ${child.error.message} (apt-get install valgrind)`);
  const total = /Collected : (\d+)/.exec(child.stderr)?.[1];
  if (child.status !== 0 || total === undefined) {
    throw new Error(`${server}, ${scenario}: callgrind failed\n${child.stderr.slice(-2000)}`);
  }
  return Number(total);
}

async function main() {
  const tree = list("tree");
  let script = fileURLToPath(import.meta.url);
  if (tree !== undefined) {
    // The other build answers with this tree's apps and driver.
    cpSync(here, join(resolve(tree), "bench"), { recursive: true });
    script = join(resolve(tree), "bench", "instructions.mjs");
  }
  const n1 = option("n1", 10_000);
  const n2 = option("n2", 30_000);
  const servers = splitNames(list("servers")) ?? ["tornado-ts"];
  const wanted = list("scenarios")?.split(",");
  // bench/pieces.mjs's variants answer the minimal apps' scenarios (the inner runs get --minimal).
  const chosen = (pieces ? minimalScenarios : scenarios).filter(
    (s) => !wanted || wanted.includes(s.name),
  );
  console.log(
    `Instructions per request (callgrind, (I(${n2}) - I(${n1})) / ${n2 - n1}), ${tree ?? "this tree"}${pieces ? ", bench/pieces.mjs variants" : minimal ? ", minimal apps" : ""}, Node ${process.version} --predictable\n`,
  );
  console.log(`| server | ${chosen.map((s) => s.name).join(" | ")} |`);
  console.log(`|---|${chosen.map(() => "---:").join("|")}|`);
  for (const server of servers) {
    const cells = [];
    for (const scenario of chosen) {
      const small = count(script, server, scenario.name, n1);
      const large = count(script, server, scenario.name, n2);
      cells.push(Math.round((large - small) / (n2 - n1)).toLocaleString("en-US"));
    }
    console.log(`| ${server} | ${cells.join(" | ")} |`);
  }
}

if (process.argv.includes("--inner")) await inner();
else await main();
