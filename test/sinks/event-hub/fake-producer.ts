// A producer behind ProducerClientLike: batches limited by event count or body
// bytes, sends recorded in order, with transient and permanent failure switches.
import type { EventDataBatchLike, OutgoingEvent, ProducerClientLike } from "../../../src/sinks/event-hub/producer.ts";

export class FakeProducer implements ProducerClientLike {
  readonly sent: { partitionKey: string; events: OutgoingEvent[] }[] = [];
  maxBatchBytes = 1_000_000;
  /** Fail this many sends with a retryable error first. */
  transientFailures = 0;
  permanentFailure: Error | undefined;
  closed = false;

  async createBatch(options: { partitionKey: string }): Promise<EventDataBatchLike> {
    const events: OutgoingEvent[] = [];
    let bytes = 0;
    const max = this.maxBatchBytes;
    return Object.assign(
      {
        get count() {
          return events.length;
        },
        tryAdd(event: OutgoingEvent) {
          if (bytes + event.body.length > max) return false;
          bytes += event.body.length;
          events.push(event);
          return true;
        },
      },
      { partitionKey: options.partitionKey, events },
    );
  }

  async sendBatch(batch: EventDataBatchLike): Promise<void> {
    const { partitionKey, events } = batch as EventDataBatchLike & { partitionKey: string; events: OutgoingEvent[] };
    await new Promise((r) => setImmediate(r));
    if (this.permanentFailure) throw this.permanentFailure;
    if (this.transientFailures > 0) {
      this.transientFailures--;
      throw Object.assign(new Error("server busy"), { name: "MessagingError", retryable: true });
    }
    this.sent.push({ partitionKey, events: [...events] });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
