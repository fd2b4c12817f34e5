// Runs one record through the real stage (processMessage) and returns its enriched outcome.
import { Buffer } from "node:buffer";
import type { ActivityLookup } from "../../src/catalog/enrichment.ts";
import type { EnrichedOutcome, RecordOutcome } from "../../src/transforms/decode/outcome.ts";
import { processMessage } from "../../src/transforms/enrich/process-message.ts";

export function enrichOne(lookup: ActivityLookup, record: unknown): EnrichedOutcome {
  const outcome: RecordOutcome | undefined = processMessage(Buffer.from(JSON.stringify({ records: [record] })), { lookup, nonAudit: "pass" }).records[0];
  if (outcome?.kind !== "enriched") throw new Error(`expected an enriched record, got ${JSON.stringify(outcome)}`);
  return outcome;
}
