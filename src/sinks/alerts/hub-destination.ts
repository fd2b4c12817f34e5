// Alerts as events on an Event Hub: JSON body, messageId = alert id (stable, so
// downstream can drop a re-delivery), kind in the application properties.
import type { EventDataBatchLike, ProducerClientLike } from "../event-hub/producer.ts";
import { isTransientHubError } from "../event-hub/producer.ts";
import { SinkError } from "../errors.ts";
import type { Alert } from "./alert.ts";
import type { AlertDestination } from "./destination.ts";

/** Alerts share one partition key: they are few, and one key keeps them in order. */
const PARTITION_KEY = "audit-enricher-alerts";

export class EventHubAlertDestination implements AlertDestination {
  readonly kind = "event_hub" as const;
  readonly #producer: ProducerClientLike;

  constructor(producer: ProducerClientLike) {
    this.#producer = producer;
  }

  async deliver(alerts: readonly Alert[], signal: AbortSignal): Promise<void> {
    let batch: EventDataBatchLike = await this.#producer.createBatch({ partitionKey: PARTITION_KEY, abortSignal: signal });
    for (const alert of alerts) {
      const event = {
        body: Buffer.from(JSON.stringify(alert)),
        messageId: alert.id,
        contentType: "application/json",
        properties: { kind: alert.kind },
      };
      if (batch.tryAdd(event)) continue;
      if (batch.count === 0) throw new SinkError("record_too_large", "alert does not fit in an empty event batch");
      await this.#producer.sendBatch(batch, { abortSignal: signal });
      batch = await this.#producer.createBatch({ partitionKey: PARTITION_KEY, abortSignal: signal });
      if (!batch.tryAdd(event)) throw new SinkError("record_too_large", "alert does not fit in an empty event batch");
    }
    if (batch.count > 0) await this.#producer.sendBatch(batch, { abortSignal: signal });
  }

  isRetryable(err: unknown): boolean {
    return isTransientHubError(err);
  }

  close(): Promise<void> {
    return this.#producer.close();
  }
}
