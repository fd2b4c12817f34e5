// Fills hub partitions through the real EventHubProducerClient: one batch
// stream per partition, all partitions in parallel, batches packed up to the
// broker's advertised 1 MiB. Returns what each partition now holds, so a run
// knows the last sequence number the worker must reach.
import { EventHubProducerClient } from "@azure/event-hubs";
import { addToTotals, emptyTotals, type GeneratedEvent, type StreamTotals } from "./stream.ts";

export interface PartitionLoad {
  readonly partitionId: string;
  readonly totals: StreamTotals;
  /** Sequence number of the last event sent to the partition (-1 when none). */
  readonly lastSequenceNumber: number;
  readonly recordIds: string[];
}

export interface PreloadResult {
  readonly partitions: readonly PartitionLoad[];
  readonly totals: StreamTotals;
  readonly seconds: number;
}

/** Anything that yields bodies to send; event i goes to partition i % partitions. */
export type EventSource<T extends { readonly body: Buffer }> = Iterable<T>;

function isGenerated(event: { readonly body: Buffer }): event is GeneratedEvent {
  return typeof (event as Partial<GeneratedEvent>).records === "number" && Array.isArray((event as Partial<GeneratedEvent>).recordIds);
}

export interface PreloadOptions<T extends { readonly body: Buffer }> {
  readonly connectionString: string;
  readonly hub: string;
  readonly partitionIds: readonly string[];
  /** Keep record ids per partition (for exactly-once checks). */
  readonly keepIds?: boolean;
  /** Called with each event as it is assigned to a partition (e.g. fuzz bookkeeping). */
  readonly onAssign?: (event: T, partitionId: string, sequenceNumber: number) => void;
}

async function sendPartition(producer: EventHubProducerClient, partitionId: string, bodies: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
  let batch = await producer.createBatch({ partitionId });
  for await (const body of bodies) {
    if (batch.tryAdd({ body })) continue;
    if (batch.count === 0) throw new Error(`event of ${body.length} bytes does not fit an empty batch`);
    await producer.sendBatch(batch);
    batch = await producer.createBatch({ partitionId });
    if (!batch.tryAdd({ body })) throw new Error(`event of ${body.length} bytes does not fit an empty batch`);
  }
  if (batch.count > 0) await producer.sendBatch(batch);
}

/** A tiny single-producer/single-consumer queue so generation and sending overlap. */
class BodyQueue implements AsyncIterable<Buffer> {
  readonly #items: Buffer[] = [];
  #waiter: (() => void) | undefined;
  #closed = false;
  #bytes = 0;
  #drained: (() => void) | undefined;

  get bytes(): number {
    return this.#bytes;
  }

  push(body: Buffer): void {
    this.#items.push(body);
    this.#bytes += body.length;
    this.#waiter?.();
  }

  close(): void {
    this.#closed = true;
    this.#waiter?.();
  }

  /** Resolves when the queue holds less than `bytes`. */
  async below(bytes: number): Promise<void> {
    while (this.#bytes >= bytes) await new Promise<void>((resolve) => (this.#drained = resolve));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        this.#bytes -= item.length;
        this.#drained?.();
        yield item;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => (this.#waiter = resolve));
      this.#waiter = undefined;
    }
  }
}

export async function preload<T extends { readonly body: Buffer }>(events: EventSource<T>, options: PreloadOptions<T>): Promise<PreloadResult> {
  const started = performance.now();
  const producer = new EventHubProducerClient(options.connectionString, options.hub, { retryOptions: { retryDelayInMs: 200, maxRetries: 5 } });
  try {
    const properties = await Promise.all(options.partitionIds.map((id) => producer.getPartitionProperties(id)));
    const nextSequence = properties.map((p) => (p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber + 1));
    const queues = options.partitionIds.map(() => new BodyQueue());
    const loads = options.partitionIds.map((partitionId) => ({ partitionId, totals: emptyTotals(), lastSequenceNumber: -1, recordIds: [] as string[] }));
    const senders = options.partitionIds.map((id, i) => sendPartition(producer, id, queues[i] as BodyQueue));
    const failed = Promise.all(senders).then(() => undefined);
    failed.catch(() => {});
    let i = 0;
    for (const event of events) {
      const p = i % options.partitionIds.length;
      const load = loads[p]!;
      const sequenceNumber = nextSequence[p]!++;
      load.lastSequenceNumber = sequenceNumber;
      if (isGenerated(event)) {
        addToTotals(load.totals, event);
        if (options.keepIds) for (const id of event.recordIds) load.recordIds.push(id);
      } else {
        load.totals.events++;
        load.totals.bytes += event.body.length;
      }
      options.onAssign?.(event, options.partitionIds[p]!, sequenceNumber);
      const queue = queues[p]!;
      queue.push(event.body);
      // Bound memory: wait for the sender when a partition has 16 MB queued.
      if (queue.bytes > 16 * 1024 * 1024) await Promise.race([queue.below(8 * 1024 * 1024), failed]);
      i++;
    }
    for (const queue of queues) queue.close();
    await Promise.all(senders);
    const totals = emptyTotals();
    for (const load of loads) for (const key of Object.keys(totals) as (keyof StreamTotals)[]) totals[key] += load.totals[key];
    return { partitions: loads, totals, seconds: (performance.now() - started) / 1000 };
  } finally {
    await producer.close();
  }
}

/** Fails when a partition's last sequence number is not what the preload predicted (a lost or repeated send). */
export async function verifyPreload(connectionString: string, hub: string, result: PreloadResult): Promise<void> {
  const producer = new EventHubProducerClient(connectionString, hub);
  try {
    for (const load of result.partitions) {
      const properties = await producer.getPartitionProperties(load.partitionId);
      if (properties.lastEnqueuedSequenceNumber !== load.lastSequenceNumber) {
        throw new Error(`partition ${load.partitionId}: broker holds up to ${properties.lastEnqueuedSequenceNumber}, preload expected ${load.lastSequenceNumber}`);
      }
    }
  } finally {
    await producer.close();
  }
}
