// Per-record counts are tallied and added at collection: every scrape must show
// exactly the records counted so far, never twice, with canonical labels only.
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { Enrichment } from "../../src/catalog/enrichment.ts";
import { PipelineMetrics } from "../../src/pipeline/metrics.ts";

const answer = (overrides: Partial<Enrichment> = {}): Enrichment => ({ serviceArea: "core directory", category: "UserManagement", sensitivity: "high", sensitive: true, reasons: [], recognized: true, match: "exact", catalogVersion: "v", ...overrides });

async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe("PipelineMetrics record counts", () => {
  it("show every record once across scrapes, with canonical labels, and map answers afresh after a catalog swap", async () => {
    const registry = new Registry();
    const metrics = new PipelineMetrics(registry);
    const canonical = (name: string) => ({ canonicalServiceArea: (s: string | null | undefined) => (s?.toLowerCase() === "core directory" ? name : null), canonicalCategory: (c: string | null | undefined) => c ?? null });
    metrics.useCatalog("v1", canonical("Core Directory"));
    const known = answer();
    const unknown = answer({ recognized: false, serviceArea: "Invented Area", sensitivity: "low" });
    for (let i = 0; i < 3; i++) metrics.record("enriched", known);
    metrics.record("enriched", unknown);
    metrics.record("dead_lettered");
    const labels = { outcome: "enriched", service_area: "Core Directory", category: "UserManagement", sensitivity: "high" };
    expect(await value(registry, "audit_enricher_records_total", labels)).toBe(3);
    expect(await value(registry, "audit_enricher_records_total", { outcome: "enriched", service_area: "other", sensitivity: "low" })).toBe(1);
    expect(await value(registry, "audit_enricher_records_total", { outcome: "dead_lettered", service_area: "other", category: "other", sensitivity: "none" })).toBe(1);
    expect(await value(registry, "audit_enricher_records_unrecognized_total")).toBe(1);
    // A second scrape with nothing new shows the same counts.
    expect(await value(registry, "audit_enricher_records_total", labels)).toBe(3);
    expect(await value(registry, "audit_enricher_records_unrecognized_total")).toBe(1);
    // The same answer object under a catalog with other canonical names counts under the new name.
    metrics.useCatalog("v2", canonical("Directory"));
    metrics.record("enriched", known);
    expect(await value(registry, "audit_enricher_records_total", labels)).toBe(3);
    expect(await value(registry, "audit_enricher_records_total", { ...labels, service_area: "Directory" })).toBe(1);
    expect((await registry.metrics()).match(/^audit_enricher_records_total\{/gm)).toHaveLength(4);
  });
});
