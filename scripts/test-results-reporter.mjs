// A node:test reporter that writes one JSON document: every test that finished, with its file, its
// name, its nesting level, whether it is a suite (describe) or a test, and its outcome ("pass", "fail", "skip" or "todo"). scripts/run-tests.mjs
// adds it beside the spec reporter, so checks that run after the suite (the ported Tornado suite's
// ledger) can see which tests passed in this run.
export default async function* resultsReporter(source) {
  const results = [];
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { data } = event;
    let outcome = event.type === "test:pass" ? "pass" : "fail";
    if (data.skip !== undefined && data.skip !== false) outcome = "skip";
    else if (data.todo !== undefined && data.todo !== false) outcome = "todo";
    const type = data.details?.type ?? "test";
    results.push({
      file: data.file ?? null,
      name: data.name,
      nesting: data.nesting,
      type,
      outcome,
    });
  }
  yield `${JSON.stringify({ results })}\n`;
}
