// The answer the catalog gives for one activity: what `audit-enricher lookup`
// prints and what the enrichment stage attaches to every audit record as
// `enrichment`. Shared contract between the catalog core, decode/enrich and
// the worker; extend it only by adding optional fields.
import type { ContentRuleSet } from "./content/compile-content.ts";

export type Sensitivity = "high" | "medium" | "low";

export type MatchKind = "exact" | "normalized" | "ambiguous" | "none";

export interface Candidate {
  readonly serviceArea: string;
  readonly category: string;
}

export interface Enrichment {
  /** Canonical service area, or null when neither the catalog nor the event names one. */
  readonly serviceArea: string | null;
  /** Canonical audit category, or null when neither the catalog nor the event names one. */
  readonly category: string | null;
  readonly sensitivity: Sensitivity;
  /** True exactly when sensitivity is "high". */
  readonly sensitive: boolean;
  /** Why the level was chosen: one entry per rule that applied, never a secret value. */
  readonly reasons: readonly string[];
  readonly recognized: boolean;
  readonly match: MatchKind;
  /** Present when match is "ambiguous": every (service area, category) the name has. */
  readonly candidates?: readonly Candidate[];
  /**
   * True when the event's own service area/category matches none of the catalog's
   * candidates for a recognized name: the event's labels are kept, `candidates`
   * lists what the catalog knows, and a `catalog-mismatch` reason says so.
   */
  readonly mismatch?: boolean;
  /** Content hash of the index artifact that produced this answer. */
  readonly catalogVersion: string;
}

/** Narrow interface the enrichment stage depends on; the real one is the compiled CatalogIndex. */
export interface ActivityLookup {
  readonly version: string;
  /** service and category are the event's own spellings (any alias), or undefined/null when absent. */
  lookup(activity: string, service?: string | null, category?: string | null): Enrichment;
  /**
   * The content rules that apply to this activity name, or null when none do
   * (then the record's content is never read). Optional: lookups without
   * content rules leave it out.
   */
  contentRules?(activity: string): ContentRuleSet | null;
}
