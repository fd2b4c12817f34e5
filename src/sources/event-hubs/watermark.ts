// Per-partition acknowledgement watermark (delivery.md rule 1): events are
// registered in receive order, acknowledged in any order, and only the highest
// CONTIGUOUS acknowledged event may ever be checkpointed.

export interface EventPosition {
  readonly sequenceNumber: number;
  readonly offset: string;
}

interface Pending extends EventPosition {
  readonly records: number;
  acked: boolean;
}

export interface Ticket {
  readonly sequenceNumber: number;
}

export class PartitionWatermark {
  readonly partitionId: string;
  #queue: Pending[] = [];
  #head = 0;
  #byTicket = new Map<number, Pending>();
  #lastReceived: number | undefined;
  #contiguous: EventPosition | undefined;
  #recordsSinceCheckpoint = 0;

  constructor(partitionId: string) {
    this.partitionId = partitionId;
  }

  /** Registers a received event; events must arrive in increasing sequence order. */
  received(position: EventPosition, records: number): Ticket {
    if (this.#lastReceived !== undefined && position.sequenceNumber <= this.#lastReceived) {
      throw new Error(`partition ${this.partitionId}: event ${position.sequenceNumber} received after ${this.#lastReceived}`);
    }
    const pending: Pending = { sequenceNumber: position.sequenceNumber, offset: position.offset, records, acked: false };
    this.#queue.push(pending);
    this.#byTicket.set(position.sequenceNumber, pending);
    this.#lastReceived = position.sequenceNumber;
    return { sequenceNumber: position.sequenceNumber };
  }

  /** Marks an event acknowledged by every sink it was routed to; returns true when the watermark moved. */
  acknowledged(ticket: Ticket): boolean {
    const pending = this.#byTicket.get(ticket.sequenceNumber);
    if (pending === undefined) return false;
    pending.acked = true;
    this.#byTicket.delete(ticket.sequenceNumber);
    let moved = false;
    while (this.#head < this.#queue.length) {
      const next = this.#queue[this.#head]!;
      if (!next.acked) break;
      this.#contiguous = { sequenceNumber: next.sequenceNumber, offset: next.offset };
      this.#recordsSinceCheckpoint += Math.max(1, next.records);
      this.#head++;
      moved = true;
    }
    // Compact now and then so the queue does not grow with the stream.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return moved;
  }

  get lastReceived(): number | undefined {
    return this.#lastReceived;
  }

  /** Highest event such that it and everything received before it are acknowledged. */
  get lastAcknowledged(): EventPosition | undefined {
    return this.#contiguous;
  }

  /** Events received but not yet below the watermark. */
  get pendingEvents(): number {
    return this.#queue.length - this.#head;
  }

  get recordsSinceCheckpoint(): number {
    return this.#recordsSinceCheckpoint;
  }

  /** Called after a checkpoint was stored that covered `records` of recordsSinceCheckpoint. */
  checkpointed(records: number): void {
    this.#recordsSinceCheckpoint = Math.max(0, this.#recordsSinceCheckpoint - records);
  }
}
