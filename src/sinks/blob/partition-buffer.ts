// One partition's not-yet-committed events and the rules that cut them into
// objects. Pure bookkeeping (no I/O) so the cut rules are unit-tested directly.
import type { OutputRecord } from "../sink.ts";
import { hourOf } from "./naming.ts";

export interface PendingEvent {
  readonly records: readonly OutputRecord[];
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly offset: string;
  readonly enqueuedTimeUtc: Date;
  readonly hour: number;
  /** Uncompressed NDJSON bytes, newlines included. */
  readonly bytes: number;
  /** Look up existing objects before writing from this event (first event after start, rewind or handover). */
  probe: boolean;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  /** The write's promise (flush() waits for it to settle). */
  readonly promise: Promise<void>;
}

export function pendingEvent(records: readonly OutputRecord[]): { event: PendingEvent; promise: Promise<void> } {
  const first = records[0]!.position;
  let bytes = 0;
  for (const record of records) bytes += record.line.length + 1;
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const event: PendingEvent = {
    records,
    partitionId: first.partitionId,
    sequenceNumber: first.sequenceNumber,
    offset: first.offset,
    enqueuedTimeUtc: first.enqueuedTimeUtc,
    hour: hourOf(first.enqueuedTimeUtc),
    bytes,
    probe: false,
    resolve,
    reject,
    promise,
  };
  return { event, promise };
}

export interface CutLimits {
  readonly maxObjectBytes: number;
  readonly maxObjectRecords: number;
}

export class PartitionBuffer {
  readonly partitionId: string;
  readonly events: PendingEvent[] = [];
  bytes = 0;
  /** Highest sequence number known to be in some committed object (ours or an earlier run's). */
  committedThrough = -1;
  /** First sequence number of an existing object found by a probe: our objects must end before it. */
  fence = Number.POSITIVE_INFINITY;
  /** Events up to this sequence number are written now, whatever their size or age. */
  forceThrough = -1;
  lastAccepted = -1;
  /** The next accepted event must probe (start, handover). */
  probeNext = true;
  pumping = false;
  timer: NodeJS.Timeout | undefined;
  #records = 0;
  /** Some buffered event starts a new object (hour change, probe): an object is due. */
  #cutPending = false;

  constructor(partitionId: string) {
    this.partitionId = partitionId;
  }

  accept(event: PendingEvent): void {
    // A sequence number that does not increase means the partition was replayed
    // from a checkpoint (re-claimed): look up what is already written again.
    if (this.probeNext || event.sequenceNumber <= this.lastAccepted) event.probe = true;
    this.probeNext = false;
    const last = this.events[this.events.length - 1];
    if (last !== undefined && (event.probe || event.hour !== last.hour)) this.#cutPending = true;
    this.lastAccepted = event.sequenceNumber;
    this.events.push(event);
    this.bytes += event.bytes;
    this.#records += event.records.length;
  }

  /** Removes the first `count` events (written, skipped or failed) and returns them. */
  take(count: number): PendingEvent[] {
    if (count === 0) return [];
    const taken = this.events.splice(0, count);
    for (const event of taken) {
      this.bytes -= event.bytes;
      this.#records -= event.records.length;
    }
    this.#cutPending = false;
    for (let i = 1; i < this.events.length && !this.#cutPending; i++) {
      const event = this.events[i]!;
      this.#cutPending = event.probe || event.hour !== this.events[i - 1]!.hour;
    }
    return taken;
  }

  /**
   * Cheap test (no scan) whether nextObject() can return anything: keeps a
   * write-per-event workload linear while a large object fills up.
   */
  mayBeDue(limits: CutLimits): boolean {
    const head = this.events[0];
    if (head === undefined) return false;
    return (
      this.#cutPending ||
      head.probe ||
      head.sequenceNumber <= this.committedThrough ||
      head.sequenceNumber <= this.forceThrough ||
      this.lastAccepted >= this.fence ||
      this.bytes >= limits.maxObjectBytes ||
      this.#records >= limits.maxObjectRecords
    );
  }

  /** Leading events that an existing object already holds: acknowledge without writing. */
  takeCommitted(): PendingEvent[] {
    let n = 0;
    while (n < this.events.length && this.events[n]!.sequenceNumber <= this.committedThrough && !this.events[n]!.probe) n++;
    return this.take(n);
  }

  /**
   * How many leading events form the next object, or 0 when it is not due yet.
   * An object is one hour, strictly increasing sequence numbers, within the
   * limits (always at least one event) and ends before the fence or a probe.
   * It is due when something cut it, it is full, or it is forced.
   */
  nextObject(limits: CutLimits): number {
    const head = this.events[0];
    if (head === undefined) return 0;
    if (head.sequenceNumber >= this.fence) this.fence = Number.POSITIVE_INFINITY;
    let bytes = head.bytes;
    let records = head.records.length;
    let n = 1;
    for (; n < this.events.length; n++) {
      const next = this.events[n]!;
      const prev = this.events[n - 1]!;
      if (next.probe || next.hour !== head.hour || next.sequenceNumber <= prev.sequenceNumber) break;
      if (next.sequenceNumber >= this.fence) break;
      if (bytes + next.bytes > limits.maxObjectBytes || records + next.records.length > limits.maxObjectRecords) break;
      bytes += next.bytes;
      records += next.records.length;
    }
    const cut = n < this.events.length;
    const full = bytes >= limits.maxObjectBytes || records >= limits.maxObjectRecords;
    const forced = head.sequenceNumber <= this.forceThrough || this.events[n - 1]!.sequenceNumber <= this.forceThrough;
    return cut || full || forced ? n : 0;
  }
}
