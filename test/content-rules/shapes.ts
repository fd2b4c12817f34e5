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
    initiatedBy: { user: c.initiatedBy.user ?? null, app: c.initiatedBy.app ?? null },
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

/** The 2018 schema: one target (the one with modified properties), PascalCase properties, the rest as additionalTargets. */
export function legacyRecord(c: CaseCore): Record<string, unknown> {
  const main = c.targetResources.find((t) => Array.isArray(t.modifiedProperties) && t.modifiedProperties.length > 0) ?? c.targetResources[0];
  const others = c.targetResources.filter((t) => t !== main);
  const props = (main?.modifiedProperties ?? []) as { displayName: string; oldValue: unknown; newValue: unknown }[];
  return {
    time: TIME,
    resourceId: `/tenants/${TENANT}/providers/Microsoft.aadiam`,
    operationName: `${c.activity}.`,
    operationVersion: "1.0",
    category: "Audit",
    resultType: c.result === "success" ? "Success" : "Failure",
    resultSignature: "-1",
    durationMs: "-1",
    identity: c.initiatedBy.user ? "admin@contoso.example" : "Azure MFA StrongAuthenticationService",
    properties: {
      auditEventCategory: c.category,
      identityType: c.initiatedBy.user ? "User" : "Application",
      operationType: "Update",
      targetResourceType: main?.type ?? "",
      targetResourceName: main?.displayName ?? main?.userPrincipalName ?? "",
      targetUpdatedProperties: props.length === 0 ? "" : props.map((p) => ({ Name: p.displayName, OldValue: p.oldValue, NewValue: p.newValue })),
      additionalTargets: others.map((t) => ({ targetResourceType: t.type, targetResourceName: t.displayName })),
      additionalDetails: c.additionalDetails.length === 0 ? "None" : Object.fromEntries(c.additionalDetails.map((d) => [d.key, d.value])),
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
