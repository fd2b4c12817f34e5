// Lookup answers and their serialized form, memoized per (activity, service,
// category, activity source) for one catalog version. Events repeat a few
// hundred names, so almost every record costs one map lookup and no
// JSON.stringify. Names are attacker-controlled: the map is bounded (cleared
// when full) and very long names are never cached.

import { Buffer } from "node:buffer";
import type { ContentRuleSet } from "../../catalog/content/compile-content.ts";
import type { ActivityLookup } from "../../catalog/enrichment.ts";
import type { ActivitySource, EnrichmentOutput } from "../decode/outcome.ts";

export interface EncodedEnrichment {
  readonly enrichment: EnrichmentOutput;
  /** `,"enrichment":{...}`, ready to write before a record's closing brace. */
  readonly member: Buffer;
  /** Content rules for the activity (content/apply-content.ts); null for most activities, which skip them at no cost. */
  readonly contentRules: ContentRuleSet | null;
}

const MAX_ENTRIES = 8192;
const MAX_CACHED_NAME_CHARS = 512;

export function encodeEnrichment(enrichment: EnrichmentOutput): Buffer {
  return Buffer.from(`,"enrichment":${JSON.stringify(enrichment)}`, "utf8");
}

function withSource(
  lookup: ActivityLookup,
  activity: string,
  service: string | null,
  category: string | null,
  source: ActivitySource,
): EnrichmentOutput {
  const answer = lookup.lookup(activity, service, category);
  return source === "activityDisplayName" ? answer : { ...answer, activitySource: source };
}

export class EnrichmentCache {
  readonly #lookup: ActivityLookup;
  readonly #entries = new Map<string, EncodedEnrichment>();

  constructor(lookup: ActivityLookup) {
    this.#lookup = lookup;
  }

  #version: string | undefined;

  get size(): number {
    return this.#entries.size;
  }

  enrich(activity: string, service: string | null, category: string | null, source: ActivitySource): EncodedEnrichment {
    if (this.#version !== this.#lookup.version) {
      this.#entries.clear();
      this.#version = this.#lookup.version;
    }
    const cacheable =
      activity.length <= MAX_CACHED_NAME_CHARS &&
      (service?.length ?? 0) <= MAX_CACHED_NAME_CHARS &&
      (category?.length ?? 0) <= MAX_CACHED_NAME_CHARS;
    // Length prefixes keep the key unambiguous whatever characters the names hold.
    const key = cacheable
      ? `${source}|${activity.length}|${activity}|${service === null ? -1 : service.length}|${service ?? ""}|${category === null ? "-" : "+"}${category ?? ""}`
      : "";
    if (cacheable) {
      const hit = this.#entries.get(key);
      if (hit !== undefined) return hit;
    }
    const enrichment = withSource(this.#lookup, activity, service, category, source);
    const encoded = { enrichment, member: encodeEnrichment(enrichment), contentRules: this.#lookup.contentRules?.(activity) ?? null };
    if (cacheable) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      this.#entries.set(key, encoded);
    }
    return encoded;
  }
}

const caches = new WeakMap<ActivityLookup, EnrichmentCache>();

/** One cache per lookup object: a swapped-in catalog starts with a fresh cache, never a mix. */
export function cacheFor(lookup: ActivityLookup): EnrichmentCache {
  let cache = caches.get(lookup);
  if (cache === undefined) {
    cache = new EnrichmentCache(lookup);
    caches.set(lookup, cache);
  }
  return cache;
}
