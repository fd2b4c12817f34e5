// Real output (real catalog index, every fixture) against the shipped JSON Schema.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCatalogIndex } from "../../../src/catalog/index.ts";
import type { EnrichmentOutput } from "../../../src/transforms/decode/outcome.ts";
import { enrichFixture, FIXTURE_DIR, lineText } from "../read-fixture.ts";
import { validate } from "./json-schema-subset.ts";

const schema = JSON.parse(readFileSync(new URL("../../../src/transforms/enrich/enriched-record.schema.json", import.meta.url), "utf8"));

describe("enriched-record.schema.json", () => {
  it("every enriched line of every fixture, enriched by the real catalog, conforms", async () => {
    const index = loadCatalogIndex();
    const seen = { match: new Set<string>(), sensitivity: new Set<string>(), activitySource: new Set<string>() };
    let lines = 0;
    for (const file of readdirSync(FIXTURE_DIR).filter((f) => /\.(json|ndjson)$/.test(f))) {
      for (const { outcome } of await enrichFixture(file, index)) {
        if (outcome.kind !== "enriched") continue;
        const record = JSON.parse(lineText(outcome.line));
        expect(validate(schema, record), `${file}`).toEqual([]);
        const e = record.enrichment;
        expect(e.sensitive).toBe(e.sensitivity === "high");
        expect(e.catalogVersion).toBe(index.version);
        expect(e.candidates !== undefined).toBe(e.match === "ambiguous" || e.mismatch === true);
        seen.match.add(e.match);
        seen.sensitivity.add(e.sensitivity);
        seen.activitySource.add(e.activitySource ?? "activityDisplayName");
        lines++;
      }
    }
    expect(lines).toBeGreaterThan(40);
    // The fixtures exercise every branch the schema describes.
    expect([...seen.match].sort()).toEqual(["ambiguous", "exact", "none", "normalized"]);
    expect([...seen.sensitivity].sort()).toEqual(["high", "low", "medium"]);
    expect([...seen.activitySource].sort()).toEqual(["activityDisplayName", "none", "operationName"]);
  });

  it("names exactly the members of the Enrichment contract", () => {
    // A compile-time list: adding a member to EnrichmentOutput breaks this until the schema knows it.
    const members: Record<keyof EnrichmentOutput, true> = {
      serviceArea: true,
      category: true,
      sensitivity: true,
      sensitive: true,
      reasons: true,
      recognized: true,
      match: true,
      candidates: true,
      mismatch: true,
      catalogVersion: true,
      activitySource: true,
    };
    expect(Object.keys(schema.$defs.enrichment.properties).sort()).toEqual(Object.keys(members).sort());
  });

  it("the validator catches what the schema forbids", () => {
    const good = { enrichment: { serviceArea: null, category: "X", sensitivity: "low", sensitive: false, reasons: [], recognized: false, match: "none", catalogVersion: "v" } };
    expect(validate(schema, good)).toEqual([]);
    expect(validate(schema, { enrichment: { ...good.enrichment, sensitivity: "extreme" } })).not.toEqual([]);
    expect(validate(schema, { enrichment: { ...good.enrichment, extra: 1 } })).not.toEqual([]);
    expect(validate(schema, { enrichment: { ...good.enrichment, catalogVersion: undefined } })).not.toEqual([]);
    expect(validate(schema, { enrichment: { ...good.enrichment, candidates: [{ serviceArea: "A" }] } })).not.toEqual([]);
    expect(validate(schema, {})).not.toEqual([]);
  });
});
