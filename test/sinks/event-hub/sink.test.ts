import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import type { Enrichment } from "../../../src/catalog/enrichment.ts";
import { EventHubSink, type EventHubSinkOptions } from "../../../src/sinks/event-hub/sink.ts";
import type { OutputRecord } from "../../../src/sinks/sink.ts";
import { eventRecords, settledSoon } from "../fakes.ts";
import { FakeProducer } from "./fake-producer.ts";

const source = { namespace: "src.servicebus.windows.net", hub: "audit" };
const sinks: EventHubSink[] = [];
afterEach(async () => {
  for (const sink of sinks.splice(0)) await sink.stop(Date.now() + 100);
});

function hubSink(producer: FakeProducer, options: Partial<EventHubSinkOptions> = {}): EventHubSink {
  const sink = new EventHubSink({
    producer,
    source,
    registry: new Registry(),
    backoff: { initialDelayMs: 1, maxDelayMs: 5 },
    maxDelayMs: 60_000,
    ...options,
  });
  sinks.push(sink);
  return sink;
}

const enrichment: Enrichment = {
  serviceArea: "Core directory",
  category: "UserManagement",
  sensitivity: "high",
  sensitive: true,
  reasons: ["role change"],
  recognized: true,
  match: "exact",
  catalogVersion: "sha256:abc",
};

describe("EventHubSink", () => {
  it("sends each record with a stable messageId, the source partition as key and enrichment as properties", async () => {
    const producer = new FakeProducer();
    const sink = hubSink(producer);
    const records: OutputRecord[] = eventRecords("3", 77, 2).map((r) => ({ ...r, enrichment }));
    const write = sink.write(records);
    expect(await settledSoon(write)).toBe(false);
    await sink.flush();
    await write;
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]!.partitionKey).toBe("3");
    const [first, second] = producer.sent[0]!.events;
    expect(first!.messageId).toBe("src.servicebus.windows.net/audit/3/77/0");
    expect(second!.messageId).toBe("src.servicebus.windows.net/audit/3/77/1");
    expect(first!.properties).toEqual({
      serviceArea: "Core directory",
      category: "UserManagement",
      sensitivity: "high",
      recognized: true,
      catalogVersion: "sha256:abc",
    });
    expect(Buffer.from(first!.body).toString()).toBe('{"p":"3","s":77,"r":0}');
    expect(Buffer.isBuffer(first!.body)).toBe(true);
  });

  it("sends passed-through records without enrichment properties", async () => {
    const producer = new FakeProducer();
    const sink = hubSink(producer);
    const write = sink.write(eventRecords("0", 1));
    await sink.flush();
    await write;
    expect(producer.sent[0]!.events[0]!.properties).toEqual({});
  });

  it("sends on record count without a flush, and on age", async () => {
    const producer = new FakeProducer();
    const sink = hubSink(producer, { maxBatchRecords: 4 });
    await Promise.all([1, 2, 3, 4].map((s) => sink.write(eventRecords("0", s))));
    expect(producer.sent).toHaveLength(1);
    const aged = hubSink(new FakeProducer(), { maxDelayMs: 5 });
    await aged.write(eventRecords("0", 1));
  });

  it("splits what does not fit one batch into several, in order, and keeps each partition's order", async () => {
    const producer = new FakeProducer();
    const oneLine = eventRecords("0", 10)[0]!.line.length;
    producer.maxBatchBytes = oneLine * 3;
    const sink = hubSink(producer);
    const writes: Promise<void>[] = [];
    for (let s = 10; s < 30; s++) writes.push(sink.write(eventRecords("0", s)), sink.write(eventRecords("1", s)));
    await sink.flush();
    await Promise.all(writes);
    expect(producer.sent.every((b) => b.events.length <= 3)).toBe(true);
    for (const partition of ["0", "1"]) {
      const ids = producer.sent.filter((b) => b.partitionKey === partition).flatMap((b) => b.events.map((e) => e.messageId));
      expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `${source.namespace}/${source.hub}/${partition}/${i + 10}/0`));
    }
  });

  it("fails only the event whose record cannot fit an empty batch (record_too_large)", async () => {
    const producer = new FakeProducer();
    producer.maxBatchBytes = 40;
    const sink = hubSink(producer);
    const big: OutputRecord[] = [{ ...eventRecords("0", 2)[0]!, line: Buffer.alloc(100, 0x20) }];
    const writes = [sink.write(eventRecords("0", 1)), sink.write(big), sink.write(eventRecords("0", 3))];
    await sink.flush();
    await expect(writes[0]).resolves.toBeUndefined();
    await expect(writes[1]).rejects.toMatchObject({ code: "record_too_large" });
    await expect(writes[2]).resolves.toBeUndefined();
    expect(producer.sent.flatMap((b) => b.events.map((e) => e.messageId.split("/").at(-2)))).toEqual(["1", "3"]);
  });

  it("retries retryable send failures (unhealthy meanwhile) and rejects on a permanent one", async () => {
    const producer = new FakeProducer();
    const registry = new Registry();
    const sink = hubSink(producer, { registry, backoff: { initialDelayMs: 20, maxDelayMs: 20 } });
    producer.transientFailures = 3;
    const write = sink.write(eventRecords("0", 1));
    void sink.flush();
    while (producer.transientFailures > 2) await new Promise((r) => setTimeout(r, 1));
    expect(sink.healthy()).toBe(false);
    await write;
    expect(sink.healthy()).toBe(true);
    expect(producer.sent).toHaveLength(1);
    expect(await registry.getSingleMetricAsString("audit_enricher_sink_failures_total")).toContain(
      'sink="event_hub",retryable="true"} 3',
    );

    const denied = Object.assign(new Error("unauthorized"), { name: "MessagingError", retryable: false });
    producer.permanentFailure = denied;
    const rejected = sink.write(eventRecords("0", 2));
    await sink.flush();
    await expect(rejected).rejects.toBe(denied);
  });

  it("stop() sends what is waiting, closes the producer and refuses later writes", async () => {
    const producer = new FakeProducer();
    const sink = hubSink(producer);
    const write = sink.write(eventRecords("0", 1));
    await sink.stop(Date.now() + 1_000);
    await write;
    expect(producer.sent).toHaveLength(1);
    expect(producer.closed).toBe(true);
    await expect(sink.write(eventRecords("0", 2))).rejects.toMatchObject({ code: "sink_stopped" });
  });
});
