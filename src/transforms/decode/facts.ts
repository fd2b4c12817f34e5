// The compact facts an alert needs about an audit record, read from whichever
// shape carried it. Every string is input-controlled, so each is truncated and
// the target list is bounded.

import type { AuditRecordNames } from "./audit-record.ts";
import { type AlertFacts, type Initiator, MAX_FACT_CHARS, MAX_FACT_TARGETS, type NamedFacts, type Target } from "./outcome.ts";
import { decodeJsonColumn, isObject, type JsonObject, own, ownObject, ownString } from "./own-fields.ts";

const MAX_COLUMN_CHARS = 1024 * 1024;

function bounded(value: string | null): string | null {
  return value !== null && value.length > MAX_FACT_CHARS ? value.slice(0, MAX_FACT_CHARS) : value;
}

function firstString(...values: (string | null)[]): string | null {
  for (const value of values) if (value !== null) return bounded(value);
  return null;
}

function scalarText(value: unknown): string | null {
  if (typeof value === "string") return bounded(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function tenantFromResourceId(resourceId: string | null): string | null {
  if (resourceId === null) return null;
  const match = /^\/tenants\/([^/]{1,64})\//i.exec(resourceId);
  return match?.[1] ?? null;
}

function initiatorOf(initiatedBy: unknown, record: JsonObject, properties: JsonObject | null): Initiator | null {
  const user = ownObject(initiatedBy, "user");
  if (user !== null) {
    return {
      type: "user",
      id: firstString(ownString(user, "id")),
      name: firstString(ownString(user, "userPrincipalName"), ownString(user, "displayName")),
    };
  }
  const app = ownObject(initiatedBy, "app");
  if (app !== null) {
    return {
      type: "app",
      id: firstString(ownString(app, "appId"), ownString(app, "servicePrincipalId")),
      name: firstString(ownString(app, "displayName"), ownString(app, "servicePrincipalName")),
    };
  }
  // Legacy records name the initiator in top-level `identity` ("NA" when none).
  const identity = ownString(record, "identity");
  if (identity !== null && identity !== "NA" && identity !== "") {
    const identityType = ownString(properties, "identityType")?.toLowerCase();
    const type = identityType === "user" ? "user" : identityType === "application" ? "app" : "unknown";
    return { type, id: null, name: bounded(identity) };
  }
  return null;
}

function targetOf(value: unknown): Target | null {
  if (!isObject(value)) return null;
  return {
    type: firstString(ownString(value, "type"), ownString(value, "Type"), ownString(value, "@odata.type")),
    id: firstString(ownString(value, "id"), ownString(value, "Id")),
    displayName: firstString(ownString(value, "displayName"), ownString(value, "userPrincipalName"), ownString(value, "DisplayName")),
  };
}

function targetsOf(record: JsonObject, properties: JsonObject | null): Target[] {
  let list =
    own(properties, "targetResources") ??
    own(record, "targetResources") ??
    own(record, "targetResource") ??
    decodeJsonColumn(own(record, "TargetResources"), MAX_COLUMN_CHARS);
  if (isObject(list)) list = [list];
  const targets: Target[] = [];
  if (Array.isArray(list)) {
    for (const item of list) {
      if (targets.length >= MAX_FACT_TARGETS) break;
      const target = targetOf(item);
      if (target !== null) targets.push(target);
    }
  } else {
    const type = ownString(properties, "targetResourceType");
    const name = ownString(properties, "targetResourceName");
    if (type !== null || name !== null) targets.push({ type: bounded(type), id: null, displayName: bounded(name) });
  }
  return targets;
}

/**
 * The two facts the catalog-gaps table needs. They read only members the decode scan
 * captures (record-fields.ts), so they are exact on its captured `fields` as well as on
 * the parsed record, and an unrecognized record needs no parse of its own.
 */
export function namedFacts(record: JsonObject, names: Pick<AuditRecordNames, "activity">): NamedFacts {
  const properties = ownObject(record, "properties");
  return { activity: bounded(names.activity) ?? "", time: activityTime(record, properties) };
}

function activityTime(record: JsonObject, properties: JsonObject | null): string | null {
  return firstString(
    ownString(properties, "activityDateTime"),
    ownString(record, "time"),
    ownString(record, "activityDateTime"),
    ownString(record, "ActivityDateTime"),
    ownString(record, "TimeGenerated"),
  );
}

/** Facts of a parsed audit record; `names` is what classifyRecord found in it. */
export function extractFacts(record: JsonObject, names: Pick<AuditRecordNames, "activity" | "activitySource">): AlertFacts {
  const properties = ownObject(record, "properties");
  const initiatedBy =
    own(properties, "initiatedBy") ?? own(record, "initiatedBy") ?? decodeJsonColumn(own(record, "InitiatedBy"), MAX_COLUMN_CHARS);
  return {
    activity: bounded(names.activity) ?? "",
    activitySource: names.activitySource,
    time: activityTime(record, properties),
    tenantId: firstString(
      ownString(record, "tenantId"),
      ownString(properties, "tenantId"),
      tenantFromResourceId(ownString(record, "resourceId")),
      ownString(record, "TenantId"),
      ownString(record, "AADTenantId"),
    ),
    correlationId: firstString(ownString(record, "correlationId"), ownString(properties, "correlationId"), ownString(record, "CorrelationId")),
    initiator: initiatorOf(initiatedBy, record, properties),
    targets: targetsOf(record, properties),
    result: scalarText(own(properties, "result") ?? own(record, "result") ?? own(record, "Result") ?? own(record, "resultType")),
  };
}
