// Writes one neutral fixture case (test/fixtures/content/cases.json) in each
// record shape of event-shapes.md, so every content rule is checked against
// every layout that carries the fields it reads.
import { readFileSync } from "node:fs";
import type { RecordShape } from "../../src/transforms/decode/outcome.ts";

export interface CaseCore {
  readonly activity: string;
  readonly category: string;
  readonly service: string;
  readonly result: string;
  readonly initiatedBy: { user?: Record<string, unknown>; app?: Record<string, unknown> };
  readonly targetResources: readonly Record<string, unknown>[];
  readonly additionalDetails: readonly { key: string; value: unknown }[];
}

export interface ContentCase {
  readonly name: string;
  readonly core: CaseCore;
  readonly shapes?: readonly RecordShape[];
  readonly expect: {
    readonly level: "high" | "medium" | "low";
    /** The content rule whose reason must come first, or null when no content rule may match. */
    readonly rule: string | null;
    /** Text the rule's reason must contain (the triggering value). */
    readonly value?: string;
    /** Other content rules that must also be named. */
    readonly also?: readonly string[];
    readonly notInReasons?: readonly string[];
  };
}

export const CASES: readonly ContentCase[] = JSON.parse(readFileSync(new URL("../fixtures/content/cases.json", import.meta.url), "utf8")) as ContentCase[];

export const SHAPES: readonly RecordShape[] = ["diagnostic", "graph", "log_analytics", "legacy"];

const TENANT = "8a7b6c5d-1111-4222-8333-944455556666";
const TIME = "2024-05-14T09:12:35.1234567Z";

export function diagnosticRecord(c: CaseCore): Record<string, unknown> {
  return {
    time: TIME,
    resourceId: `/tenants/${TENANT}/providers/Microsoft.aadiam`,
    operationName: c.activity,
    category: "AuditLogs",
    tenantId: TENANT,
    correlationId: "c0ffee00-0000-4000-8000-000000000000",
    Level: 4,
    properties: {
      id: "Directory_ABCDE_12345678",
      category: c.category,
      result: c.result,
      activityDisplayName: c.activity,
      activityDateTime: TIME,
      loggedByService: c.service,
      initiatedBy: c.initiatedBy,
      targetResources: c.targetResources,
      additionalDetails: c.additionalDetails,
    },
  };
}

export function graphRecord(c: CaseCore): Record<string, unknown> {
  return {
    id: "Directory_ABCDE_12345678",
    category: c.category,
    correlationId: "c0ffee00-0000-4000-8000-000000000000",
    result: c.result,
    resultReason: "",
    activityDisplayName: c.activity,
    activityDateTime: TIME,
    loggedByService: c.service,
    // Graph writes the unused initiator as null; generated junk is kept as it is.
    initiatedBy: c.initiatedBy !== null && typeof c.initiatedBy === "object" ? { user: c.initiatedBy.user ?? null, app: c.initiatedBy.app ?? null } : c.initiatedBy,
    targetResources: c.targetResources,
    additionalDetails: c.additionalDetails,
  };
}

export function logAnalyticsRow(c: CaseCore): Record<string, unknown> {
  return {
    TenantId: TENANT,
    TimeGenerated: TIME,
    OperationName: c.activity,
    Category: c.category,
    Result: c.result,
    CorrelationId: "c0ffee00-0000-4000-8000-000000000000",
    LoggedByService: c.service,
    ActivityDisplayName: c.activity,
    ActivityDateTime: TIME,
    InitiatedBy: JSON.stringify(c.initiatedBy),
    TargetResources: JSON.stringify(c.targetResources),
    AdditionalDetails: JSON.stringify(c.additionalDetails),
    Type: "AuditLogs",
  };
}

/**
 * The 2018 schema: one target (the one with modified properties), PascalCase
 * properties, the rest as additionalTargets. Generated junk (not a list, not
 * objects) is written into the legacy fields as it is.
 */
export function legacyRecord(c: CaseCore): Record<string, unknown> {
  const list: unknown = c.targetResources;
  const objects = (Array.isArray(list) ? list : []).filter((t): t is Record<string, unknown> => t !== null && typeof t === "object" && !Array.isArray(t));
  const main = objects.find((t) => Array.isArray(t.modifiedProperties) && t.modifiedProperties.length > 0) ?? objects[0];
  const others = objects.filter((t) => t !== main);
  const rawProps: unknown = main?.modifiedProperties;
  const props = Array.isArray(rawProps)
    ? rawProps.map((p: unknown) => (p !== null && typeof p === "object" ? { Name: (p as Record<string, unknown>).displayName, OldValue: (p as Record<string, unknown>).oldValue, NewValue: (p as Record<string, unknown>).newValue } : p))
    : (rawProps ?? "");
  const init: unknown = c.initiatedBy;
  const byUser = init !== null && typeof init === "object" && "user" in init && Boolean((init as { user?: unknown }).user);
  const details: unknown = c.additionalDetails;
  return {
    time: TIME,
    resourceId: `/tenants/${TENANT}/providers/Microsoft.aadiam`,
    operationName: `${c.activity}.`,
    operationVersion: "1.0",
    category: "Audit",
    resultType: c.result === "success" ? "Success" : c.result === "failure" ? "Failure" : c.result,
    resultSignature: "-1",
    durationMs: "-1",
    identity: byUser ? "admin@contoso.example" : "Azure MFA StrongAuthenticationService",
    properties: {
      auditEventCategory: c.category,
      identityType: byUser ? "User" : "Application",
      operationType: "Update",
      targetResourceType: main?.type ?? "",
      targetResourceName: main?.displayName ?? main?.userPrincipalName ?? "",
      targetUpdatedProperties: Array.isArray(props) && props.length === 0 ? "" : props,
      additionalTargets: Array.isArray(list) ? others.map((t) => ({ targetResourceType: t.type, targetResourceName: t.displayName })) : list,
      additionalDetails: Array.isArray(details)
        ? details.length === 0
          ? "None"
          : Object.fromEntries(details.filter((d) => d !== null && typeof d === "object" && typeof d.key === "string").map((d) => [d.key, d.value]))
        : details,
    },
  };
}

export function inShape(c: CaseCore, shape: RecordShape): Record<string, unknown> {
  switch (shape) {
    case "diagnostic":
      return diagnosticRecord(c);
    case "graph":
      return graphRecord(c);
    case "log_analytics":
      return logAnalyticsRow(c);
    case "legacy":
      return legacyRecord(c);
  }
}
