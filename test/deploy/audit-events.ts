// Realistic Event Hubs export bodies ({"records": [...]}, Azure Monitor AuditLogs shape)
// for the tests that drive a running worker.
import { randomUUID } from "node:crypto";

export function auditRecord(activity: string, category = "UserManagement"): Record<string, unknown> {
  const time = new Date().toISOString();
  const correlationId = randomUUID();
  return {
    time,
    resourceId: "/tenants/6b1d3c44-0f6e-4c6e-9d43-2f0b5d2b7c11/providers/Microsoft.aadiam",
    operationName: activity,
    operationVersion: "1.0",
    category: "AuditLogs",
    tenantId: "6b1d3c44-0f6e-4c6e-9d43-2f0b5d2b7c11",
    resultSignature: "None",
    durationMs: 0,
    correlationId,
    level: "Informational",
    properties: {
      id: `Directory_${correlationId}`,
      category,
      correlationId,
      result: "success",
      activityDisplayName: activity,
      activityDateTime: time,
      loggedByService: "Core Directory",
      operationType: "Update",
      initiatedBy: { user: { id: randomUUID(), userPrincipalName: "admin@contoso.example", ipAddress: "203.0.113.7" } },
      targetResources: [{ id: randomUUID(), type: "User", userPrincipalName: "someone@contoso.example", modifiedProperties: [] }],
      additionalDetails: [],
    },
  };
}

export function exportBody(records: readonly Record<string, unknown>[]): { records: readonly Record<string, unknown>[] } {
  return { records };
}
