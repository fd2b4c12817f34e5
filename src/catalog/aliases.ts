// Alias tables: any spelling of a service area or category → its canonical name.
// Compiled into the index as a spelling→canonical map (exact spellings, then
// alias keys that ignore case, spaces and punctuation).
import { CatalogError } from "./errors.ts";
import { aliasKey } from "./normalize.ts";

export interface AliasFile {
  readonly serviceAreas: Readonly<Record<string, readonly string[]>>;
  readonly categories: Readonly<Record<string, readonly string[]>>;
}

/** alias key → canonical name, for one dimension (service areas or categories). */
export type AliasTable = ReadonlyMap<string, string>;

function compileTable(path: string, kind: string, table: unknown): Map<string, string> {
  if (typeof table !== "object" || table === null) throw new CatalogError("CATALOG_SOURCE_INVALID", `${path}:1: '${kind}' must be an object`);
  const keys = new Map<string, string>();
  for (const [canonical, aliases] of Object.entries(table as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== "string")) {
      throw new CatalogError("CATALOG_SOURCE_INVALID", `${path}:1: ${kind}.${canonical} must be a list of spellings`);
    }
    for (const spelling of [canonical, ...(aliases as string[])]) {
      const key = aliasKey(spelling);
      const taken = keys.get(key);
      if (taken !== undefined && taken !== canonical) {
        throw new CatalogError("CATALOG_SOURCE_INVALID", `${path}:1: '${spelling}' is an alias of both '${taken}' and '${canonical}'`);
      }
      keys.set(key, canonical);
    }
  }
  return keys;
}

export function parseAliasFile(path: string, text: string): { services: Map<string, string>; categories: Map<string, string> } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogError("CATALOG_SOURCE_INVALID", `${path}:1: ${(error as Error).message}`);
  }
  const file = json as Partial<AliasFile>;
  return { services: compileTable(path, "serviceAreas", file.serviceAreas), categories: compileTable(path, "categories", file.categories) };
}

/** Canonical name for a spelling, or null when the table does not know it. */
export function canonicalize(table: AliasTable, spelling: string | null | undefined): string | null {
  if (spelling === null || spelling === undefined) return null;
  return table.get(aliasKey(spelling)) ?? null;
}
