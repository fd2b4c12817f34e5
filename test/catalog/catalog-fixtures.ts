// Shared test inputs: the repo's own catalog/ (never ../shared) and the March
// 2018 list copied into test/fixtures/reference/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CATALOG_DIR } from "../../src/catalog/catalog-dir.ts";
import { type CatalogIndex, loadCatalogIndex } from "../../src/catalog/index.ts";
import { parseSourceFile } from "../../src/catalog/source-file.ts";

export const CATALOG_DIR = DEFAULT_CATALOG_DIR;
export const PAGE_2018 = join(CATALOG_DIR, "raw", "audit-activity-reference-2018-04-19.md");
export const TSV_2024 = join(CATALOG_DIR, "raw", "audit-activity-reference-2024-10-04.tsv");
export const MARCH_2018 = join(import.meta.dirname, "..", "fixtures", "reference", "audit-activity-list-2018-03-31.tsv");

export function sourceRows(name: string) {
  const path = join(CATALOG_DIR, "sources", `${name}.tsv`);
  return parseSourceFile(path, readFileSync(path, "utf8")).rows;
}

let shared: CatalogIndex | undefined;
export function shippedIndex(): CatalogIndex {
  shared ??= loadCatalogIndex();
  return shared;
}

export function marchRows(): { service: string; category: string; activity: string }[] {
  return readFileSync(MARCH_2018, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [service, category, , activity] = line.split("\t");
      return { service: service!, category: category!, activity: activity! };
    });
}
