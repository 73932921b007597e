// How the browser tests start Debian's Chromium (.ci/run installs it) through playwright-core:
// headless, as root without its sandbox, and with the background networking off, since this
// machine's closed network refuses those connections.

/** Debian's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** The command-line switches every browser test passes. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
