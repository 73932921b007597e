#!/usr/bin/env node
// Writes docs/tornado-test-suite.md from test/tornado-suite/ledger.json (counts per file, the
// not-applicable tests with their reasons). Run it after editing the ledger; a test checks the
// committed file matches.
import { writeFileSync } from "node:fs";
import { readLedger, renderReport, reportPath } from "./tornado-suite-ledger.mjs";

writeFileSync(reportPath, renderReport(readLedger()));
console.log(`wrote ${reportPath}`);
