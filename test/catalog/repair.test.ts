import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importReference } from "../../src/catalog/import-reference.ts";
import { parseReference } from "../../src/catalog/parse-reference.ts";
import { detectScramble, groupsInOrder, repairScramble, rowsMoved } from "../../src/catalog/repair.ts";
import { MARCH_2018, marchRows, PAGE_2018, TSV_2024 } from "./catalog-fixtures.ts";

const page = readFileSync(PAGE_2018, "utf8");
const parsed = parseReference(PAGE_2018, page);

describe("the April 2018 page's scramble", () => {
  it("is read as 472 rows under 13 service areas", () => {
    expect(parsed.name).toBe("reference-2018-04-19");
    expect(parsed.rows).toHaveLength(472);
    expect(new Set(parsed.rows.map((r) => r.serviceArea)).size).toBe(13);
  });

  it("is detected: 20 of 35 groups in order as published, 34 of 35 after the re-sort", () => {
    const decision = detectScramble(parsed.rows);
    expect(decision.before).toEqual({ groups: 35, inOrder: 20 });
    expect(decision.after).toEqual({ groups: 35, inOrder: 34 });
    expect(decision.scrambled).toBe(true);
  });

  it("is not detected on the correctly published 2024 reference, which the re-sort would disorder", () => {
    const rows = parseReference(TSV_2024, readFileSync(TSV_2024, "utf8")).rows;
    expect(rows).toHaveLength(1193);
    const decision = detectScramble(rows);
    expect(decision.before).toEqual({ groups: 98, inOrder: 87 });
    expect(decision.after.inOrder).toBe(60);
    expect(decision.scrambled).toBe(false);
  });

  it(`reproduces every one of the 444 rows of the March 2018 list (${MARCH_2018.split("/").pop()})`, () => {
    const repaired = repairScramble(parsed.rows);
    const triples = new Set(repaired.map((r) => `${r.serviceArea.toLowerCase()}\t${r.category}\t${r.activity}`));
    const march = marchRows();
    expect(march).toHaveLength(444);
    const missing = march.filter((m) => !triples.has(`${m.service.toLowerCase()}\t${m.category}\t${m.activity}`));
    expect(missing).toEqual([]);
  });

  it("as published, only a minority of rows match the March list", () => {
    const triples = new Set(parsed.rows.map((r) => `${r.serviceArea.toLowerCase()}\t${r.category}\t${r.activity}`));
    const agree = marchRows().filter((m) => triples.has(`${m.service.toLowerCase()}\t${m.category}\t${m.activity}`)).length;
    expect(agree).toBeLessThan(120);
  });

  it("keeps every activity in place and moves only labels, recording where each label came from", () => {
    const repaired = repairScramble(parsed.rows);
    expect(repaired.map((r) => r.activity)).toEqual(parsed.rows.map((r) => r.activity));
    expect(rowsMoved(parsed.rows, repaired)).toBe(369);
    const labelLines = repaired.map((r) => r.labelLine).sort((a, b) => a - b);
    expect(labelLines).toEqual(parsed.rows.map((r) => r.activityLine).sort((a, b) => a - b));
  });

  it("importing repairs and reports the moved rows; --as-published keeps the page as written", () => {
    const repaired = importReference(PAGE_2018, page);
    expect(repaired.file.meta).toMatchObject({ repaired: true, rowsMoved: 369 });
    expect(repaired.file.rows).toHaveLength(472);
    const asPublished = importReference(PAGE_2018, page, { asPublished: true });
    expect(asPublished.file.meta).toMatchObject({ repaired: false, rowsMoved: 0 });
    expect(asPublished.file.rows).toEqual(parsed.rows);
    expect(groupsInOrder(asPublished.file.rows).inOrder).toBe(20);
  });
});
