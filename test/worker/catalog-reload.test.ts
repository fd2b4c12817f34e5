// Catalog updates while running: SIGHUP loads a new index artifact without a
// restart; a bad artifact is refused and the running one kept; each record is
// enriched by exactly one version.
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHub, fetchText, publish, REPO_ROOT, readCheckpoints, readObjects, uniqueName, Workers, waitUntil, workerEnv } from "./harness.ts";

const workers = new Workers();
let dir: string | undefined;
afterEach(async () => {
  await workers.killAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const UNKNOWN = "Rotate quantum tenant keys";
const message = (id: string) =>
  Buffer.from(JSON.stringify({ records: [{ time: "2026-11-25T10:00:00Z", category: "AuditLogs", operationName: UNKNOWN, properties: { id, activityDisplayName: UNKNOWN, loggedByService: "Core Directory", category: "DirectoryManagement", initiatedBy: {}, targetResources: [] } }] }));

function metric(text: string, pattern: RegExp): number {
  return Number(pattern.exec(text)?.[1] ?? Number.NaN);
}

describe("worker: catalog hot reload", () => {
  it("SIGHUP refuses a bad artifact (keeps the running one) and swaps in a good one; records carry the version that enriched them", async () => {
    dir = mkdtempSync(join(tmpdir(), "catalog-reload-"));
    const catalog = join(dir, "catalog");
    cpSync(join(REPO_ROOT, "catalog"), catalog, { recursive: true });
    const artifact = join(catalog, "index.json");
    const original = readFileSync(artifact, "utf8");
    const hub = await createHub(1);
    const container = uniqueName("reload");
    const worker = workers.start(workerEnv(hub, container, { AUDIT_ENRICHER_CATALOG_PATH: artifact, AUDIT_ENRICHER_CATALOG_WATCH: "false" }));
    const port = await worker.healthPort();
    const checkpointAt = (n: number) => waitUntil(async () => (await readCheckpoints(container, hub.hub)).get("0") === n, 20_000, `checkpoint ${n}`);

    await publish(hub, [message("BEFORE")], "0");
    await checkpointAt(0);

    writeFileSync(artifact, `${original.slice(0, original.length / 2)}`);
    worker.kill("SIGHUP");
    await waitUntil(async () => metric((await fetchText(port, "/metrics")).body, /audit_enricher_catalog_reloads_total\{result="refused"\} (\d+)/) === 1, 10_000, "a refused reload");
    await worker.waitForLog((l) => l.msg === "catalog reload refused; keeping the running version", 5_000, "the refusal log line");

    // A reviewed addition closes the gap: rebuild the index and reload it.
    writeFileSync(artifact, original);
    appendFileSync(join(catalog, "additions.tsv"), `add\tCore Directory\tDirectoryManagement\t${UNKNOWN}\ttest: closing a catalog gap\n`);
    const build = spawnSync(process.execPath, ["src/cli.ts", "catalog", "build", "--dir", catalog], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    worker.kill("SIGHUP");
    await waitUntil(async () => metric((await fetchText(port, "/metrics")).body, /audit_enricher_catalog_reloads_total\{result="ok"\} (\d+)/) === 1, 10_000, "a successful reload");

    await publish(hub, [message("AFTER")], "0");
    await checkpointAt(1);
    const metrics = (await fetchText(port, "/metrics")).body;
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);

    const lines = (await readObjects(container, "enriched")).flatMap((o) => o.lines.map((l) => JSON.parse(l)));
    const before = lines.find((l) => l.properties.id === "BEFORE").enrichment;
    const after = lines.find((l) => l.properties.id === "AFTER").enrichment;
    expect(before).toMatchObject({ recognized: false });
    expect(after).toMatchObject({ recognized: true, serviceArea: "Core Directory", category: "DirectoryManagement" });
    expect(after.catalogVersion).not.toBe(before.catalogVersion);
    expect(metrics).toContain(`audit_enricher_catalog_info{version="${after.catalogVersion}"} 1`);
    expect(metrics).not.toContain(`audit_enricher_catalog_info{version="${before.catalogVersion}"}`);
  });
});
