// Writes a partition's checkpoint on a cadence: every N acknowledged records or
// every T ms, whichever comes first, never per event and never past the
// watermark. The first acknowledged event after a claim is checkpointed at once
// (KEDA counts a partition without a checkpoint as entirely unprocessed).
import type { EventPosition, PartitionWatermark } from "./watermark.ts";

export type StoreCheckpoint = (partitionId: string, position: EventPosition) => Promise<void>;

export interface CheckpointCadence {
  readonly everyRecords: number;
  readonly intervalMs: number;
}

export interface CheckpointObserver {
  stored(partitionId: string, position: EventPosition): void;
  failed(partitionId: string, error: unknown): void;
}

export class PartitionCheckpointer {
  readonly #watermark: PartitionWatermark;
  readonly #store: StoreCheckpoint;
  readonly #cadence: CheckpointCadence;
  readonly #observer: CheckpointObserver;
  #stored: EventPosition | undefined;
  #writing: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout;
  #stopped = false;

  constructor(watermark: PartitionWatermark, store: StoreCheckpoint, cadence: CheckpointCadence, observer: CheckpointObserver) {
    this.#watermark = watermark;
    this.#store = store;
    this.#cadence = cadence;
    this.#observer = observer;
    this.#timer = setInterval(() => void this.#write(), cadence.intervalMs);
    this.#timer.unref();
  }

  /** The last checkpoint this process stored for the partition. */
  get stored(): EventPosition | undefined {
    return this.#stored;
  }

  /** Called whenever the watermark moved. */
  advanced(): void {
    if (this.#stored === undefined || this.#watermark.recordsSinceCheckpoint >= this.#cadence.everyRecords) void this.#write();
  }

  /** Stops the cadence and stores the final acknowledged position (graceful stop, handover). */
  async close(options: { final: boolean }): Promise<void> {
    clearInterval(this.#timer);
    const wasStopped = this.#stopped;
    this.#stopped = true;
    while (this.#writing !== undefined) await this.#writing;
    if (options.final && !wasStopped) await this.#run();
  }

  #write(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#writing !== undefined) {
      this.#again = true;
      return this.#writing;
    }
    this.#writing = this.#run().finally(() => {
      this.#writing = undefined;
      if (this.#again) {
        this.#again = false;
        void this.#write();
      }
    });
    return this.#writing;
  }

  async #run(): Promise<void> {
    const target = this.#watermark.lastAcknowledged;
    if (target === undefined || target.sequenceNumber === this.#stored?.sequenceNumber) return;
    const covered = this.#watermark.recordsSinceCheckpoint;
    try {
      await this.#store(this.#watermark.partitionId, target);
      this.#stored = target;
      this.#watermark.checkpointed(covered);
      this.#observer.stored(this.#watermark.partitionId, target);
    } catch (error) {
      this.#observer.failed(this.#watermark.partitionId, error);
    }
  }
}
