import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseProcStat, parseProcStatusRss, ProcessSampler, readProcess } from "../bench/e2e/process-sampler.ts";
import { bucketDelta, byLabel, histogramBuckets, histogramQuantile, parsePrometheusText, seriesCount, sumOf } from "../bench/e2e/prometheus-text.ts";

const exposition = `# HELP audit_enricher_records_total Records by outcome
# TYPE audit_enricher_records_total counter
audit_enricher_records_total{outcome="enriched",service_area="Core Directory",category="UserManagement",sensitivity="low"} 300
audit_enricher_records_total{outcome="enriched",service_area="other",category="other",sensitivity="none"} 20
audit_enricher_records_total{outcome="dead_lettered",service_area="other",category="other",sensitivity="none"} 5
audit_enricher_checkpoint_sequence_number{partition="0"} 99
audit_enricher_checkpoint_sequence_number{partition="1"} 41
audit_enricher_label_escapes{path="a\\"b\\\\c"} 1
# TYPE audit_enricher_end_to_end_latency_seconds histogram
audit_enricher_end_to_end_latency_seconds_bucket{le="0.1",sink="blob"} 10
audit_enricher_end_to_end_latency_seconds_bucket{le="1",sink="blob"} 90
audit_enricher_end_to_end_latency_seconds_bucket{le="10",sink="blob"} 100
audit_enricher_end_to_end_latency_seconds_bucket{le="+Inf",sink="blob"} 100
audit_enricher_end_to_end_latency_seconds_bucket{le="0.1",sink="alerts"} 5
audit_enricher_end_to_end_latency_seconds_bucket{le="+Inf",sink="alerts"} 5
audit_enricher_end_to_end_latency_seconds_sum{sink="blob"} 42
nodejs_heap_size_used_bytes 12345678 1700000000000
process_resident_memory_bytes 9.9e7
`;

describe("Prometheus text reader", () => {
  const samples = parsePrometheusText(exposition);

  it("reads names, labels (with escapes) and values, skipping comments", () => {
    expect(sumOf(samples, "audit_enricher_records_total")).toBe(325);
    expect(sumOf(samples, "audit_enricher_records_total", { outcome: "enriched" })).toBe(320);
    expect(sumOf(samples, "no_such_metric")).toBeNull();
    expect(byLabel(samples, "audit_enricher_checkpoint_sequence_number", "partition")).toEqual(new Map([["0", 99], ["1", 41]]));
    expect(samples.find((s) => s.name === "audit_enricher_label_escapes")?.labels.path).toBe('a"b\\c');
    expect(sumOf(samples, "nodejs_heap_size_used_bytes")).toBe(12345678);
    expect(sumOf(samples, "process_resident_memory_bytes")).toBe(99_000_000);
    expect(seriesCount(samples)).toBe(samples.length);
  });

  it("computes histogram quantiles like histogram_quantile()", () => {
    const buckets = histogramBuckets(samples, "audit_enricher_end_to_end_latency_seconds", { sink: "blob" })!;
    expect(buckets.le).toEqual([0.1, 1, 10, Number.POSITIVE_INFINITY]);
    expect(histogramQuantile(buckets, 0.5)).toBeCloseTo(0.1 + 0.9 * (40 / 80), 6);
    expect(histogramQuantile(buckets, 0.99)).toBeCloseTo(1 + 9 * (9 / 10), 6);
    expect(histogramQuantile({ le: [1, Number.POSITIVE_INFINITY], counts: [0, 0] }, 0.5)).toBeNull();
    expect(histogramQuantile({ le: [1, Number.POSITIVE_INFINITY], counts: [0, 4] }, 0.5)).toBe(1);
  });

  it("subtracts an earlier scrape to get the observations in between", () => {
    const after = histogramBuckets(samples, "audit_enricher_end_to_end_latency_seconds", { sink: "blob" })!;
    const delta = bucketDelta(after, { le: after.le, counts: [10, 10, 10, 10] });
    expect(delta.counts).toEqual([0, 80, 90, 90]);
    expect(histogramQuantile(delta, 0.5)).toBeCloseTo(0.1 + 0.9 * (45 / 80), 6);
  });
});

describe("process sampler", () => {
  it("parses /proc stat and status text, including a command name with spaces and parentheses", () => {
    const stat = "1234 (node (worker) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 11 0 100 0 0";
    expect(parseProcStat(stat)).toBeCloseTo(3.25, 6);
    expect(parseProcStatusRss("Name:\tnode\nVmRSS:\t  204800 kB\nThreads: 11\n")).toBe(204800 * 1024);
    expect(() => parseProcStatusRss("Name: x\n")).toThrow();
  });

  it("follows a real child's RSS and CPU", async () => {
    // The child burns 0.3 CPU-seconds and holds 64 MB, then says so: no wall-clock assumptions.
    const script = "const keep = Buffer.alloc(64 * 1024 * 1024, 1); const start = process.cpuUsage(); while (process.cpuUsage(start).user < 300000); process.stdout.write('ready'); setTimeout(() => keep.length, 60000);";
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const sampler = new ProcessSampler(50);
      sampler.watch(child.pid!);
      await new Promise((resolve) => child.stdout!.once("data", resolve));
      const [usage] = sampler.stop();
      expect(usage!.samples).toBeGreaterThanOrEqual(2);
      expect(usage!.peakRssBytes).toBeGreaterThan(64 * 1024 * 1024);
      expect(usage!.cpuSeconds).toBeGreaterThanOrEqual(0.25);
    } finally {
      child.kill("SIGKILL");
    }
    expect(readProcess(2 ** 22 + 12345)).toBeNull();
  });
});
