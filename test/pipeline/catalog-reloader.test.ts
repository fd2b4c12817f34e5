import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import type { Enrichment } from "../../src/catalog/enrichment.ts";
import { CatalogReloader, type LoadedCatalog } from "../../src/pipeline/catalog-reloader.ts";
import { PipelineMetrics } from "../../src/pipeline/metrics.ts";

// A stand-in artifact format: the file holds "v=<version>"; anything else is refused.
function load(path: string): LoadedCatalog {
  const text = readFileSync(path, "utf8").trim();
  const match = /^v=(\w+)$/.exec(text);
  if (!match) throw new Error(`${path}:1: not an index artifact`);
  const version = match[1]!;
  return {
    version,
    lookup: () => ({ catalogVersion: version }) as Enrichment,
    canonicalServiceArea: () => null,
    canonicalCategory: () => null,
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setup(watch: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "catalog-reload-"));
  dirs.push(dir);
  const path = join(dir, "index.json");
  writeFileSync(path, "v=one");
  const registry = new Registry();
  const metrics = new PipelineMetrics(registry);
  const reloader = new CatalogReloader({ path, watch, load, metrics, logger: pino({ level: "silent" }), debounceMs: 50 });
  const count = async (result: string) => (await registry.getSingleMetric("audit_enricher_catalog_reloads_total")!.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
  return { dir, path, reloader, registry, count };
}

describe("CatalogReloader", () => {
  it("swaps to a good artifact and refuses a bad one, keeping the running version", async () => {
    const { path, reloader, registry, count } = await setup(false);
    expect(reloader.current().version).toBe("one");
    writeFileSync(path, "v=two");
    expect(reloader.reload("signal")).toBe(true);
    expect(reloader.current().lookup("x").catalogVersion).toBe("two");
    writeFileSync(path, "garbage");
    expect(reloader.reload("signal")).toBe(false);
    expect(reloader.current().version).toBe("two");
    expect(await count("ok")).toBe(1);
    expect(await count("refused")).toBe(1);
    expect(await registry.metrics()).toContain('audit_enricher_catalog_info{version="two"} 1');
  });

  it("reloads when the file is replaced on disk (watch, debounced)", async () => {
    const { dir, path, reloader, count } = await setup(true);
    reloader.start();
    try {
      writeFileSync(join(dir, "next.tmp"), "v=three");
      renameSync(join(dir, "next.tmp"), path);
      for (let i = 0; i < 50 && reloader.current().version !== "three"; i++) await new Promise((r) => setTimeout(r, 50));
      expect(reloader.current().version).toBe("three");
      expect(await count("ok")).toBeGreaterThanOrEqual(1);
    } finally {
      reloader.stop();
    }
  });

  it("reloads when a ConfigMap volume swaps its ..data symlink, and ignores directory events that change nothing", async () => {
    // The layout kubelet keeps: ..<timestamp>/index.json, ..data -> ..<timestamp>, index.json -> ..data/index.json.
    const dir = mkdtempSync(join(tmpdir(), "catalog-configmap-"));
    dirs.push(dir);
    mkdirSync(join(dir, "..2026_11_25"));
    writeFileSync(join(dir, "..2026_11_25", "index.json"), "v=one");
    symlinkSync("..2026_11_25", join(dir, "..data"));
    symlinkSync("..data/index.json", join(dir, "index.json"));
    const registry = new Registry();
    const reloader = new CatalogReloader({ path: join(dir, "index.json"), watch: true, load, metrics: new PipelineMetrics(registry), logger: pino({ level: "silent" }), debounceMs: 50 });
    const ok = async () => (await registry.getSingleMetric("audit_enricher_catalog_reloads_total")!.get()).values.find((v) => v.labels.result === "ok")?.value ?? 0;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    reloader.start();
    try {
      // Something else in the directory changes, the artifact does not: no reload.
      writeFileSync(join(dir, "unrelated"), "x");
      await sleep(300);
      expect(await ok()).toBe(0);
      // kubelet's update: a new timestamped directory, a ..data_tmp symlink renamed over ..data, the old one removed.
      mkdirSync(join(dir, "..2026_11_26"));
      writeFileSync(join(dir, "..2026_11_26", "index.json"), "v=two");
      symlinkSync("..2026_11_26", join(dir, "..data_tmp"));
      renameSync(join(dir, "..data_tmp"), join(dir, "..data"));
      rmSync(join(dir, "..2026_11_25"), { recursive: true });
      for (let i = 0; i < 60 && reloader.current().version !== "two"; i++) await sleep(50);
      expect(reloader.current().version).toBe("two");
      expect(await ok()).toBe(1);
    } finally {
      reloader.stop();
    }
  });

  it("fails start-up when the first artifact is bad", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-reload-"));
    dirs.push(dir);
    writeFileSync(join(dir, "index.json"), "nope");
    expect(() => new CatalogReloader({ path: join(dir, "index.json"), watch: false, load, metrics: new PipelineMetrics(new Registry()), logger: pino({ level: "silent" }) })).toThrow(/not an index artifact/);
  });
});
