import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { MachineInfo } from "../bench/report/machine.ts";
import { renderReport } from "../bench/report/markdown.ts";
import { regenerateReport } from "../bench/report/regenerate.ts";
import { type E2eRun, type SoakResult, writeResult } from "../bench/report/results.ts";
import { barChart, escapeXml, lineChart, niceMax } from "../bench/report/svg-chart.ts";
import { e2eTargets } from "../bench/report/targets.ts";

const machine: MachineInfo = { cpuModel: "Test CPU", cores: 2, memoryGb: 8, node: "v24.21.0", platform: "linux x64", commit: "abc123def456", dirty: false, loadAverage: 0.5 };

function run(mode: E2eRun["mode"], partitions: number, recordsPerSecond: number, replicas = 1, extra: Partial<E2eRun> = {}): E2eRun {
  return {
    name: `${mode}-${partitions}p-${replicas}r`,
    mode,
    partitions,
    replicas,
    status: "ok",
    events: 1000,
    records: 4000,
    bytes: 6_000_000,
    seconds: 4000 / recordsPerSecond,
    recordsPerSecond,
    mbPerSecond: recordsPerSecond * 0.0015,
    latencyP50Ms: mode === "raw-ceiling" ? null : 120,
    latencyP99Ms: mode === "raw-ceiling" ? null : 900,
    peakRssMb: 180,
    cpuSeconds: 3,
    exactlyOnce: mode === "raw-ceiling" ? null : { expected: 4000, delivered: 4000, duplicates: 0, missing: 0, unexpected: 0 },
    ...extra,
  };
}

function tags(svg: string): string[] {
  return [...svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)].map((m) => `${m[1]}${m[2]}${m[3]}`);
}

function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const tag of tags(svg)) {
    if (tag.endsWith("/")) continue;
    if (tag.startsWith("/")) {
      if (stack.pop() !== tag.slice(1)) return false;
    } else stack.push(tag);
  }
  return stack.length === 0;
}

describe("SVG charts", () => {
  it("draws one bar per value, scaled to a round axis, and escapes text", () => {
    const svg = barChart({ title: "A <b> & c", unit: "records/s", series: ["x", "y"], groups: [{ label: "1p", values: [100, 50] }, { label: "4p", values: [200, null] }] });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain("A &lt;b&gt; &amp; c");
    expect(svg.match(/<rect [^>]*fill="#(1f77b4|ff7f0e)"><title>/g)).toHaveLength(3);
    const heights = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)" fill="#1f77b4"><title>/g)].map((m) => Number(m[1]));
    expect(heights[1]! / heights[0]!).toBeCloseTo(2, 1);
  });

  it("draws a polyline per series and survives empty input", () => {
    const svg = lineChart({ title: "RSS", xLabel: "min", yLabel: "MB", series: [{ name: "rss", points: [[0, 100], [1, 110], [2, 105]] }, { name: "empty", points: [] }] });
    expect(balanced(svg)).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(balanced(lineChart({ title: "none", xLabel: "x", yLabel: "y", series: [] }))).toBe(true);
  });

  it("rounds axis maxima up to 1, 2 or 5 times a power of ten", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(130)).toBe(200);
    expect(niceMax(41_000)).toBe(50_000);
    expect(escapeXml(`"'`)).toBe("&quot;&apos;");
  });
});

describe("targets", () => {
  it("judges ratios from runs measured side by side", () => {
    const rows = e2eTargets([
      run("raw-ceiling", 1, 20_000),
      run("pass-through", 1, 15_000, 1, { alertsOff: true }),
      run("enriched", 1, 14_000, 1, { alertsOff: true }),
      run("enriched", 1, 14_000),
      run("raw-ceiling", 4, 30_000),
      run("pass-through", 4, 20_000, 1, { alertsOff: true }),
      run("enriched", 4, 17_000, 1, { alertsOff: true }),
      run("enriched", 4, 17_000),
      // Variants never stand in for the bench settings' runs.
      run("enriched", 4, 99_000, 1, { smallMemory: true, peakRssMb: 100 }),
      run("enriched", 4, 25_000, 2, { peakRssMb: 300 }),
    ]);
    const verdict = (prefix: string) => rows.find((r) => r.target.startsWith(prefix))?.verdict;
    expect(rows.find((r) => r.target.includes("pass-through, 1 partition"))?.verdict).toBe("met"); // 0.93
    expect(rows.find((r) => r.target.includes("pass-through, 4 partition"))?.verdict).toBe("missed"); // 0.85
    expect(rows.find((r) => r.target.includes("ceiling, 1 partition"))?.verdict).toBe("met"); // 0.7
    expect(rows.find((r) => r.target.includes("ceiling, 4 partition"))?.verdict).toBe("missed"); // 0.57
    expect(verdict("2 replicas")).toBe("met");
    expect(verdict("one worker")).toBe("missed");
    expect(verdict("peak RSS")).toBe("missed");
    expect(verdict("every worker run")).toBe("met");
  });

  it("says not measured when a side is missing or failed, never met", () => {
    const rows = e2eTargets([run("enriched", 1, 50_000), run("enriched", 1, 50_000, 1, { alertsOff: true }), run("pass-through", 1, 0, 1, { status: "failed", error: "boom", alertsOff: true })]);
    expect(rows.find((r) => r.target.includes("pass-through, 1 partition"))?.verdict).toBe("not measured");
    expect(rows.find((r) => r.target.startsWith("2 replicas"))?.verdict).toBe("not measured");
    expect(rows.find((r) => r.target.startsWith("one worker"))?.verdict).toBe("met");
  });

  it("judges peak RSS separately for the memory-bounded run", () => {
    const rows = e2eTargets([run("enriched", 4, 10_000, 1, { peakRssMb: 600 }), run("enriched", 4, 9_000, 1, { peakRssMb: 240, smallMemory: true })]);
    expect(rows.filter((r) => r.target.startsWith("peak RSS")).map((r) => [r.target, r.verdict])).toEqual([
      ["peak RSS <= 256 MB (worker runs, bench settings)", "missed"],
      ["peak RSS <= 256 MB (worker runs, memory-bounded settings)", "met"],
    ]);
  });

  it("flags a run with duplicates or missing records", () => {
    const rows = e2eTargets([run("enriched", 1, 50_000, 1, { exactlyOnce: { expected: 10, delivered: 10, duplicates: 1, missing: 1, unexpected: 0 } })]);
    expect(rows.find((r) => r.target.startsWith("every worker run"))?.verdict).toBe("missed");
  });
});

describe("report", () => {
  const soak: SoakResult = {
    kind: "soak",
    startedAt: "2026-11-25T21:00:00Z",
    finishedAt: "2026-11-25T21:10:00Z",
    machine,
    settings: { minutes: 10, rate: 2000 },
    samples: [0, 10, 20].map((s) => ({ seconds: s, rssMb: 150 + s, heapUsedMb: 60, eventLoopDelayP99Ms: 12, lagEvents: 40, recordsDelivered: s * 2000, recordsSent: s * 2000 })),
    checks: [{ name: "exactly once", pass: true, detail: "40000 of 40000" }],
    pass: true,
    notes: ["shared machine"],
  };

  it("renders machine, commit, targets, tables and chart links", () => {
    const report = renderReport({ e2e: { kind: "e2e", startedAt: "2026-11-25T20:00:00Z", finishedAt: "2026-11-25T20:05:00Z", machine, settings: { records: 4000 }, runs: [run("raw-ceiling", 1, 20_000), run("enriched", 1, 15_000)], notes: [] }, soak });
    expect(report.markdown).toContain("abc123def456");
    expect(report.markdown).toContain("Test CPU, 2 cores, 8 GB, Node v24.21.0");
    expect(report.markdown).toContain("| enriched-1p-1r | enriched | 1 | 1 | 4,000 |");
    expect(report.markdown).toContain("![throughput](results/charts/throughput.svg)");
    expect(report.markdown).toContain("| soak: exactly once | 40000 of 40000 | met |");
    expect(report.markdown).toContain("| fuzz | - | not measured |");
    expect([...report.charts.keys()].sort()).toEqual(["results/charts/peak-rss.svg", "results/charts/soak-lag.svg", "results/charts/soak-memory.svg", "results/charts/throughput.svg"]);
    for (const svg of report.charts.values()) expect(balanced(svg)).toBe(true);
  });

  it("regenerates REPORT.md and charts from the results directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
    try {
      writeResult(soak, join(dir, "results"));
      writeFileSync(join(dir, "analysis.md"), "## Analysis\n\nWhere the time goes.\n");
      const path = regenerateReport(join(dir, "results"), join(dir, "REPORT.md"), join(dir, "analysis.md"));
      const text = readFileSync(path, "utf8");
      expect(text).toContain("## Soak (`npm run soak`)");
      expect(text.indexOf("## Analysis")).toBeGreaterThan(text.indexOf("## Targets"));
      expect(text.indexOf("## Analysis")).toBeLessThan(text.indexOf("## Soak"));
      expect(readFileSync(join(dir, "results", "charts", "soak-lag.svg"), "utf8")).toContain("<polyline");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
