// A broker-side sender serving one SDK receiver: delivers a partition's stored bytes from
// a cursor, only while the link has credit, and follows new events as they arrive.
import type { Sender } from "rhea";
import type { AmqpErrorSpec, FaultState } from "./faults.ts";
import type { PartitionLog } from "./partition-log.ts";
import { runtimeMetricSection, withSection } from "./stored-event.ts";

export interface ConsumerLinkOptions {
  readonly hub: string;
  readonly consumerGroup: string;
  readonly log: PartitionLog;
  readonly startSequenceNumber: number;
  readonly epoch: number | undefined;
  readonly runtimeMetric: boolean;
  readonly faults: FaultState;
}

export class ConsumerLink {
  readonly sender: Sender;
  readonly hub: string;
  readonly consumerGroup: string;
  readonly log: PartitionLog;
  readonly epoch: number | undefined;
  readonly #runtimeMetric: boolean;
  readonly #faults: FaultState;
  #next: number;
  #closed = false;
  readonly #unsubscribe: Array<() => void> = [];
  readonly #onClosed = new Set<(link: ConsumerLink) => void>();

  constructor(sender: Sender, options: ConsumerLinkOptions) {
    this.sender = sender;
    this.hub = options.hub;
    this.consumerGroup = options.consumerGroup;
    this.log = options.log;
    this.epoch = options.epoch;
    this.#runtimeMetric = options.runtimeMetric;
    this.#faults = options.faults;
    this.#next = options.startSequenceNumber;
    const pump = () => this.pump();
    this.#unsubscribe.push(this.log.subscribe(pump), this.#faults.onResume(pump));
    sender.on("sendable", pump);
  }

  get partitionId(): string {
    return this.log.id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  onClosed(listener: (link: ConsumerLink) => void): void {
    this.#onClosed.add(listener);
  }

  /** Sends as many stored events as the consumer's credit allows. */
  pump(): void {
    if (this.#closed || this.#faults.isPaused(this.hub, this.log.id)) return;
    const log = this.log;
    const sender = this.sender;
    // One runtime-metric section per burst: every event sent now reports the same last-enqueued event.
    let section: Buffer | undefined;
    while (this.#next < log.nextSequenceNumber && sender.sendable()) {
      const event = log.at(this.#next);
      if (event === undefined) {
        // Evicted by the retention bound: continue from the oldest retained event.
        this.#next = log.firstSequenceNumber;
        continue;
      }
      const last = log.lastEvent ?? event;
      if (this.#runtimeMetric) section ??= runtimeMetricSection(last, Date.now());
      sender.send(section === undefined ? event.bytes : withSection(event, section), undefined, 0);
      this.#next++;
    }
  }

  /** Detaches the SDK's receiver with an error (ownership stolen, injected faults). */
  detach(error: AmqpErrorSpec): void {
    if (this.#closed) return;
    this.sender.close({ condition: error.condition, description: error.description ?? error.condition });
    this.release();
  }

  /** Forgets the link without sending anything (it was closed by the client or the connection died). */
  release(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const stop of this.#unsubscribe) stop();
    this.sender.removeAllListeners("sendable");
    for (const listener of this.#onClosed) listener(this);
  }
}
