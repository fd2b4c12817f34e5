// Receiver semantics through the real consumer: owner-level (epoch) rules, start
// positions, the runtime metric, and the retention bound.
import { EventHubConsumerClient, EventHubProducerClient, type ReceivedEventData, type Subscription, type SubscriptionEventHandlers } from "@azure/event-hubs";
import { afterEach, describe, expect, inject, it } from "vitest";
import { testRetryOptions } from "../../src/local/test-timings.ts";
import { Closer, control, createHub, uniqueName, waitFor } from "./fixture.ts";

const closer = new Closer();
afterEach(() => closer.closeAll());

interface Probe {
  readonly events: ReceivedEventData[];
  readonly errors: Array<{ code?: string; message: string }>;
  readonly closeReasons: string[];
  readonly subscription: Subscription;
}

function probe(client: EventHubConsumerClient, partitionId: string, options: Parameters<EventHubConsumerClient["subscribe"]>[2] = {}): Probe {
  const events: ReceivedEventData[] = [];
  const errors: Probe["errors"] = [];
  const closeReasons: string[] = [];
  const handlers: SubscriptionEventHandlers = {
    processEvents: async (batch) => void events.push(...batch),
    processError: async (e) => void errors.push(e as { code?: string; message: string }),
    processClose: async (reason) => void closeReasons.push(reason),
  };
  const subscription = closer.add(client.subscribe(partitionId, handlers, { maxWaitTimeInSeconds: 1, ...options }));
  return { events, errors, closeReasons, subscription };
}

async function hubWithEvents(count: number, partitions = 1) {
  const created = await createHub(partitions);
  const producer = closer.add(new EventHubProducerClient(created.connectionString, { retryOptions: testRetryOptions }));
  for (let i = 0; i < count; i++) await producer.sendBatch([{ body: { id: i } }], { partitionId: "0" });
  const consumer = () => closer.add(new EventHubConsumerClient("$Default", created.connectionString, { retryOptions: testRetryOptions }));
  return { ...created, producer, consumer };
}

const ids = (p: Probe) => p.events.map((e) => (e.body as { id: number }).id);

describe("owner level (epoch)", () => {
  it("lets an equal or higher epoch take the partition and refuses lower or missing epochs", async () => {
    const { consumer } = await hubWithEvents(1);
    const start = { startPosition: { sequenceNumber: 0, isInclusive: true } };
    const five = probe(consumer(), "0", { ...start, ownerLevel: 5 });
    await waitFor(() => five.events.length === 1, 10_000, "epoch 5 receiving");

    const none = probe(consumer(), "0", start);
    await waitFor(() => none.errors.length > 0, 10_000, "receiver without epoch refused");
    expect(none.errors[0]?.code).toBe("ReceiverDisconnectedError");

    const three = probe(consumer(), "0", { ...start, ownerLevel: 3 });
    await waitFor(() => three.errors.length > 0, 10_000, "epoch 3 refused");
    expect(three.errors[0]?.code).toBe("ReceiverDisconnectedError");
    expect(five.errors).toEqual([]);

    // Equal epoch steals: the SDK's load balancer depends on it (every processor uses epoch 0).
    const otherFive = probe(consumer(), "0", { ...start, ownerLevel: 5 });
    await waitFor(() => five.errors.length > 0, 10_000, "the first epoch-5 receiver being disconnected");
    expect(five.errors[0]?.code).toBe("ReceiverDisconnectedError");
    await waitFor(() => five.closeReasons.includes("OwnershipLost"), 10_000, "OwnershipLost");
    await waitFor(() => otherFive.events.length === 1, 10_000, "the new owner receiving");

    const higher = probe(consumer(), "0", { ...start, ownerLevel: 9 });
    await waitFor(() => otherFive.errors.length > 0, 10_000, "epoch 9 taking over");
    await waitFor(() => higher.events.length === 1, 10_000, "epoch 9 receiving");
  });

  it("allows five receivers without epoch per partition and group, and refuses a sixth with QuotaExceededError", async () => {
    const { consumer } = await hubWithEvents(1);
    const five = Array.from({ length: 5 }, () => probe(consumer(), "0", { startPosition: { sequenceNumber: 0, isInclusive: true } }));
    await waitFor(() => five.every((p) => p.events.length === 1), 10_000, "five receivers");
    const sixth = probe(consumer(), "0", { startPosition: { sequenceNumber: 0, isInclusive: true } });
    await waitFor(() => sixth.errors.length > 0, 10_000, "the sixth refused");
    expect(sixth.errors[0]?.code).toBe("QuotaExceededError");
  });
});

describe("start positions and metadata", () => {
  it("honours sequence number, offset and enqueued-time start positions, inclusive and exclusive", async () => {
    const { producer, consumer } = await hubWithEvents(10);
    const all = probe(consumer(), "0", { startPosition: { sequenceNumber: 0, isInclusive: true } });
    await waitFor(() => all.events.length === 10, 10_000, "all 10");
    await all.subscription.close();
    const fifth = all.events[4] as ReceivedEventData;
    const cutoff = (all.events[9] as ReceivedEventData).enqueuedTimeUtc.getTime() - 1;

    const cases: Array<[Parameters<EventHubConsumerClient["subscribe"]>[2], number[]]> = [
      [{ startPosition: { sequenceNumber: 4, isInclusive: true } }, [4, 5, 6, 7, 8, 9]],
      [{ startPosition: { sequenceNumber: 4 } }, [5, 6, 7, 8, 9]],
      [{ startPosition: { offset: fifth.offset, isInclusive: true } }, [4, 5, 6, 7, 8, 9]],
      [{ startPosition: { offset: fifth.offset } }, [5, 6, 7, 8, 9]],
      [{ startPosition: { offset: "-1" } }, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
      // Enqueued time is exclusive; events stored in the same millisecond are all included.
      [{ startPosition: { enqueuedOn: cutoff } }, all.events.filter((e) => e.enqueuedTimeUtc.getTime() > cutoff).map((e) => e.sequenceNumber)],
    ];
    for (const [options, expected] of cases) {
      const p = probe(consumer(), "0", options);
      await waitFor(() => p.events.length >= expected.length, 10_000, JSON.stringify(options));
      expect(ids(p)).toEqual(expected);
      await p.subscription.close(); // at most five receivers without epoch per partition
    }

    const latest = probe(consumer(), "0", { startPosition: { offset: "@latest" } });
    await new Promise((r) => setTimeout(r, 1200));
    await producer.sendBatch([{ body: { id: 10 } }], { partitionId: "0" });
    await waitFor(() => latest.events.length === 1, 10_000, "the event after latest");
    expect(ids(latest)).toEqual([10]);
  });

  it("stamps sequence numbers, numeric offsets, enqueued times and reports the runtime metric", async () => {
    const { producer, consumer } = await hubWithEvents(3);
    const p = probe(consumer(), "0", { startPosition: { sequenceNumber: 0, isInclusive: true }, trackLastEnqueuedEventProperties: true });
    await waitFor(() => p.events.length === 3, 10_000, "3 events");
    expect(p.events.map((e) => e.sequenceNumber)).toEqual([0, 1, 2]);
    const offsets = p.events.map((e) => Number(e.offset));
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBeGreaterThan(0);
    expect(offsets[2]).toBeGreaterThan(offsets[1] as number);
    expect(p.events.every((e) => e.enqueuedTimeUtc instanceof Date)).toBe(true);

    const metric = await new Promise<{ sequenceNumber?: number; offset?: string; enqueuedOn?: Date; retrievedOn?: Date }>((resolve) => {
      const client = consumer();
      const sub = client.subscribe(
        "0",
        {
          processEvents: async (events, context) => {
            if (events.length > 0) {
              resolve(context.lastEnqueuedEventProperties ?? {});
              await sub.close();
            }
          },
          processError: async () => {},
        },
        { startPosition: { sequenceNumber: 0, isInclusive: true }, trackLastEnqueuedEventProperties: true, maxWaitTimeInSeconds: 1 },
      );
    });
    expect(metric.sequenceNumber).toBe(2);
    expect(metric.offset).toBe(p.events[2]?.offset);
    expect(metric.enqueuedOn).toBeInstanceOf(Date);
    expect(metric.retrievedOn).toBeInstanceOf(Date);
    expect((await producer.getPartitionProperties("0")).lastEnqueuedOffset).toBe(p.events[2]?.offset);
  });
});

describe("retention bound", () => {
  it("keeps only the newest events per partition (by count and by bytes) and reads from the oldest retained", async () => {
    const hub = uniqueName("retained");
    await control().createHub(hub, 1, { retention: { maxEvents: 100, maxBytes: 1024 * 1024 } });
    const connectionString = `${inject("eventHubsConnectionString")};EntityPath=${hub}`;
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions }));
    for (let i = 0; i < 250; i += 50) {
      await producer.sendBatch(Array.from({ length: 50 }, (_, k) => ({ body: { id: i + k } })), { partitionId: "0" });
    }
    const info = await producer.getPartitionProperties("0");
    expect(info.beginningSequenceNumber).toBe(150);
    expect(info.lastEnqueuedSequenceNumber).toBe(249);
    const consumer = closer.add(new EventHubConsumerClient("$Default", connectionString, { retryOptions: testRetryOptions }));
    const p = probe(consumer, "0", { startPosition: { offset: "-1" } });
    await waitFor(() => p.events.length === 100, 10_000, "100 retained events");
    expect(ids(p)).toEqual(Array.from({ length: 100 }, (_, i) => 150 + i));

    const byBytes = uniqueName("bytes");
    await control().createHub(byBytes, 1, { retention: { maxEvents: 1_000_000, maxBytes: 20_000 } });
    const bytesProducer = closer.add(
      new EventHubProducerClient(`${inject("eventHubsConnectionString")};EntityPath=${byBytes}`, { retryOptions: testRetryOptions }),
    );
    for (let i = 0; i < 10; i++) {
      await bytesProducer.sendBatch(Array.from({ length: 10 }, () => ({ body: Buffer.alloc(1000, 1) })), { partitionId: "0" });
    }
    const described = await control().describeHub(byBytes);
    const retained = described.partitions["0"];
    expect(retained?.retainedBytes).toBeLessThanOrEqual(20_000);
    expect(retained?.retainedEvents).toBeGreaterThan(10);
    expect(retained?.retainedEvents).toBeLessThan(100);
    expect(retained?.lastEnqueuedSequenceNumber).toBe(99);
  });
});
