// Prints what a vitest JSON report says: one summary line, then each failed test or file with
// the first lines of its error. CI shows only the end of its log, so .ci/run prints this for
// every runtime again after the last suite, and a failure on the first runtime stays in view.
const { resolve } = require("node:path");
const { existsSync, readFileSync } = require("node:fs");

const FIRST_LINES = 6;

function firstLines(message) {
  return String(message)
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^\s*at .*(node_modules|<anonymous>|node:internal)/.test(line))
    .slice(0, FIRST_LINES)
    .map((line) => `      ${line.trim()}`)
    .join("\n");
}

/** The exit status `npm test` left beside its log (.ci/run writes it), or undefined. */
function exitStatus(log) {
  const file = `${log}.status`;
  return existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : undefined;
}

/** Vitest's "Unhandled Errors" block from the suite's log: errors outside any test fail the run while every test passes. */
function unhandledErrors(log) {
  if (!existsSync(log)) return undefined;
  const lines = readFileSync(log, "utf8").replace(/\x1b\[[0-9;]*m/g, "").split("\n");
  const start = lines.findIndex((line) => /Unhandled Errors?/.test(line));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && /^\s*(Test Files|Tests)\s/.test(line));
  return lines.slice(start, end < 0 ? start + 40 : Math.min(end, start + 40)).filter((line) => line.trim() !== "").map((line) => `      ${line.trim()}`).join("\n");
}

function summarise(label, file) {
  const log = file.replace(/vitest-(node\d+)\.json$/, "npm-test-$1.log");
  const status = exitStatus(log);
  const path = resolve(file);
  if (!existsSync(path)) {
    console.log(`${label}: no test report (the suite stopped before vitest: see npm test's output above)`);
    return;
  }
  const report = JSON.parse(readFileSync(path, "utf8"));
  const skipped = report.numPendingTests + report.numTodoTests;
  console.log(
    `${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed` +
      (skipped ? `, ${skipped} skipped` : ""),
  );
  if (status !== undefined && status !== 0) {
    console.log(`  npm test exited with ${status}${report.numFailedTests || report.numFailedTestSuites ? "" : " although no test failed"}`);
    const errors = unhandledErrors(log);
    if (errors) console.log(errors);
  }
  for (const fileResult of report.testResults) {
    const name = fileResult.name.replace(`${process.cwd()}/`, "");
    const failed = fileResult.assertionResults.filter((test) => test.status === "failed");
    for (const test of failed) {
      console.log(`  FAIL ${name} > ${test.fullName}`);
      console.log(firstLines((test.failureMessages ?? [])[0] ?? ""));
    }
    if (failed.length === 0 && fileResult.status === "failed") {
      console.log(`  FAIL ${name} (the file, before or after its tests)`);
      console.log(firstLines(fileResult.message ?? ""));
    }
  }
}

// usage: node .ci/summary.cjs LABEL=REPORT [LABEL=REPORT ...]
for (const argument of process.argv.slice(2)) {
  const at = argument.indexOf("=");
  summarise(argument.slice(0, at), argument.slice(at + 1));
}
