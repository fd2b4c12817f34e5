import { describe, expect, it } from "vitest";
import type { ActivityLookup, Enrichment } from "../../../src/catalog/enrichment.ts";
import { EnrichmentCache } from "../../../src/transforms/enrich/enrichment-cache.ts";

/** A lookup that answers with the names it was asked about and counts its calls. */
function countingLookup(): ActivityLookup & { calls: number; version: string } {
  const lookup = {
    calls: 0,
    version: "v1",
    lookup(activity: string, service: string | null, category: string | null): Enrichment {
      lookup.calls++;
      return {
        serviceArea: service ?? "(none)",
        category: category ?? "(none)",
        sensitivity: "low",
        sensitive: false,
        reasons: [activity],
        recognized: true,
        match: "exact",
        catalogVersion: lookup.version,
      } as Enrichment;
    },
  };
  return lookup as unknown as ActivityLookup & { calls: number; version: string };
}

describe("EnrichmentCache", () => {
  it("answers repeats from the cache and keeps apart names that a joined key could confuse", () => {
    const lookup = countingLookup();
    const cache = new EnrichmentCache(lookup);
    const asked: [string, string | null, string | null][] = [
      ["Add user", null, null],
      ["Add user", "", null],
      ["Add user", null, ""],
      ["Add user", "a|b", "c"],
      ["Add user", "a", "b|c"],
      ["Add user|a", null, null],
    ];
    const first = asked.map(([a, s, c]) => cache.enrich(a, s, c, "activityDisplayName"));
    expect(lookup.calls).toBe(asked.length);
    expect(new Set(first).size).toBe(asked.length);
    const again = asked.map(([a, s, c]) => cache.enrich(a, s, c, "activityDisplayName"));
    expect(lookup.calls).toBe(asked.length);
    expect(again).toEqual(first);
    for (const [i, [a, s, c]] of asked.entries()) {
      expect(first[i]!.enrichment.reasons).toEqual([a]);
      expect(first[i]!.enrichment.serviceArea).toBe(s ?? "(none)");
      expect(first[i]!.enrichment.category).toBe(c ?? "(none)");
    }
    // The same names from another source are another answer (it records the source).
    const fromOperation = cache.enrich("Add user", null, null, "operationName");
    expect(fromOperation).not.toBe(first[0]);
    expect(fromOperation.enrichment).toMatchObject({ activitySource: "operationName" });
    expect(cache.size).toBe(asked.length + 1);
  });

  it("starts over when the catalog version changes, and stays bounded", () => {
    const lookup = countingLookup();
    const cache = new EnrichmentCache(lookup);
    cache.enrich("Add user", null, null, "activityDisplayName");
    lookup.version = "v2";
    expect(cache.enrich("Add user", null, null, "activityDisplayName").enrichment.catalogVersion).toBe("v2");
    expect(cache.size).toBe(1);
    for (let i = 0; i < 20_000; i++) cache.enrich(`name ${i}`, null, null, "activityDisplayName");
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.size).toBeLessThanOrEqual(8192);
    // Very long names are answered, never cached.
    const before = cache.size;
    cache.enrich("x".repeat(600), null, null, "activityDisplayName");
    expect(cache.size).toBe(before);
  });
});
