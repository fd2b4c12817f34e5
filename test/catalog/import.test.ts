import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAdditions } from "../../src/catalog/additions.ts";
import { CatalogError } from "../../src/catalog/errors.ts";
import { diffRows, importReference } from "../../src/catalog/import-reference.ts";
import { parseReference } from "../../src/catalog/parse-reference.ts";
import { formatSourceFile, parseSourceFile } from "../../src/catalog/source-file.ts";
import { CATALOG_DIR, PAGE_2018, TSV_2024 } from "./catalog-fixtures.ts";

describe("catalog import", () => {
  it.each([
    [PAGE_2018, "reference-2018-04-19"],
    [TSV_2024, "reference-2024-10-04"],
  ])("is deterministic and matches the committed source file for %s", (input, name) => {
    const text = readFileSync(input, "utf8");
    const first = formatSourceFile(importReference(input, text).file);
    const second = formatSourceFile(importReference(input, text).file);
    expect(second).toBe(first);
    expect(first).toBe(readFileSync(`${CATALOG_DIR}/sources/${name}.tsv`, "utf8"));
  });

  it("round-trips a source file through its TSV form", () => {
    const file = importReference(TSV_2024, readFileSync(TSV_2024, "utf8")).file;
    expect(parseSourceFile("x.tsv", formatSourceFile(file))).toEqual(file);
  });

  it("reports added, removed and relabelled activities", () => {
    const row = (serviceArea: string, category: string, activity: string) => ({ serviceArea, category, activity, activityLine: 1, labelLine: 1 });
    const diff = diffRows([row("B2C", "Key", "Old"), row("Core", "User", "Same"), row("Core", "User", "Moved")], [row("Core", "User", "Same"), row("Core", "Group", "Moved"), row("B2C", "Key", "New")]);
    expect(diff).toEqual({ added: ["B2C / Key / New"], removed: ["B2C / Key / Old"], changed: ["Moved: Core / User -> Core / Group"] });
  });

  it("names the file and line of a malformed row", () => {
    const page = "## Core directory\n\n|Audit Category|Activty|\n|---|---|\n|User Management||\n";
    expect(() => parseReference("page.md", page, "x")).toThrow(/page\.md:5: empty category or activity cell/);
    expect(() => parseReference("list.tsv", "service_area\tcategory\tactivity\nCore\t\tAdd user\n", "x")).toThrow(/list\.tsv:2:/);
    expect(() => parseReference("list.tsv", "service_area\tcategory\tactivity\n")).toThrow(/pass --name/);
    expect(() => parseSourceFile("s.tsv", "nope\n")).toThrow(CatalogError);
    expect(() => parseAdditions("a.tsv", "op\tservice_area\tcategory\tactivity\tnote\nadd\tB2C\tKey\tX\n")).toThrow(/a\.tsv:2:/);
  });
});
