// The real BlobCheckpointStore on Azurite with the real consumer: resume from checkpoints,
// and two clients splitting and handing over partitions while a producer keeps sending.
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition, type ReceivedEventData } from "@azure/event-hubs";
import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
import { afterEach, describe, expect, it } from "vitest";
import { testLoadBalancingOptions, testRetryOptions } from "../../src/local/test-timings.ts";
import { Closer, createContainer, createHub, waitFor } from "./fixture.ts";

const closer = new Closer();
afterEach(() => closer.closeAll());

async function sendIds(producer: EventHubProducerClient, from: number, to: number, partitions: number): Promise<void> {
  for (let p = 0; p < partitions; p++) {
    const ids = [];
    for (let id = from; id < to; id++) if (id % partitions === p) ids.push(id);
    await producer.sendBatch(
      ids.map((id) => ({ body: { id } })),
      { partitionId: String(p) },
    );
  }
}

const idOf = (event: ReceivedEventData) => (event.body as { id: number }).id;

describe("BlobCheckpointStore on Azurite", () => {
  it("resumes after a checkpoint with exactly the remaining events: no duplicates, no gaps", async () => {
    const { connectionString } = await createHub(2);
    const container = await createContainer();
    const store = new BlobCheckpointStore(container);
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions }));
    await sendIds(producer, 0, 600, 2);

    // First run: read everything, but checkpoint only the event with sequence number 149 of each partition.
    const first = new EventHubConsumerClient("$Default", connectionString, store, {
      retryOptions: testRetryOptions,
      loadBalancingOptions: testLoadBalancingOptions,
    });
    const checkpointed = new Set<string>();
    const firstSeen: number[] = [];
    const sub1 = first.subscribe(
      {
        processEvents: async (events, context) => {
          for (const event of events) {
            firstSeen.push(idOf(event));
            if (event.sequenceNumber === 149) {
              await context.updateCheckpoint(event);
              checkpointed.add(context.partitionId);
            }
          }
        },
        processError: async () => {},
      },
      { startPosition: earliestEventPosition, maxBatchSize: 50, maxWaitTimeInSeconds: 1 },
    );
    await waitFor(() => firstSeen.length >= 600 && checkpointed.size === 2, 30_000, "first run");
    await sub1.close();
    await first.close();

    await sendIds(producer, 600, 800, 2);
    const second = closer.add(
      new EventHubConsumerClient("$Default", connectionString, store, { retryOptions: testRetryOptions, loadBalancingOptions: testLoadBalancingOptions }),
    );
    const secondSeen: number[] = [];
    closer.add(
      second.subscribe(
        { processEvents: async (events) => void secondSeen.push(...events.map(idOf)), processError: async () => {} },
        { startPosition: earliestEventPosition, maxBatchSize: 50, maxWaitTimeInSeconds: 1 },
      ),
    );
    // Sequence numbers 150.. of each partition: ids 300..599 plus the 200 new ones.
    const expected = Array.from({ length: 500 }, (_, i) => 300 + i);
    await waitFor(() => secondSeen.length >= expected.length, 30_000, "second run");
    await new Promise((r) => setTimeout(r, 1500)); // anything extra (a duplicate) would arrive now
    expect(secondSeen.length).toBe(expected.length);
    expect([...secondSeen].sort((a, b) => a - b)).toEqual(expected);

    const checkpoints = await store.listCheckpoints(producer.fullyQualifiedNamespace, producer.eventHubName, "$default");
    expect(checkpoints.map((c) => [c.partitionId, c.sequenceNumber]).sort()).toEqual([
      ["0", 149],
      ["1", 149],
    ]);
  });

  it("splits partitions between two clients and hands them over on stop, losing nothing while a producer sends", async () => {
    const { connectionString } = await createHub(4);
    const container = await createContainer();
    const store = new BlobCheckpointStore(container);
    const options = { retryOptions: testRetryOptions, loadBalancingOptions: testLoadBalancingOptions };
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions }));

    let produced = 0;
    let producing = true;
    const producerLoop = (async () => {
      while (producing) {
        const ids = Array.from({ length: 20 }, (_, i) => produced + i);
        await producer.sendBatch(ids.map((id) => ({ body: { id } })));
        produced += ids.length;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    closer.defer(async () => {
      producing = false;
      await producerLoop;
    });

    const received = new Map<number, number>();
    const makeConsumer = () => {
      const owned = new Set<string>();
      const closeReasons: string[] = [];
      const client = new EventHubConsumerClient("$Default", connectionString, store, options);
      const subscription = client.subscribe(
        {
          processInitialize: async (context) => void owned.add(context.partitionId),
          processClose: async (reason, context) => {
            closeReasons.push(reason);
            owned.delete(context.partitionId);
          },
          processEvents: async (events, context) => {
            for (const event of events) received.set(idOf(event), (received.get(idOf(event)) ?? 0) + 1);
            const last = events.at(-1);
            if (last !== undefined) await context.updateCheckpoint(last);
          },
          processError: async () => {},
        },
        { startPosition: earliestEventPosition, maxBatchSize: 100, maxWaitTimeInSeconds: 1 },
      );
      return { client, subscription, owned, closeReasons };
    };

    const a = makeConsumer();
    closer.add(a.client);
    await waitFor(() => a.owned.size === 4, 20_000, "client A owning all 4 partitions");
    const b = makeConsumer();
    closer.add(b.client);
    await waitFor(() => a.owned.size === 2 && b.owned.size === 2, 20_000, "a 2/2 split");
    expect([...a.owned, ...b.owned].sort()).toEqual(["0", "1", "2", "3"]);
    // A was told it lost the partitions B took over.
    expect(a.closeReasons.filter((r) => r === "OwnershipLost").length).toBeGreaterThanOrEqual(2);

    await b.subscription.close();
    await b.client.close();
    await waitFor(() => a.owned.size === 4, 20_000, "client A taking all 4 partitions back");

    producing = false;
    await producerLoop;
    await waitFor(() => received.size >= produced, 20_000, `all ${produced} produced events`);
    const missing = Array.from({ length: produced }, (_, id) => id).filter((id) => !received.has(id));
    expect(missing).toEqual([]);
    expect(produced).toBeGreaterThan(100);
  });
});
