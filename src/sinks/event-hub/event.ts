// One output record as one hub event: a stable messageId built from its source
// (downstream de-duplicates on it; a hub send is at-least-once) and the
// enrichment in application properties so downstream routing needs no body parse.
import type { OutputRecord } from "../sink.ts";
import type { OutgoingEvent } from "./producer.ts";

export interface SourceHub {
  /** Fully qualified namespace of the SOURCE hub, e.g. "contoso.servicebus.windows.net". */
  readonly namespace: string;
  /** Name of the SOURCE hub. */
  readonly hub: string;
}

export function messageIdOf(source: SourceHub, record: OutputRecord): string {
  const { partitionId, sequenceNumber } = record.position;
  return `${source.namespace}/${source.hub}/${partitionId}/${sequenceNumber}/${record.recordIndex}`;
}

export function outgoingEvent(source: SourceHub, record: OutputRecord): OutgoingEvent {
  const properties: Record<string, string | boolean> = {};
  const e = record.enrichment;
  if (e) {
    if (e.serviceArea !== null) properties.serviceArea = e.serviceArea;
    if (e.category !== null) properties.category = e.category;
    properties.sensitivity = e.sensitivity;
    properties.recognized = e.recognized;
    properties.catalogVersion = e.catalogVersion;
  }
  return {
    // A Buffer (zero-copy view), not a bare Uint8Array: the SDK sends only Buffers as raw data sections.
    body: Buffer.isBuffer(record.line)
      ? record.line
      : Buffer.from(record.line.buffer, record.line.byteOffset, record.line.byteLength),
    messageId: messageIdOf(source, record),
    contentType: "application/json",
    properties,
  };
}
