// One partition's in-memory log: sequence numbers from 0, offsets as cumulative stored
// bytes, enqueued times, and a retention bound (events and bytes) so long runs stay flat.
import { type StoredEvent, stampEvent } from "./stored-event.ts";

export interface RetentionBound {
  readonly maxEvents: number;
  readonly maxBytes: number;
}

export interface PartitionInfo {
  readonly beginSequenceNumber: number;
  readonly lastEnqueuedSequenceNumber: number;
  readonly lastEnqueuedOffset: string;
  readonly lastEnqueuedTimeUtcMs: number;
  readonly isEmpty: boolean;
  readonly retainedEvents: number;
  readonly retainedBytes: number;
}

export class PartitionLog {
  readonly id: string;
  readonly #retention: RetentionBound;
  #events: StoredEvent[] = [];
  #head = 0;
  #bytes = 0;
  #nextSequenceNumber = 0;
  #nextOffset = 0;
  #last: StoredEvent | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(id: string, retention: RetentionBound) {
    this.id = id;
    this.#retention = retention;
  }

  /** Stores the events of one transfer and wakes the live receivers once. */
  append(events: readonly Buffer[], partitionKey: string | undefined): void {
    // Enqueued times never go backwards within a partition, even if the clock does.
    const now = Math.max(Date.now(), this.#last?.enqueuedTimeMs ?? 0);
    for (const event of events) {
      const stored = stampEvent(event, {
        sequenceNumber: this.#nextSequenceNumber++,
        offset: this.#nextOffset,
        enqueuedTimeMs: now,
        partitionKey,
      });
      this.#nextOffset += stored.bytes.length;
      this.#events.push(stored);
      this.#bytes += stored.bytes.length;
      this.#last = stored;
    }
    this.#evict();
    for (const wake of this.#listeners) wake();
  }

  get nextSequenceNumber(): number {
    return this.#nextSequenceNumber;
  }

  get firstSequenceNumber(): number {
    return this.#events[this.#head]?.sequenceNumber ?? this.#nextSequenceNumber;
  }

  get lastEvent(): StoredEvent | undefined {
    return this.#last;
  }

  /** The retained event with this sequence number, or undefined if evicted or not yet stored. */
  at(sequenceNumber: number): StoredEvent | undefined {
    const first = this.firstSequenceNumber;
    if (sequenceNumber < first) return undefined;
    return this.#events[this.#head + (sequenceNumber - first)];
  }

  /** First retained sequence number whose offset (or time) is above (or at) the bound. */
  firstAfterOffset(offset: number, inclusive: boolean): number {
    return this.#search((e) => (inclusive ? e.offset >= offset : e.offset > offset));
  }

  firstAfterTime(timeMs: number): number {
    return this.#search((e) => e.enqueuedTimeMs > timeMs);
  }

  #search(matches: (e: StoredEvent) => boolean): number {
    let lo = this.#head;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (matches(this.#events[mid] as StoredEvent)) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.#events.length ? (this.#events[lo] as StoredEvent).sequenceNumber : this.#nextSequenceNumber;
  }

  subscribe(wake: () => void): () => void {
    this.#listeners.add(wake);
    return () => this.#listeners.delete(wake);
  }

  info(): PartitionInfo {
    const last = this.#last;
    const retained = this.#events.length - this.#head;
    return {
      beginSequenceNumber: this.firstSequenceNumber,
      lastEnqueuedSequenceNumber: last?.sequenceNumber ?? -1,
      lastEnqueuedOffset: last === undefined ? "-1" : String(last.offset),
      lastEnqueuedTimeUtcMs: last?.enqueuedTimeMs ?? 0,
      isEmpty: retained === 0,
      retainedEvents: retained,
      retainedBytes: this.#bytes,
    };
  }

  /** Forgets every event and restarts numbering (tests' "reset partition"). */
  clear(): void {
    this.#events = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#nextSequenceNumber = 0;
    this.#nextOffset = 0;
    this.#last = undefined;
  }

  #evict(): void {
    const { maxEvents, maxBytes } = this.#retention;
    while (this.#events.length - this.#head > maxEvents || (this.#bytes > maxBytes && this.#events.length - this.#head > 1)) {
      const gone = this.#events[this.#head] as StoredEvent;
      this.#events[this.#head] = undefined as unknown as StoredEvent;
      this.#head++;
      this.#bytes -= gone.bytes.length;
    }
    // Compact the array now and then so evicted slots do not accumulate.
    if (this.#head > 4096 && this.#head * 2 > this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
  }
}
