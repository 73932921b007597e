// Vitest runs test/vitest/*.vitest.ts (`npm test` runs it before node:test's suites): tornado-ts's
// testing helpers under Vitest, as a user's project would use them. "tornado-ts/*" resolves to the
// TypeScript sources through the package's own export condition, so no build is needed.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/vitest/**/*.vitest.ts"],
    environment: "node",
  },
  ssr: { resolve: { conditions: ["tornado-ts-source"] } },
  // Node 20 does not parse decorators (`@authenticated`): Vite 7's esbuild lowers them, as tsx
  // does (Vite 8's Oxc transform does not: vitejs/vite#22353, hence vite 7 in devDependencies).
  esbuild: { target: "node20" },
});
