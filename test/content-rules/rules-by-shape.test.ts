// Every content rule, in every record shape that carries its fields, through
// the real stage and the shipped catalog: the level, the rule named first with
// the value that triggered it, and no value from the record in the reasons.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_DIR } from "../../src/catalog/catalog-dir.ts";
import { loadCatalogIndex } from "../../src/catalog/index.ts";
import { enrichOne } from "./enrich-one.ts";
import { CASES, inShape, SHAPES } from "./shapes.ts";

const index = loadCatalogIndex();
const policy = JSON.parse(readFileSync(join(DEFAULT_CATALOG_DIR, "policy.json"), "utf8")) as { contentRules: { id: string }[] };

describe("content rules by shape (test/fixtures/content/cases.json)", () => {
  for (const c of CASES) {
    for (const shape of c.shapes ?? SHAPES) {
      it(`${c.name} [${shape}]`, () => {
        const out = enrichOne(index, inShape(c.core, shape));
        expect(out.shape).toBe(shape);
        const plain = index.lookup(c.core.activity, c.core.service, c.core.category);
        const e = out.enrichment;
        expect(e.sensitivity).toBe(c.expect.level);
        expect(e.sensitive).toBe(c.expect.level === "high");
        if (c.expect.rule === null) {
          // No content rule matched: the name rules' answer, unchanged.
          expect(e.reasons).toEqual(plain.reasons);
          return;
        }
        const first = e.reasons[0] ?? "";
        expect(first.startsWith(`${c.expect.rule}: `)).toBe(true);
        if (c.expect.value !== undefined) expect(first).toContain(c.expect.value);
        for (const other of c.expect.also ?? []) expect(e.reasons.some((r) => r.startsWith(`${other}: `))).toBe(true);
        // The name rules' reasons are kept after the content reasons.
        expect(e.reasons.slice(-plain.reasons.length)).toEqual(plain.reasons);
        for (const secret of c.expect.notInReasons ?? []) expect(e.reasons.join("\n")).not.toContain(secret);
        expect(e.catalogVersion).toBe(index.version);
      });
    }
  }

  it("covers every content rule of the shipped policy", () => {
    const policyIds = policy.contentRules.map((r) => r.id);
    expect(policyIds.length).toBeGreaterThanOrEqual(14);
    const covered = new Set(CASES.flatMap((c) => [c.expect.rule, ...(c.expect.also ?? [])]));
    expect(policyIds.filter((id) => !covered.has(id))).toEqual([]);
  });
});
