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
import { type Pipeline, type ReceivedEvent, withDeadline } from "../../pipeline/pipeline.ts";
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
          logger.info({ partition: context.partitionId }, "partition claimed");
        },
        processEvents: async (events: ReceivedEventData[], context: PartitionContext) => {
          this.#lastBatchAt = Date.now();
          const received = events.map((event) => toReceivedEvent(context.partitionId, event));
          await pipeline.handle(context.partitionId, received, context.lastEnqueuedEventProperties?.sequenceNumber);
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
          await pipeline.close(context.partitionId, why, this.#stopDeadline ?? Date.now() + this.#o.closeGraceMs);
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

  /** Readiness: subscribed, and no consumer error newer than the last batch. */
  health(): { ok: boolean; detail?: string } {
    if (this.#subscription === undefined || !this.#subscription.isRunning) return { ok: false, detail: "not subscribed" };
    if (this.#lastErrorAt > this.#lastBatchAt) return { ok: false, detail: `consumer error: ${this.#lastError}` };
    return { ok: true };
  }

  /** Stops receiving: every owned partition is flushed and checkpointed (processClose), ownership released. */
  async stop(deadline: number): Promise<void> {
    this.#stopDeadline = deadline;
    if (this.#subscription !== undefined) await withDeadline(this.#subscription.close(), deadline);
    await withDeadline(this.#o.clients.consumer.close(), deadline);
  }
}
