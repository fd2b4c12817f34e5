// receive → decode → enrich → route → sinks, with acknowledgement bookkeeping:
// every event is registered on its partition's watermark in receive order,
// handed to each sink it is routed to (in partition order, without waiting),
// and acknowledged when every one of those writes resolved; the checkpointer
// then follows the watermark. A sink that rejects (a permanent failure after its
// own retries) stalls the partition: no acknowledgement passes that event, the
// checkpoint holds, readiness fails. Nothing is ever skipped.
import type { Logger } from "pino";
import type { ActivityLookup } from "../catalog/enrichment.ts";
import type { OutputRecord, Sink, SourcePosition } from "../sinks/sink.ts";
import { type CheckpointCadence, PartitionCheckpointer, type StoreCheckpoint } from "../sources/event-hubs/checkpointer.ts";
import { PartitionWatermark } from "../sources/event-hubs/watermark.ts";
import { type DeadLetter, type Decided, type RoutePolicy, route } from "../transforms/route/route.ts";
import { type InflightBounds, InflightBudget } from "./inflight.ts";
import type { PipelineMetrics } from "./metrics.ts";
import { withDeadline } from "../deadline.ts";

export interface ReceivedEvent {
  readonly body: Uint8Array;
  readonly position: SourcePosition;
}

/** decode + enrich of one event body with one catalog version; must not throw. */
export type DecodeEvent = (body: Uint8Array, lookup: ActivityLookup) => readonly Decided[];

export interface PipelineSinks {
  /** The primary output(s): blob, event hub, or both. */
  readonly primary: readonly Sink<OutputRecord>[];
  readonly alerts?: Sink<OutputRecord> | undefined;
  readonly deadLetter: Sink<DeadLetter>;
}

export interface PipelineOptions {
  readonly sinks: PipelineSinks;
  readonly decode: DecodeEvent;
  /** The catalog in use now; read once per event so each event sees one version. */
  readonly catalog: () => ActivityLookup;
  readonly routing: RoutePolicy;
  readonly inflight: InflightBounds;
  readonly checkpoint: CheckpointCadence;
  readonly storeCheckpoint: StoreCheckpoint;
  readonly metrics: PipelineMetrics;
  readonly logger: Logger;
  /** Closed set of dead-letter reason codes (anything else is counted as "other"). */
  readonly deadLetterReasons: ReadonlySet<string>;
  /** Sees every primary record as it is routed (the catalog-gaps exporter); must not throw. */
  readonly observe?: (record: OutputRecord) => void;
}

export type CloseReason = "shutdown" | "ownership_lost";

interface PartitionState {
  readonly watermark: PartitionWatermark;
  readonly checkpointer: PartitionCheckpointer;
  readonly abort: AbortController;
  readonly pending: Set<Promise<void>>;
  inflight: { records: number; bytes: number };
  stalled?: string;
  /** close() has begun: nothing more is accepted (it would miss the flush; unacknowledged, it is replayed). */
  closing?: boolean;
  /** accept() threw (a defect, never input): nothing after it is accepted, so no checkpoint passes it. */
  broken?: boolean;
}

export class Pipeline {
  readonly #o: PipelineOptions;
  readonly #budget: InflightBudget;
  readonly #partitions = new Map<string, PartitionState>();
  readonly #log: Logger;

  constructor(options: PipelineOptions) {
    this.#o = options;
    this.#log = options.logger;
    this.#budget = new InflightBudget(options.inflight, (records, bytes) => {
      options.metrics.inflightRecords.set(records);
      options.metrics.inflightBytes.set(bytes);
    });
  }

  /** A partition was claimed (processInitialize). */
  open(partitionId: string): void {
    // Claimed again without a close (should not happen): retire the old state so its timer cannot checkpoint.
    const stale = this.#partitions.get(partitionId);
    if (stale !== undefined) {
      stale.abort.abort();
      void stale.checkpointer.close({ final: false });
      this.#budget.release(partitionId, stale.inflight.records, stale.inflight.bytes);
    }
    const watermark = new PartitionWatermark(partitionId);
    const metrics = this.#o.metrics;
    const checkpointer = new PartitionCheckpointer(watermark, this.#o.storeCheckpoint, this.#o.checkpoint, {
      stored: (id, position) => metrics.checkpointed(id, position.sequenceNumber),
      failed: (id, error) => {
        metrics.checkpoints.inc({ result: "failed" });
        this.#log.warn({ partition: id, err: error }, "checkpoint write failed; will retry on the next cadence");
      },
    });
    this.#partitions.set(partitionId, { watermark, checkpointer, abort: new AbortController(), pending: new Set(), inflight: { records: 0, bytes: 0 } });
  }

  /** One batch from the SDK: accept() it, then resolve when the partition may receive more (backpressure). */
  async handle(partitionId: string, events: readonly ReceivedEvent[], lastEnqueuedSequenceNumber?: number): Promise<void> {
    this.accept(partitionId, events, lastEnqueuedSequenceNumber);
    await this.room(partitionId);
  }

  /** Resolves when the partition may take another batch (or is closed). */
  room(partitionId: string): Promise<void> {
    const state = this.#partitions.get(partitionId);
    if (state === undefined || state.abort.signal.aborted) return Promise.resolve();
    return this.#budget.room(partitionId, state.abort.signal);
  }

  /** Decodes, enriches and routes one batch now, in order; the writes proceed without being awaited. */
  accept(partitionId: string, events: readonly ReceivedEvent[], lastEnqueuedSequenceNumber?: number): void {
    const state = this.#partitions.get(partitionId);
    if (state === undefined || state.closing === true || state.broken === true || state.abort.signal.aborted) return;
    const partition = this.#o.metrics.partitionLabel(partitionId);
    for (const event of events) {
      const last = state.watermark.lastReceived;
      // The SDK resumes links after the last event seen; a repeat would be its bug, never worth a crash.
      if (last !== undefined && event.position.sequenceNumber <= last) {
        this.#log.warn({ partition: partitionId, sequenceNumber: event.position.sequenceNumber, lastReceived: last }, "event received twice; ignoring the repeat");
        continue;
      }
      try {
        this.#dispatch(state, partition, event);
      } catch (error) {
        // Later events must not be acknowledged past this one: refuse the rest of the partition's stream
        // (the checkpoint holds, readiness fails, a restart replays from it).
        state.broken = true;
        this.#stall(state, event.position, error);
        return;
      }
    }
    const last = state.watermark.lastReceived;
    if (last !== undefined) {
      this.#o.metrics.lastReceived.set({ partition }, last);
      if (lastEnqueuedSequenceNumber !== undefined) this.#o.metrics.lag.set({ partition }, Math.max(0, lastEnqueuedSequenceNumber - last));
    }
  }

  #dispatch(state: PartitionState, partition: string, event: ReceivedEvent): void {
    const { metrics, sinks } = this.#o;
    const decided = this.#decode(event.body);
    const routed = route(event.position, decided, this.#o.routing);
    metrics.eventsReceived.inc({ partition });
    metrics.recordsReceived.inc({ partition }, decided.length);
    for (const record of decided) {
      if (record.kind === "enriched") metrics.record("enriched", record.enrichment);
      else if (record.kind === "passed_through") metrics.record("passed_through");
      else if (record.kind === "dropped") metrics.record("dropped");
      else {
        metrics.record("dead_lettered");
        metrics.deadLetters.inc({ reason: this.#o.deadLetterReasons.has(record.reason) ? record.reason : "other" });
      }
    }
    const ticket = state.watermark.received(event.position, decided.length);
    const records = Math.max(1, decided.length);
    const bytes = event.body.byteLength;
    this.#budget.add(event.position.partitionId, records, bytes);
    state.inflight.records += records;
    state.inflight.bytes += bytes;
    const writes: Promise<void>[] = [];
    const write = <T>(sink: Sink<T>, items: readonly T[]): void => {
      writes.push(sink.write(items));
    };
    if (this.#o.observe !== undefined) for (const record of routed.primary) this.#o.observe(record);
    if (routed.primary.length > 0) for (const sink of sinks.primary) write(sink, routed.primary);
    if (routed.alerts.length > 0 && sinks.alerts !== undefined) write(sinks.alerts, routed.alerts);
    if (routed.deadLetters.length > 0) write(sinks.deadLetter, routed.deadLetters);
    const settle = (): void => {
      if (state.abort.signal.aborted) return;
      this.#release(state, records, bytes);
      if (state.watermark.acknowledged(ticket)) {
        metrics.lastAcknowledged.set({ partition }, state.watermark.lastAcknowledged!.sequenceNumber);
        state.checkpointer.advanced();
      }
    };
    if (writes.length === 0) {
      settle();
      return;
    }
    // Closures here must not capture `event`: its body is a view into the AMQP read buffer, and holding it
    // until the writes settle would keep that whole buffer (many events) alive.
    const position = event.position;
    const done: Promise<void> = Promise.all(writes).then(settle, (error: unknown) => this.#stall(state, position, error));
    state.pending.add(done);
    void done.finally(() => state.pending.delete(done));
  }

  #decode(body: Uint8Array): readonly Decided[] {
    try {
      return this.#o.decode(body, this.#o.catalog());
    } catch (error) {
      // decode/enrich promise never to throw; if one does, the bytes are dead-lettered, not lost.
      this.#log.error({ err: error }, "decode threw; dead-lettering the event");
      return [{ kind: "dead_letter", recordIndex: 0, reason: "internal_error", raw: body }];
    }
  }

  #release(state: PartitionState, records: number, bytes: number): void {
    state.inflight.records -= records;
    state.inflight.bytes -= bytes;
    this.#budget.release(state.watermark.partitionId, records, bytes);
  }

  #stall(state: PartitionState, position: SourcePosition, error: unknown): void {
    if (state.stalled !== undefined || state.abort.signal.aborted) return;
    const code = (error as { code?: unknown } | null)?.code;
    state.stalled = typeof code === "string" ? code : "sink_write_failed";
    this.#log.error(
      { partition: position.partitionId, sequenceNumber: position.sequenceNumber, code: state.stalled, err: error },
      "a sink rejected a write; partition stalled at its last acknowledged event (checkpoint held, worker unready)",
    );
  }

  /** processClose: flush what the partition has, wait for acknowledgements, store the final checkpoint. */
  async close(partitionId: string, reason: CloseReason, deadline: number): Promise<void> {
    const state = this.#partitions.get(partitionId);
    if (state === undefined) return;
    state.closing = true;
    const sinks = [...this.#o.sinks.primary, this.#o.sinks.alerts, this.#o.sinks.deadLetter].filter((s) => s !== undefined);
    const flushed = Promise.allSettled(sinks.map((sink) => sink.flush(partitionId)));
    if (reason === "shutdown") {
      await withDeadline(Promise.all([flushed, Promise.allSettled([...state.pending])]), deadline);
      await withDeadline(state.checkpointer.close({ final: true }), deadline);
    } else {
      // Another replica owns it now: our checkpoint could move it backwards; stop tracking.
      await state.checkpointer.close({ final: false });
    }
    state.abort.abort();
    this.#budget.release(partitionId, state.inflight.records, state.inflight.bytes);
    state.inflight = { records: 0, bytes: 0 };
    if (this.#partitions.get(partitionId) === state) this.#partitions.delete(partitionId);
    this.#log.info(
      { partition: partitionId, reason, lastReceived: state.watermark.lastReceived, checkpoint: state.checkpointer.stored?.sequenceNumber },
      "partition closed",
    );
  }

  /** Partitions this worker processes now, with their positions (readiness, logs, demo). */
  snapshot(): Array<{ partitionId: string; lastReceived?: number; lastAcknowledged?: number; checkpoint?: number; stalled?: string }> {
    return [...this.#partitions.entries()].map(([partitionId, s]) => ({
      partitionId,
      ...(s.watermark.lastReceived !== undefined ? { lastReceived: s.watermark.lastReceived } : {}),
      ...(s.watermark.lastAcknowledged ? { lastAcknowledged: s.watermark.lastAcknowledged.sequenceNumber } : {}),
      ...(s.checkpointer.stored ? { checkpoint: s.checkpointer.stored.sequenceNumber } : {}),
      ...(s.stalled !== undefined ? { stalled: s.stalled } : {}),
    }));
  }

  get inflightRecords(): number {
    return this.#budget.records;
  }
}
