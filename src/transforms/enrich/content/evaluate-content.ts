// Evaluates an activity's compiled content rules on one record's content and
// merges the result with the name rules' answer:
//   - raise rules that match: level = highest of the name level and theirs;
//   - lower rules apply only when no raise rule matched and no name rule in
//     `neverLower` (deletions, credentials) contributed to the answer; then the
//     level is min(name level, the highest matching lower level).
// Reasons name the rule and the value that triggered it, taken from the
// policy's own closed sets (role display names, property names, permission
// names or families): never a value read from the record.
import type { CompiledContentRule, CompiledRoleSet, CompiledScopeSet, ContentRuleSet, ContentVocabulary } from "../../../catalog/content/compile-content.ts";
import { type BoundedMemo, memoOf } from "../../../catalog/bounded-memo.ts";
import { reasonRuleId } from "../../../catalog/content/compile-content.ts";
import type { Enrichment, Sensitivity } from "../../../catalog/enrichment.ts";
import { LEVEL_RANK } from "../../../catalog/policy.ts";
import { anyIn, scopeTokens, valueTokens } from "./content-values.ts";
import type { ContentView } from "./record-content.ts";

export interface ContentVerdict {
  readonly sensitivity: Sensitivity;
  /** Content reasons first (highest level first), then the name rules' reasons. */
  readonly reasons: readonly string[];
  /** Identifies the verdict for one name answer: level and content reasons (the name reasons are the answer's). */
  readonly key: string;
}

const MAX_REASON_CHARS = 240;
const MAX_VALUES_NAMED = 3;

/** Per-record memo: permission tokens are read once however many rules ask. */
class RecordContent {
  readonly view: ContentView;
  readonly vocabulary: ContentVocabulary;
  #scopes: string[] | null = null;

  constructor(view: ContentView, vocabulary: ContentVocabulary) {
    this.view = view;
    this.vocabulary = vocabulary;
  }

  scopes(): readonly string[] {
    if (this.#scopes !== null) return this.#scopes;
    const out: string[] = [];
    for (const target of this.view.targets) {
      for (const p of target.properties) {
        if (!this.vocabulary.scopeProperties.has(p.key)) continue;
        for (const text of valueTokens(p.newValue)) scopeTokens(text, out);
      }
    }
    this.#scopes = out;
    return out;
  }

  role(set: CompiledRoleSet): string | null {
    const { targets, details } = this.view;
    const byToken = (tokens: readonly string[]): string | null => {
      for (const t of tokens) {
        const name = set.byId.get(t) ?? set.byName.get(t);
        if (name !== undefined) return name;
      }
      return null;
    };
    for (const t of targets) {
      if (t.type !== "role") continue;
      const name = (t.id === null ? undefined : set.byId.get(t.id.toLowerCase())) ?? (t.displayName === null ? undefined : set.byName.get(t.displayName.trim().toLowerCase()));
      if (name !== undefined) return name;
    }
    for (const t of targets) {
      for (const p of t.properties) {
        if (!this.vocabulary.roleProperties.has(p.key)) continue;
        const name = byToken(valueTokens(p.newValue)) ?? byToken(valueTokens(p.oldValue));
        if (name !== null) return name;
      }
    }
    for (const d of details) {
      if (!this.vocabulary.roleDetails.has(d.key)) continue;
      const name = byToken(valueTokens(d.value));
      if (name !== null) return name;
    }
    return null;
  }
}

function scopeLabel(set: CompiledScopeSet, token: string): string | null {
  const exact = set.exact.get(token);
  if (exact !== undefined) return exact;
  for (const f of set.families) if (token.length > f.prefix.length && token.startsWith(f.prefix)) return f.label;
  return null;
}

function named(values: readonly string[]): string {
  const unique = [...new Set(values)];
  return unique.length <= MAX_VALUES_NAMED ? unique.join(", ") : `${unique.slice(0, MAX_VALUES_NAMED).join(", ")} and ${unique.length - MAX_VALUES_NAMED} more`;
}

/** The triggers of a matching rule ("role: Global Administrator"), or null when it does not match. */
function match(rule: CompiledContentRule, content: RecordContent): string[] | null {
  const w = rule.when;
  const { view } = content;
  const triggers: string[] = [];
  if (w.targetTypes !== null) {
    const types = w.targetTypes;
    if (!view.targets.some((t) => types.has(t.type))) return null;
  }
  if (w.properties !== null) {
    let found: string | undefined;
    for (const t of view.targets) {
      for (const p of t.properties) {
        const spelling = w.properties.get(p.key);
        if (spelling === undefined) continue;
        if (w.oldValues !== null && anyIn(valueTokens(p.oldValue), w.oldValues) === null) continue;
        if (w.newValues !== null && anyIn(valueTokens(p.newValue), w.newValues) === null) continue;
        found = spelling;
        break;
      }
      if (found !== undefined) break;
    }
    if (found === undefined) return null;
    triggers.push(`property: ${found}`);
  }
  if (w.roles !== null) {
    const role = content.role(w.roles);
    if (role === null) return null;
    triggers.push(`role: ${role}`);
  }
  if (w.anyScope !== null) {
    const set = w.anyScope;
    const labels = content.scopes().map((s) => scopeLabel(set, s)).filter((l) => l !== null);
    if (labels.length === 0) return null;
    triggers.push(`permission: ${named(labels)}`);
  }
  if (w.allScopes !== null) {
    const set = w.allScopes;
    const scopes = content.scopes();
    const labels = scopes.map((s) => scopeLabel(set, s));
    if (scopes.length === 0 || labels.some((l) => l === null)) return null;
    triggers.push(`only: ${named(labels as string[])}`);
  }
  if (w.detailKeys !== null) {
    const keys = w.detailKeys;
    const values = w.detailValues;
    const d = view.details.find((x) => keys.has(x.key) && (values === null || anyIn(valueTokens(x.value), values) !== null));
    if (d === undefined) return null;
    triggers.push(`detail: ${keys.get(d.key)}`);
  }
  // Last: with the lazy view these are read (parsed) only when everything else matched.
  if (w.initiatedBy !== null && view.initiator !== w.initiatedBy) return null;
  if (w.result !== null && !w.result.has(view.result)) return null;
  if (w.mention !== null) {
    const mention = w.mention;
    const names = view.targets.flatMap((t) => t.properties.map((p) => mention.get(p.key)).filter((n) => n !== undefined));
    if (names.length > 0) triggers.push(`property: ${named(names)}`);
  }
  return triggers;
}

// Reason texts per rule and trigger list: the triggers come from closed sets, so these are few; still bounded.
const reasonTexts = new WeakMap<CompiledContentRule, BoundedMemo<string>>();
const MAX_TEXTS_PER_RULE = 256;

function reasonText(rule: CompiledContentRule, triggers: readonly string[]): string {
  const joined = triggers.join("; ");
  const texts = memoOf(reasonTexts, rule, MAX_TEXTS_PER_RULE);
  const known = texts.get(joined);
  if (known !== undefined) return known;
  const full = joined === "" ? `${rule.id}: ${rule.reason}` : `${rule.id}: ${rule.reason} (${joined})`;
  const text = full.length > MAX_REASON_CHARS ? `${full.slice(0, MAX_REASON_CHARS - 1)}…` : full;
  texts.set(joined, text);
  return text;
}

interface Hit {
  readonly level: Sensitivity;
  readonly reason: string;
}

const byLevel = (a: Hit, b: Hit) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level];

/** The merged verdict, or null when no content rule matched (the name rules' answer stands, byte for byte). */
export function evaluateContent(set: ContentRuleSet, view: ContentView, base: Enrichment): ContentVerdict | null {
  const content = new RecordContent(view, set.vocabulary);
  let raised: Hit[] | null = null;
  let lowered: Hit[] | null = null;
  for (const rule of set.rules) {
    const triggers = match(rule, content);
    if (triggers === null) continue;
    const hit = { level: rule.level, reason: reasonText(rule, triggers) };
    if (rule.effect === "lower") {
      lowered ??= [];
      lowered.push(hit);
    } else {
      raised ??= [];
      raised.push(hit);
    }
  }
  let level: Sensitivity = base.sensitivity;
  let applied: Hit[];
  if (raised !== null) {
    for (const r of raised) if (LEVEL_RANK[r.level] > LEVEL_RANK[level]) level = r.level;
    applied = raised;
  } else if (lowered !== null && !base.reasons.some((r) => set.vocabulary.neverLower.has(reasonRuleId(r)))) {
    let top: Sensitivity = "low";
    for (const r of lowered) if (LEVEL_RANK[r.level] > LEVEL_RANK[top]) top = r.level;
    if (LEVEL_RANK[top] < LEVEL_RANK[level]) level = top;
    applied = lowered;
  } else {
    return null;
  }
  if (applied.length > 1) applied.sort(byLevel);
  const reasons = applied.map((r) => r.reason);
  return { sensitivity: level, reasons: [...reasons, ...base.reasons], key: `${level}\u0000${reasons.join("\u0000")}` };
}
