// Compact alert records: what a SOC analyst needs to triage without opening the
// audit record, and a stable id so a destination can de-duplicate a re-delivery.
import type { Sensitivity } from "../../catalog/enrichment.ts";
import type { Initiator, Target } from "../../transforms/decode/outcome.ts";
import type { SourceHub } from "../event-hub/event.ts";
import type { OutputRecord } from "../sink.ts";

export type AlertKind = "high_risk" | "unrecognized";

export interface AlertSource {
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly offset: string;
  readonly enqueuedTimeUtc: string;
  readonly recordIndex: number;
}

/** One alert per high-risk record; never aggregated away. */
export interface HighRiskAlert {
  readonly kind: "high_risk";
  /** `high_risk/{namespace}/{hub}/{partition}/{sequenceNumber}/{recordIndex}`: the same on every replay. */
  readonly id: string;
  /** The activity's own time, else the event's enqueued time. */
  readonly time: string;
  readonly tenantId: string | null;
  readonly activity: string;
  readonly serviceArea: string | null;
  readonly category: string | null;
  readonly sensitivity: Sensitivity;
  readonly reasons: readonly string[];
  readonly recognized: boolean;
  readonly initiator: Initiator | null;
  readonly targets: readonly Target[];
  readonly correlationId: string | null;
  readonly result: string | null;
  readonly catalogVersion: string;
  readonly source: AlertSource;
}

/** One per unrecognized (activity, service area, category) per window. */
export interface UnrecognizedAlert {
  readonly kind: "unrecognized";
  /** `unrecognized/{windowStart}/{hash of name, service, category}`. */
  readonly id: string;
  /** null for the single "other" entry that counts names beyond the window's limit. */
  readonly activity: string | null;
  readonly serviceArea: string | null;
  readonly category: string | null;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** Where one of them can be found (the first seen). */
  readonly sample: AlertSource;
  readonly sampleTenantId: string | null;
}

export type Alert = HighRiskAlert | UnrecognizedAlert;

export function alertSource(record: OutputRecord): AlertSource {
  const p = record.position;
  return {
    partitionId: p.partitionId,
    sequenceNumber: p.sequenceNumber,
    offset: p.offset,
    enqueuedTimeUtc: p.enqueuedTimeUtc.toISOString(),
    recordIndex: record.recordIndex,
  };
}

/** The record's own activity time when decode found a valid one, else its enqueued time. */
export function eventTime(record: OutputRecord): string {
  const time = record.facts?.time;
  if (time) {
    const parsed = Date.parse(time);
    if (!Number.isNaN(parsed)) return new Date(parsed).toISOString();
  }
  return record.position.enqueuedTimeUtc.toISOString();
}

export function highRiskAlert(source: SourceHub, record: OutputRecord): HighRiskAlert {
  const e = record.enrichment!;
  const f = record.facts;
  const p = record.position;
  return {
    kind: "high_risk",
    id: `high_risk/${source.namespace}/${source.hub}/${p.partitionId}/${p.sequenceNumber}/${record.recordIndex}`,
    time: eventTime(record),
    tenantId: f?.tenantId ?? null,
    activity: f?.activity ?? "",
    serviceArea: e.serviceArea,
    category: e.category,
    sensitivity: e.sensitivity,
    reasons: e.reasons,
    recognized: e.recognized,
    initiator: f?.initiator ?? null,
    targets: f?.targets ?? [],
    correlationId: f?.correlationId ?? null,
    result: f?.result ?? null,
    catalogVersion: e.catalogVersion,
    source: alertSource(record),
  };
}
