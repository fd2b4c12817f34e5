// Renders REPORT.md (and its SVG charts) from the results JSON. Pure: results
// in, files' contents out; regenerate.ts writes them.
import type { MachineInfo } from "./machine.ts";
import type { AllResults, E2eResult, E2eRun, FuzzResult, SoakResult } from "./results.ts";
import { barChart, lineChart } from "./svg-chart.ts";
import { allTargets } from "./targets.ts";

export interface RenderedReport {
  readonly markdown: string;
  /** Chart files relative to the report's directory. */
  readonly charts: ReadonlyMap<string, string>;
}

const CHART_DIR = "results/charts";

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const esc = (cell: string) => cell.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)];
}

function machineLine(label: string, startedAt: string, m: MachineInfo): string {
  return `- ${label}: ${startedAt}, commit \`${m.commit}\`${m.dirty ? " (with uncommitted changes)" : ""}, ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, load average ${m.loadAverage} at start`;
}

const fixed = (value: number | null | undefined, digits = 0) => (value === null || value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(digits));
const int = (value: number) => Math.round(value).toLocaleString("en-US");

function e2eSection(e2e: E2eResult, charts: Map<string, string>): string[] {
  const lines = ["## End-to-end benchmark (`npm run bench:e2e`)", ""];
  const settings = Object.entries(e2e.settings).map(([k, v]) => `${k}=${v}`).join(", ");
  lines.push(`Settings: ${settings}.`, "");
  lines.push(
    ...table(
      ["run", "mode", "partitions", "replicas", "records", "seconds", "records/s", "MB/s", "latency p50 ms", "latency p99 ms", "peak RSS MB", "CPU s", "exactly once"],
      e2e.runs.map((r) => [
        r.name,
        r.mode,
        String(r.partitions),
        String(r.replicas),
        int(r.records),
        r.status === "ok" ? fixed(r.seconds, 1) : `failed: ${r.error ?? "?"}`,
        r.status === "ok" ? int(r.recordsPerSecond) : "-",
        r.status === "ok" ? fixed(r.mbPerSecond, 1) : "-",
        fixed(r.latencyP50Ms),
        fixed(r.latencyP99Ms),
        fixed(r.peakRssMb),
        fixed(r.cpuSeconds, 1),
        r.exactlyOnce === null ? "n/a" : r.exactlyOnce.duplicates + r.exactlyOnce.missing + r.exactlyOnce.unexpected === 0 ? `yes (${int(r.exactlyOnce.delivered)})` : `NO: ${r.exactlyOnce.missing} missing, ${r.exactlyOnce.duplicates} dup, ${r.exactlyOnce.unexpected} unexpected`,
      ]),
    ),
    "",
  );
  const keyOf = (r: E2eRun) => `${r.partitions}p, ${r.replicas} replica(s)${r.smallMemory ? ", small memory" : ""}${r.alertsOff ? ", alerts off" : ""}`;
  const labels = [...new Set(e2e.runs.map(keyOf))];
  const modes = ["raw-ceiling", "pass-through", "enriched"] as const;
  const runOf = (label: string, mode: E2eRun["mode"]) => e2e.runs.find((r) => keyOf(r) === label && r.mode === mode && r.status === "ok");
  const groups = labels.map((label) => ({
    label,
    values: modes.map((mode) => {
      const run = runOf(label, mode);
      return run === undefined ? null : Math.round(run.recordsPerSecond);
    }),
  }));
  charts.set(`${CHART_DIR}/throughput.svg`, barChart({ title: "Records/s by partitions and replicas", unit: "records/s", series: modes, groups }));
  charts.set(
    `${CHART_DIR}/peak-rss.svg`,
    barChart({ title: "Peak RSS per process", unit: "MB", series: modes, groups: labels.map((label) => ({ label, values: modes.map((mode) => runOf(label, mode)?.peakRssMb ?? null) })) }),
  );
  lines.push(
    "CPU-seconds by process from the worker's start to the end of its drain (start-up with catalog load and module compile included, latency probe excluded); the broker runs inside the bench process. On a shared, overloaded machine wall-clock rates fall with the CPU share a process gets; CPU per record does not, so it is the steadier figure to compare.",
    "",
  );
  lines.push(
    ...table(
      ["run", "start-up s", "drain s", "worker CPU s", "worker CPU / wall", "CPU µs per record", "records/s per core at that cost", "broker (bench process) CPU s", "Azurite CPU s"],
      e2e.runs.map((r) => {
        const wall = r.seconds + (r.startupSeconds ?? 0);
        const perRecord = r.records > 0 ? (r.cpuSeconds * 1e6) / r.records : 0;
        return [
          r.name,
          fixed(r.startupSeconds, 1),
          fixed(r.seconds, 1),
          fixed(r.cpuSeconds, 1),
          wall > 0 ? `${fixed((100 * r.cpuSeconds) / wall)}%` : "-",
          perRecord > 0 ? fixed(perRecord) : "-",
          perRecord > 0 ? int(1e6 / perRecord) : "-",
          fixed(r.brokerCpuSeconds, 1),
          fixed(r.azuriteCpuSeconds, 1),
        ];
      }),
    ),
    "",
  );
  lines.push(`![throughput](${CHART_DIR}/throughput.svg)`, "", `![peak RSS](${CHART_DIR}/peak-rss.svg)`, "");
  if (e2e.profile) {
    lines.push(`### Where the time goes (\`--cpu-prof\` of run "${e2e.profile.run}")`, "");
    lines.push(...table(["area", "% of worker CPU samples"], e2e.profile.byArea.map((a) => [a.area, fixed(a.percent, 1)])), "");
    lines.push(...table(["hottest functions (self time)", "%"], e2e.profile.topFunctions.map((a) => [a.area, fixed(a.percent, 1)])), "");
    if (e2e.profile.oursInclusive) lines.push(...table(["our functions, inclusive (with what they call)", "%"], e2e.profile.oursInclusive.map((a) => [a.area, fixed(a.percent, 1)])), "");
  }
  return lines;
}

function soakSection(soak: SoakResult, charts: Map<string, string>): string[] {
  const lines = ["## Soak (`npm run soak`)", ""];
  lines.push(`Settings: ${Object.entries(soak.settings).map(([k, v]) => `${k}=${v}`).join(", ")}. Verdict: **${soak.pass ? "PASS" : "FAIL"}**.`, "");
  lines.push(...table(["check", "result", "detail"], soak.checks.map((c) => [c.name, c.pass ? "pass" : "FAIL", c.detail])), "");
  const minutes = (s: number) => s / 60;
  charts.set(
    `${CHART_DIR}/soak-memory.svg`,
    lineChart({
      title: "Worker memory over the soak",
      xLabel: "minutes",
      yLabel: "MB",
      series: [
        { name: "RSS", points: soak.samples.map((s) => [minutes(s.seconds), s.rssMb] as const) },
        { name: "heap used", points: soak.samples.filter((s) => s.heapUsedMb !== null).map((s) => [minutes(s.seconds), s.heapUsedMb as number] as const) },
        { name: "external (Buffers)", points: soak.samples.filter((s) => typeof s.externalMb === "number").map((s) => [minutes(s.seconds), s.externalMb as number] as const) },
      ],
    }),
  );
  charts.set(
    `${CHART_DIR}/soak-lag.svg`,
    lineChart({
      title: "Lag over the soak",
      xLabel: "minutes",
      yLabel: "events behind",
      series: [{ name: "lag (sum over partitions)", points: soak.samples.filter((s) => s.lagEvents !== null).map((s) => [minutes(s.seconds), s.lagEvents as number] as const) }],
    }),
  );
  lines.push(`![soak memory](${CHART_DIR}/soak-memory.svg)`, "", `![soak lag](${CHART_DIR}/soak-lag.svg)`, "");
  return lines;
}

function fuzzSection(fuzz: FuzzResult): string[] {
  const lines = ["## Hostile input (`npm run fuzz:e2e`)", ""];
  lines.push(`Settings: ${Object.entries(fuzz.settings).map(([k, v]) => `${k}=${v}`).join(", ")}. Verdict: **${fuzz.pass ? "PASS" : "FAIL"}**.`, "");
  lines.push(...table(["count", "value"], Object.entries(fuzz.counts).map(([k, v]) => [k, int(v)])), "");
  lines.push(...table(["check", "result", "detail"], fuzz.checks.map((c) => [c.name, c.pass ? "pass" : "FAIL", c.detail])), "");
  return lines;
}

/** `analysis`: hand-written findings (test/bench/report/analysis.md), placed after the targets. */
export function renderReport(results: AllResults, analysis?: string): RenderedReport {
  const charts = new Map<string, string>();
  const lines = [
    "# audit-enricher performance report",
    "",
    "Generated by `npm run bench:e2e`, `npm run soak` and `npm run fuzz:e2e` (each regenerates this file from `test/bench/results/*.json`).",
    "Everything runs on one machine: the local Event Hubs broker (in the bench process), Azurite, and the worker as separate processes, through the real `@azure/event-hubs` SDK. Ratios are measured side by side in one run; absolute numbers depend on the machine, which is shared with other work (see the load average).",
    "",
    "## Machine and commit",
    "",
  ];
  if (results.e2e) lines.push(machineLine("bench:e2e", results.e2e.startedAt, results.e2e.machine));
  if (results.soak) lines.push(machineLine("soak", results.soak.startedAt, results.soak.machine));
  if (results.fuzz) lines.push(machineLine("fuzz:e2e", results.fuzz.startedAt, results.fuzz.machine));
  if (!results.e2e && !results.soak && !results.fuzz) lines.push("- no results yet");
  lines.push("", "## Targets", "");
  lines.push(...table(["target", "measured", "verdict"], allTargets(results).map((t) => [t.target, t.measured, t.verdict === "met" ? "met" : t.verdict === "missed" ? "**missed**" : "not measured"])), "");
  if (analysis !== undefined && analysis.trim() !== "") lines.push(analysis.trim(), "");
  if (results.e2e) lines.push(...e2eSection(results.e2e, charts));
  if (results.soak) lines.push(...soakSection(results.soak, charts));
  if (results.fuzz) lines.push(...fuzzSection(results.fuzz));
  const notes = [...(results.e2e?.notes ?? []), ...(results.soak?.notes ?? []), ...(results.fuzz?.notes ?? [])];
  if (notes.length > 0) lines.push("## Notes", "", ...notes.map((note) => `- ${note}`), "");
  return { markdown: `${lines.join("\n").trimEnd()}\n`, charts };
}
