// Pass-through mode (AUDIT_ENRICHER_ENRICHMENT=off): the same receive, decode and
// sink path with no catalog lookup and no content rules, so a benchmark can
// measure what enrichment costs side by side. Every record gets one fixed,
// pre-built answer (built once, never per record).
import type { ActivityLookup, Enrichment } from "../catalog/enrichment.ts";

export const PASS_THROUGH_VERSION = "pass-through";

export function passThroughLookup(): ActivityLookup {
  const answer: Enrichment = Object.freeze({
    serviceArea: null,
    category: null,
    sensitivity: "low",
    sensitive: false,
    reasons: Object.freeze(["enrichment disabled"]),
    recognized: false,
    match: "none",
    catalogVersion: PASS_THROUGH_VERSION,
  });
  return { version: PASS_THROUGH_VERSION, lookup: () => answer };
}
