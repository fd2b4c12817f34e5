// Bounded in-flight work (delivery.md rule 2): records and bytes received but
// not yet acknowledged, per partition and in total. The source awaits room()
// before handing over the next batch; since the SDK awaits processEvents before
// pulling more, waiting here IS the backpressure. A batch is admitted whole once
// the counts are below the bounds, so one batch is the most they overshoot.

export interface InflightBounds {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly partitionMaxRecords: number;
  readonly partitionMaxBytes: number;
}

interface Usage {
  records: number;
  bytes: number;
}

export class InflightBudget {
  readonly #bounds: InflightBounds;
  readonly #total: Usage = { records: 0, bytes: 0 };
  readonly #partitions = new Map<string, Usage>();
  #waiters: Array<{ partitionId: string; wake: () => void }> = [];
  readonly #onChange: (records: number, bytes: number) => void;

  constructor(bounds: InflightBounds, onChange: (records: number, bytes: number) => void = () => {}) {
    this.#bounds = bounds;
    this.#onChange = onChange;
  }

  get records(): number {
    return this.#total.records;
  }

  get bytes(): number {
    return this.#total.bytes;
  }

  hasRoom(partitionId: string): boolean {
    const p = this.#partitions.get(partitionId);
    const total = this.#total;
    if (total.records >= this.#bounds.maxRecords || total.bytes >= this.#bounds.maxBytes) return false;
    return p === undefined || (p.records < this.#bounds.partitionMaxRecords && p.bytes < this.#bounds.partitionMaxBytes);
  }

  /** Resolves when the partition may take another batch, or when `signal` aborts. */
  room(partitionId: string, signal?: AbortSignal): Promise<void> {
    if (this.hasRoom(partitionId) || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        partitionId,
        wake: () => {
          signal?.removeEventListener("abort", waiter.wake);
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          resolve();
        },
      };
      this.#waiters.push(waiter);
      signal?.addEventListener("abort", waiter.wake, { once: true });
    });
  }

  add(partitionId: string, records: number, bytes: number): void {
    this.#change(partitionId, records, bytes);
  }

  release(partitionId: string, records: number, bytes: number): void {
    this.#change(partitionId, -records, -bytes);
    for (const waiter of [...this.#waiters]) if (this.hasRoom(waiter.partitionId)) waiter.wake();
  }

  #change(partitionId: string, records: number, bytes: number): void {
    let usage = this.#partitions.get(partitionId);
    if (usage === undefined) {
      usage = { records: 0, bytes: 0 };
      this.#partitions.set(partitionId, usage);
    }
    usage.records += records;
    usage.bytes += bytes;
    this.#total.records += records;
    this.#total.bytes += bytes;
    if (usage.records === 0 && usage.bytes === 0) this.#partitions.delete(partitionId);
    this.#onChange(this.#total.records, this.#total.bytes);
  }
}
