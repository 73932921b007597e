// Types of scripts/tornado-suite-ledger.mjs, for the TypeScript checks in test/tornado-suite/.

/** One ledger entry. */
export interface LedgerEntry {
  status: string;
  reason?: string;
}
export type Ledger = Record<string, LedgerEntry>;

export const root: string;
export const ledgerPath: string;
export const reportPath: string;
export const statuses: readonly string[];
export function readLedger(): Ledger;
export function listTornadoTests(): { folder: string; tests: string[] };
export function portFile(pythonFile: string): string;
export function splitKey(key: string): { file: string; testName: string };
export function formatLedger(ledger: Ledger): string;
export function renderReport(ledger: Ledger): string;
export function markdownAnchors(text: string): Set<string>;
