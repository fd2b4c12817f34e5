// delivery.md "What tests must show", with the worker as a child process:
// SIGKILL at random points, dropped connections and detached links, and two
// replicas splitting and handing over partitions. Every input record must end up
// exactly once across the blob objects.
import { afterEach, describe, expect, it } from "vitest";
import { control, createHub, fetchText, readCheckpoints, readObjects, sleep, uniqueName, type WorkerProcess, Workers, waitUntil, workerEnv } from "./harness.ts";
import { AuditStream, checkDelivery, idsIn } from "./stream.ts";

const workers = new Workers();
afterEach(() => workers.killAll());

/** Small objects and frequent checkpoints, so kills land between many commits. */
const busy = { AUDIT_ENRICHER_FLUSH_MAX_RECORDS: "60", AUDIT_ENRICHER_CHECKPOINT_EVERY_RECORDS: "90", AUDIT_ENRICHER_MAX_BATCH_SIZE: "25" };

async function delivered(container: string): Promise<string[]> {
  return idsIn((await readObjects(container, "enriched")).flatMap((o) => o.lines));
}

/** Waits until every partition is checkpointed at the last event published to it. */
async function untilCheckpointed(container: string, hub: string, stream: AuditStream, timeoutMs: number): Promise<void> {
  await waitUntil(async () => {
    const checkpoints = await readCheckpoints(container, hub);
    return stream.partitions.every((_, i) => checkpoints.get(String(i)) === stream.publishedLast(i));
  }, timeoutMs, "checkpoints at the last published event of every partition");
}

/** Partitions a worker owns now, from its own log (claims minus closes). */
function ownedBy(worker: WorkerProcess): string[] {
  const count = new Map<string, number>();
  for (const line of worker.logs) {
    const partition = String(line.partition);
    if (line.msg === "partition claimed") count.set(partition, (count.get(partition) ?? 0) + 1);
    if (line.msg === "partition closed") count.set(partition, (count.get(partition) ?? 0) - 1);
  }
  return [...count].filter(([, n]) => n > 0).map(([p]) => p).sort();
}

// A deterministic sequence of "random" delays, printed so a failure can be replayed.
function delays(seed: number, count: number, min: number, max: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return min + (x % (max - min));
  });
}

describe("worker faults", () => {
  it("SIGKILL at random points, restart: every record exactly once, checkpoint never past an unacknowledged record", async () => {
    const hub = await createHub(2);
    const container = uniqueName("kill");
    const stream = new AuditStream(61, 1200, 2);
    const env = workerEnv(hub, container, busy);
    const kills = delays(20261125, 4, 300, 1500);
    let checkedPartitions = 0;
    await stream.publishNext(hub, 0.4);
    for (const [round, delay] of kills.entries()) {
      const worker = workers.start(env);
      await worker.healthPort();
      if (round === 1) await stream.publishNext(hub, 0.3);
      if (round === 2) await stream.publishNext(hub, 0.3);
      await sleep(delay);
      worker.kill("SIGKILL");
      await worker.exited;
      // Everything at or below each checkpoint must already be durable in blob output.
      const checkpoints = await readCheckpoints(container, hub.hub);
      const present = new Set(await delivered(container));
      for (const [partition, sequence] of checkpoints) {
        const covered = stream.partitions[Number(partition)]!.idsBySequence.slice(0, sequence + 1).flat();
        expect(covered.filter((id) => !present.has(id)), `round ${round} (kill after ${delay} ms) partition ${partition} checkpoint ${sequence}`).toEqual([]);
        checkedPartitions++;
      }
    }
    await stream.publishNext(hub, 1);
    const last = workers.start(env);
    await untilCheckpointed(container, hub.hub, stream, 60_000);
    last.kill("SIGTERM");
    expect((await last.exited).code).toBe(0);
    const result = checkDelivery(stream.allIds, await delivered(container));
    console.log(`SIGKILL x${kills.length} at ${kills.join("/")} ms: ${JSON.stringify(result)}, checkpoint checks ${checkedPartitions}`);
    expect(result).toMatchObject({ missing: 0, duplicates: 0, unexpected: 0 });
    expect(checkedPartitions).toBeGreaterThan(0);
  });

  it("dropped connections and detached links: the SDK reconnects, nothing lost, nothing duplicated", { timeout: 150_000 }, async () => {
    const hub = await createHub(2);
    const container = uniqueName("drop");
    const stream = new AuditStream(62, 900, 2);
    const worker = workers.start(workerEnv(hub, container, busy));
    await worker.healthPort();
    const broker = control();
    let dropped = 0;
    let detached = 0;
    for (let i = 0; i < 3; i++) {
      await stream.publishNext(hub, 0.34);
      await sleep(300);
      detached += await broker.detachReceivers({ condition: "amqp:link:detach-forced", description: "injected by test" }, hub.hub);
      await sleep(300);
      dropped += await broker.dropConnections(hub.hub);
    }
    const recovering = Date.now();
    await untilCheckpointed(container, hub.hub, stream, 110_000).catch(async (error: Error) => {
      const port = await worker.healthPort();
      const metrics = (await fetchText(port, "/metrics")).body.split("\n").filter((l) => /^audit_enricher_(partition|checkpoint_seq|source_errors|inflight)/.test(l));
      const stats = JSON.stringify(await broker.stats());
      const ready = (await fetchText(port, "/readyz")).body;
      const published = stream.partitions.map((_, i) => stream.publishedLast(i)).join(",");
      throw new Error(`${error.message}\npublished up to ${published}; broker ${stats}; readyz ${ready}\n${metrics.join("\n")}\n${worker.tail(40)}`);
    });
    const recoverySeconds = (Date.now() - recovering) / 1000;
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    const result = checkDelivery(stream.allIds, await delivered(container));
    console.log(`faults: ${dropped} connections dropped, ${detached} links detached, all checkpointed ${recoverySeconds.toFixed(1)} s after the last fault: ${JSON.stringify(result)}`);
    expect(dropped + detached).toBeGreaterThan(0);
    expect(result).toMatchObject({ missing: 0, duplicates: 0, unexpected: 0 });
  });

  it("two replicas split the partitions; stop one and the other takes them over from their checkpoints", async () => {
    const hub = await createHub(4);
    const container = uniqueName("pair");
    const stream = new AuditStream(63, 1200, 4);
    const env = workerEnv(hub, container);
    const a = workers.start(env);
    const b = workers.start(env);
    await waitUntil(() => ownedBy(a).length === 2 && ownedBy(b).length === 2, 30_000, "a 2/2 split");
    await stream.publishNext(hub, 0.5);
    await untilCheckpointed(container, hub.hub, stream, 30_000);
    const fromB = ownedBy(b);
    b.kill("SIGTERM");
    expect((await b.exited).code).toBe(0);
    await stream.publishNext(hub, 1);
    await waitUntil(() => ownedBy(a).length === 4, 30_000, "A owning all four partitions");
    await untilCheckpointed(container, hub.hub, stream, 60_000);
    a.kill("SIGTERM");
    expect((await a.exited).code).toBe(0);
    const result = checkDelivery(stream.allIds, await delivered(container));
    console.log(`replicas: B had ${fromB.join(",")}, A took them over: ${JSON.stringify(result)}`);
    expect(result).toMatchObject({ missing: 0, duplicates: 0, unexpected: 0 });
  });
});
