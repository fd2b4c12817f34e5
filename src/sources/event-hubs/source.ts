// The Event Hubs source: one EventHubConsumerClient subscription with a
// BlobCheckpointStore, so replicas share the consumer group and balance
// partitions. Raw bytes go to the pipeline (skipParsingBodyAsJson); the SDK
// awaits processEvents before pulling the next batch, which is where the
// pipeline applies backpressure.
import { CloseReason, type PartitionContext, type ReceivedEventData, type Subscription, earliestEventPosition, latestEventPosition } from "@azure/event-hubs";
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import type { WorkerConfig } from "../../config/types.ts";
import type { PipelineMetrics } from "../../pipeline/metrics.ts";
import { withDeadline } from "../../deadline.ts";
import type { Pipeline, ReceivedEvent } from "../../pipeline/pipeline.ts";
import type { SourceClients } from "./clients.ts";

export interface EventHubSourceOptions {
  readonly clients: SourceClients;
  readonly config: WorkerConfig["source"];
  readonly pipeline: Pipeline;
  readonly metrics: PipelineMetrics;
  readonly registry: Registry;
  readonly logger: Logger;
  /** How long a partition close may take when not part of a graceful stop. */
  readonly closeGraceMs: number;
}

const encoder = new TextEncoder();

/** The bytes of a message body; non-binary AMQP bodies are serialized so decode still sees them. */
export function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return encoder.encode(body);
  if (body === undefined || body === null) return new Uint8Array(0);
  return encoder.encode(JSON.stringify(body));
}

export function toReceivedEvent(partitionId: string, event: ReceivedEventData): ReceivedEvent {
  return {
    body: bodyBytes(event.body),
    position: { partitionId, sequenceNumber: event.sequenceNumber, offset: String(event.offset), enqueuedTimeUtc: event.enqueuedTimeUtc },
  };
}

export class EventHubSource {
  readonly #o: EventHubSourceOptions;
  readonly #errors: Counter<"retryable">;
  #subscription: Subscription | undefined;
  #stopDeadline: number | undefined;
  #lastErrorAt = 0;
  #lastBatchAt = 0;
  #lastError: string | undefined;
  /** Per owned partition: when the SDK last called processEvents (it does, with [] when idle, every maxWait). */
  readonly #lastCall = new Map<string, number>();
  readonly #busy = new Set<string>();
  /** Per partition: the batch handed to the pipeline for the next turn (see processEvents). */
  readonly #dispatching = new Map<string, Promise<void>>();

  constructor(options: EventHubSourceOptions) {
    this.#o = options;
    this.#errors = new Counter({ name: "audit_enricher_source_errors_total", help: "Errors reported by the Event Hubs consumer.", labelNames: ["retryable"], registers: [options.registry] });
  }

  async start(): Promise<void> {
    const { consumer } = this.#o.clients;
    const { pipeline, logger, config } = this.#o;
    this.#o.metrics.knowPartitions(await consumer.getPartitionIds());
    this.#subscription = consumer.subscribe(
      {
        processInitialize: async (context: PartitionContext) => {
          pipeline.open(context.partitionId);
          this.#lastCall.set(context.partitionId, Date.now());
          logger.info({ partition: context.partitionId }, "partition claimed");
        },
        processEvents: async (events: ReceivedEventData[], context: PartitionContext) => {
          const { partitionId } = context;
          this.#lastBatchAt = Date.now();
          this.#busy.add(partitionId);
          try {
            // At most one batch waits for its turn: the one before this must be dispatched first (order).
            await this.#dispatching.get(partitionId);
            const received = events.map((event) => toReceivedEvent(partitionId, event));
            const lastEnqueued = context.lastEnqueuedEventProperties?.sequenceNumber;
            // Hand the batch over on the next turn and return now: the SDK's next receive (which, short
            // of a full batch, waits 20 ms after the first event) then overlaps this batch's processing
            // instead of leaving the thread idle after it.
            const dispatched = new Promise<void>((resolve) => {
              setImmediate(() => {
                try {
                  pipeline.accept(partitionId, received, lastEnqueued);
                } catch (error) {
                  logger.error({ partition: partitionId, err: error }, "pipeline.accept threw (a defect; events it could not dispatch stall their partition)");
                } finally {
                  resolve();
                }
              });
            });
            this.#dispatching.set(partitionId, dispatched);
            await pipeline.room(partitionId);
          } finally {
            this.#busy.delete(partitionId);
            this.#lastCall.set(partitionId, Date.now());
          }
        },
        processError: async (error: Error, context: PartitionContext) => {
          const retryable = (error as { retryable?: unknown }).retryable === true;
          this.#errors.inc({ retryable: String(retryable) });
          this.#lastErrorAt = Date.now();
          this.#lastError = (error as { code?: string }).code ?? error.name;
          logger.warn({ partition: context.partitionId || undefined, err: error, retryable }, "event hubs consumer error");
        },
        processClose: async (reason: CloseReason, context: PartitionContext) => {
          const why = reason === CloseReason.OwnershipLost ? "ownership_lost" : "shutdown";
          // Shutdown outside a stop: the SDK closed this pump after a non-retryable receive error, but keeps the
          // ownership, which nobody renews or re-claims until it expires. Abandon it once flushed and checkpointed.
          const lostPump = why === "shutdown" && this.#stopDeadline === undefined;
          if (lostPump) logger.warn({ partition: context.partitionId }, "partition receiver closed while the worker is running; checkpointing and abandoning its ownership so it is claimed again");
          this.#lastCall.delete(context.partitionId);
          // Batches already handed over are dispatched before the partition flushes and closes (one may be
          // queued behind another); anything later is ignored by the closing pipeline and replayed.
          for (let handed = this.#dispatching.get(context.partitionId); handed !== undefined; ) {
            await handed;
            const next = this.#dispatching.get(context.partitionId);
            handed = next === handed ? undefined : next;
          }
          this.#dispatching.delete(context.partitionId);
          await pipeline.close(context.partitionId, why, this.#stopDeadline ?? Date.now() + this.#o.closeGraceMs);
          if (lostPump) await this.#abandon(context);
        },
      },
      {
        skipParsingBodyAsJson: true,
        trackLastEnqueuedEventProperties: true,
        startPosition: config.startPosition === "earliest" ? earliestEventPosition : latestEventPosition,
        maxBatchSize: config.maxBatchSize,
        maxWaitTimeInSeconds: config.maxWaitTimeInSeconds,
        prefetchCount: config.prefetchCount,
      },
    );
  }

  /** Releases our ownership of the partition (ownerId ""), so the next load-balancing round, here or elsewhere, claims it. */
  async #abandon(context: PartitionContext): Promise<void> {
    const { consumer, checkpointStore } = this.#o.clients;
    const { partitionId } = context;
    try {
      const owned = (await checkpointStore.listOwnership(context.fullyQualifiedNamespace, context.eventHubName, context.consumerGroup)).find(
        (o) => o.partitionId === partitionId && o.ownerId === consumer.identifier,
      );
      if (owned === undefined) return; // already taken over or expired
      const claimed = await checkpointStore.claimOwnership([{ ...owned, ownerId: "" }]);
      this.#o.logger.info({ partition: partitionId, abandoned: claimed.length === 1 }, claimed.length === 1 ? "partition ownership abandoned" : "partition ownership changed meanwhile; nothing to abandon");
    } catch (error) {
      this.#o.logger.warn({ partition: partitionId, err: error }, "could not abandon partition ownership; it is claimed again when it expires");
    }
  }

  /** Owned partitions whose SDK receiver has not called back for longer than `limitMs` (backpressure excluded). */
  #silent(limitMs: number): string[] {
    const now = Date.now();
    return [...this.#lastCall].filter(([id, at]) => !this.#busy.has(id) && now - at > limitMs).map(([id]) => id);
  }

  /**
   * Liveness: a receiver silent for 10 × max wait (at least 2 min) is wedged; the SDK
   * offers no way to restart one pump, so a restart of the process (which resumes
   * from the checkpoint, duplicates removed by the sinks) is the remedy.
   */
  liveness(): { ok: boolean; detail?: string } {
    const limitMs = Math.max(120_000, 10 * this.#o.config.maxWaitTimeInSeconds * 1000);
    const silent = this.#silent(limitMs);
    return silent.length === 0 ? { ok: true } : { ok: false, detail: `receiver wedged: no callback for over ${limitMs / 1000} s on partition(s) ${silent.join(",")}` };
  }

  /**
   * Readiness: subscribed, no consumer error newer than the last batch, and no owned
   * partition silent: the SDK calls processEvents at least every maxWait seconds even
   * when idle, so a long silence (outside backpressure) means a receiver is stuck.
   */
  health(): { ok: boolean; detail?: string } {
    if (this.#subscription === undefined || !this.#subscription.isRunning) return { ok: false, detail: "not subscribed" };
    if (this.#lastErrorAt > this.#lastBatchAt) return { ok: false, detail: `consumer error: ${this.#lastError}` };
    const limitMs = Math.max(30_000, 3 * this.#o.config.maxWaitTimeInSeconds * 1000);
    const silent = this.#silent(limitMs);
    if (silent.length > 0) return { ok: false, detail: `no receive callback for over ${limitMs / 1000} s on partition(s) ${silent.join(",")}` };
    return { ok: true };
  }

  /** Stops receiving: every owned partition is flushed and checkpointed (processClose), ownership released. */
  async stop(deadline: number): Promise<void> {
    this.#stopDeadline = deadline;
    if (this.#subscription !== undefined) await withDeadline(this.#subscription.close(), deadline);
    await withDeadline(this.#o.clients.consumer.close(), deadline);
  }
}
