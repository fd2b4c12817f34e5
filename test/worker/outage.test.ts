// Blob Storage unavailable for 30 s (delivery.md): the worker goes unready, holds
// its checkpoint, keeps running, resumes when storage returns, and loses nothing.
// It uses its own Azurite so stopping it cannot disturb other test files.
import { ContainerClient } from "@azure/storage-blob";
import { afterEach, describe, expect, it } from "vitest";
import { Azurite } from "../../src/local/azurite.ts";
import { createHub, fetchText, sleep, uniqueName, Workers, waitUntil, workerEnv } from "./harness.ts";
import { AuditStream, checkDelivery, idsIn } from "./stream.ts";
import { gunzipSync } from "node:zlib";

const workers = new Workers();
let azurite: Azurite | undefined;
afterEach(async () => {
  await workers.killAll();
  await azurite?.dispose();
});

function metric(text: string, name: string, partition: string): number | undefined {
  const match = new RegExp(`^${name}\\{partition="${partition}"\\} (\\d+)`, "m").exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

async function checkpoints(connectionString: string, container: string, hub: string): Promise<Map<string, number>> {
  const client = new ContainerClient(connectionString, `${container}-ckpt`);
  const out = new Map<string, number>();
  for await (const item of client.listBlobsFlat({ prefix: `127.0.0.1/${hub.toLowerCase()}/$default/checkpoint/`, includeMetadata: true })) {
    out.set(item.name.split("/").pop()!, Number(item.metadata?.sequencenumber));
  }
  return out;
}

async function deliveredIds(connectionString: string, container: string): Promise<string[]> {
  const client = new ContainerClient(connectionString, container);
  const lines: string[] = [];
  for await (const item of client.listBlobsFlat({ prefix: "enriched/" })) {
    const text = gunzipSync(await client.getBlobClient(item.name).downloadToBuffer()).toString("utf8");
    lines.push(...text.split("\n").filter((l) => l !== ""));
  }
  return idsIn(lines);
}

describe("worker: Blob Storage outage", () => {
  it("goes unready for a 30 s outage, holds its checkpoint, resumes and loses nothing", { timeout: 120_000 }, async () => {
    azurite = await Azurite.start();
    const storage = azurite.connectionString;
    const hub = await createHub(2);
    const container = uniqueName("outage");
    const stream = new AuditStream(64, 600, 2);
    const worker = workers.start(workerEnv(hub, container, { AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: storage }));
    const port = await worker.healthPort();
    await stream.publishNext(hub, 0.5);
    const done = async (): Promise<boolean> => {
      const c = await checkpoints(storage, container, hub.hub).catch(() => new Map<string, number>());
      return stream.partitions.every((_, i) => c.get(String(i)) === stream.publishedLast(i));
    };
    await waitUntil(done, 30_000, "first half checkpointed");
    const before = (await fetchText(port, "/metrics")).body;
    const held = metric(before, "audit_enricher_checkpoint_sequence_number", "0");

    await azurite.stop();
    const downAt = Date.now();
    await stream.publishNext(hub, 1);
    await waitUntil(async () => (await fetchText(port, "/readyz")).status === 503, 20_000, "readiness to fail");
    const unready = JSON.parse((await fetchText(port, "/readyz")).body) as { failing: string[] };
    // Received more, acknowledged nothing new: the checkpoint holds where it was.
    await sleep(3_000);
    const during = (await fetchText(port, "/metrics")).body;
    expect(metric(during, "audit_enricher_checkpoint_sequence_number", "0")).toBe(held);
    expect(metric(during, "audit_enricher_partition_last_received_sequence_number", "0")).toBeGreaterThan(held!);
    expect(during).toMatch(/^audit_enricher_ready 0/m);
    await sleep(Math.max(0, 30_000 - (Date.now() - downAt)));
    expect(worker.child.exitCode).toBeNull();

    await azurite.start();
    await waitUntil(done, 60_000, "second half checkpointed after storage returned");
    await waitUntil(async () => (await fetchText(port, "/readyz")).status === 200, 20_000, "ready again");
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    const result = checkDelivery(stream.allIds, await deliveredIds(storage, container));
    console.log(`outage ${Math.round((Date.now() - downAt) / 1000)} s incl. recovery; unready checks: ${unready.failing.join(",")}; checkpoint held at ${held}: ${JSON.stringify(result)}`);
    expect(result).toMatchObject({ missing: 0, duplicates: 0, unexpected: 0 });
  });

  it("SIGTERM while storage is down still exits 0 within the grace period, and the checkpoint never passes what was not written", { timeout: 60_000 }, async () => {
    azurite = await Azurite.start();
    const storage = azurite.connectionString;
    const hub = await createHub(1);
    const container = uniqueName("grace");
    const stream = new AuditStream(65, 200, 1);
    const worker = workers.start(workerEnv(hub, container, { AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: storage, AUDIT_ENRICHER_SHUTDOWN_GRACE_SECONDS: "4" }));
    await worker.healthPort();
    await stream.publishNext(hub, 0.5);
    await waitUntil(async () => (await checkpoints(storage, container, hub.hub).catch(() => new Map())).get("0") === stream.publishedLast(0), 30_000, "first half checkpointed");
    await azurite.stop();
    await stream.publishNext(hub, 1);
    await sleep(1_500);
    const stopAt = Date.now();
    worker.kill("SIGTERM");
    const { code } = await worker.exited;
    const seconds = (Date.now() - stopAt) / 1000;
    expect(code).toBe(0);
    // A deadline, not a speed: the grace period (4 s) plus process start-up slack.
    expect(seconds).toBeLessThan(4 + 3);
    expect(worker.logs.some((l) => l.msg === "grace period elapsed; unacknowledged records will be replayed from the checkpoint")).toBe(true);
    await azurite.start();
    const held = (await checkpoints(storage, container, hub.hub)).get("0")!;
    const present = new Set(await deliveredIds(storage, container));
    const covered = stream.partitions[0]!.idsBySequence.slice(0, held + 1).flat();
    expect(covered.filter((id) => !present.has(id))).toEqual([]);
    console.log(`grace: SIGTERM with storage down → exit ${code} in ${seconds.toFixed(1)} s; checkpoint ${held} of ${stream.publishedLast(0)} received`);
  });
});
