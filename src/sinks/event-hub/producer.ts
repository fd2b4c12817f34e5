// The producer calls the hub sinks make, as a narrow interface: the real
// EventHubProducerClient satisfies it, unit tests pass a fake.
import { networkCodeOf } from "../errors.ts";

export interface OutgoingEvent {
  body: Uint8Array;
  messageId: string;
  contentType?: string;
  properties?: Record<string, string | boolean>;
}

export interface EventDataBatchLike {
  readonly count: number;
  tryAdd(event: OutgoingEvent): boolean;
}

export interface ProducerClientLike {
  createBatch(options: { partitionKey: string; abortSignal?: AbortSignal }): Promise<EventDataBatchLike>;
  sendBatch(batch: EventDataBatchLike, options?: { abortSignal?: AbortSignal }): Promise<void>;
  close(): Promise<void>;
}

/**
 * The SDK marks its MessagingErrors `retryable` (server busy, timeouts, link
 * detached, connection lost); entity-not-found, unauthorized and size errors
 * are marked not retryable. Some connection failures surface unwrapped (rhea's
 * "Failed to connect" when the peer closes during open): anything that is not
 * marked permanent and is not a programming error is retried, because giving
 * up on a send means rejecting records, while retrying shows as unhealthy.
 */
export function isTransientHubError(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const retryable = (err as { retryable?: unknown }).retryable;
  if (typeof retryable === "boolean") return retryable;
  if (networkCodeOf(err) !== undefined) return true;
  return !(err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError);
}
