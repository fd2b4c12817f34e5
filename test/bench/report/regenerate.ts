// Writes test/bench/REPORT.md and its charts from test/bench/results/*.json.
// Run by each bench script at its end; also runnable alone:
//   node test/bench/report/regenerate.ts
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { renderReport } from "./markdown.ts";
import { readResults, RESULTS_DIR } from "./results.ts";

export const REPORT_PATH = join(import.meta.dirname, "..", "REPORT.md");
/** Hand-written findings from reading the results and profiles; included as they are. */
export const ANALYSIS_PATH = join(import.meta.dirname, "analysis.md");

export function regenerateReport(resultsDir = RESULTS_DIR, reportPath = REPORT_PATH, analysisPath = ANALYSIS_PATH): string {
  const analysis = existsSync(analysisPath) ? readFileSync(analysisPath, "utf8") : undefined;
  const report = renderReport(readResults(resultsDir), analysis);
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
