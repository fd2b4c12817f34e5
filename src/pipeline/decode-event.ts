// The decode + enrich stage as the pipeline calls it: one event body and one
// catalog version in, one outcome per record out (never throws).
import type { ActivityLookup } from "../catalog/enrichment.ts";
import { DEAD_LETTER_REASONS, type DecodeLimits, type NonAuditPolicy, type RecordOutcome } from "../transforms/decode/outcome.ts";
import { processMessage } from "../transforms/enrich/process-message.ts";

export const DEAD_LETTER_REASON_SET: ReadonlySet<string> = new Set<string>([...DEAD_LETTER_REASONS, "internal_error"]);

export function decodeEvent(body: Uint8Array, lookup: ActivityLookup, nonAudit: NonAuditPolicy, limits: DecodeLimits): readonly RecordOutcome[] {
  return processMessage(body, { lookup, nonAudit, limits }).records;
}
