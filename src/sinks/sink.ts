// The contract between the pipeline and every sink (blob, event hub, alerts,
// dead-letter). Delivery rules (checkpoint after acknowledgement) hang on it:
// a sink's write() promise resolves only when the records are durable.
import type { Enrichment } from "../catalog/enrichment.ts";
import type { AlertFacts, NamedFacts } from "../transforms/decode/outcome.ts";

/** Where a record came from: enough to resume, de-duplicate and dead-letter it. */
export interface SourcePosition {
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly offset: string;
  readonly enqueuedTimeUtc: Date;
}

/** One output record: one line of NDJSON (without the newline) and what routing needs. */
export interface OutputRecord {
  readonly position: SourcePosition;
  /** Index of the record within its source event (an event carries many records). */
  readonly recordIndex: number;
  /** One complete JSON object, UTF-8, no trailing newline. */
  readonly line: Uint8Array;
  /** Absent for passed-through (non-audit) records. */
  readonly enrichment?: Enrichment;
  /** Compact facts from decode (actor, targets, tenant, ...); the alerts sink needs them, others ignore them. */
  readonly facts?: AlertFacts;
  /** facts.activity and facts.time, known from decode without parsing the record (catalog gaps read these). */
  readonly named?: NamedFacts;
}

export type SinkName = "blob" | "event-hub" | "alerts" | "dead-letter";

export interface Sink<T = OutputRecord> {
  readonly name: SinkName;
  start(): Promise<void>;
  /**
   * Hands over the records of ONE source event, in partition order. Resolves once
   * they are durable (blob committed, hub send settled, webhook answered 2xx); may
   * resolve without writing when an earlier run already committed them (replay).
   * Rejects only with a permanent failure after bounded retries.
   */
  write(records: readonly T[]): Promise<void>;
  /** Writes whatever is buffered now (age, shutdown, partition handover). */
  flush(partitionId?: string): Promise<void>;
  /** Idempotent; flushes, then releases clients; must return before the deadline (epoch ms). */
  stop(deadline: number): Promise<void>;
  /** False while the sink cannot write (retries exhausted or in progress): readiness fails. */
  healthy(): boolean;
}
