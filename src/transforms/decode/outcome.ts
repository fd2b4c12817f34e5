// The contract between decode/enrich and everything downstream (the worker's
// router, sinks, alerts, the `enrich` CLI). One message body in, one outcome
// per record out, in input order. Producing an outcome never throws.
//
// The implementation is `processMessage` in src/transforms/enrich/process-message.ts:
//   processMessage(body: Uint8Array, context: ProcessContext): MessageOutcome
// Every string here that can carry input text is bounded in length; the only
// fields safe to use as metric labels are `kind`, `reason`, `shape` and `logCategory`.

import type { ActivityLookup, Enrichment } from "../../catalog/enrichment.ts";

/** The closed list of reasons a record or message is dead-lettered. Safe as a metric label. */
export const DEAD_LETTER_REASONS = [
  /** The body (or an NDJSON line) has no JSON value at all: empty or whitespace only. */
  "empty",
  /** Bytes that are not UTF-8. */
  "invalid_utf8",
  /** Not JSON: syntax error, truncated value, trailing garbage, control characters in strings. */
  "invalid_json",
  /** A record that is a JSON value but not an object (number, string, array, null). */
  "not_an_object",
  /** An object that is neither an audit record of a known shape nor a known other log category. */
  "unsupported_shape",
  /** Larger than the byte limit for a message, a record or a line. */
  "too_large",
  /** Nested deeper than the depth limit. */
  "too_deep",
  /** More records in one message than the record limit; the surplus is dead-lettered. */
  "too_many_records",
  /** The stage itself failed on this record (a defect, e.g. in the catalog lookup); never input text. */
  "internal_error",
] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export interface DecodeLimits {
  /** Largest message body accepted (bytes, after the BOM). */
  readonly maxMessageBytes: number;
  /** Largest single record accepted (bytes). */
  readonly maxRecordBytes: number;
  /** Deepest nesting of arrays/objects accepted, counted from the message's top level. */
  readonly maxDepth: number;
  /** Most records taken from one message; the rest become `too_many_records`. */
  readonly maxRecordsPerMessage: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze({
  maxMessageBytes: 64 * 1024 * 1024,
  maxRecordBytes: 4 * 1024 * 1024,
  maxDepth: 64,
  maxRecordsPerMessage: 100_000,
});

export type NonAuditPolicy = "pass" | "drop";

export interface ProcessContext {
  readonly lookup: ActivityLookup;
  /** What happens to records of other log categories (sign-ins, provisioning, ...). */
  readonly nonAudit: NonAuditPolicy;
  readonly limits?: Partial<DecodeLimits>;
}

/** How the audit record was laid out; safe as a metric label. */
export type RecordShape = "diagnostic" | "legacy" | "graph" | "log_analytics";

/** Where the activity name came from. "none": the record names no activity at all. */
export type ActivitySource = "activityDisplayName" | "operationName" | "none";

/** Log categories recognized by name; anything else non-audit is reported as "other". */
export const KNOWN_LOG_CATEGORIES = [
  "AuditLogs",
  "Audit",
  "SignInLogs",
  "NonInteractiveUserSignInLogs",
  "ServicePrincipalSignInLogs",
  "ManagedIdentitySignInLogs",
  "ProvisioningLogs",
  "ADFSSignInLogs",
  "RiskyUsers",
  "UserRiskEvents",
  "RiskyServicePrincipals",
  "ServicePrincipalRiskEvents",
  "MicrosoftGraphActivityLogs",
  "NetworkAccessTrafficLogs",
  "EnrichedOffice365AuditLogs",
  "B2CRequestLogs",
] as const;

export type LogCategoryLabel = (typeof KNOWN_LOG_CATEGORIES)[number] | "other";

/** The enrichment field as written into every audit record. */
export type EnrichmentOutput = Enrichment & {
  /** Present only when the activity did not come from activityDisplayName. */
  readonly activitySource?: "operationName" | "none";
};

export interface Initiator {
  readonly type: "user" | "app" | "unknown";
  /** User object id or app id. */
  readonly id: string | null;
  /** User principal name, or app display / service principal name. */
  readonly name: string | null;
}

export interface Target {
  readonly type: string | null;
  readonly id: string | null;
  readonly displayName: string | null;
}

/** Compact facts about an audit record for alerts; strings truncated to MAX_FACT_CHARS. */
export interface AlertFacts {
  /** The activity name as the event spells it ("" when it names none). */
  readonly activity: string;
  readonly activitySource: ActivitySource;
  readonly time: string | null;
  readonly tenantId: string | null;
  readonly correlationId: string | null;
  readonly initiator: Initiator | null;
  /** At most MAX_FACT_TARGETS targets. */
  readonly targets: readonly Target[];
  readonly result: string | null;
}

/** The facts decode knows without parsing the record: its activity name and activity time (as in AlertFacts). */
export interface NamedFacts {
  readonly activity: string;
  readonly time: string | null;
}

export const MAX_FACT_CHARS = 256;
export const MAX_FACT_TARGETS = 8;

interface OutcomeBase {
  /** Position of the record within the message, counting every record, 0-based. */
  readonly recordIndex: number;
  /** Byte offset of the record (or of the bad bytes) within the body as given, BOM included. */
  readonly offset: number;
}

export interface EnrichedOutcome extends OutcomeBase {
  readonly kind: "enriched";
  /** One NDJSON line without its newline: the input record plus `enrichment`. */
  readonly line: Uint8Array;
  readonly enrichment: EnrichmentOutput;
  /**
   * Computed on first read by parsing `line` (the stage itself never parses an
   * audit record whole): read it only for records that need it, e.g. alerts.
   * It is a getter, so a spread copy of the outcome (`{...o}`) does not carry it.
   */
  readonly facts: AlertFacts;
  /** `facts.activity` and `facts.time`, from what the decode scan captured: no parse (catalog gaps). */
  readonly named: NamedFacts;
  readonly shape: RecordShape;
}

export interface PassedThroughOutcome extends OutcomeBase {
  readonly kind: "passed_through";
  /** The record's original bytes (re-serialized only when they span several lines). */
  readonly line: Uint8Array;
  readonly logCategory: LogCategoryLabel;
}

export interface DroppedOutcome extends OutcomeBase {
  readonly kind: "dropped";
  readonly logCategory: LogCategoryLabel;
}

export interface DeadLetterOutcome extends OutcomeBase {
  readonly kind: "dead_letter";
  readonly reason: DeadLetterReason;
  /** The offending bytes: the whole body when the message itself is bad, else that record's bytes. */
  readonly raw: Uint8Array;
  /** True when raw is the whole message rather than one record. */
  readonly wholeMessage: boolean;
}

export type RecordOutcome = EnrichedOutcome | PassedThroughOutcome | DroppedOutcome | DeadLetterOutcome;

export type OutcomeKind = RecordOutcome["kind"];

export interface MessageOutcome {
  readonly records: RecordOutcome[];
}

/** The shape of the stage: pure, synchronous, never throws. */
export type ProcessMessage = (body: Uint8Array, context: ProcessContext) => MessageOutcome;
