import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import type { Alert, HighRiskAlert, UnrecognizedAlert } from "../../../src/sinks/alerts/alert.ts";
import { BlobAlertDestination } from "../../../src/sinks/alerts/blob-destination.ts";
import type { AlertDestination } from "../../../src/sinks/alerts/destination.ts";
import { AlertsSink, type AlertsSinkOptions } from "../../../src/sinks/alerts/sink.ts";
import { eventRecords, settledSoon } from "../fakes.ts";
import { alertRecord } from "./records.ts";

class FakeDestination implements AlertDestination {
  readonly kind = "webhook" as const;
  readonly delivered: Alert[][] = [];
  failures = 0;
  permanent = false;

  async deliver(alerts: readonly Alert[], signal: AbortSignal): Promise<void> {
    await new Promise((r) => setImmediate(r));
    // Like a real request: an abort (stop past its deadline) loses the delivery.
    if (signal.aborted) throw new Error("aborted");
    if (this.permanent) throw Object.assign(new Error("bad request"), { permanent: true });
    if (this.failures > 0) {
      this.failures--;
      throw new Error("unavailable");
    }
    this.delivered.push([...alerts]);
  }

  isRetryable(err: unknown): boolean {
    return !(err as { permanent?: boolean }).permanent;
  }

  async close(): Promise<void> {}
}

const source = { namespace: "ns.example", hub: "audit" };
const sinks: AlertsSink[] = [];
afterEach(async () => {
  for (const sink of sinks.splice(0)) await sink.stop(Date.now() + 100);
});

function alertsSink(destination: FakeDestination, options: Partial<AlertsSinkOptions> = {}): AlertsSink {
  const sink = new AlertsSink({
    destination,
    source,
    registry: new Registry(),
    backoff: { initialDelayMs: 1, maxDelayMs: 5 },
    maxDelayMs: 60_000,
    windowMs: 60_000,
    ...options,
  });
  sinks.push(sink);
  return sink;
}

describe("AlertsSink", () => {
  it("builds one compact alert per high-risk record and resolves the write when it is delivered", async () => {
    const destination = new FakeDestination();
    const sink = alertsSink(destination);
    const write = sink.write([alertRecord(42, { recordIndex: 3 })]);
    expect(await settledSoon(write)).toBe(false);
    await sink.flush();
    await write;
    const alert = destination.delivered[0]![0] as HighRiskAlert;
    expect(alert).toEqual({
      kind: "high_risk",
      id: "high_risk/ns.example/audit/1/42/3",
      time: "2026-11-25T20:00:42.000Z",
      tenantId: "tenant-1",
      activity: "Add member to role",
      serviceArea: "Core directory",
      category: "RoleManagement",
      sensitivity: "high",
      reasons: ["role assignment"],
      recognized: true,
      initiator: { type: "user", id: "u-1", name: "admin@contoso.example" },
      targets: [{ type: "User", id: "u-2", displayName: "Bob" }],
      correlationId: "corr-42",
      result: "success",
      catalogVersion: "sha256:v1",
      source: { partitionId: "1", sequenceNumber: 42, offset: "42", enqueuedTimeUtc: "2026-11-25T20:01:00.000Z", recordIndex: 3 },
    });
  });

  it("never aggregates high-risk records, even 500 identical ones, and an unrecognized high one stays individual", async () => {
    const destination = new FakeDestination();
    const sink = alertsSink(destination, { maxBatchAlerts: 100 });
    const writes = Array.from({ length: 500 }, (_, i) => sink.write([alertRecord(i)]));
    writes.push(sink.write([alertRecord(900, { recognized: false, sensitivity: "high", activity: "Unknown grant" })]));
    await sink.flush();
    await Promise.all(writes);
    const all = destination.delivered.flat();
    expect(all).toHaveLength(501);
    expect(new Set(all.map((a) => a.id)).size).toBe(501);
    expect(destination.delivered.every((b) => b.length <= 100)).toBe(true);
  });

  it("delivers in the destination's own batch size unless one is configured (blob objects hold 2,000)", async () => {
    const destination = Object.assign(new FakeDestination(), { batchSize: 3 });
    const registry = new Registry();
    const sink = alertsSink(destination, { registry });
    const writes = Array.from({ length: 7 }, (_, i) => sink.write([alertRecord(i)]));
    // Two full batches go without waiting for the (60 s) delay; the seventh alert waits for it.
    await Promise.all(writes.slice(0, 6));
    expect(destination.delivered.map((b) => b.length)).toEqual([3, 3]);
    expect(await settledSoon(writes[6]!)).toBe(false);
    await sink.flush();
    expect(destination.delivered.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(await registry.getSingleMetricAsString("audit_enricher_alerts_total")).toContain('audit_enricher_alerts_total{kind="high_risk",destination="webhook"} 7');
    expect(new BlobAlertDestination({} as never).batchSize).toBe(2000);
  });

  it("acknowledges unrecognized records at once and sends one summary per name when the window closes", async () => {
    const destination = new FakeDestination();
    const registry = new Registry();
    const sink = alertsSink(destination, { registry, windowMs: 30 });
    await sink.start();
    for (let i = 0; i < 200; i++) {
      await sink.write([alertRecord(i, { recognized: false, sensitivity: "low", activity: i % 2 ? "Foo" : "Bar" })]);
    }
    expect(destination.delivered).toHaveLength(0);
    while (destination.delivered.flat().length < 2) await new Promise((r) => setTimeout(r, 10));
    const summaries = destination.delivered.flat() as UnrecognizedAlert[];
    expect(summaries.map((s) => [s.activity, s.count]).sort()).toEqual([
      ["Bar", 100],
      ["Foo", 100],
    ]);
    expect(await registry.getSingleMetricAsString("audit_enricher_alerts_total")).toContain(
      'audit_enricher_alerts_total{kind="unrecognized",destination="webhook"} 2',
    );
  });

  it("keeps at most maxPendingSummaries summaries while the destination is down, never dropping high-risk alerts", async () => {
    const destination = new FakeDestination();
    destination.failures = 1_000_000;
    const sink = alertsSink(destination, { windowMs: 10, maxPendingSummaries: 3, backoff: { initialDelayMs: 5, maxDelayMs: 5 } });
    await sink.start();
    const high = sink.write([alertRecord(1)]);
    // One unknown name per window (the 10 ms window timer fires before each 25 ms wait ends).
    for (let window = 0; window < 8; window++) {
      await sink.write([alertRecord(10 + window, { recognized: false, sensitivity: "low", activity: `gap-${window}` })]);
      await new Promise((r) => setTimeout(r, 25));
    }
    destination.failures = 0;
    await sink.flush();
    await high;
    const delivered = destination.delivered.flat();
    expect(delivered.filter((a) => a.kind === "high_risk")).toHaveLength(1);
    const summaries = delivered.filter((a): a is UnrecognizedAlert => a.kind === "unrecognized");
    // gap-0 rode in the batch that was being retried; of the queued ones only the newest 3 were kept.
    expect(summaries.map((a) => a.activity).sort()).toEqual(["gap-0", "gap-5", "gap-6", "gap-7"]);
  });

  it("stop() sends the open window's summaries and what is queued", async () => {
    const destination = new FakeDestination();
    const sink = alertsSink(destination);
    await sink.start();
    await sink.write([alertRecord(1, { recognized: false, sensitivity: "medium", activity: "Mystery" })]);
    const high = sink.write([alertRecord(2)]);
    await sink.stop(Date.now() + 1_000);
    await high;
    expect(destination.delivered.flat().map((a) => a.kind).sort()).toEqual(["high_risk", "unrecognized"]);
  });

  it("ignores passed-through records (no enrichment) without waiting", async () => {
    const destination = new FakeDestination();
    const sink = alertsSink(destination);
    await sink.write(eventRecords("0", 1));
    expect(destination.delivered).toHaveLength(0);
  });

  it("retries a failing destination (unhealthy meanwhile) and rejects on a permanent failure", async () => {
    const destination = new FakeDestination();
    const sink = alertsSink(destination, { backoff: { initialDelayMs: 20, maxDelayMs: 20 } });
    destination.failures = 2;
    const write = sink.write([alertRecord(1)]);
    void sink.flush();
    while (destination.failures > 1) await new Promise((r) => setTimeout(r, 1));
    expect(sink.healthy()).toBe(false);
    await write;
    expect(sink.healthy()).toBe(true);
    destination.permanent = true;
    const rejected = sink.write([alertRecord(2)]);
    await sink.flush();
    await expect(rejected).rejects.toThrow("bad request");
  });
});
