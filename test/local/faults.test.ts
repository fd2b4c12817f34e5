// Injected faults are retried by the real SDK and nothing is lost.
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from "@azure/event-hubs";
import { afterEach, describe, expect, it } from "vitest";
import { FAULT_CONDITIONS } from "../../src/local/faults.ts";
import { testRetryOptions } from "../../src/local/test-timings.ts";
import { Closer, control, createHub, waitFor } from "./fixture.ts";

const closer = new Closer();
afterEach(() => closer.closeAll());

function collect(consumer: EventHubConsumerClient, ids: Map<number, number>, errors: string[]) {
  return consumer.subscribe(
    {
      processEvents: async (events) => {
        for (const e of events) {
          const id = (e.body as { id: number }).id;
          ids.set(id, (ids.get(id) ?? 0) + 1);
        }
      },
      processError: async (e) => void errors.push((e as { code?: string }).code ?? e.message),
    },
    { startPosition: earliestEventPosition, maxBatchSize: 100, maxWaitTimeInSeconds: 1 },
  );
}

describe("fault injection with the real SDK", () => {
  it("retries sends rejected with server-busy; each event is stored once", async () => {
    const { hub, connectionString } = await createHub(2);
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions }));
    await control().rejectSends(2, { condition: FAULT_CONDITIONS.serverBusy, description: "busy" }, hub);
    await producer.sendBatch([{ body: { id: 0 } }, { body: { id: 1 } }], { partitionId: "0" });
    const info = await producer.getPartitionProperties("0");
    expect(info.lastEnqueuedSequenceNumber).toBe(1); // two rejected attempts stored nothing

    await control().rejectSends(1, { condition: FAULT_CONDITIONS.resourceLimitExceeded, description: "quota" }, hub);
    await expect(producer.sendBatch([{ body: { id: 2 } }], { partitionId: "0" })).rejects.toMatchObject({ code: "QuotaExceededError" });
  });

  it("recovers producer and consumer from dropped connections with nothing lost", async () => {
    const { hub, connectionString } = await createHub(2);
    // A send already on the wire when the broker closes the connection gets no outcome; the
    // SDK retries it only after its operation timeout, so keep that short here.
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: { ...testRetryOptions, timeoutInMs: 2000 } }));
    const consumer = closer.add(new EventHubConsumerClient("$Default", connectionString, { retryOptions: testRetryOptions }));
    const ids = new Map<number, number>();
    const errors: string[] = [];
    closer.add(collect(consumer, ids, errors));

    let sent = 0;
    for (let round = 0; round < 6; round++) {
      const batch = Array.from({ length: 50 }, (_, i) => ({ body: { id: sent + i } }));
      await producer.sendBatch(batch);
      sent += batch.length;
      if (round === 1 || round === 3) {
        await waitFor(() => ids.size >= sent, 20_000, `${sent} events before the drop`);
        expect(await control().dropConnections(hub)).toBeGreaterThanOrEqual(2);
      }
    }
    await waitFor(() => ids.size >= sent, 30_000, `all ${sent} events`);
    const missing = Array.from({ length: sent }, (_, id) => id).filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    // The consumer resumes after the last sequence number it saw: no redelivery.
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
  });

  it("retries a management request answered with 503", async () => {
    const { hub, connectionString } = await createHub(3);
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions }));
    await control().failManagement(2, 503, hub);
    expect((await producer.getEventHubProperties()).partitionIds).toEqual(["0", "1", "2"]);
    await control().failManagement(5, 503, hub);
    const impatient = closer.add(new EventHubProducerClient(connectionString, { retryOptions: { ...testRetryOptions, maxRetries: 1 } }));
    const error = await impatient.getEventHubProperties().then(
      () => undefined,
      (e: unknown) => e as AggregateError,
    );
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: { code?: string }) => e.code)).toEqual(["ServerBusyError", "ServerBusyError"]);
    await control().clearFaults(hub);
  });

  it("holds back a paused partition's events until it is resumed", async () => {
    const { hub, connectionString } = await createHub(2);
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions }));
    const consumer = closer.add(new EventHubConsumerClient("$Default", connectionString, { retryOptions: testRetryOptions }));
    const ids = new Map<number, number>();
    closer.add(collect(consumer, ids, []));
    await control().pausePartition(hub, "1");
    await producer.sendBatch([{ body: { id: 0 } }], { partitionId: "0" });
    await producer.sendBatch([{ body: { id: 1 } }], { partitionId: "1" });
    await waitFor(() => ids.has(0), 10_000, "partition 0's event");
    await new Promise((r) => setTimeout(r, 500));
    expect(ids.has(1)).toBe(false);
    await control().resumePartition(hub, "1");
    await waitFor(() => ids.has(1), 10_000, "partition 1's event after resume");
  });

  it("detaches receivers with a retryable condition and the consumer re-attaches without loss", async () => {
    const { hub, connectionString } = await createHub(1);
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions }));
    const consumer = closer.add(new EventHubConsumerClient("$Default", connectionString, { retryOptions: testRetryOptions }));
    const ids = new Map<number, number>();
    closer.add(collect(consumer, ids, []));
    await producer.sendBatch(Array.from({ length: 20 }, (_, id) => ({ body: { id } })));
    await waitFor(() => ids.size === 20, 10_000, "first 20");
    expect(await control().detachReceivers({ condition: FAULT_CONDITIONS.detachForced }, hub)).toBe(1);
    await producer.sendBatch(Array.from({ length: 20 }, (_, i) => ({ body: { id: 20 + i } })));
    await waitFor(() => ids.size === 40, 15_000, "all 40 after re-attach");
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
  });
});
