// EventHubSink: enriched records as events on another hub. Per source partition
// one send chain (a send waits for the previous one), partition key = source
// partition id, so a source partition's records stay in order downstream.
// Batches go out when a partition has `maxBatchRecords` waiting or its oldest
// record waited `maxDelayMs`. A write resolves when every batch holding its
// records is settled by the service.
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { SinkError } from "../errors.ts";
import { SinkHealth } from "../health.ts";
import { SinkMetrics } from "../metrics.ts";
import { type WriteOperationContext, runWriteOperation } from "../operation.ts";
import { type BackoffOptions, DEFAULT_BACKOFF } from "../retry.ts";
import type { OutputRecord, Sink } from "../sink.ts";
import { type SourceHub, outgoingEvent } from "./event.ts";
import { type OutgoingEvent, type ProducerClientLike, isTransientHubError } from "./producer.ts";
import { waitUntilDeadline } from "../../deadline.ts";

export interface EventHubSinkOptions {
  readonly producer: ProducerClientLike;
  /** The source hub, for stable message ids. */
  readonly source: SourceHub;
  readonly registry: Registry;
  readonly logger?: Logger;
  /** Send when a partition has this many records waiting. Default 500. */
  readonly maxBatchRecords?: number;
  /** Send a partition's records at the latest this long after the oldest arrived. Default 100 ms. */
  readonly maxDelayMs?: number;
  readonly backoff?: BackoffOptions;
  /** Close the producer on stop (default true; false when the caller shares it). */
  readonly closeProducer?: boolean;
}

interface PendingEvent {
  readonly records: readonly OutputRecord[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  readonly settled: Promise<void>;
}

interface PartitionChain {
  readonly events: PendingEvent[];
  records: number;
  sending: boolean;
  forced: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class EventHubSink implements Sink<OutputRecord> {
  readonly name = "event-hub" as const;
  readonly #options: EventHubSinkOptions;
  readonly #maxBatchRecords: number;
  readonly #maxDelayMs: number;
  readonly #metrics: SinkMetrics;
  readonly #health: SinkHealth;
  readonly #ctx: WriteOperationContext;
  readonly #abort = new AbortController();
  readonly #partitions = new Map<string, PartitionChain>();
  #stopping: Promise<void> | undefined;

  constructor(options: EventHubSinkOptions) {
    this.#options = options;
    this.#maxBatchRecords = options.maxBatchRecords ?? 500;
    this.#maxDelayMs = options.maxDelayMs ?? 100;
    this.#metrics = new SinkMetrics(options.registry, "event_hub");
    this.#health = new SinkHealth(this.#metrics);
    this.#ctx = {
      metrics: this.#metrics,
      health: this.#health,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      isRetryable: isTransientHubError,
      signal: this.#abort.signal,
      logger: options.logger,
    };
  }

  async start(): Promise<void> {}

  healthy(): boolean {
    return this.#health.healthy();
  }

  write(records: readonly OutputRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.#stopping) return Promise.reject(new SinkError("sink_stopped", "write after stop"));
    const partitionId = records[0]!.position.partitionId;
    let chain = this.#partitions.get(partitionId);
    if (chain === undefined) {
      chain = { events: [], records: 0, sending: false, forced: false, timer: undefined };
      this.#partitions.set(partitionId, chain);
    }
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    chain.events.push({ records, resolve, reject, settled });
    chain.records += records.length;
    this.#schedule(partitionId, chain);
    return promise;
  }

  async flush(partitionId?: string): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [id, chain] of this.#partitions) {
      if (partitionId !== undefined && id !== partitionId) continue;
      chain.forced = true;
      for (const event of chain.events) waits.push(event.settled);
      void this.#pump(id, chain);
    }
    await Promise.all(waits);
  }

  stop(deadline: number): Promise<void> {
    this.#stopping ??= this.#stop(deadline);
    return this.#stopping;
  }

  async #stop(deadline: number): Promise<void> {
    await waitUntilDeadline(this.flush(), deadline);
    this.#abort.abort();
    const stopped = new SinkError("sink_stopped", "sink stopped before the send settled");
    for (const chain of this.#partitions.values()) {
      clearTimeout(chain.timer);
      if (!chain.sending) for (const event of chain.events.splice(0)) event.reject(stopped);
    }
    if (this.#options.closeProducer ?? true) {
      await this.#options.producer.close().catch((err: unknown) => {
        this.#options.logger?.warn({ sink: "event_hub", error: (err as Error).name }, "closing the producer failed");
      });
    }
  }

  #schedule(partitionId: string, chain: PartitionChain): void {
    if (chain.records >= this.#maxBatchRecords) {
      void this.#pump(partitionId, chain);
      return;
    }
    if (chain.timer !== undefined) return;
    chain.timer = setTimeout(() => {
      chain.timer = undefined;
      chain.forced = true;
      void this.#pump(partitionId, chain);
    }, this.#maxDelayMs);
    chain.timer.unref();
  }

  /** Sends a partition's waiting events in order, one group at a time. */
  async #pump(partitionId: string, chain: PartitionChain): Promise<void> {
    if (chain.sending || this.#abort.signal.aborted) return;
    chain.sending = true;
    try {
      while (chain.events.length > 0 && (chain.forced || chain.records >= this.#maxBatchRecords)) {
        if (this.#abort.signal.aborted) break;
        const group = this.#takeGroup(chain);
        await this.#sendGroup(partitionId, group);
      }
      chain.forced = false;
    } finally {
      chain.sending = false;
      if (this.#abort.signal.aborted) {
        const stopped = new SinkError("sink_stopped", "sink stopped before the send settled");
        for (const event of chain.events.splice(0)) event.reject(stopped);
      } else if (chain.events.length > 0) {
        this.#schedule(partitionId, chain);
      }
    }
  }

  #takeGroup(chain: PartitionChain): PendingEvent[] {
    let n = 0;
    let records = 0;
    while (n < chain.events.length && (n === 0 || records + chain.events[n]!.records.length <= this.#maxBatchRecords)) {
      records += chain.events[n]!.records.length;
      n++;
    }
    chain.records -= records;
    return chain.events.splice(0, n);
  }

  /**
   * Splits a group into batches that fit (tryAdd decides), sends them in order,
   * each with retries. A record too large for an empty batch fails its event
   * (record_too_large) without holding up the others. An event is acknowledged
   * once the batch holding its last record is sent.
   */
  async #sendGroup(partitionId: string, group: readonly PendingEvent[]): Promise<void> {
    const failed = new Map<PendingEvent, unknown>();
    const sent = new Set<PendingEvent>();
    // The last chunk is the one being filled; an event completes with the chunk open after its last record.
    const chunks: { events: OutgoingEvent[]; completes: PendingEvent[] }[] = [{ events: [], completes: [] }];
    try {
      let batch = await this.#createBatch(partitionId);
      for (const event of group) {
        for (const record of event.records) {
          const outgoing = outgoingEvent(this.#options.source, record);
          let open = chunks[chunks.length - 1]!;
          if (!batch.tryAdd(outgoing) && open.events.length > 0) {
            open = { events: [], completes: [] };
            chunks.push(open);
            batch = await this.#createBatch(partitionId);
            if (!batch.tryAdd(outgoing)) {
              failed.set(event, new SinkError("record_too_large", "record does not fit in an empty event batch"));
              continue;
            }
          } else if (open.events.length === 0 && batch.count === 0) {
            failed.set(event, new SinkError("record_too_large", "record does not fit in an empty event batch"));
            continue;
          }
          open.events.push(outgoing);
        }
        chunks[chunks.length - 1]!.completes.push(event);
      }
      for (const chunk of chunks) {
        if (chunk.events.length > 0) await this.#sendChunk(partitionId, chunk.events);
        for (const event of chunk.completes) sent.add(event);
      }
    } catch (err) {
      for (const event of group) if (!failed.has(event) && !sent.has(event)) failed.set(event, err);
    }
    const now = Date.now();
    for (const event of group) {
      const err = failed.get(event);
      if (err === undefined) {
        this.#metrics.acknowledged(event.records[0]!.position.enqueuedTimeUtc, now);
        event.resolve();
      } else {
        event.reject(err);
      }
    }
  }

  #createBatch(partitionId: string) {
    return runWriteOperation(
      this.#ctx,
      "create_batch",
      () => this.#options.producer.createBatch({ partitionKey: partitionId, abortSignal: this.#ctx.signal }),
      false,
    );
  }

  /** One batch, rebuilt on every attempt (a failed batch is not reused). */
  async #sendChunk(partitionId: string, chunk: readonly OutgoingEvent[]): Promise<void> {
    await runWriteOperation(this.#ctx, "send_batch", async () => {
      const batch = await this.#options.producer.createBatch({ partitionKey: partitionId, abortSignal: this.#ctx.signal });
      for (const event of chunk) {
        if (!batch.tryAdd(event)) throw new SinkError("record_too_large", "batch limit shrank between attempts");
      }
      await this.#options.producer.sendBatch(batch, { abortSignal: this.#ctx.signal });
    });
  }
}
