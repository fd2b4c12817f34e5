// A small ActivityLookup for unit tests: answers from a fixed table and records
// every question, so tests can check which names the decoder read from a record.
import type { ActivityLookup, Enrichment } from "../../src/catalog/enrichment.ts";

export interface LookupCall {
  readonly activity: string;
  readonly service: string | null | undefined;
  readonly category: string | null | undefined;
}

export class RecordingLookup implements ActivityLookup {
  version = "test-v1";
  readonly calls: LookupCall[] = [];
  readonly #known: ReadonlySet<string>;

  constructor(known: readonly string[] = ["Add user", "Update user", "Add member to group"]) {
    this.#known = new Set(known);
  }

  lookup(activity: string, service?: string | null, category?: string | null): Enrichment {
    this.calls.push({ activity, service, category });
    const recognized = this.#known.has(activity);
    return {
      serviceArea: service ?? null,
      category: category ?? null,
      sensitivity: activity.startsWith("Add") ? "medium" : "low",
      sensitive: false,
      reasons: recognized ? ["test rule"] : [],
      recognized,
      match: recognized ? "exact" : "none",
      catalogVersion: this.version,
    };
  }
}
