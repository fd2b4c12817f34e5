// The files of a catalog directory and where the shipped one lives. Commands
// take --dir so tests can work on a copy; the worker only needs index.json.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Addition, parseAdditions } from "./additions.ts";
import { parseSourceFile, type SourceFile } from "./source-file.ts";

/** catalog/ at the package root: two directories above both src/catalog and dist/catalog. */
export const DEFAULT_CATALOG_DIR = fileURLToPath(new URL("../../catalog/", import.meta.url));
export const ARTIFACT_FILE = "index.json";

export interface CatalogInputs {
  readonly sources: readonly { readonly name: string; readonly path: string; readonly file: SourceFile }[];
  readonly additions: readonly Addition[];
  readonly additionsPath: string;
  readonly aliasesPath: string;
  readonly aliasesText: string;
  readonly policyPath: string;
  readonly policyText: string;
}

export function sourcePath(dir: string, name: string): string {
  return join(dir, "sources", `${name}.tsv`);
}

export function readCatalogInputs(dir: string): CatalogInputs {
  const sourcesDir = join(dir, "sources");
  const sources = readdirSync(sourcesDir)
    .filter((f) => f.endsWith(".tsv"))
    .sort()
    .map((f) => {
      const path = join(sourcesDir, f);
      return { name: f.replace(/\.tsv$/, ""), path, file: parseSourceFile(path, readFileSync(path, "utf8")) };
    });
  const additionsPath = join(dir, "additions.tsv");
  const aliasesPath = join(dir, "aliases.json");
  const policyPath = join(dir, "policy.json");
  return {
    sources,
    additions: parseAdditions(additionsPath, readFileSync(additionsPath, "utf8")),
    additionsPath,
    aliasesPath,
    aliasesText: readFileSync(aliasesPath, "utf8"),
    policyPath,
    policyText: readFileSync(policyPath, "utf8"),
  };
}
