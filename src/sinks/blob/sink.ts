// BlobSink: enriched records as gzip NDJSON objects, effectively-once.
//
// Why replay cannot duplicate (delivery.md, "Effectively-once into Blob Storage"):
// - An object holds a contiguous, strictly increasing range of ONE partition's
//   events, never part of an event, never two enqueued-time hours. Its name is
//   the partition and first sequence number (naming.ts); it is created with
//   If-None-Match: *, so a name can be written once.
// - When the create finds the name taken, an earlier run (or a second replica
//   owning the partition for a moment) wrote that range: its metadata gives the
//   last sequence number, every event up to it is acknowledged without writing,
//   and writing continues right after it.
// - A restart replays from checkpoint+1, which may fall in the MIDDLE of an
//   object the earlier run committed (checkpoints lag on a cadence, and other
//   sinks may hold them back). The name of the next object would then differ
//   from every existing name and the conditional create could not catch it. So
//   on the first event after start, a rewind (re-claim) or a handover flush,
//   the sink lists that event's hour prefix (an object never spans hours, so the
//   covering object is there), skips through the last sequence number of the
//   object covering it, and fences its next object before any later one.
// - From then on, every object the earlier run wrote started right after the
//   previous one ended, and so do ours: the chain of conditional creates meets
//   each earlier object by name and skips it. Replay is idempotent.
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { SinkError } from "../errors.ts";
import { SinkHealth } from "../health.ts";
import { SINK_LABELS, SinkMetrics } from "../metrics.ts";
import { type BackoffOptions, DEFAULT_BACKOFF } from "../retry.ts";
import type { OutputRecord, Sink } from "../sink.ts";
import type { ContainerClientLike } from "./container.ts";
import { GzipBody } from "./gzip-body.ts";
import { hourPrefix, isSafePartitionId, objectName } from "./naming.ts";
import { BlobObjectWriter, type ObjectHeaders, type ObjectRange } from "./object-writer.ts";
import { PartitionBuffer, type PendingEvent, pendingEvent } from "./partition-buffer.ts";
import { waitUntilDeadline } from "../../deadline.ts";

export interface BlobSinkOptions {
  readonly container: ContainerClientLike;
  /** Object name prefix, e.g. "enriched" (dead-letter uses "deadletter"). */
  readonly prefix: string;
  readonly registry: Registry;
  readonly logger?: Logger;
  /** Which sink this is for metrics and logs. Default "blob". */
  readonly name?: "blob" | "dead-letter";
  /** Cut an object at this many uncompressed bytes. Default 16 MiB. */
  readonly maxObjectBytes?: number;
  /** Cut an object at this many records. Default 100 000. */
  readonly maxObjectRecords?: number;
  /** Write a partition's buffer when its oldest event waited this long. Default 10 s. */
  readonly maxObjectAgeMs?: number;
  /** Bound on buffered uncompressed bytes over all partitions; write() waits beyond it. Default 128 MiB. */
  readonly maxBufferedBytes?: number;
  /** zlib level: 1 is ~3x faster than 6 for ~10% larger objects. Default 1. */
  readonly gzipLevel?: number;
  readonly backoff?: BackoffOptions;
  /** Create the container at start when missing (local development). Default false. */
  readonly createContainer?: boolean;
  /** Content headers (see object-writer.ts). Default "gzip-file": zcat reads what any client downloads. */
  readonly headers?: ObjectHeaders;
}

export class BlobSink implements Sink<OutputRecord> {
  readonly name: "blob" | "dead-letter";
  readonly #options: BlobSinkOptions;
  readonly #limits: { maxObjectBytes: number; maxObjectRecords: number };
  readonly #maxAgeMs: number;
  readonly #maxBufferedBytes: number;
  readonly #gzipLevel: number;
  readonly #metrics: SinkMetrics;
  readonly #health: SinkHealth;
  readonly #writer: BlobObjectWriter;
  readonly #abort = new AbortController();
  readonly #partitions = new Map<string, PartitionBuffer>();
  /** Events waiting for buffer space, in arrival order (backpressure). */
  readonly #waiting: PendingEvent[] = [];
  #bufferedBytes = 0;
  #stopping: Promise<void> | undefined;

  constructor(options: BlobSinkOptions) {
    this.#options = options;
    this.name = options.name ?? "blob";
    this.#limits = {
      maxObjectBytes: options.maxObjectBytes ?? 16 * 1024 * 1024,
      maxObjectRecords: options.maxObjectRecords ?? 100_000,
    };
    this.#maxAgeMs = options.maxObjectAgeMs ?? 10_000;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 128 * 1024 * 1024;
    this.#gzipLevel = options.gzipLevel ?? 1;
    this.#metrics = new SinkMetrics(options.registry, SINK_LABELS[this.name]);
    this.#health = new SinkHealth(this.#metrics);
    this.#writer = new BlobObjectWriter(options.container, {
      metrics: this.#metrics,
      health: this.#health,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      signal: this.#abort.signal,
      logger: options.logger,
    }, options.headers);
  }

  async start(): Promise<void> {
    if (this.#options.createContainer) await this.#options.container.createIfNotExists?.();
  }

  healthy(): boolean {
    return this.#health.healthy();
  }

  /** Uncompressed bytes buffered now (for tests and the in-flight gauge). */
  bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  write(records: readonly OutputRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.#stopping) return Promise.reject(new SinkError("sink_stopped", "write after stop"));
    const invalid = invalidBatch(records);
    if (invalid) return Promise.reject(new SinkError("invalid_record", invalid));
    const { event, promise } = pendingEvent(records);
    if (this.#waiting.length === 0 && this.#fits(event)) this.#accept(event);
    else {
      this.#waiting.push(event);
      this.#admit();
    }
    return promise;
  }

  async flush(partitionId?: string): Promise<void> {
    const targets = partitionId === undefined ? [...this.#partitions.values()] : [this.#partitions.get(partitionId)];
    const waitFor: Promise<void>[] = [];
    for (const event of this.#waiting) {
      if (partitionId === undefined || event.partitionId === partitionId) waitFor.push(settledOf(event));
    }
    for (const state of targets) {
      if (state === undefined) continue;
      state.forceThrough = Math.max(state.forceThrough, state.lastAccepted);
      for (const event of state.events) waitFor.push(settledOf(event));
      // A flush for one partition is a handover: whoever writes it next may have moved on.
      if (partitionId !== undefined) state.probeNext = true;
      void this.#pump(state);
    }
    if (this.#waiting.length > 0) this.#relievePressure();
    await Promise.all(waitFor);
  }

  stop(deadline: number): Promise<void> {
    this.#stopping ??= this.#stop(deadline);
    return this.#stopping;
  }

  async #stop(deadline: number): Promise<void> {
    await waitUntilDeadline(this.flush(), deadline);
    // Past the deadline: give up retrying; what is not durable is not acknowledged
    // and will be replayed from the checkpoint by the next owner.
    this.#abort.abort();
    const stopped = new SinkError("sink_stopped", "sink stopped before the write was durable");
    for (const event of this.#waiting.splice(0)) event.reject(stopped);
    for (const state of this.#partitions.values()) {
      clearTimeout(state.timer);
      // A partition whose pump is running fails its leftovers when the pump ends.
      if (!state.pumping) this.#fail(state.take(state.events.length), stopped);
    }
  }

  #fits(event: PendingEvent): boolean {
    return this.#bufferedBytes === 0 || this.#bufferedBytes + event.bytes <= this.#maxBufferedBytes;
  }

  /** Moves waiting events into their partition buffers while there is room, in arrival order. */
  #admit(): void {
    while (this.#waiting.length > 0) {
      if (!this.#fits(this.#waiting[0]!)) {
        this.#relievePressure();
        return;
      }
      this.#accept(this.#waiting.shift()!);
    }
  }

  #accept(event: PendingEvent): void {
    let state = this.#partitions.get(event.partitionId);
    if (state === undefined) {
      state = new PartitionBuffer(event.partitionId);
      this.#partitions.set(event.partitionId, state);
    }
    state.accept(event);
    this.#bufferedBytes += event.bytes;
    this.#armTimer(state);
    if (!state.pumping && state.mayBeDue(this.#limits)) void this.#pump(state);
  }

  /** Buffer full: write every partition's buffer now so space frees up. */
  #relievePressure(): void {
    for (const state of this.#partitions.values()) {
      state.forceThrough = Math.max(state.forceThrough, state.lastAccepted);
      void this.#pump(state);
    }
  }

  #armTimer(state: PartitionBuffer): void {
    if (state.timer !== undefined) return;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      state.forceThrough = Math.max(state.forceThrough, state.lastAccepted);
      void this.#pump(state);
    }, this.#maxAgeMs);
    state.timer.unref();
  }

  #release(events: readonly PendingEvent[]): void {
    for (const event of events) this.#bufferedBytes -= event.bytes;
    if (this.#waiting.length > 0) this.#admit();
  }

  #acknowledge(events: readonly PendingEvent[]): void {
    const now = Date.now();
    for (const event of events) {
      this.#metrics.acknowledged(event.enqueuedTimeUtc, now);
      event.resolve();
    }
    this.#release(events);
  }

  #fail(events: readonly PendingEvent[], err: unknown): void {
    for (const event of events) event.reject(err);
    this.#release(events);
  }

  /** Writes a partition's due objects one after another (each name depends on the previous outcome). */
  async #pump(state: PartitionBuffer): Promise<void> {
    if (state.pumping || this.#abort.signal.aborted) return;
    state.pumping = true;
    try {
      for (;;) {
        this.#acknowledge(state.takeCommitted());
        const head = state.events[0];
        if (head === undefined || this.#abort.signal.aborted) break;
        if (head.probe) {
          await this.#probe(state, head);
          continue;
        }
        const count = state.mayBeDue(this.#limits) ? state.nextObject(this.#limits) : 0;
        if (count === 0) break;
        await this.#writeObject(state, count);
      }
    } finally {
      state.pumping = false;
      if (state.events.length > 0 && this.#abort.signal.aborted) {
        this.#fail(state.take(state.events.length), new SinkError("sink_stopped", "sink stopped"));
      } else if (state.events.length > 0) {
        this.#armTimer(state);
      }
    }
  }

  /** Finds the existing object covering `head` (if any) and skips through it; fences before the next one. */
  async #probe(state: PartitionBuffer, head: PendingEvent): Promise<void> {
    try {
      const objects = await this.#writer.list(hourPrefix(this.#options.prefix, state.partitionId, head.enqueuedTimeUtc));
      const seq = head.sequenceNumber;
      const covering = objects.find((o) => o.firstSequenceNumber <= seq && seq <= o.lastSequenceNumber);
      if (covering !== undefined) state.committedThrough = Math.max(state.committedThrough, covering.lastSequenceNumber);
      const later = objects.find((o) => o.firstSequenceNumber > seq);
      state.fence = later?.firstSequenceNumber ?? Number.POSITIVE_INFINITY;
      head.probe = false;
    } catch (err) {
      // Without the lookup nothing after this event may be written either: the next one probes again.
      this.#fail(state.take(1), err);
      const next = state.events[0];
      if (next !== undefined) next.probe = true;
      else state.probeNext = true;
    }
  }

  async #writeObject(state: PartitionBuffer, count: number): Promise<void> {
    const events = state.events.slice(0, count);
    const first = events[0]!;
    const last = events[events.length - 1]!;
    try {
      const body = await this.#encode(events);
      const name = objectName(this.#options.prefix, state.partitionId, first.sequenceNumber, first.enqueuedTimeUtc);
      const outcome = await this.#writer.create(name, body.data, {
        partition: state.partitionId,
        firstSequenceNumber: first.sequenceNumber,
        lastSequenceNumber: last.sequenceNumber,
        firstOffset: first.offset,
        lastOffset: last.offset,
        recordCount: body.records,
        catalogVersion: body.catalogVersions,
      } satisfies ObjectRange);
      const through = outcome.created ? last.sequenceNumber : outcome.lastSequenceNumber;
      state.committedThrough = Math.max(state.committedThrough, through);
      if (!outcome.created) {
        this.#options.logger?.info(
          { sink: this.name, partition: state.partitionId, firstSequenceNumber: first.sequenceNumber, through },
          "object already written by an earlier run, skipping its range",
        );
      }
      // takeCommitted() in the pump acknowledges the written (or found) range.
    } catch (err) {
      this.#fail(state.take(count), err);
    }
  }

  /** Streams the events' lines through gzip (no uncompressed body; see gzip-body.ts). */
  async #encode(events: readonly PendingEvent[]): Promise<{ data: Buffer; records: number; catalogVersions: string }> {
    const body = new GzipBody(this.#gzipLevel);
    const versions = new Set<string>();
    try {
      for (const event of events) {
        for (const record of event.records) {
          body.append(record.line);
          if (record.enrichment) versions.add(record.enrichment.catalogVersion);
        }
        const room = body.drained();
        if (room !== undefined) await room;
      }
      const data = await body.end();
      return { data, records: body.lines, catalogVersions: versions.size === 0 ? "none" : [...versions].join(",") };
    } catch (err) {
      body.destroy();
      throw err;
    }
  }
}

/** Settles with the write, never rejects (flush() reports nothing; the write's own promise does). */
function settledOf(event: PendingEvent): Promise<void> {
  return event.promise.then(
    () => undefined,
    () => undefined,
  );
}

/** All records of one write must be one source event of one safely named partition. */
function invalidBatch(records: readonly OutputRecord[]): string | undefined {
  const { partitionId, sequenceNumber } = records[0]!.position;
  if (!isSafePartitionId(partitionId)) return "partition id is not usable in an object name";
  for (const record of records) {
    if (record.position.partitionId !== partitionId || record.position.sequenceNumber !== sequenceNumber) {
      return "records of one write must come from one source event";
    }
  }
  return undefined;
}
