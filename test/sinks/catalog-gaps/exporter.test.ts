import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseAdditions } from "../../../src/catalog/additions.ts";
import type { Enrichment } from "../../../src/catalog/enrichment.ts";
import { CatalogGapsExporter } from "../../../src/sinks/catalog-gaps/exporter.ts";
import { GapTable } from "../../../src/sinks/catalog-gaps/gap-table.ts";
import { renderGaps } from "../../../src/sinks/catalog-gaps/additions-format.ts";
import { FakeContainer } from "../fakes.ts";
import { alertRecord } from "../alerts/records.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function unknown(seq: number, activity: string, time: string, names?: Partial<Enrichment>) {
  const r = alertRecord(seq, { recognized: false, sensitivity: "low", activity, time });
  return { ...r, enrichment: { ...r.enrichment!, ...names } };
}

const info = { replicaId: "pod-1", since: "2026-11-25T20:00:00.000Z", exportedAt: "2026-11-25T21:00:00.000Z", maxNames: 10, overflowRecords: 0 };

describe("catalog gaps", () => {
  it("renders rows the catalog's own additions parser accepts, most frequent first", () => {
    const table = new GapTable(10);
    table.observe(unknown(1, "Frobnicate user", "2026-11-25T20:05:00Z"));
    table.observe(unknown(2, "Frobnicate user", "2026-11-25T20:01:00Z"));
    table.observe(unknown(3, "Tab\there", "2026-11-25T20:02:00Z"));
    table.observe(alertRecord(4, { recognized: true, activity: "Add user" }));
    const text = renderGaps(table.gaps(), info);
    const rows = parseAdditions("gaps.tsv", text);
    expect(rows.map((r) => [r.op, r.serviceArea, r.category, r.activity])).toEqual([
      ["add", "Core directory", "RoleManagement", "Frobnicate user"],
      ["add", "Core directory", "RoleManagement", "Tab here"],
    ]);
    expect(rows[0]!.note).toBe("seen 2 times in the stream, first 2026-11-25T20:01:00.000Z, last 2026-11-25T20:05:00.000Z");
  });

  it("comments out rows whose service area or category is unknown, with '?' to fill in", () => {
    const table = new GapTable(10);
    table.observe(unknown(1, "Mystery", "2026-11-25T20:05:00Z", { serviceArea: null, category: null }));
    const text = renderGaps(table.gaps(), info);
    expect(parseAdditions("gaps.tsv", text)).toEqual([]);
    expect(text).toContain("# add\t?\t?\tMystery\tseen 1 times");
  });

  it("is bounded in names; the rest is counted in the header", () => {
    const table = new GapTable(5);
    for (let i = 0; i < 5_000; i++) table.observe(unknown(i, `spray-${i}`, "2026-11-25T20:05:00Z"));
    expect(table.size).toBe(5);
    expect(table.overflowRecords).toBe(4_995);
    const text = renderGaps(table.gaps(), { ...info, maxNames: 5, overflowRecords: table.overflowRecords });
    expect(parseAdditions("gaps.tsv", text)).toHaveLength(5);
    expect(text).toContain("5 names listed (limit 5); 4995 more records");
  });

  it("exports to a local file on stop, replacing the previous snapshot", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gaps-"));
    dirs.push(dir);
    const path = join(dir, "additions.tsv");
    const exporter = new CatalogGapsExporter({ target: { kind: "file", path }, replicaId: "pod-1" });
    exporter.observe(unknown(1, "First gap", "2026-11-25T20:05:00Z"));
    await exporter.exportNow();
    exporter.observe(unknown(2, "Second gap", "2026-11-25T20:06:00Z"));
    await exporter.stop(Date.now() + 1_000);
    const rows = parseAdditions(path, await readFile(path, "utf8"));
    expect(rows.map((r) => r.activity).sort()).toEqual(["First gap", "Second gap"]);
  });

  it("exports periodically to a blob named after the replica", async () => {
    const container = new FakeContainer();
    const exporter = new CatalogGapsExporter({
      target: { kind: "blob", container, prefix: "catalog-gaps" },
      replicaId: "worker-7f9c",
      intervalMs: 10,
    });
    exporter.start();
    exporter.observe(unknown(1, "Blob gap", "2026-11-25T20:05:00Z"));
    while (container.blobs.size === 0) await new Promise((r) => setTimeout(r, 5));
    await exporter.stop(Date.now() + 1_000);
    const blob = container.blobs.get("catalog-gaps/worker-7f9c.additions.tsv")!;
    expect(parseAdditions("blob", blob.body.toString()).map((r) => r.activity)).toEqual(["Blob gap"]);
    expect(blob.headers?.blobContentType).toBe("text/tab-separated-values; charset=utf-8");
  });

  it("logs and keeps going when the target cannot be written", async () => {
    const container = new FakeContainer();
    container.down = true;
    const exporter = new CatalogGapsExporter({ target: { kind: "blob", container, prefix: "g" }, replicaId: "r" });
    exporter.observe(unknown(1, "Gap", "2026-11-25T20:05:00Z"));
    await expect(exporter.exportNow()).resolves.toBeUndefined();
    container.down = false;
    await exporter.exportNow();
    expect(container.blobs.size).toBe(1);
  });
});
