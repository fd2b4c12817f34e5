// The targets, judged from the results of one run (ratios measured side
// by side). A target whose runs are missing is "not measured", never "met".
import type { AllResults, E2eRun } from "./results.ts";

export type Verdict = "met" | "missed" | "not measured";

export interface TargetRow {
  readonly target: string;
  readonly measured: string;
  readonly verdict: Verdict;
}

export const TARGETS = {
  enrichmentRatio: 0.9,
  ceilingShare: 0.7,
  recordsPerSecond: 40_000,
  peakRssMb: 256,
} as const;

/** The run of a configuration with the bench settings (not the memory-bounded or alert-free variants). */
function find(runs: readonly E2eRun[], mode: E2eRun["mode"], partitions: number, replicas = 1, alertsOff = false): E2eRun | undefined {
  return runs.find((r) => r.mode === mode && r.partitions === partitions && r.replicas === replicas && r.status === "ok" && !r.smallMemory && (r.alertsOff ?? false) === alertsOff);
}

const fmt = (value: number, digits = 2) => value.toFixed(digits);
const int = (value: number) => Math.round(value).toLocaleString("en-US");

function ratioRow(target: string, a: E2eRun | undefined, b: E2eRun | undefined, min: number, strict = false): TargetRow {
  if (a === undefined || b === undefined || b.recordsPerSecond <= 0) return { target, measured: "-", verdict: "not measured" };
  const ratio = a.recordsPerSecond / b.recordsPerSecond;
  const ok = strict ? ratio > min : ratio >= min;
  return { target, measured: `${fmt(ratio)}x (${int(a.recordsPerSecond)} / ${int(b.recordsPerSecond)} records/s)`, verdict: ok ? "met" : "missed" };
}

export function e2eTargets(runs: readonly E2eRun[]): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const p of [1, 4]) {
    // Pass-through makes no alert copies, so it is compared with enrichment without alerts (the same sink work).
    rows.push(ratioRow(`enriched >= ${TARGETS.enrichmentRatio}x pass-through, ${p} partition(s), alerts off in both`, find(runs, "enriched", p, 1, true), find(runs, "pass-through", p, 1, true), TARGETS.enrichmentRatio));
  }
  for (const p of [1, 4]) {
    rows.push(ratioRow(`worker (enriched) >= ${TARGETS.ceilingShare * 100}% of raw SDK ceiling, ${p} partition(s)`, find(runs, "enriched", p), find(runs, "raw-ceiling", p), TARGETS.ceilingShare));
  }
  rows.push(ratioRow("2 replicas deliver more than 1 on 4 partitions", find(runs, "enriched", 4, 2), find(runs, "enriched", 4, 1), 1, true));
  const single = runs.filter((r) => r.mode === "enriched" && r.replicas === 1 && r.status === "ok" && !r.alertsOff && !r.smallMemory);
  if (single.length === 0) rows.push({ target: `one worker >= ${int(TARGETS.recordsPerSecond)} records/s into blob`, measured: "-", verdict: "not measured" });
  else {
    const best = single.reduce((a, b) => (b.recordsPerSecond > a.recordsPerSecond ? b : a));
    rows.push({
      target: `one worker >= ${int(TARGETS.recordsPerSecond)} records/s into blob`,
      measured: `${int(best.recordsPerSecond)} records/s, ${fmt(best.mbPerSecond, 1)} MB/s (${best.partitions} partition(s))`,
      verdict: best.recordsPerSecond >= TARGETS.recordsPerSecond ? "met" : "missed",
    });
  }
  for (const [label, small] of [["bench settings", false], ["memory-bounded settings", true]] as const) {
    const workers = runs.filter((r) => r.mode !== "raw-ceiling" && r.status === "ok" && (r.smallMemory ?? false) === small);
    if (workers.length === 0) {
      if (!small) rows.push({ target: `peak RSS <= ${TARGETS.peakRssMb} MB`, measured: "-", verdict: "not measured" });
      continue;
    }
    const peak = Math.max(...workers.map((r) => r.peakRssMb));
    rows.push({ target: `peak RSS <= ${TARGETS.peakRssMb} MB (worker runs, ${label})`, measured: `${fmt(peak, 0)} MB`, verdict: peak <= TARGETS.peakRssMb ? "met" : "missed" });
  }
  const exact = runs.filter((r) => r.exactlyOnce !== null && r.status === "ok");
  if (exact.length > 0) {
    const bad = exact.filter((r) => r.exactlyOnce !== null && (r.exactlyOnce.duplicates > 0 || r.exactlyOnce.missing > 0 || r.exactlyOnce.unexpected > 0));
    rows.push({ target: "every worker run: blob output exactly once", measured: `${exact.length - bad.length}/${exact.length} runs exact`, verdict: bad.length === 0 ? "met" : "missed" });
  }
  return rows;
}

function checkRows(prefix: string, checks: readonly { name: string; pass: boolean; detail: string }[]): TargetRow[] {
  return checks.map((c) => ({ target: `${prefix}: ${c.name}`, measured: c.detail, verdict: c.pass ? "met" : "missed" }));
}

export function allTargets(results: AllResults): TargetRow[] {
  return [
    ...e2eTargets(results.e2e?.runs ?? []),
    ...(results.soak ? checkRows("soak", results.soak.checks) : [{ target: "soak", measured: "-", verdict: "not measured" as const }]),
    ...(results.fuzz ? checkRows("fuzz", results.fuzz.checks) : [{ target: "fuzz", measured: "-", verdict: "not measured" as const }]),
  ];
}
