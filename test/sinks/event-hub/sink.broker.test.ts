// Hub sink round trip through the local broker with the real SDK: what the sink
// sends is read back by the real consumer with ids, properties and order intact.
import { randomUUID } from "node:crypto";
import {
  EventHubConsumerClient,
  EventHubProducerClient,
  type ReceivedEventData,
  earliestEventPosition,
} from "@azure/event-hubs";
import { Registry } from "prom-client";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { Enrichment } from "../../../src/catalog/enrichment.ts";
import { BrokerControlClient } from "../../../src/local/broker-control-client.ts";
import { testRetryOptions } from "../../../src/local/test-timings.ts";
import { EventHubSink } from "../../../src/sinks/event-hub/sink.ts";
import type { OutputRecord } from "../../../src/sinks/sink.ts";
import { eventRecords } from "../fakes.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const enrichment: Enrichment = {
  serviceArea: "Privileged Identity Management",
  category: "RoleManagement",
  sensitivity: "high",
  sensitive: true,
  reasons: ["privilege grant"],
  recognized: true,
  match: "exact",
  catalogVersion: "sha256:test",
};

describe("EventHubSink through the local broker", () => {
  it("round-trips records: stable messageIds, enrichment properties, per-source-partition order", async () => {
    const hub = `sink-${randomUUID().slice(0, 8)}`;
    await new BrokerControlClient(inject("brokerControlUrl")).createHub(hub, 4);
    const connectionString = `${inject("eventHubsConnectionString")};EntityPath=${hub}`;
    const producer = new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions });
    const sink = new EventHubSink({
      producer,
      source: { namespace: "source.example", hub: "audit" },
      registry: new Registry(),
      maxBatchRecords: 50,
      maxDelayMs: 20,
    });
    cleanups.push(() => sink.stop(Date.now() + 5_000));

    const sourcePartitions = ["0", "1", "2"];
    const writes: Promise<void>[] = [];
    for (let seq = 0; seq < 100; seq++) {
      for (const partition of sourcePartitions) {
        const records: OutputRecord[] = eventRecords(partition, seq, 3).map((r, i) => (i === 2 ? r : { ...r, enrichment }));
        writes.push(sink.write(records));
      }
    }
    await Promise.all(writes);
    const expectedCount = 100 * 3 * sourcePartitions.length;

    const consumer = new EventHubConsumerClient("$Default", connectionString, { retryOptions: testRetryOptions });
    cleanups.push(() => consumer.close());
    const received: ReceivedEventData[] = [];
    const outputPartition = new Map<ReceivedEventData, string>();
    const subscription = consumer.subscribe(
      {
        processEvents: async (events, context) => {
          for (const event of events) outputPartition.set(event, context.partitionId);
          received.push(...events);
        },
        processError: async () => {},
      },
      { startPosition: earliestEventPosition, maxBatchSize: 500, maxWaitTimeInSeconds: 1, skipParsingBodyAsJson: true },
    );
    cleanups.push(() => subscription.close());
    const deadline = Date.now() + 30_000;
    while (received.length < expectedCount && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(received).toHaveLength(expectedCount);

    const ids = received.map((e) => String(e.messageId));
    expect(new Set(ids).size).toBe(expectedCount);
    for (const partition of sourcePartitions) {
      // Same source partition → same partition key → one output partition, in source order.
      const mine = received.filter((e) => e.partitionKey === partition);
      expect(new Set(mine.map((e) => outputPartition.get(e))).size).toBe(1);
      const expectedIds: string[] = [];
      for (let seq = 0; seq < 100; seq++) for (let r = 0; r < 3; r++) expectedIds.push(`source.example/audit/${partition}/${seq}/${r}`);
      expect(mine.map((e) => String(e.messageId))).toEqual(expectedIds);
    }
    const sample = received.find((e) => e.messageId === "source.example/audit/1/42/0")!;
    expect(Buffer.from(sample.body as Uint8Array).toString()).toBe('{"p":"1","s":42,"r":0}');
    expect(sample.contentType).toBe("application/json");
    expect(sample.properties).toEqual({
      serviceArea: "Privileged Identity Management",
      category: "RoleManagement",
      sensitivity: "high",
      recognized: true,
      catalogVersion: "sha256:test",
    });
    const passedThrough = received.find((e) => e.messageId === "source.example/audit/1/42/2")!;
    expect(passedThrough.properties ?? {}).toEqual({});
  });

  it("keeps every record through rejected sends (beyond the SDK's own retries) and dropped connections", async () => {
    const hub = `sink-faults-${randomUUID().slice(0, 8)}`;
    const control = new BrokerControlClient(inject("brokerControlUrl"));
    await control.createHub(hub, 2);
    cleanups.push(() => control.clearFaults());
    const connectionString = `${inject("eventHubsConnectionString")};EntityPath=${hub}`;
    const producer = new EventHubProducerClient(connectionString, {
      retryOptions: { ...testRetryOptions, maxRetries: 1, retryDelayInMs: 50, maxRetryDelayInMs: 50 },
    });
    const registry = new Registry();
    const sink = new EventHubSink({
      producer,
      source: { namespace: "source.example", hub: "audit" },
      registry,
      maxBatchRecords: 20,
      maxDelayMs: 10,
      backoff: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    cleanups.push(() => sink.stop(Date.now() + 5_000));

    const writes: Promise<void>[] = [];
    for (let seq = 0; seq < 50; seq++) writes.push(sink.write(eventRecords("0", seq, 2)));
    await Promise.all(writes.splice(0));
    // More rejections than the SDK retries: the sink's own retry loop must carry it.
    await control.rejectSends(6, { condition: "com.microsoft:server-busy", description: "injected" }, hub);
    for (let seq = 50; seq < 100; seq++) writes.push(sink.write(eventRecords("0", seq, 2)));
    await Promise.all(writes.splice(0));
    // 6 rejections, 2 SDK attempts per send: the sink itself retried (and was unhealthy meanwhile).
    expect(await registry.getSingleMetricAsString("audit_enricher_sink_failures_total")).toMatch(
      /audit_enricher_sink_failures_total\{sink="event_hub",retryable="true"\} [1-9]/,
    );
    expect(sink.healthy()).toBe(true);
    await control.dropConnections(hub);
    for (let seq = 100; seq < 150; seq++) writes.push(sink.write(eventRecords("0", seq, 2)));
    await Promise.all(writes);

    const consumer = new EventHubConsumerClient("$Default", connectionString, { retryOptions: testRetryOptions });
    cleanups.push(() => consumer.close());
    const ids: string[] = [];
    const subscription = consumer.subscribe(
      {
        processEvents: async (events) => {
          for (const event of events) ids.push(String(event.messageId));
        },
        processError: async () => {},
      },
      { startPosition: earliestEventPosition, maxBatchSize: 500, maxWaitTimeInSeconds: 1 },
    );
    cleanups.push(() => subscription.close());
    const deadline = Date.now() + 30_000;
    while (new Set(ids).size < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // At-least-once: a re-sent batch may repeat ids, but the first occurrences are complete and in order.
    const firstSeen = [...new Set(ids)];
    const expectedIds: string[] = [];
    for (let seq = 0; seq < 150; seq++) for (let r = 0; r < 2; r++) expectedIds.push(`source.example/audit/0/${seq}/${r}`);
    expect(firstSeen).toEqual(expectedIds);
  });
});
