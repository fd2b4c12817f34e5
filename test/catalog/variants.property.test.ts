// Property tests: spelling variants of catalog names resolve like the original,
// and no lookup ever reduces several candidates to one without the event deciding.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Enrichment } from "../../src/catalog/enrichment.ts";
import { normalizeActivity } from "../../src/catalog/normalize.ts";
import { shippedIndex, sourceRows } from "./catalog-fixtures.ts";

const index = shippedIndex();
const names = [...new Set([...sourceRows("reference-2018-04-19"), ...sourceRows("reference-2024-10-04")].map((r) => r.activity))].sort();
const rows = [...sourceRows("reference-2018-04-19"), ...sourceRows("reference-2024-10-04")];

const SPACES = [" ", "  ", "\t", "\u00a0", "\u3000", "\u2003"];

/** A spelling of `name` the stream could carry: case flipped, spaces widened, dashes as en/em dashes, full-width letters, trailing junk. */
const variantOf = (name: string) =>
  fc
    .record({
      caseFlips: fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }),
      space: fc.constantFrom(...SPACES),
      dash: fc.constantFrom("-", "\u2013", "\u2014"),
      fullWidth: fc.boolean(),
      lead: fc.constantFrom("", " ", "\u00a0"),
      trail: fc.constantFrom("", " ", ".", ". ", " \t", "..", "\u3000"),
    })
    .map(({ caseFlips, space, dash, fullWidth, lead, trail }) => {
      let out = "";
      for (const [i, ch] of [...name].entries()) {
        let c = caseFlips[i] ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch;
        if (c === " ") c = space;
        else if (c === "-") c = dash;
        else if (fullWidth && /[A-Za-z0-9]/.test(c)) c = String.fromCharCode(c.charCodeAt(0) + 0xfee0);
        out += c;
      }
      return lead + out + trail;
    });

const sameAnswer = (a: Enrichment, b: Enrichment) => {
  expect({ ...a, match: a.match === "normalized" ? "exact" : a.match }).toEqual({ ...b, match: b.match === "normalized" ? "exact" : b.match });
};

describe("spelling variants", () => {
  it("resolve like the original name (case, whitespace, dashes, NFKC, trailing periods)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), variantOf(name))),
        ([name, variant]) => {
          expect(normalizeActivity(variant)).toBe(normalizeActivity(name));
          sameAnswer(index.lookup(variant), index.lookup(name));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("resolve like the original when the event names its service and category", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...rows).chain((row) => fc.tuple(fc.constant(row), variantOf(row.activity))),
        ([row, variant]) => {
          sameAnswer(index.lookup(variant, row.serviceArea, row.category), index.lookup(row.activity, row.serviceArea, row.category));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("ambiguity", () => {
  it("a result names one pair only when exactly one catalog candidate is compatible with the event", () => {
    const services = [...new Set(rows.map((r) => r.serviceArea)), "PIM", "Unknown Service", undefined];
    const categories = [...new Set(rows.map((r) => r.category)), "Policy", "Unknown", undefined];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom(...services), fc.constantFrom(...categories), (name, service, category) => {
        const all = index.lookup(name);
        const candidates = all.candidates ?? [{ serviceArea: all.serviceArea!, category: all.category! }];
        const s = service === undefined ? null : (index.canonicalServiceArea(service) ?? service);
        const c = category === undefined ? null : (index.canonicalCategory(category) ?? category);
        const compatible = candidates.filter((x) => (s === null || x.serviceArea === s) && (c === null || x.category === c));
        const got = index.lookup(name, service, category);
        if (compatible.length === 0) expect(got.mismatch).toBe(true);
        else if (compatible.length === 1) expect(got).toMatchObject({ ...compatible[0], match: "exact" });
        else {
          expect(got.match).toBe("ambiguous");
          expect(got.candidates).toEqual(compatible);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
