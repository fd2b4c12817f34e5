// The catalog commands as a user runs them: child processes, exit codes, output.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CATALOG_DIR, PAGE_2018, TSV_2024 } from "./catalog-fixtures.ts";

const cli = (args: string[]) => spawnSync(process.execPath, ["src/cli.ts", ...args], { encoding: "utf8", cwd: join(import.meta.dirname, "..", "..") });
const scratch = mkdtempSync(join(tmpdir(), "catalog-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function copyCatalog(name: string): string {
  const dir = join(scratch, name);
  cpSync(CATALOG_DIR, dir, { recursive: true });
  return dir;
}

describe("audit-enricher lookup", () => {
  it("prints the Enrichment as JSON", () => {
    const result = cli(["lookup", "Add member to role completed (PIM activation)", "--service", "PIM", "--category", "RoleManagement"]);
    expect(result.status).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer).toMatchObject({ serviceArea: "Privileged Identity Management", category: "RoleManagement", sensitivity: "high", sensitive: true, recognized: true, match: "exact" });
    expect(answer.catalogVersion).toMatch(/^[0-9a-f]{16}$/);
  });

  it("answers an unknown name with recognized false, exit 0", () => {
    const result = cli(["lookup", "Something nobody logs"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ recognized: false, match: "none" });
  });

  it("has --help and exits 2 on bad usage, 1 on a broken index", () => {
    expect(cli(["lookup", "--help"]).status).toBe(0);
    expect(cli(["lookup", "--help"]).stdout).toContain("Usage: audit-enricher lookup");
    expect(cli(["lookup"]).status).toBe(2);
    expect(cli(["lookup", "x", "--bogus"]).status).toBe(2);
    const broken = join(scratch, "broken.json");
    writeFileSync(broken, "garbage");
    const result = cli(["lookup", "Add user", "--index", broken]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("CATALOG_ARTIFACT_CORRUPT");
    expect(result.stderr).toContain(broken);
  });
});

describe("audit-enricher catalog", () => {
  it("has --help and exits 2 on usage errors", () => {
    const help = cli(["catalog", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("import <page.md|file.tsv>");
    expect(cli(["catalog"]).status).toBe(2);
    expect(cli(["catalog", "frobnicate"]).status).toBe(2);
    expect(cli(["catalog", "import"]).status).toBe(2);
    expect(cli(["catalog", "import", join(scratch, "missing.md")]).status).toBe(1);
  });

  it("check passes on the shipped catalog", () => {
    const result = cli(["catalog", "check"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("stats --json reports each source and the index", () => {
    const result = cli(["catalog", "stats", "--json"]);
    expect(result.status).toBe(0);
    const stats = JSON.parse(result.stdout);
    expect(stats.sources).toEqual([
      { name: "reference-2018-04-19", rows: 472, activities: 364, serviceAreas: 13, categories: 12, repairedRows: 369 },
      { name: "reference-2024-10-04", rows: 1193, activities: 922, serviceAreas: 27, categories: 48, repairedRows: 0 },
    ]);
    const { high, medium, low } = stats.index.sensitivity;
    expect(high + medium + low).toBe(stats.index.activities);
    expect(stats.index.ambiguousActivities).toBeGreaterThan(0);
    expect(cli(["catalog", "stats"]).stdout).toContain("reference-2018-04-19");
  });

  it("import reports the repair, writes the same bytes as the committed source, and re-import changes nothing", () => {
    const dir = copyCatalog("import");
    const result = cli(["catalog", "import", PAGE_2018, "--dir", dir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("groups in order: 20 of 35 as published, 34 of 35");
    expect(result.stdout).toContain("scramble detected: repaired, 369 rows moved");
    expect(result.stdout).toContain("0 added, 0 removed, 0 changed");
    const name = "sources/reference-2018-04-19.tsv";
    expect(readFileSync(join(dir, name), "utf8")).toBe(readFileSync(join(CATALOG_DIR, name), "utf8"));
  });

  it("diff --as-published shows the relabelling without writing; check then fails after an edit until rebuilt", () => {
    const dir = copyCatalog("diff");
    const before = readFileSync(join(dir, "sources/reference-2018-04-19.tsv"), "utf8");
    const diff = cli(["catalog", "diff", PAGE_2018, "--as-published", "--dir", dir]);
    expect(diff.status).toBe(0);
    expect(diff.stdout).toContain("imported as published (--as-published)");
    expect(diff.stdout).toMatch(/~ Add user: Core directory \/ User Management -> Privileged Identity Management \/ Role Management/);
    expect(readFileSync(join(dir, "sources/reference-2018-04-19.tsv"), "utf8")).toBe(before);

    writeFileSync(join(dir, "additions.tsv"), "op\tservice_area\tcategory\tactivity\tnote\nadd\tCore Directory\tUserManagement\tGrant the moon\tlocal\n");
    const stale = cli(["catalog", "check", "--dir", dir]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("+ grant the moon");
    expect(cli(["catalog", "build", "--dir", dir]).status).toBe(0);
    expect(cli(["catalog", "check", "--dir", dir]).status).toBe(0);
    const found = cli(["lookup", "grant THE moon", "--index", join(dir, "index.json")]);
    expect(JSON.parse(found.stdout)).toMatchObject({ recognized: true, match: "normalized", serviceArea: "Core Directory" });
  });

  it("check fails when a source file no longer matches a fresh import of its raw input", () => {
    const dir = copyCatalog("stale-source");
    const source = join(dir, "sources/reference-2024-10-04.tsv");
    writeFileSync(source, readFileSync(source, "utf8").replace("\tCreate program\t", "\tCreate programme\t"));
    const result = cli(["catalog", "check", "--dir", dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${source}: differs from a fresh import of ${join(dir, "raw/audit-activity-reference-2024-10-04.tsv")}`);
  });

  it("imports the 2024 TSV without repair", () => {
    const dir = copyCatalog("tsv");
    const result = cli(["catalog", "import", TSV_2024, "--dir", dir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("1193 rows");
    expect(result.stdout).toContain("no scramble detected");
  });

  it("build names the file and line of a bad source row, exit 1", () => {
    const dir = copyCatalog("bad");
    writeFileSync(join(dir, "additions.tsv"), "op\tservice_area\tcategory\tactivity\tnote\nadd\tB2C\n");
    const result = cli(["catalog", "build", "--dir", dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${join(dir, "additions.tsv")}:2`);
  });
});
