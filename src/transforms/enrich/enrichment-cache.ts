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

// Nested maps keyed by the names themselves (null is a key of its own, so a
// missing service never meets an empty one): no key string is built per record,
// which (concatenating and hashing the names) cost about 6% of the stage.
type BySource = Map<ActivitySource, EncodedEnrichment>;
type ByCategory = Map<string | null, BySource>;
type ByService = Map<string | null, ByCategory>;

function child<K, V extends Map<unknown, unknown>>(map: Map<K, V>, key: K): V {
  let found = map.get(key);
  if (found === undefined) {
    found = new Map() as V;
    map.set(key, found);
  }
  return found;
}

export class EnrichmentCache {
  readonly #lookup: ActivityLookup;
  readonly #entries = new Map<string, ByService>();
  #size = 0;

  constructor(lookup: ActivityLookup) {
    this.#lookup = lookup;
  }

  #version: string | undefined;

  get size(): number {
    return this.#size;
  }

  enrich(activity: string, service: string | null, category: string | null, source: ActivitySource): EncodedEnrichment {
    if (this.#version !== this.#lookup.version) {
      this.#clear();
      this.#version = this.#lookup.version;
    }
    const hit = this.#entries.get(activity)?.get(service)?.get(category)?.get(source);
    if (hit !== undefined) return hit;
    const enrichment = withSource(this.#lookup, activity, service, category, source);
    const encoded = { enrichment, member: encodeEnrichment(enrichment), contentRules: this.#lookup.contentRules?.(activity) ?? null };
    const cacheable =
      activity.length <= MAX_CACHED_NAME_CHARS &&
      (service?.length ?? 0) <= MAX_CACHED_NAME_CHARS &&
      (category?.length ?? 0) <= MAX_CACHED_NAME_CHARS;
    if (cacheable) {
      if (this.#size >= MAX_ENTRIES) this.#clear();
      const byService = child(this.#entries, activity);
      const byCategory = child(byService, service);
      child(byCategory, category).set(source, encoded);
      this.#size++;
    }
    return encoded;
  }

  #clear(): void {
    this.#entries.clear();
    this.#size = 0;
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
