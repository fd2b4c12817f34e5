// The sensitivity policy (catalog/policy.json): name rules (activity-name
// pattern, service area, category), per-activity overrides, and a reserved
// `contentRules` list for rules on record content that a later stage applies.
// Pure: compiled once, evaluated at build for every catalog activity and at
// lookup for unknown names.
import type { Sensitivity } from "./enrichment.ts";
import { CatalogError } from "./errors.ts";
import { normalizeActivity } from "./normalize.ts";
import { type ContentRule, type ContentSets, validateContentPolicy } from "./content/content-policy.ts";

export interface NameRule {
  readonly id: string;
  readonly level: Sensitivity;
  /** Regular expression tested (case-insensitively) against the normalized activity name. */
  readonly activity?: string;
  /** Canonical service areas; the rule applies only to these when given. */
  readonly serviceAreas?: readonly string[];
  /** Canonical categories; the rule applies only to these when given. */
  readonly categories?: readonly string[];
  readonly reason: string;
}

export interface Override {
  readonly activity: string;
  readonly serviceArea?: string;
  readonly category?: string;
  readonly level: Sensitivity;
  readonly reason: string;
}

export interface PolicyFile {
  readonly default: { readonly level: Sensitivity; readonly reason: string };
  readonly nameRules: readonly NameRule[];
  readonly overrides: readonly Override[];
  /** Rules on record content (roles, modified properties, scopes): src/catalog/content/, evaluated by the enrichment stage. */
  readonly contentRules?: readonly ContentRule[];
  /** Named role and permission sets the content rules refer to, with provenance. */
  readonly contentSets?: ContentSets;
}

export interface Verdict {
  readonly level: Sensitivity;
  readonly reasons: readonly string[];
}

export const LEVEL_RANK: Readonly<Record<Sensitivity, number>> = { low: 0, medium: 1, high: 2 };
const LEVELS = new Set<string>(["low", "medium", "high"]);

export function maxLevel(levels: readonly Sensitivity[]): Sensitivity {
  return levels.reduce<Sensitivity>((top, level) => (LEVEL_RANK[level] > LEVEL_RANK[top] ? level : top), "low");
}

interface CompiledRule {
  readonly rule: NameRule;
  readonly pattern: RegExp | null;
}

export class SensitivityPolicy {
  readonly file: PolicyFile;
  readonly #rules: readonly CompiledRule[];
  readonly #overrides: ReadonlyMap<string, readonly Override[]>;

  constructor(file: PolicyFile) {
    this.file = file;
    this.#rules = file.nameRules.map((rule) => ({ rule, pattern: rule.activity === undefined ? null : new RegExp(rule.activity, "i") }));
    const overrides = new Map<string, Override[]>();
    for (const override of file.overrides) {
      const key = normalizeActivity(override.activity);
      overrides.set(key, [...(overrides.get(key) ?? []), override]);
    }
    this.#overrides = overrides;
  }

  /** Level and reasons for one activity under one (service area, category); every answer has ≥ 1 reason. */
  evaluate(activity: string, serviceArea: string | null, category: string | null): Verdict {
    const key = normalizeActivity(activity);
    const override = this.#overrides
      .get(key)
      ?.find((o) => (o.serviceArea === undefined || o.serviceArea === serviceArea) && (o.category === undefined || o.category === category));
    if (override) return { level: override.level, reasons: [`override: ${override.reason}`] };
    const matched = this.#rules.filter(
      ({ rule, pattern }) =>
        (pattern === null || pattern.test(key)) &&
        (rule.serviceAreas === undefined || (serviceArea !== null && rule.serviceAreas.includes(serviceArea))) &&
        (rule.categories === undefined || (category !== null && rule.categories.includes(category))),
    );
    if (matched.length === 0) return { level: this.file.default.level, reasons: [`default: ${this.file.default.reason}`] };
    const ordered = [...matched].sort((a, b) => LEVEL_RANK[b.rule.level] - LEVEL_RANK[a.rule.level]);
    return { level: maxLevel(ordered.map((m) => m.rule.level)), reasons: ordered.map((m) => `${m.rule.id}: ${m.rule.reason}`) };
  }
}

function fail(path: string, message: string): never {
  throw new CatalogError("CATALOG_POLICY_INVALID", `${path}:1: ${message}`);
}

/** Parses and validates policy.json against the canonical names it may mention. */
export function parsePolicyFile(path: string, text: string, services: ReadonlySet<string>, categories: ReadonlySet<string>): PolicyFile {
  let file: PolicyFile;
  try {
    file = JSON.parse(text) as PolicyFile;
  } catch (error) {
    return fail(path, (error as Error).message);
  }
  if (!file.default || !LEVELS.has(file.default.level) || !file.default.reason) fail(path, "'default' needs a level and a reason");
  if (!Array.isArray(file.nameRules) || !Array.isArray(file.overrides)) fail(path, "'nameRules' and 'overrides' must be lists");
  const ids = new Set<string>();
  for (const rule of file.nameRules) {
    if (!rule.id || ids.has(rule.id)) fail(path, `rule id '${rule.id}' missing or repeated`);
    ids.add(rule.id);
    if (!LEVELS.has(rule.level) || !rule.reason) fail(path, `rule '${rule.id}' needs a level (high|medium|low) and a reason`);
    if (rule.activity !== undefined) {
      try {
        new RegExp(rule.activity, "i");
      } catch (error) {
        fail(path, `rule '${rule.id}': ${(error as Error).message}`);
      }
    }
    for (const s of rule.serviceAreas ?? []) if (!services.has(s)) fail(path, `rule '${rule.id}': '${s}' is not a canonical service area`);
    for (const c of rule.categories ?? []) if (!categories.has(c)) fail(path, `rule '${rule.id}': '${c}' is not a canonical category`);
  }
  for (const o of file.overrides) {
    if (!o.activity || !LEVELS.has(o.level) || !o.reason) fail(path, `override '${o.activity}' needs an activity, a level and a reason`);
  }
  validateContentPolicy(file.contentRules, file.contentSets, ids, (id, message) => {
    throw new CatalogError("CATALOG_POLICY_INVALID", `${path}:${lineOfRule(text, id)}: ${message}`);
  });
  return file;
}

/** The line of `"id": "<id>"` in the policy text (1 when not found), so errors point at the rule. */
export function lineOfRule(text: string, id: string | null): number {
  if (id === null) return 1;
  const at = text.indexOf(`"id": ${JSON.stringify(id)}`);
  return at < 0 ? 1 : text.slice(0, at).split("\n").length;
}
