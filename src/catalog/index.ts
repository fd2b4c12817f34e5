// The compiled catalog the worker queries: CatalogIndex answers every lookup
// from pre-built, frozen Enrichment objects. An exact hit on the raw name is one
// Map lookup; normalization runs only on a miss and its memo is bounded.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type ArtifactBody, type ArtifactEntry, parseArtifact } from "./artifact.ts";
import { BoundedMemo } from "./bounded-memo.ts";
import { ARTIFACT_FILE, DEFAULT_CATALOG_DIR } from "./catalog-dir.ts";
import type { ActivityLookup, Candidate, Enrichment, MatchKind, Sensitivity } from "./enrichment.ts";
import { CatalogError } from "./errors.ts";
import { aliasKey, normalizeActivity } from "./normalize.ts";
import { LEVEL_RANK, SensitivityPolicy } from "./policy.ts";
import { compileContentRules, type ContentRuleSet, contentRuleSet } from "./content/compile-content.ts";

export { CatalogError } from "./errors.ts";
export type { CatalogErrorCode } from "./errors.ts";

/** Default artifact: catalog/index.json shipped with the package. */
export const DEFAULT_ARTIFACT_PATH = join(DEFAULT_CATALOG_DIR, ARTIFACT_FILE);

// Per generation; real streams repeat a few hundred names, so this holds every variant they carry.
const MEMO_CAPACITY = 8192;

/** What the hot map holds for a spelling: the answer when the event carries no labels, and how to narrow when it does. */
interface Slot {
  readonly answer: Enrichment;
  /** null for a name the catalog does not know. */
  readonly entry: Entry | null;
  /** 0: the spelling is in the catalog as written; 1: found by normalization. */
  readonly kind: 0 | 1;
  /**
   * The last labels narrowed through this slot and their answer: events of one
   * activity nearly always carry the same labels, so this skips the alias
   * lookups. One per slot, so bounded like the slots themselves.
   */
  lastService: string | null | undefined;
  lastCategory: string | null | undefined;
  lastAnswer: Enrichment | null;
}

function slot(answer: Enrichment, entry: Entry | null, kind: 0 | 1): Slot {
  return { answer, entry, kind, lastService: undefined, lastCategory: undefined, lastAnswer: null };
}

interface Entry {
  readonly source: ArtifactEntry;
  readonly candidates: readonly Candidate[];
  readonly exact: Enrichment;
  readonly normalized: Enrichment;
  /** Per candidate, the answer when the event picks exactly that one: [exact, normalized]. */
  readonly single: readonly (readonly [Enrichment, Enrichment])[];
  /** Answers for a subset of candidates, keyed by bit mask and match kind; bounded by 2^candidates. */
  readonly subsets: Map<number, Enrichment>;
  /** Content rules for this activity, compiled at load; null for most entries. */
  readonly contentRules: ContentRuleSet | null;
}

function deepFreeze(e: Enrichment): Enrichment {
  Object.freeze(e.reasons);
  if (e.candidates) {
    for (const c of e.candidates) Object.freeze(c);
    Object.freeze(e.candidates);
  }
  return Object.freeze(e);
}

export class CatalogIndex implements ActivityLookup {
  readonly version: string;
  readonly stats: ArtifactBody["stats"];
  /** Every catalog spelling → its slot; never changes after construction. */
  readonly #exact: ReadonlyMap<string, Slot>;
  /** Normalized name → the slot answering with match "normalized". */
  readonly #normalized: ReadonlyMap<string, Slot>;
  /**
   * The one map the hot path reads: #exact plus raw spellings that missed it
   * (variants, unknown names) memoized. Capped: past MEMO_CAPACITY misses it
   * restarts from #exact, so attacker-chosen names cannot grow it.
   */
  #hot: Map<string, Slot>;
  #memoized = 0;
  readonly #services: Map<string, string>;
  readonly #categories: Map<string, string>;
  readonly #policy: SensitivityPolicy;
  readonly #answers = new BoundedMemo<Enrichment>(MEMO_CAPACITY);
  readonly #serviceSpellings = new BoundedMemo<string | null>(MEMO_CAPACITY);
  readonly #categorySpellings = new BoundedMemo<string | null>(MEMO_CAPACITY);

  constructor(body: ArtifactBody, version: string) {
    this.version = version;
    this.stats = body.stats;
    this.#policy = new SensitivityPolicy(body.policy);
    this.#services = new Map(Object.entries(body.serviceAreas));
    this.#categories = new Map(Object.entries(body.categories));
    const content = compileContentRules(body.policy.contentRules, body.policy.contentSets);
    const slots = body.entries.map((source) => {
      const rules = source.contentRules?.map((id) => content.rules.get(id)).filter((r) => r !== undefined) ?? [];
      const entry = this.#entry(source, rules.length === 0 ? null : contentRuleSet(rules, content.vocabulary));
      return [slot(entry.exact, entry, 0), slot(entry.normalized, entry, 1)] as const;
    });
    this.#exact = new Map(Object.entries(body.exact).map(([name, i]) => [name, slots[i]![0]]));
    this.#normalized = new Map(Object.entries(body.normalized).map(([key, i]) => [key, slots[i]![1]]));
    this.#hot = new Map(this.#exact);
  }

  lookup(activity: string, service?: string | null, category?: string | null): Enrichment {
    const hit = this.#hot.get(activity) ?? this.#resolveMiss(activity);
    if ((service === undefined || service === null || service === "") && (category === undefined || category === null || category === "")) return hit.answer;
    if (hit.lastAnswer !== null && hit.lastService === service && hit.lastCategory === category) return hit.lastAnswer;
    const answer = hit.entry === null ? this.#unknown(activity, service, category) : this.#narrow(hit.entry, hit.kind, activity, service, category);
    hit.lastService = service;
    hit.lastCategory = category;
    hit.lastAnswer = answer;
    return answer;
  }

  /** Content rules for an activity name (same resolution as lookup); null when none apply, always for unknown names. */
  contentRules(activity: string): ContentRuleSet | null {
    return (this.#hot.get(activity) ?? this.#resolveMiss(activity)).entry?.contentRules ?? null;
  }

  /** Canonical service area for any spelling (alias tables), or null when unknown. */
  canonicalServiceArea(spelling: string | null | undefined): string | null {
    return this.#canonical(this.#services, this.#serviceSpellings, spelling);
  }

  /** Canonical audit category for any spelling (alias tables), or null when unknown. */
  canonicalCategory(spelling: string | null | undefined): string | null {
    return this.#canonical(this.#categories, this.#categorySpellings, spelling);
  }

  /** Entries held by the bounded memos (for tests and telemetry). */
  memoSize(): number {
    return this.#memoized + this.#answers.size + this.#serviceSpellings.size + this.#categorySpellings.size;
  }

  #canonical(table: Map<string, string>, memo: BoundedMemo<string | null>, spelling: string | null | undefined): string | null {
    if (spelling === null || spelling === undefined || spelling === "") return null;
    const known = memo.get(spelling);
    if (known !== undefined) return known;
    const found = table.get(aliasKey(spelling)) ?? null;
    memo.set(spelling, found);
    return found;
  }

  /** The event's own label: canonical when the alias tables know it, else passed through as given; null when absent or blank. */
  #label(table: Map<string, string>, memo: BoundedMemo<string | null>, spelling: string | null | undefined): string | null {
    const canonical = this.#canonical(table, memo, spelling);
    if (canonical !== null || spelling === null || spelling === undefined || spelling.trim() === "") return canonical;
    return spelling;
  }

  /** A raw spelling not in the catalog as written: normalize once, memoize the slot (bounded). */
  #resolveMiss(activity: string): Slot {
    const found = this.#normalized.get(normalizeActivity(activity)) ?? slot(this.#unknown(activity, null, null), null, 1);
    if (this.#memoized >= MEMO_CAPACITY) {
      this.#hot = new Map(this.#exact);
      this.#memoized = 0;
    }
    this.#hot.set(activity, found);
    this.#memoized += 1;
    return found;
  }

  /** The event's own service/category (canonical, or passed through as given); null when absent. */
  #eventLabels(service?: string | null, category?: string | null): [string | null, string | null] {
    return [this.#label(this.#services, this.#serviceSpellings, service), this.#label(this.#categories, this.#categorySpellings, category)];
  }

  #narrow(entry: Entry, kind: 0 | 1, activity: string, service?: string | null, category?: string | null): Enrichment {
    const s = this.#label(this.#services, this.#serviceSpellings, service);
    const c = this.#label(this.#categories, this.#categorySpellings, category);
    const candidates = entry.candidates;
    let mask = 0;
    let matched = 0;
    let last = 0;
    for (let i = 0; i < candidates.length; i++) {
      const cand = candidates[i]!;
      if ((s === null || s === cand.serviceArea) && (c === null || c === cand.category)) {
        mask |= 1 << i;
        matched++;
        last = i;
      }
    }
    if (matched === candidates.length) return kind === 0 ? entry.exact : entry.normalized;
    if (matched === 0) return this.#mismatch(entry, kind, activity, s, c);
    if (matched === 1) return entry.single[last]![kind];
    const key = mask * 2 + kind;
    let answer = entry.subsets.get(key);
    if (answer === undefined) {
      const picked = entry.source.candidates.filter((_, i) => (mask & (1 << i)) !== 0);
      answer = this.#answer(picked, kind === 0 ? "exact" : "normalized");
      entry.subsets.set(key, answer);
    }
    return answer;
  }

  /** The event names a service/category none of the catalog's candidates has: the event wins, the conflict is reported. */
  #mismatch(entry: Entry, kind: 0 | 1, activity: string, s: string | null, c: string | null): Enrichment {
    const memoKey = `m${kind}\u0000${entry.source.activity}\u0000${s}\u0000${c}`;
    const cached = this.#answers.get(memoKey);
    if (cached !== undefined) return cached;
    const verdict = this.#policy.evaluate(activity, s, c);
    const sensitivity = LEVEL_RANK[verdict.level] > LEVEL_RANK[entry.source.sensitivity] ? verdict.level : entry.source.sensitivity;
    const only = entry.candidates.length === 1 ? entry.candidates[0] : undefined;
    const answer = deepFreeze({
      serviceArea: s ?? only?.serviceArea ?? null,
      category: c ?? only?.category ?? null,
      sensitivity,
      sensitive: sensitivity === "high",
      reasons: [
        `catalog-mismatch: the event's service area/category (${s ?? "-"} / ${c ?? "-"}) matches none of the catalog's ${entry.candidates.length} candidate(s)`,
        ...new Set([...entry.source.reasons, ...verdict.reasons]),
      ],
      recognized: true,
      match: entry.candidates.length > 1 ? "ambiguous" : kind === 0 ? "exact" : "normalized",
      candidates: entry.candidates.map((x) => ({ serviceArea: x.serviceArea, category: x.category })),
      mismatch: true,
      catalogVersion: this.version,
    });
    this.#answers.set(memoKey, answer);
    return answer;
  }

  #unknown(activity: string, service?: string | null, category?: string | null): Enrichment {
    const [s, c] = this.#eventLabels(service, category);
    const memoKey = `u${activity}\u0000${s}\u0000${c}`;
    const cached = this.#answers.get(memoKey);
    if (cached !== undefined) return cached;
    const verdict = this.#policy.evaluate(activity, s, c);
    const answer = deepFreeze({
      serviceArea: s,
      category: c,
      sensitivity: verdict.level,
      sensitive: verdict.level === "high",
      reasons: [...verdict.reasons],
      recognized: false,
      match: "none",
      catalogVersion: this.version,
    });
    this.#answers.set(memoKey, answer);
    return answer;
  }

  #answer(candidates: ArtifactEntry["candidates"], single: MatchKind): Enrichment {
    const sensitivity = candidates.reduce<Sensitivity>((top, c) => (LEVEL_RANK[c.sensitivity] > LEVEL_RANK[top] ? c.sensitivity : top), "low");
    const reasons = [...new Set([...candidates].sort((a, b) => LEVEL_RANK[b.sensitivity] - LEVEL_RANK[a.sensitivity]).flatMap((c) => c.reasons))];
    const only = candidates.length === 1 ? candidates[0] : undefined;
    return deepFreeze({
      serviceArea: only ? only.serviceArea : null,
      category: only ? only.category : null,
      sensitivity,
      sensitive: sensitivity === "high",
      reasons,
      recognized: true,
      match: only ? single : "ambiguous",
      ...(only ? {} : { candidates: candidates.map((c) => ({ serviceArea: c.serviceArea, category: c.category })) }),
      catalogVersion: this.version,
    });
  }

  #entry(source: ArtifactEntry, contentRules: ContentRuleSet | null): Entry {
    return {
      source,
      contentRules,
      candidates: source.candidates.map((c) => Object.freeze({ serviceArea: c.serviceArea, category: c.category })),
      exact: this.#answer(source.candidates, "exact"),
      normalized: this.#answer(source.candidates, "normalized"),
      single: source.candidates.map((c) => [this.#answer([c], "exact"), this.#answer([c], "normalized")] as const),
      subsets: new Map(),
    };
  }
}

/** Loads and verifies an index artifact; throws CatalogError (CATALOG_ARTIFACT_*) when it is missing, corrupt or mismatched. */
export function loadCatalogIndex(path: string = DEFAULT_ARTIFACT_PATH): CatalogIndex {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CatalogError("CATALOG_ARTIFACT_MISSING", `${path}: cannot read the catalog index (${(error as NodeJS.ErrnoException).code ?? "error"}); run 'audit-enricher catalog build'`);
  }
  const { body, version } = parseArtifact(path, text);
  try {
    return new CatalogIndex(body, version);
  } catch (error) {
    throw new CatalogError("CATALOG_ARTIFACT_CORRUPT", `${path}:2: body does not have the index shape (${(error as Error).message})`);
  }
}

export function lookupActivity(index: ActivityLookup, activity: string, service?: string | null, category?: string | null): Enrichment {
  return index.lookup(activity, service, category);
}

/** Canonical service area or null (the worker maps null to "other" for metric labels). */
export function canonicalServiceArea(index: CatalogIndex, spelling: string | null | undefined): string | null {
  return index.canonicalServiceArea(spelling);
}

/** Canonical audit category or null (the worker maps null to "other" for metric labels). */
export function canonicalCategory(index: CatalogIndex, spelling: string | null | undefined): string | null {
  return index.canonicalCategory(spelling);
}
