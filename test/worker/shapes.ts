// One message per real shape (event-shapes.md A–E) plus non-audit, unknown and
// malformed messages, each record tagged with a unique id the test looks for in
// the output. Shapes follow the published samples; values are invented.
export interface ShapeMessage {
  readonly name: string;
  readonly body: Buffer;
  /** Ids of records that must reach the primary output. */
  readonly ids: readonly string[];
  /** Expected dead-letter reason for the whole message, if any. */
  readonly deadLetter?: string;
}

const user = { user: { id: "4a5b6c7d-0000-4000-a000-000000000001", displayName: null, userPrincipalName: "admin@contoso.example", ipAddress: "203.0.113.9" } };

function diagnostic(id: string, activity: string, service: string, category: string): Record<string, unknown> {
  return {
    time: "2026-11-25T10:00:00.1234567Z",
    resourceId: "/tenants/6f4e2b1a-93c7-4d0e-8a51-2c9b7e3f1d40/providers/Microsoft.aadiam",
    operationName: activity,
    operationVersion: "1.0",
    category: "AuditLogs",
    tenantId: "6f4e2b1a-93c7-4d0e-8a51-2c9b7e3f1d40",
    resultSignature: "None",
    durationMs: 0,
    callerIpAddress: "<null>",
    correlationId: `corr-${id}`,
    Level: 4,
    properties: {
      id,
      category,
      correlationId: `corr-${id}`,
      result: "success",
      activityDisplayName: activity,
      activityDateTime: "2026-11-25T10:00:00.1234567Z",
      loggedByService: service,
      operationType: "Add",
      initiatedBy: user,
      targetResources: [{ id: "t-1", displayName: "Alex", type: "User", modifiedProperties: [] }],
      additionalDetails: [],
    },
  };
}

export function shapeMessages(tag: string): ShapeMessage[] {
  const id = (n: string) => `SHAPE_${tag}_${n}`;
  const legacy = {
    time: "2018-03-30T12:00:00Z",
    category: "Audit",
    operationName: "Update service principal.",
    resultType: "Success",
    resultSignature: "-1",
    durationMs: "-1",
    identity: "admin@contoso.example",
    properties: { id: id("legacy"), auditEventCategory: "ApplicationManagement", operationType: "Update", targetResourceType: "ServicePrincipal", targetResourceName: "app__sp", additionalDetails: "None" },
  };
  const graph = {
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
    value: [
      { id: id("graph1"), category: "GroupManagement", correlationId: "c", result: "success", activityDisplayName: "Add member to group", activityDateTime: "2026-11-25T10:00:00Z", loggedByService: "Core Directory", operationType: "Assign", initiatedBy: { user: user.user, app: null }, targetResources: [], additionalDetails: [] },
      { id: id("graph2"), category: "RoleManagement", correlationId: "c", result: "success", activityDisplayName: "Add member to role", activityDateTime: "2026-11-25T10:00:01Z", loggedByService: "Core Directory", operationType: "Assign", initiatedBy: { user: user.user, app: null }, targetResources: [], additionalDetails: [] },
    ],
  };
  const logAnalytics = {
    TenantId: "6f4e2b1a-93c7-4d0e-8a51-2c9b7e3f1d40",
    TimeGenerated: "2026-11-25T10:00:00Z",
    OperationName: "Reset user password",
    Category: "UserManagement",
    Result: "success",
    CorrelationId: "c",
    Id: id("la"),
    LoggedByService: "Self-service Password Management",
    ActivityDisplayName: "Reset user password",
    ActivityDateTime: "2026-11-25T10:00:00Z",
    AADOperationType: "Update",
    InitiatedBy: JSON.stringify(user),
    TargetResources: "[]",
    AdditionalDetails: "[]",
    SourceSystem: "Azure AD",
    Type: "AuditLogs",
  };
  const signIn = { time: "2026-11-25T10:00:00Z", category: "SignInLogs", operationName: "Sign-in activity", properties: { id: id("signin") } };
  return [
    { name: "diagnostic envelope", body: Buffer.from(JSON.stringify({ records: [diagnostic(id("d1"), "Add user", "Core Directory", "UserManagement"), diagnostic(id("d2"), "Delete user", "Core Directory", "UserManagement")] })), ids: [id("d1"), id("d2")] },
    { name: "unknown activity", body: Buffer.from(JSON.stringify({ records: [diagnostic(id("unknown"), "Frobnicate the tenant quantum flux", "Core Directory", "UserManagement")] })), ids: [id("unknown")] },
    { name: "legacy", body: Buffer.from(JSON.stringify({ records: [legacy] })), ids: [id("legacy")] },
    { name: "graph list", body: Buffer.from(JSON.stringify(graph)), ids: [id("graph1"), id("graph2")] },
    { name: "log analytics row", body: Buffer.from(JSON.stringify(logAnalytics)), ids: [id("la")] },
    { name: "non-audit (sign-in) passed through", body: Buffer.from(JSON.stringify({ records: [signIn] })), ids: [id("signin")] },
    { name: "invalid json", body: Buffer.from('{"records": [{"time": "2026-'), ids: [], deadLetter: "invalid_json" },
    { name: "not utf-8", body: Buffer.concat([Buffer.from('{"records":[{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]), ids: [], deadLetter: "invalid_utf8" },
  ];
}
