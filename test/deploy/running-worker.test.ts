// What a running worker exposes, scraped over HTTP from a real `audit-enricher run`
// child process on the local broker and Azurite:
//  - every metric the PrometheusRule, the dashboard and the README's metrics table use
//    exists (and the README lists every audit_enricher_* metric the worker exposes);
//  - cardinality is bounded: 10,000 distinct unknown activity names add no series;
//  - SIGTERM stops it with exit code 0.
import { EventHubProducerClient } from "@azure/event-hubs";
import { ContainerClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { auditRecord, exportBody } from "./audit-events.ts";
import { metricNamesIn, readRepoFile, shippedQueries } from "./manifests.ts";
import { parseExposition, selectableNames, sumOf } from "./prometheus-text.ts";
import { createTestHub, publish, startWorker, type TestHub, waitForMetrics, waitReady, type WorkerProcess } from "./worker-process.ts";

// Series Prometheus itself makes, not the worker.
const PROMETHEUS_OWN = new Set(["ALERTS", "ALERTS_FOR_STATE", "up"]);
const UNKNOWN_NAMES = 10_000;
const RECORDS_PER_EVENT = 50;

let hub: TestHub;
let worker: WorkerProcess;
let received = 0;

/** Waits until every sent record was received and nothing is in flight. */
async function drained(expectedRecords: number): Promise<string> {
  return waitForMetrics(
    worker,
    (text) => sumOf(text, "audit_enricher_source_records_received_total") >= expectedRecords && sumOf(text, "audit_enricher_inflight_records") === 0,
    `${expectedRecords} records received and acknowledged`,
    120_000,
  );
}

beforeAll(async () => {
  hub = await createTestHub(2, "metrics-contract");
  worker = await startWorker({
    name: "running-worker",
    args: ["src/cli.ts", "run"],
    hub,
    // Short windows so alert and gap series appear during the warm-up, not later.
    env: { AUDIT_ENRICHER_ALERT_WINDOW_SECONDS: "1", AUDIT_ENRICHER_CATALOG_GAPS_INTERVAL_SECONDS: "1" },
  });
  await waitReady(worker);
}, 90_000);

afterAll(async () => {
  await worker?.stop();
});

describe("a running worker", () => {
  let warmText = "";

  it("processes a mixed warm-up stream: known, high-risk, unknown and malformed events", async () => {
    const known = ["Add user", "Update user", "Add member to role", "Delete group", "Reset user password"];
    const bodies: unknown[] = [];
    for (let i = 0; i < 20; i++) bodies.push(exportBody([auditRecord(known[i % known.length] as string), auditRecord(`Warm-up unknown activity ${i}`)]));
    bodies.push("{not json", "[]", { records: "nope" });
    await publish(hub, bodies);
    received = 40; // 20 events × 2 records; the malformed events carry none
    warmText = await waitForMetrics(
      worker,
      (text) => sumOf(text, "audit_enricher_source_events_received_total") >= bodies.length && sumOf(text, "audit_enricher_inflight_records") === 0,
      "warm-up drained",
    );
    expect(sumOf(warmText, "audit_enricher_records_unrecognized_total")).toBeGreaterThanOrEqual(20);
    expect(sumOf(warmText, "audit_enricher_dead_letters_total")).toBeGreaterThanOrEqual(1);
    expect(warmText).toMatch(/^audit_enricher_records_total\{[^}]*outcome="enriched"[^}]*sensitivity="high"/m);
  });

  it("exposes every metric the PrometheusRule and the Grafana dashboard query", () => {
    const exposed = selectableNames(parseExposition(warmText));
    const missing = shippedQueries().flatMap(({ where, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !PROMETHEUS_OWN.has(name) && !exposed.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it("is described exactly by the README's metrics table", () => {
    const readme = readRepoFile("README.md");
    const section = /^## Metrics\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
    const documented = new Set([...section.matchAll(/^\| `(audit_enricher_[a-z_]+)` \|/gm)].map((m) => m[1] as string));
    const exposed = [...parseExposition(warmText).families.keys()].filter((name) => name.startsWith("audit_enricher_"));
    expect(exposed.length).toBeGreaterThan(15);
    expect([...documented].sort()).toEqual([...exposed].sort());
  });

  it("keeps its series count flat while 10,000 distinct unknown activity names pass through", async () => {
    const before = parseExposition(await drained(received));
    const names = Array.from({ length: UNKNOWN_NAMES }, (_, i) => `Zz unlisted activity ${i.toString(36)}-${(i * 7919).toString(16)}`);
    const bodies = [];
    for (let i = 0; i < names.length; i += RECORDS_PER_EVENT) bodies.push(exportBody(names.slice(i, i + RECORDS_PER_EVENT).map((name) => auditRecord(name))));
    await publish(hub, bodies);
    received += UNKNOWN_NAMES;
    const afterText = await drained(received);
    expect(sumOf(afterText, "audit_enricher_records_unrecognized_total")).toBeGreaterThanOrEqual(UNKNOWN_NAMES + 20);
    const after = parseExposition(afterText);

    const ours = (series: readonly string[]) => series.filter((s) => s.startsWith("audit_enricher_"));
    const added = ours(after.series).filter((s) => !new Set(ours(before.series)).has(s));
    console.info(`cardinality: audit_enricher_* series ${ours(before.series).length} before, ${ours(after.series).length} after ${UNKNOWN_NAMES} unknown names; all series ${before.series.length} → ${after.series.length}`);
    expect(added).toEqual([]);
    expect(ours(after.series).length).toBe(ours(before.series).length);
    // No input value anywhere in the exposition, label or otherwise.
    for (const name of [names[0], names[4_999], names[9_999], "Warm-up unknown activity 3", "contoso.example"]) expect(afterText).not.toContain(name);
  }, 240_000);

  it("logs JSON lines (level label, ISO time, message), per batch or state change, never per record", () => {
    const lines = worker.logs.lines;
    expect(lines.length).toBeGreaterThanOrEqual(3);
    // Over 10,000 records in ~230 events: a per-record or per-event log would show here.
    expect(lines.length).toBeLessThan(100);
    for (const line of lines) {
      const entry = JSON.parse(line) as { level?: unknown; time?: unknown; msg?: unknown };
      expect(["trace", "debug", "info", "warn", "error", "fatal"]).toContain(entry.level);
      expect(new Date(String(entry.time)).toISOString()).toBe(entry.time);
      expect(typeof entry.msg).toBe("string");
    }
  });

  it("leaves checkpoints where KEDA's blobMetadata strategy reads them, showing zero unprocessed events", async () => {
    // KEDA: <container>/<namespace FQDN as configured>/<hub as configured>/<lower(consumer group)>/checkpoint/<id>;
    // the SDK lower-cases all three, which is why production names must be lower case.
    const fqdn = new URL(inject("eventHubsConnectionString").replace(/^Endpoint=sb:/i, "http:").split(";")[0] as string).hostname;
    const group = (worker.env.AUDIT_ENRICHER_CONSUMER_GROUP ?? "").toLowerCase();
    const container = new ContainerClient(inject("blobConnectionString"), worker.env.AUDIT_ENRICHER_CHECKPOINT_CONTAINER ?? "");
    const producer = new EventHubProducerClient(hub.connectionString);
    try {
      const { partitionIds } = await producer.getEventHubProperties();
      const unprocessed = async () => {
        const out: Record<string, number | string> = {};
        for (const id of partitionIds) {
          const last = (await producer.getPartitionProperties(id)).lastEnqueuedSequenceNumber;
          const blob = container.getBlobClient(`${fqdn}/${hub.hub}/${group}/checkpoint/${id}`);
          const metadata = (await blob.exists()) ? (await blob.getProperties()).metadata : undefined;
          out[id] = metadata?.sequencenumber === undefined ? "no checkpoint" : last - Number(metadata.sequencenumber);
        }
        return out;
      };
      const deadline = Date.now() + 30_000;
      let view = await unprocessed();
      while (Object.values(view).some((v) => v !== 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        view = await unprocessed();
      }
      expect(view).toEqual(Object.fromEntries(partitionIds.map((id) => [id, 0])));
    } finally {
      await producer.close();
    }
  }, 60_000);

  it("stops on SIGTERM with exit code 0", async () => {
    expect(await worker.stop()).toBe(0);
  }, 60_000);
});
