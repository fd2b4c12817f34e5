// Content rules compiled twice over, never per event:
//  - at build (`catalog build`): each rule's activity names are resolved to
//    index entries, so an entry lists the ids of the rules that apply to it and
//    every other activity carries nothing; lowering rules that would touch an
//    activity a protected name rule flags (deletions, credentials) are refused.
//  - at load (CatalogIndex): every condition becomes a Set or Map, keys
//    lower-cased, so evaluation is lookups and no regular expression is built.
import type { Sensitivity } from "../enrichment.ts";
import { normalizeActivity } from "../normalize.ts";
import type { ContentEffect, ContentRule, ContentSets, RoleSet, ScopeSet } from "./content-policy.ts";

export interface CompiledRoleSet {
  /** Lower-case template id → display name. */
  readonly byId: ReadonlyMap<string, string>;
  /** Lower-case display name (and alias) → display name. */
  readonly byName: ReadonlyMap<string, string>;
}

export interface CompiledScopeSet {
  /** Lower-case permission → its spelling in the policy. */
  readonly exact: ReadonlyMap<string, string>;
  /** Lower-case prefix ("mail.") and the family's label ("Mail.*"). */
  readonly families: readonly { readonly prefix: string; readonly label: string }[];
}

export interface CompiledConditions {
  readonly targetTypes: ReadonlySet<string> | null;
  /** Lower-case property name → its spelling in the policy (what reasons name). */
  readonly properties: ReadonlyMap<string, string> | null;
  readonly oldValues: ReadonlySet<string> | null;
  readonly newValues: ReadonlySet<string> | null;
  readonly roles: CompiledRoleSet | null;
  readonly anyScope: CompiledScopeSet | null;
  readonly allScopes: CompiledScopeSet | null;
  readonly detailKeys: ReadonlyMap<string, string> | null;
  readonly detailValues: ReadonlySet<string> | null;
  readonly initiatedBy: "user" | "app" | null;
  readonly result: ReadonlySet<string> | null;
  readonly mention: ReadonlyMap<string, string> | null;
}

export interface CompiledContentRule {
  readonly id: string;
  readonly effect: ContentEffect;
  readonly level: Sensitivity;
  readonly reason: string;
  readonly when: CompiledConditions;
}

/** Where records keep role ids and permission lists, lower-cased; shared by every rule. */
export interface ContentVocabulary {
  readonly roleProperties: ReadonlySet<string>;
  readonly roleDetails: ReadonlySet<string>;
  readonly scopeProperties: ReadonlySet<string>;
  /** Name rule ids whose verdict content rules never lower. */
  readonly neverLower: ReadonlySet<string>;
}

/** The content rules of one index entry; null on entries without any (the fast path). */
export interface ContentRuleSet {
  readonly rules: readonly CompiledContentRule[];
  readonly vocabulary: ContentVocabulary;
  /**
   * Lower-case ASCII words of which at least one must occur in a record (case-insensitively)
   * for any of these rules to match: a record without any is not parsed. Null when
   * some rule can match any record (e.g. it only names properties to mention).
   */
  readonly mustContain: readonly string[] | null;
  /**
   * mustContain as one case-insensitive pattern, compiled once at load, that also
   * matches a `\u` escape (which could spell a word); null with mustContain.
   */
  readonly mayMatch: RegExp | null;
  /** True when a needed word may sit in additionalDetails (detail keys, role details), not only in targetResources. */
  readonly readsDetails: boolean;
}

/**
 * Words one of which a record must contain for the rule to match, from one of
 * its required conditions; null when no condition requires a word. Sound
 * because every condition below needs a member name or type string present.
 * Member names are written `"name`: in the record's text a name follows a
 * quote, also inside a JSON-encoded column (`\"name`), so a value that merely
 * ends in it ("TargetId.UserType") does not make the record worth parsing.
 */
function requiredWords(rule: CompiledContentRule, vocabulary: ContentVocabulary): readonly string[] | null {
  const w = rule.when;
  const quoted = (names: Iterable<string>) => [...names].map((n) => `"${n}`);
  if (w.properties !== null) return quoted(w.properties.keys());
  if (w.detailKeys !== null) return quoted(w.detailKeys.keys());
  // Types are matched after trimming and without a `#microsoft.graph.` prefix: not after a quote.
  if (w.targetTypes !== null) return [...w.targetTypes];
  if (w.anyScope !== null || w.allScopes !== null) return quoted(vocabulary.scopeProperties);
  // A role is found through a Role target, a role property or a role detail.
  if (w.roles !== null) return ["role", ...[...vocabulary.roleProperties, ...vocabulary.roleDetails].filter((k) => !k.includes("role"))];
  return null;
}

/** The rule set of one entry, with the words that decide whether a record is worth parsing. */
export function contentRuleSet(rules: readonly CompiledContentRule[], vocabulary: ContentVocabulary): ContentRuleSet {
  const words = new Set<string>();
  let mustContain: string[] | null = [];
  for (const rule of rules) {
    const required = requiredWords(rule, vocabulary);
    if (required === null) {
      mustContain = null;
      break;
    }
    for (const word of required) words.add(word);
  }
  // A word that contains another is implied by it.
  if (mustContain !== null) mustContain = [...words].filter((w) => ![...words].some((o) => o !== w && w.includes(o))).sort();
  const literal = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return Object.freeze({
    rules,
    vocabulary,
    mustContain: mustContain === null ? null : Object.freeze(mustContain),
    mayMatch: mustContain === null ? null : new RegExp(`${mustContain.map(literal).join("|")}|\\\\u`, "i"),
    readsDetails: rules.some((r) => r.when.detailKeys !== null || r.when.roles !== null),
  });
}

const lower = (values: readonly string[] | undefined): ReadonlySet<string> | null => (values === undefined ? null : new Set(values.map((v) => v.toLowerCase())));
const spellings = (values: readonly string[] | undefined): ReadonlyMap<string, string> | null =>
  values === undefined ? null : new Map(values.map((v) => [v.toLowerCase(), v]));

function compileRoles(set: RoleSet): CompiledRoleSet {
  const byId = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const [id, name] of Object.entries(set.roles)) {
    byId.set(id.toLowerCase(), name);
    byName.set(name.toLowerCase(), name);
  }
  for (const [alias, id] of Object.entries(set.aliases ?? {})) byName.set(alias.toLowerCase(), set.roles[id] ?? alias);
  return { byId, byName };
}

function compileScopes(set: ScopeSet): CompiledScopeSet {
  return {
    exact: new Map((set.exact ?? []).map((s) => [s.toLowerCase(), s])),
    families: (set.families ?? []).map((label) => ({ prefix: label.slice(0, -1).toLowerCase(), label })),
  };
}

/** Load time: rule id → compiled rule, plus the shared vocabulary. Assumes a validated policy. */
export function compileContentRules(
  rules: readonly ContentRule[] | undefined,
  sets: ContentSets | undefined,
): { readonly rules: ReadonlyMap<string, CompiledContentRule>; readonly vocabulary: ContentVocabulary } {
  const roleSets = new Map(Object.entries(sets?.roles ?? {}).map(([name, set]) => [name, compileRoles(set)]));
  const scopeSets = new Map(Object.entries(sets?.scopes ?? {}).map(([name, set]) => [name, compileScopes(set)]));
  const compiled = new Map<string, CompiledContentRule>();
  for (const rule of rules ?? []) {
    const w = rule.when;
    compiled.set(rule.id, {
      id: rule.id,
      effect: rule.effect ?? "raise",
      level: rule.level,
      reason: rule.reason,
      when: {
        targetTypes: lower(w.targetTypes),
        properties: spellings(w.modifiedProperties),
        oldValues: lower(w.oldValues),
        newValues: lower(w.newValues),
        roles: w.roleIn === undefined ? null : (roleSets.get(w.roleIn) ?? null),
        anyScope: w.anyScopeIn === undefined ? null : (scopeSets.get(w.anyScopeIn) ?? null),
        allScopes: w.allScopesIn === undefined ? null : (scopeSets.get(w.allScopesIn) ?? null),
        detailKeys: spellings(w.additionalDetails?.keys),
        detailValues: lower(w.additionalDetails?.values),
        initiatedBy: w.initiatedBy ?? null,
        result: lower(w.result),
        mention: spellings(w.mention),
      },
    });
  }
  return {
    rules: compiled,
    vocabulary: {
      roleProperties: lower(sets?.roleProperties) ?? new Set(),
      roleDetails: lower(sets?.roleDetails) ?? new Set(),
      scopeProperties: lower(sets?.scopeProperties) ?? new Set(),
      neverLower: new Set(sets?.neverLower ?? []),
    },
  };
}

/** The name rule id a reason string starts with ("deleted: removed an object..." → "deleted"). */
export function reasonRuleId(reason: string): string {
  const colon = reason.indexOf(":");
  return colon < 0 ? reason : reason.slice(0, colon);
}

/**
 * Build time: normalized activity key → ids of the content rules that apply, in
 * policy order. `reasonsOf(key)` gives the name-rule reasons of the entry (every
 * candidate), or undefined when the catalog does not know the name.
 */
export function resolveContentRules(
  rules: readonly ContentRule[] | undefined,
  sets: ContentSets | undefined,
  reasonsOf: (key: string) => readonly string[] | undefined,
  fail: (id: string, message: string) => never,
): ReadonlyMap<string, readonly string[]> {
  const neverLower = new Set(sets?.neverLower ?? []);
  const byKey = new Map<string, string[]>();
  for (const rule of rules ?? []) {
    for (const activity of rule.activities) {
      const key = normalizeActivity(activity);
      const reasons = reasonsOf(key);
      if (reasons === undefined) fail(rule.id, `content rule '${rule.id}': activity '${activity}' is not in the catalog (add it to additions.tsv first)`);
      if (rule.effect === "lower") {
        const guarded = reasons.map(reasonRuleId).find((id) => neverLower.has(id));
        if (guarded !== undefined) fail(rule.id, `content rule '${rule.id}' may not lower '${activity}': name rule '${guarded}' is in contentSets.neverLower`);
      }
      const ids = byKey.get(key) ?? [];
      if (!ids.includes(rule.id)) ids.push(rule.id);
      byKey.set(key, ids);
    }
  }
  return byKey;
}
