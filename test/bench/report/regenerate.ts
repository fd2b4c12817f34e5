// Writes test/bench/REPORT.md and its charts from test/bench/results/*.json.
// Run by each bench script at its end; also runnable alone:
//   node test/bench/report/regenerate.ts
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { renderReport } from "./markdown.ts";
import { readResults, RESULTS_DIR } from "./results.ts";

export const REPORT_PATH = join(import.meta.dirname, "..", "REPORT.md");

export function regenerateReport(resultsDir = RESULTS_DIR, reportPath = REPORT_PATH): string {
  const report = renderReport(readResults(resultsDir));
  const base = dirname(reportPath);
  for (const [file, svg] of report.charts) {
    mkdirSync(dirname(join(base, file)), { recursive: true });
    writeFileSync(join(base, file), svg);
  }
  writeFileSync(reportPath, report.markdown);
  return reportPath;
}

if (import.meta.main) {
  process.stdout.write(`wrote ${regenerateReport()}\n`);
}
