// The `contentRules` and `contentSets` sections of catalog/policy.json: rules
// on what a record changed (roles, modified properties, consented scopes,
// additional details, initiator, result) rather than on its activity name.
// This file is the reviewed format and its validation; compile-content.ts
// turns it into sets and maps once, at build and at load.
import type { Sensitivity } from "../enrichment.ts";

export type ContentEffect = "raise" | "lower";

export interface ContentConditions {
  /** Some target's type (case-insensitive) is one of these, e.g. "Role", "ServicePrincipal". */
  readonly targetTypes?: readonly string[];
  /** Some target's modified property (case-insensitive) is one of these ... */
  readonly modifiedProperties?: readonly string[];
  /** ... and that property's old value (decoded from its JSON string) contains one of these, case-insensitively. */
  readonly oldValues?: readonly string[];
  /** ... and that property's new value contains one of these. */
  readonly newValues?: readonly string[];
  /** The role the record is about (template id or built-in display name) is in this set of contentSets.roles. */
  readonly roleIn?: string;
  /** Some consented or assigned permission is in this set of contentSets.scopes. */
  readonly anyScopeIn?: string;
  /** Every consented permission (at least one) is in this set of contentSets.scopes. */
  readonly allScopesIn?: string;
  /** Some additionalDetails entry has one of these keys (and, when given, one of these values). */
  readonly additionalDetails?: { readonly keys: readonly string[]; readonly values?: readonly string[] };
  readonly initiatedBy?: "user" | "app";
  /** The record's result, normalized to "success" / "failure". */
  readonly result?: readonly ("success" | "failure")[];
  /** Modified properties named in the reason when present; never required to match. */
  readonly mention?: readonly string[];
}

export interface ContentRule {
  readonly id: string;
  /** Activity names; each must be in the catalog (resolved to index entries at build). */
  readonly activities: readonly string[];
  /** "raise" (default): the level is at least this one. "lower": at most this one, unless a raise rule matched or the name rules protect the activity. */
  readonly effect?: ContentEffect;
  readonly level: Sensitivity;
  readonly when: ContentConditions;
  readonly reason: string;
  /** The published detection this rule mirrors; documentation only. */
  readonly mirrors?: readonly string[];
}

export interface RoleSet {
  readonly provenance: string;
  /** Role template id → display name. */
  readonly roles: Readonly<Record<string, string>>;
  /** Other display names seen in audit records → template id (e.g. "Company Administrator"). */
  readonly aliases?: Readonly<Record<string, string>>;
}

export interface ScopeSet {
  readonly provenance: string;
  /** Permission names matched exactly (case-insensitive). */
  readonly exact?: readonly string[];
  /** Permission families: "Mail.*" matches every permission starting with "Mail.". */
  readonly families?: readonly string[];
}

export interface ContentSets {
  readonly roles?: Readonly<Record<string, RoleSet>>;
  readonly scopes?: Readonly<Record<string, ScopeSet>>;
  /** Modified properties and additional details whose values carry role ids / names and permission lists. */
  readonly roleProperties?: readonly string[];
  readonly roleDetails?: readonly string[];
  readonly scopeProperties?: readonly string[];
  /** Name rules a content rule may never lower (deletions, credential changes): a property test holds the policy to it. */
  readonly neverLower?: readonly string[];
}

const LEVELS = new Set<string>(["low", "medium", "high"]);
const CONDITION_KEYS = new Set([
  "targetTypes",
  "modifiedProperties",
  "oldValues",
  "newValues",
  "roleIn",
  "anyScopeIn",
  "allScopesIn",
  "additionalDetails",
  "initiatedBy",
  "result",
  "mention",
]);

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === "string" && s !== "");

/**
 * Validates the content sections; `fail(id, message)` reports at the rule's line.
 * Returns nothing: the file is used as parsed once it passes.
 */
export function validateContentPolicy(
  rules: unknown,
  sets: unknown,
  nameRuleIds: ReadonlySet<string>,
  fail: (id: string | null, message: string) => never,
): void {
  if (rules === undefined) return;
  if (!Array.isArray(rules)) fail(null, "'contentRules' must be a list");
  const s = (sets ?? {}) as ContentSets;
  if (typeof s !== "object" || s === null || Array.isArray(s)) fail(null, "'contentSets' must be an object");
  for (const [name, set] of Object.entries(s.roles ?? {})) {
    if (!set?.provenance || typeof set.roles !== "object") fail(null, `contentSets.roles.${name} needs 'provenance' and 'roles'`);
    for (const [id, display] of Object.entries(set.roles)) {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id) || typeof display !== "string") fail(null, `contentSets.roles.${name}: '${id}' is not a lower-case template id with a display name`);
    }
    for (const target of Object.values(set.aliases ?? {})) if (!Object.hasOwn(set.roles, target)) fail(null, `contentSets.roles.${name}: alias points at unknown template id '${target}'`);
  }
  for (const [name, set] of Object.entries(s.scopes ?? {})) {
    if (!set?.provenance) fail(null, `contentSets.scopes.${name} needs 'provenance'`);
    for (const f of set.families ?? []) if (!f.endsWith(".*") || f.length < 3) fail(null, `contentSets.scopes.${name}: family '${f}' must end in '.*'`);
  }
  for (const id of s.neverLower ?? []) if (!nameRuleIds.has(id)) fail(null, `contentSets.neverLower: '${id}' is not a name rule id`);
  const ids = new Set<string>();
  for (const raw of rules as ContentRule[]) {
    const id = typeof raw?.id === "string" && raw.id !== "" ? raw.id : fail(null, "a content rule has no id");
    if (ids.has(id) || nameRuleIds.has(id)) fail(id, `content rule id '${id}' repeats a rule id`);
    ids.add(id);
    if (!LEVELS.has(raw.level) || typeof raw.reason !== "string" || raw.reason === "") fail(id, `content rule '${id}' needs a level (high|medium|low) and a reason`);
    if (raw.effect !== undefined && raw.effect !== "raise" && raw.effect !== "lower") fail(id, `content rule '${id}': effect must be 'raise' or 'lower'`);
    if (!isStringList(raw.activities)) fail(id, `content rule '${id}' needs a non-empty 'activities' list`);
    const when = raw.when;
    if (typeof when !== "object" || when === null || Array.isArray(when)) fail(id, `content rule '${id}' needs a 'when' object`);
    for (const key of Object.keys(when)) if (!CONDITION_KEYS.has(key)) fail(id, `content rule '${id}': unknown condition '${key}'`);
    for (const key of ["targetTypes", "modifiedProperties", "oldValues", "newValues", "result", "mention"] as const) {
      if (when[key] !== undefined && !isStringList(when[key])) fail(id, `content rule '${id}': '${key}' must be a non-empty list of strings`);
    }
    if ((when.oldValues || when.newValues) && !when.modifiedProperties) fail(id, `content rule '${id}': oldValues/newValues need modifiedProperties`);
    if (when.roleIn !== undefined && !Object.hasOwn(s.roles ?? {}, when.roleIn)) fail(id, `content rule '${id}': role set '${when.roleIn}' is not in contentSets.roles`);
    for (const key of ["anyScopeIn", "allScopesIn"] as const) {
      if (when[key] !== undefined && !Object.hasOwn(s.scopes ?? {}, when[key])) fail(id, `content rule '${id}': scope set '${when[key]}' is not in contentSets.scopes`);
    }
    if (when.additionalDetails !== undefined && !isStringList(when.additionalDetails.keys)) fail(id, `content rule '${id}': additionalDetails needs 'keys'`);
    if (when.initiatedBy !== undefined && when.initiatedBy !== "user" && when.initiatedBy !== "app") fail(id, `content rule '${id}': initiatedBy must be 'user' or 'app'`);
    for (const r of when.result ?? []) if (r !== "success" && r !== "failure") fail(id, `content rule '${id}': result must list 'success' / 'failure'`);
  }
}
