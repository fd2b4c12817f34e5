// Pipeline unit tests behind the Sink interface: acknowledgement order, the
// checkpoint never passing an unacknowledged event, stalls, backpressure, close.
import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { ActivityLookup, Enrichment } from "../../src/catalog/enrichment.ts";
import { PipelineMetrics } from "../../src/pipeline/metrics.ts";
import { Pipeline, type ReceivedEvent } from "../../src/pipeline/pipeline.ts";
import { SinkError } from "../../src/sinks/errors.ts";
import type { Sink, SinkName } from "../../src/sinks/sink.ts";
import type { EventPosition } from "../../src/sources/event-hubs/watermark.ts";
import type { Decided } from "../../src/transforms/route/route.ts";

/** Every write waits until the test settles it. */
class ControlledSink<T> implements Sink<T> {
  readonly name: SinkName;
  readonly writes: Array<{ items: readonly T[]; resolve: () => void; reject: (e: unknown) => void }> = [];
  flushed: Array<string | undefined> = [];
  constructor(name: SinkName) {
    this.name = name;
  }
  async start(): Promise<void> {}
  write(items: readonly T[]): Promise<void> {
    return new Promise((resolve, reject) => this.writes.push({ items, resolve, reject }));
  }
  async flush(partitionId?: string): Promise<void> {
    this.flushed.push(partitionId);
  }
  async stop(): Promise<void> {}
  healthy(): boolean {
    return true;
  }
}

const enrichment = (overrides: Partial<Enrichment> = {}): Enrichment => ({ serviceArea: "Core Directory", category: "UserManagement", sensitivity: "low", sensitive: false, reasons: [], recognized: true, match: "exact", catalogVersion: "v", ...overrides });
const lookup: ActivityLookup = { version: "v", lookup: () => enrichment() };
const line = new TextEncoder().encode("{}");

// The body's first byte says what decode returns: "e" enriched, "h" high-risk, "d" dead letter, "x" dropped.
function decode(body: Uint8Array): Decided[] {
  switch (String.fromCharCode(body[0]!)) {
    case "h":
      return [{ kind: "enriched", recordIndex: 0, line, enrichment: enrichment({ sensitivity: "high", sensitive: true }) }];
    case "d":
      return [{ kind: "dead_letter", recordIndex: 0, reason: "invalid_json", raw: body }];
    case "x":
      return [{ kind: "dropped", recordIndex: 0 }];
    default:
      return [{ kind: "enriched", recordIndex: 0, line, enrichment: enrichment() }];
  }
}

function setup(bounds = { maxRecords: 1000, maxBytes: 1 << 20, partitionMaxRecords: 1000, partitionMaxBytes: 1 << 20 }) {
  const blob = new ControlledSink<never>("blob");
  const alerts = new ControlledSink<never>("alerts");
  const deadLetter = new ControlledSink<never>("dead-letter");
  const checkpoints: EventPosition[] = [];
  const registry = new Registry();
  const pipeline = new Pipeline({
    sinks: { primary: [blob], alerts, deadLetter },
    decode,
    catalog: () => lookup,
    routing: { minSensitivity: "high", unrecognized: true, alertsEnabled: true },
    inflight: bounds,
    checkpoint: { everyRecords: 1, intervalMs: 60_000 },
    storeCheckpoint: async (_p, position) => {
      checkpoints.push(position);
    },
    metrics: new PipelineMetrics(registry),
    logger: pino({ level: "silent" }),
    deadLetterReasons: new Set(["invalid_json"]),
  });
  pipeline.open("0");
  return { pipeline, blob, alerts, deadLetter, checkpoints, registry };
}

const events = (kinds: string): ReceivedEvent[] =>
  [...kinds].map((kind, i) => ({ body: new TextEncoder().encode(kind), position: { partitionId: "0", sequenceNumber: i, offset: String(i * 10), enqueuedTimeUtc: new Date(0) } }));
const tick = () => new Promise((r) => setImmediate(r));

describe("Pipeline", () => {
  it("routes each event to its sinks and checkpoints only the contiguous acknowledged prefix", async () => {
    const { pipeline, blob, alerts, deadLetter, checkpoints } = setup();
    await pipeline.handle("0", events("ehdx"));
    expect(blob.writes).toHaveLength(2); // e, h
    expect(alerts.writes).toHaveLength(1); // h
    expect(deadLetter.writes).toHaveLength(1); // d
    blob.writes[1]!.resolve(); // h on blob, alert still pending
    deadLetter.writes[0]!.resolve();
    await tick();
    expect(checkpoints).toEqual([]); // event 0 is not acknowledged yet
    blob.writes[0]!.resolve();
    await tick();
    expect(checkpoints.at(-1)).toEqual({ sequenceNumber: 0, offset: "0" });
    alerts.writes[0]!.resolve();
    await tick();
    await tick();
    // 1 (h) now acknowledged by blob and alerts, 2 (d) by dead-letter, 3 (dropped) needed nobody.
    expect(checkpoints.at(-1)).toEqual({ sequenceNumber: 3, offset: "30" });
    expect(pipeline.snapshot()).toEqual([{ partitionId: "0", lastReceived: 3, lastAcknowledged: 3, checkpoint: 3 }]);
  });

  it("a rejected write stalls the partition: the checkpoint never passes it", async () => {
    const { pipeline, blob, checkpoints } = setup();
    await pipeline.handle("0", events("eee"));
    blob.writes[0]!.resolve();
    blob.writes[1]!.reject(new SinkError("permanent_write_failure", "403"));
    blob.writes[2]!.resolve();
    await tick();
    await tick();
    expect(checkpoints.map((c) => c.sequenceNumber)).toEqual([0]);
    expect(pipeline.snapshot()[0]).toMatchObject({ lastReceived: 2, lastAcknowledged: 0, stalled: "permanent_write_failure" });
  });

  it("applies backpressure: handle() waits while the partition is over its bound, and resumes as sinks acknowledge", async () => {
    const { pipeline, blob } = setup({ maxRecords: 100, maxBytes: 1 << 20, partitionMaxRecords: 2, partitionMaxBytes: 1 << 20 });
    let returned = false;
    const handled = pipeline.handle("0", events("eee")).then(() => (returned = true));
    await tick();
    expect(returned).toBe(false);
    expect(pipeline.inflightRecords).toBe(3);
    blob.writes[0]!.resolve();
    blob.writes[1]!.resolve();
    await handled;
    expect(returned).toBe(true);
    expect(pipeline.inflightRecords).toBe(1);
  });

  it("close(shutdown) flushes, waits for acknowledgements and writes the final checkpoint; ownership loss writes none", async () => {
    const { pipeline, blob, checkpoints } = setup();
    await pipeline.handle("0", events("ee"));
    blob.writes[0]!.resolve();
    await tick();
    const closing = pipeline.close("0", "shutdown", Date.now() + 5_000);
    await tick();
    expect(blob.flushed).toEqual(["0"]);
    blob.writes[1]!.resolve();
    await closing;
    expect(checkpoints.at(-1)?.sequenceNumber).toBe(1);
    expect(pipeline.snapshot()).toEqual([]);

    pipeline.open("0");
    await pipeline.handle("0", events("eee").map((e) => ({ ...e, position: { ...e.position, sequenceNumber: e.position.sequenceNumber + 10 } })));
    const before = checkpoints.length;
    await pipeline.close("0", "ownership_lost", Date.now() + 5_000);
    for (const w of blob.writes.slice(2)) w.resolve();
    await tick();
    expect(checkpoints.length).toBe(before);
  });

  it("accepts nothing once close() has begun: a late batch would miss the flush, so it stays unacknowledged and is replayed", async () => {
    const { pipeline, blob, checkpoints } = setup();
    pipeline.accept("0", events("e"));
    const closing = pipeline.close("0", "shutdown", Date.now() + 5_000);
    const late = events("ee")[1]!;
    pipeline.accept("0", [late]);
    expect(blob.writes).toHaveLength(1);
    blob.writes[0]!.resolve();
    await closing;
    expect(checkpoints.map((c) => c.sequenceNumber)).toEqual([0]);
  });

  it("a defect that throws while dispatching stalls the partition: nothing later is accepted, so no checkpoint passes it", async () => {
    const { pipeline, blob, checkpoints } = setup();
    const write = blob.write.bind(blob);
    let calls = 0;
    blob.write = (items) => {
      if (++calls === 2) throw new Error("defect");
      return write(items);
    };
    pipeline.accept("0", events("eee"));
    pipeline.accept("0", events("eeee").slice(3));
    expect(blob.writes).toHaveLength(1);
    blob.writes[0]!.resolve();
    await tick();
    expect(checkpoints.map((c) => c.sequenceNumber)).toEqual([0]);
    expect(pipeline.snapshot()[0]).toMatchObject({ lastAcknowledged: 0, stalled: "sink_write_failed" });
  });

  it("ignores an event delivered twice instead of crashing", async () => {
    const { pipeline, blob } = setup();
    await pipeline.handle("0", events("ee"));
    await pipeline.handle("0", events("e"));
    expect(blob.writes).toHaveLength(2);
  });

  it("counts outcomes with canonical labels only", async () => {
    const { pipeline, registry } = setup();
    await pipeline.handle("0", events("ehdx"));
    const text = await registry.metrics();
    expect(text).toContain('audit_enricher_records_total{outcome="enriched",service_area="other",category="other",sensitivity="high"} 1');
    expect(text).toContain('audit_enricher_records_total{outcome="dropped",service_area="other",category="other",sensitivity="none"} 1');
    expect(text).toContain('audit_enricher_dead_letters_total{reason="invalid_json"} 1');
    expect(text).toContain('audit_enricher_source_events_received_total{partition="other"} 4');
  });
});
