// `npm run fuzz`: the property-based tests of test/fuzz/, run longer than in CI and with a fresh
// seed each time (printed first, so a failure can be replayed).
//   npm run fuzz                      # 20,000 runs per property, random seed
//   npm run fuzz -- --runs=100000 --seed=1234
import { spawnSync } from "node:child_process";

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv
    .slice(2)
    .find((arg) => arg.startsWith(prefix))
    ?.slice(prefix.length);
}

const runs = Number(option("runs") ?? process.env.FUZZ_RUNS ?? 20_000);
const seed = Number(option("seed") ?? process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
if (!Number.isSafeInteger(runs) || runs <= 0)
  throw new RangeError(`--runs must be a positive integer, got ${runs}`);
console.log(`fuzz: ${runs} runs per property, seed ${seed} (replay with --seed=${seed})`);
const result = spawnSync(process.execPath, ["scripts/run-tests.mjs", "test/fuzz"], {
  stdio: "inherit",
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) },
});
process.exit(result.status ?? 1);
