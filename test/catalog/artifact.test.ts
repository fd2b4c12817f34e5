import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serializeArtifact } from "../../src/catalog/artifact.ts";
import { readCatalogInputs } from "../../src/catalog/catalog-dir.ts";
import { compileCatalog } from "../../src/catalog/compile.ts";
import { CatalogError, loadCatalogIndex } from "../../src/catalog/index.ts";
import { CATALOG_DIR } from "./catalog-fixtures.ts";

const scratch = mkdtempSync(join(tmpdir(), "catalog-artifact-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const shipped = readFileSync(join(CATALOG_DIR, "index.json"), "utf8");

function refused(text: string | null): CatalogError {
  const path = join(scratch, `index-${Math.random().toString(36).slice(2)}.json`);
  if (text !== null) writeFileSync(path, text);
  try {
    loadCatalogIndex(path);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as Error).message).toContain(path);
    return error as CatalogError;
  }
  throw new Error("artifact was accepted");
}

describe("the index artifact", () => {
  it("is built deterministically and equals the committed catalog/index.json", () => {
    const first = serializeArtifact(compileCatalog(readCatalogInputs(CATALOG_DIR))).text;
    const second = serializeArtifact(compileCatalog(readCatalogInputs(CATALOG_DIR))).text;
    expect(second).toBe(first);
    expect(first).toBe(shipped);
  });

  it("stamps a content-hash version that every answer carries", () => {
    const index = loadCatalogIndex();
    expect(index.version).toMatch(/^[0-9a-f]{16}$/);
    expect(shipped.slice(0, 200)).toContain(index.version);
    expect(index.lookup("Add user").catalogVersion).toBe(index.version);
  });

  it("refuses a missing file", () => {
    expect(refused(null).code).toBe("CATALOG_ARTIFACT_MISSING");
  });

  it("refuses a corrupt header", () => {
    expect(refused("{not json\n{}").code).toBe("CATALOG_ARTIFACT_CORRUPT");
  });

  it("refuses a truncated body", () => {
    expect(refused(shipped.slice(0, shipped.length - 100)).code).toBe("CATALOG_ARTIFACT_MISMATCH");
  });

  it("refuses an edited body whose hash no longer matches", () => {
    expect(refused(shipped.replace('"high"', '"low"')).code).toBe("CATALOG_ARTIFACT_MISMATCH");
  });

  it("refuses another format", () => {
    expect(refused(shipped.replace("audit-enricher-catalog-index/1", "audit-enricher-catalog-index/0")).code).toBe("CATALOG_ARTIFACT_MISMATCH");
  });

  it("a source row with an unknown service area fails the build naming the alias file", () => {
    const dir = join(scratch, "catalog");
    cpSync(CATALOG_DIR, dir, { recursive: true });
    writeFileSync(join(dir, "additions.tsv"), "op\tservice_area\tcategory\tactivity\tnote\nadd\tNowhere Service\tOther\tX\tt\n");
    expect(() => compileCatalog(readCatalogInputs(dir))).toThrow(/additions\.tsv:2: unknown service area 'Nowhere Service'; add it to .*aliases\.json/);
  });

  it("applies local additions on top of the sources", () => {
    const dir = join(scratch, "catalog-add");
    cpSync(CATALOG_DIR, dir, { recursive: true });
    writeFileSync(join(dir, "additions.tsv"), "op\tservice_area\tcategory\tactivity\tnote\nadd\tPIM\tRoleManagement\tGrant the moon\tseen in a tenant\n");
    const body = compileCatalog(readCatalogInputs(dir));
    const entry = body.entries[body.exact["Grant the moon"]!]!;
    expect(entry.candidates).toMatchObject([{ serviceArea: "Privileged Identity Management", category: "RoleManagement" }]);
  });
});
