// Loaded with --import before every test file (scripts/run-tests.mjs). Worker threads inherit that
// flag but not tsx's TypeScript hooks, so the guard (TypeScript) is loaded on the main thread only.
import { isMainThread } from "node:worker_threads";

if (isMainThread) await import("./log-guard.ts");
