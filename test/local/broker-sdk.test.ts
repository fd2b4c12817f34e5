// The real @azure/event-hubs producer and consumer against the local broker.
import {
  type EventData,
  EventHubConsumerClient,
  EventHubProducerClient,
  earliestEventPosition,
  type ReceivedEventData,
} from "@azure/event-hubs";
import { afterEach, describe, expect, it } from "vitest";
import { testRetryOptions } from "../../src/local/test-timings.ts";
import { Closer, createHub, waitFor } from "./fixture.ts";

const closer = new Closer();
afterEach(() => closer.closeAll());

describe("local broker with the real SDK", () => {
  it("answers hub and partition properties, before and after sends", async () => {
    const { hub, connectionString } = await createHub(3);
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions }));
    const props = await producer.getEventHubProperties();
    expect(props.name).toBe(hub);
    expect(props.partitionIds).toEqual(["0", "1", "2"]);
    expect(props.createdOn).toBeInstanceOf(Date);
    expect(props.isGeoDrEnabled).toBe(false);

    const empty = await producer.getPartitionProperties("1");
    expect(empty).toMatchObject({ partitionId: "1", eventHubName: hub, isEmpty: true, lastEnqueuedSequenceNumber: -1, beginningSequenceNumber: 0 });

    const before = Date.now();
    await producer.sendBatch([{ body: "a" }, { body: "b" }, { body: "c" }], { partitionId: "1" });
    const after = await producer.getPartitionProperties("1");
    expect(after.isEmpty).toBe(false);
    expect(after.lastEnqueuedSequenceNumber).toBe(2);
    expect(Number(after.lastEnqueuedOffset)).toBeGreaterThan(0);
    expect(after.lastEnqueuedOnUtc.getTime()).toBeGreaterThanOrEqual(before - 1000);

    await expect(producer.getPartitionProperties("7")).rejects.toMatchObject({ code: "ArgumentOutOfRangeError" });
  });

  it("reads back 10,000 events sent in batches to 4 partitions in order per partition, intact", async () => {
    const { connectionString } = await createHub(4);
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions }));
    const total = 10_000;
    const sent = new Map<string, EventData>();
    // Half to explicit partitions, half by partition key: exercises both routing paths.
    for (let start = 0; start < total; start += 250) {
      const byKey = (start / 250) % 2 === 1;
      const options = byKey ? { partitionKey: `user-${start % 7}` } : { partitionId: String((start / 250) % 4) };
      const batch = await producer.createBatch(options);
      for (let i = start; i < start + 250; i++) {
        const event: EventData = {
          body: { id: i, activity: "Add user", nested: { ok: true, list: [1, 2, 3] } },
          properties: { index: i, kind: byKey ? "keyed" : "direct", flag: i % 2 === 0 },
          messageId: `m-${i}`,
          contentType: "application/json",
        };
        expect(batch.tryAdd(event)).toBe(true);
        sent.set(`m-${i}`, event);
      }
      await producer.sendBatch(batch);
    }

    const consumer = closer.add(new EventHubConsumerClient("$Default", connectionString, { retryOptions: testRetryOptions }));
    const received: ReceivedEventData[] = [];
    const lastSeq = new Map<string, number>();
    const partitionsByKey = new Map<string, Set<string>>();
    let outOfOrder = 0;
    const subscription = consumer.subscribe(
      {
        processEvents: async (events, context) => {
          for (const event of events) {
            const previous = lastSeq.get(context.partitionId) ?? -1;
            if (event.sequenceNumber !== previous + 1) outOfOrder++;
            lastSeq.set(context.partitionId, event.sequenceNumber);
            received.push(event);
            if (event.partitionKey) {
              const seen = partitionsByKey.get(event.partitionKey) ?? new Set<string>();
              partitionsByKey.set(event.partitionKey, seen.add(context.partitionId));
            }
          }
        },
        processError: async () => {},
      },
      { startPosition: earliestEventPosition, maxBatchSize: 500, maxWaitTimeInSeconds: 1 },
    );
    closer.add(subscription);
    await waitFor(() => received.length >= total, 45_000, `${total} events`);
    expect(received.length).toBe(total);
    expect(outOfOrder).toBe(0);
    expect([...lastSeq.keys()].sort()).toEqual(["0", "1", "2", "3"]);
    const ids = new Set<string>();
    for (const event of received) {
      const original = sent.get(String(event.messageId));
      expect(original).toBeDefined();
      expect(event.body).toEqual(original?.body);
      expect(event.properties).toEqual(original?.properties);
      expect(event.contentType).toBe("application/json");
      ids.add(String(event.messageId));
      if (original?.properties?.kind === "keyed") expect(event.partitionKey).toMatch(/^user-\d$/);
    }
    expect(ids.size).toBe(total);
    // A partition key always maps to the same partition.
    expect(partitionsByKey.size).toBe(7);
    for (const seen of partitionsByKey.values()) expect(seen.size).toBe(1);
  });
});
