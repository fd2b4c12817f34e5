// Real data is messier than any one doc: singular targetResource, capitalised
// Type, @odata.type, columns already parsed or unparsable, plain and
// double-encoded values, booleans, odd case, integer results, legacy "".
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCatalogIndex } from "../../src/catalog/index.ts";
import { enrichOne } from "./enrich-one.ts";

interface AwkwardCase {
  readonly name: string;
  readonly expect: { readonly level: string; readonly rule: string | null; readonly value?: string };
  readonly record: Record<string, unknown>;
}

const CASES = JSON.parse(readFileSync(new URL("../fixtures/content/awkward.json", import.meta.url), "utf8")) as AwkwardCase[];
const index = loadCatalogIndex();
const CONTENT_IDS = new Set(
  (JSON.parse(readFileSync(new URL("../../catalog/policy.json", import.meta.url), "utf8")) as { contentRules: { id: string }[] }).contentRules.map((r) => r.id),
);

describe("awkward encodings (test/fixtures/content/awkward.json)", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const e = enrichOne(index, c.record).enrichment;
      expect(e.sensitivity).toBe(c.expect.level);
      const contentReasons = e.reasons.filter((r) => CONTENT_IDS.has(r.slice(0, r.indexOf(":"))));
      if (c.expect.rule === null) expect(contentReasons).toEqual([]);
      else {
        expect(contentReasons[0]?.startsWith(`${c.expect.rule}: `)).toBe(true);
        if (c.expect.value !== undefined) expect(contentReasons[0]).toContain(c.expect.value);
      }
    });
  }
});
