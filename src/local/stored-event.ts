// Event bytes as the broker keeps them: each inner event of a producer transfer is stored
// once, already carrying the service annotations (sequence number, offset, enqueued time,
// partition key), so a delivery is a plain write of those bytes with no re-encoding.
import { amqpTypes, encodeAnnotationsSection, type RawSection, readAnnotation, readSections, SECTION, type Typed } from "./amqp-codec.ts";

export interface StoredEvent {
  readonly sequenceNumber: number;
  readonly offset: number;
  readonly enqueuedTimeMs: number;
  /** header, message annotations, properties, application properties, body: one exact-size copy. */
  readonly bytes: Buffer;
  /** Where delivery annotations go (right after the header section). */
  readonly headerLength: number;
}

/** Event Hubs' batch envelope format (each data section holds one encoded event). */
export const BATCH_FORMAT = 0x80013700;

const SERVICE_KEYS = new Set(["x-opt-sequence-number", "x-opt-offset", "x-opt-enqueued-time", "x-opt-partition-key"]);

export interface ProducerTransfer {
  /** The inner events' encoded bytes (views into the transfer; copied when stored). */
  readonly events: Buffer[];
  readonly partitionKey: string | undefined;
}

/** Splits one producer transfer into its events: a batch envelope or a single message. */
export function splitTransfer(payload: Buffer, format: number): ProducerTransfer {
  const sections = readSections(payload);
  const envelopeAnnotations = sections.find((s) => s.code === SECTION.messageAnnotations);
  const key = readAnnotation(envelopeAnnotations, "x-opt-partition-key");
  const partitionKey = typeof key === "string" ? key : undefined;
  if (format !== BATCH_FORMAT) return { events: [payload], partitionKey };
  const events: Buffer[] = [];
  for (const section of sections) {
    if (section.code === SECTION.data) events.push(section.value.value as Buffer);
  }
  return { events, partitionKey };
}

export interface EventStamp {
  readonly sequenceNumber: number;
  readonly offset: number;
  readonly enqueuedTimeMs: number;
  readonly partitionKey: string | undefined;
}

/** Rewrites an event's message annotations with the service's values; other sections are copied verbatim. */
export function stampEvent(event: Buffer, stamp: EventStamp): StoredEvent {
  const sections = readSections(event);
  const header = sections.find((s) => s.code === SECTION.header);
  const annotations = sections.find((s) => s.code === SECTION.messageAnnotations);
  const entries: Typed[] = [];
  const existing = annotations?.value.value;
  let partitionKey = stamp.partitionKey;
  if (Array.isArray(existing)) {
    for (let i = 0; i + 1 < existing.length; i += 2) {
      const k = existing[i] as Typed;
      if (k.value === "x-opt-partition-key" && typeof (existing[i + 1] as Typed).value === "string") {
        partitionKey = (existing[i + 1] as Typed).value as string;
      }
      if (!SERVICE_KEYS.has(String(k.value))) entries.push(k, existing[i + 1] as Typed);
    }
  }
  const sym = amqpTypes.wrap_symbol;
  entries.push(sym("x-opt-sequence-number"), amqpTypes.wrap_long(stamp.sequenceNumber));
  entries.push(sym("x-opt-offset"), amqpTypes.wrap_string(String(stamp.offset)));
  entries.push(sym("x-opt-enqueued-time"), amqpTypes.wrap_timestamp(stamp.enqueuedTimeMs));
  if (partitionKey !== undefined) entries.push(sym("x-opt-partition-key"), amqpTypes.wrap_string(partitionKey));
  const annotationBytes = encodeAnnotationsSection(SECTION.messageAnnotations, entries);
  const rest = sections.filter((s) => !isReplaced(s));
  const headerLength = header === undefined ? 0 : header.end - header.start;
  let size = headerLength + annotationBytes.length;
  for (const s of rest) size += s.end - s.start;
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  if (header !== undefined) at += event.copy(bytes, at, header.start, header.end);
  at += annotationBytes.copy(bytes, at);
  for (const s of rest) at += event.copy(bytes, at, s.start, s.end);
  return {
    sequenceNumber: stamp.sequenceNumber,
    offset: stamp.offset,
    enqueuedTimeMs: stamp.enqueuedTimeMs,
    bytes,
    headerLength,
  };
}

function isReplaced(section: RawSection): boolean {
  return (
    section.code === SECTION.header ||
    section.code === SECTION.deliveryAnnotations ||
    section.code === SECTION.messageAnnotations
  );
}

export interface LastEnqueued {
  readonly sequenceNumber: number;
  readonly offset: number;
  readonly enqueuedTimeMs: number;
}

/** The runtime-metric delivery annotations the SDK reads (one encoding serves every event of a send burst). */
export function runtimeMetricSection(last: LastEnqueued, nowMs: number): Buffer {
  const sym = amqpTypes.wrap_symbol;
  return encodeAnnotationsSection(SECTION.deliveryAnnotations, [
    sym("last_enqueued_offset"),
    amqpTypes.wrap_string(String(last.offset)),
    sym("last_enqueued_sequence_number"),
    amqpTypes.wrap_long(last.sequenceNumber),
    sym("last_enqueued_time_utc"),
    amqpTypes.wrap_timestamp(last.enqueuedTimeMs),
    sym("runtime_info_retrieval_time_utc"),
    amqpTypes.wrap_timestamp(nowMs),
  ]);
}

/** A stored event's bytes with a delivery-annotations section inserted after its header. */
export function withSection(event: StoredEvent, section: Buffer): Buffer {
  const h = event.headerLength;
  const out = Buffer.allocUnsafe(event.bytes.length + section.length);
  event.bytes.copy(out, 0, 0, h);
  section.copy(out, h);
  event.bytes.copy(out, h + section.length, h);
  return out;
}

/** Inserts the runtime-metric delivery annotations the SDK reads into a stored event's bytes. */
export function withRuntimeMetric(event: StoredEvent, last: LastEnqueued, nowMs: number): Buffer {
  return withSection(event, runtimeMetricSection(last, nowMs));
}
