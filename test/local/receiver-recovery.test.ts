// Stress: the real checkpoint-store consumer (epoch 0 receivers, runtime metric, prefetch
// 1000, as the worker runs it) under retryable detaches and dropped connections injected in
// quick succession. After each burst every partition must deliver again. A receiver the
// broker leaves without an attach or put-token answer, or with credit but no deliveries,
// never recovers and fails the round. Long local run:
//   RECEIVER_RECOVERY_ROUNDS=200 RECEIVER_RECOVERY_SEED=7 npx vitest run test/local/receiver-recovery.test.ts
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from "@azure/event-hubs";
import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
import { afterEach, describe, expect, it } from "vitest";
import { FAULT_CONDITIONS } from "../../src/local/faults.ts";
import { receiverRecoveryBoundMs, testLoadBalancingOptions, testRetryOptions } from "../../src/local/test-timings.ts";
import { Closer, control, createContainer, createHub, waitFor } from "./fixture.ts";

const closer = new Closer();
afterEach(() => closer.closeAll());

const ROUNDS = Number(process.env.RECEIVER_RECOVERY_ROUNDS ?? 12);
const SEED = Number(process.env.RECEIVER_RECOVERY_SEED ?? 20261125);
const PARTITIONS = 2;
const detachForced = { condition: FAULT_CONDITIONS.detachForced, description: "injected by test" };

// Deterministic "random" pauses between faults (0–400 ms), printed so a round can be replayed.
function pauses(seed: number, count: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % 400;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("receiver recovery under repeated faults (real SDK, checkpoint store)", () => {
  it(`every partition delivers again after each burst of detaches and drops (${ROUNDS} rounds)`, { timeout: 30_000 + ROUNDS * 5_000 + receiverRecoveryBoundMs }, async () => {
    const { hub, connectionString } = await createHub(PARTITIONS);
    const container = await createContainer();
    closer.defer(() => container.delete());
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions }));
    const consumer = closer.add(
      new EventHubConsumerClient("$Default", connectionString, new BlobCheckpointStore(container), {
        retryOptions: testRetryOptions,
        loadBalancingOptions: testLoadBalancingOptions,
      }),
    );
    const seen = new Map<number, number>();
    const errors: string[] = [];
    closer.add(
      consumer.subscribe(
        {
          processEvents: async (events, context) => {
            for (const e of events) {
              const id = (e.body as { id: number }).id;
              seen.set(id, (seen.get(id) ?? 0) + 1);
            }
            const last = events.at(-1);
            if (last !== undefined) await context.updateCheckpoint(last);
          },
          processError: async (e) => void errors.push((e as { code?: string }).code ?? e.message),
        },
        { startPosition: earliestEventPosition, maxBatchSize: 25, maxWaitTimeInSeconds: 1, trackLastEnqueuedEventProperties: true, prefetchCount: 1000 },
      ),
    );

    let sent = 0;
    const send = async (perPartition: number) => {
      for (let p = 0; p < PARTITIONS; p++) {
        await producer.sendBatch(
          Array.from({ length: perPartition }, (_, i) => ({ body: { id: sent + i } })),
          { partitionId: String(p) },
        );
        sent += perPartition;
      }
    };
    const missing = (upTo: number) => Array.from({ length: upTo }, (_, id) => id).filter((id) => !seen.has(id));
    await send(10);
    await waitFor(() => seen.size === sent, 20_000, "the first events on every partition");

    const gaps = pauses(SEED, ROUNDS * 4);
    const recoveryMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b, c, d] = gaps.slice(round * 4, round * 4 + 4) as [number, number, number, number];
      await send(5);
      await control().detachReceivers(detachForced, hub);
      await sleep(a);
      await control().dropConnections(hub);
      await sleep(b);
      await control().detachReceivers(detachForced, hub);
      await sleep(c);
      await control().dropConnections(hub);
      await sleep(d);
      const started = Date.now();
      await send(5);
      const expected = sent;
      const what = `round ${round} (seed ${SEED}, pauses ${a}/${b}/${c}/${d} ms): all ${expected} events`;
      await waitFor(() => seen.size === expected, receiverRecoveryBoundMs, what).catch(async (error: Error) => {
        const gone = missing(expected);
        throw new Error(`${error.message}; missing ${gone.length} (${gone.slice(0, 10).join(",")}…); broker ${JSON.stringify(await control().stats())}; errors ${errors.join(",")}`);
      });
      recoveryMs.push(Date.now() - started);
    }
    const slow = recoveryMs.filter((ms) => ms > 5_000).length;
    console.log(`receiver recovery, ${ROUNDS} rounds (seed ${SEED}): max ${Math.max(...recoveryMs)} ms, ${slow} over 5 s, ${recoveryMs.filter((ms) => ms > 15_000).length} over 15 s`);
    expect(missing(sent)).toEqual([]);
    // Retryable faults recover inside the SDK's retries: nothing reaches processError.
    expect(errors).toEqual([]);
  });
});
