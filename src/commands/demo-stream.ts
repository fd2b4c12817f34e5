// The demo's input: a deterministic, realistic mix of what reaches an audit hub
// (event-shapes.md): diagnostic-setting envelopes of Entra ID audit records
// (mostly), 2018 legacy records, Graph directoryAudit list responses, Log
// Analytics rows, sign-in records sharing the hub, activities no catalog knows,
// and malformed messages. Values are invented; layouts follow published samples.

import { seededRandom } from "../local/seeded-random.ts";

export interface DemoMessage {
  readonly body: Buffer;
  readonly kind: "diagnostic" | "legacy" | "graph" | "log_analytics" | "malformed";
  /** Audit records in the message (0 when malformed). */
  readonly auditRecords: number;
  readonly signInRecords: number;
}

// Routine changes dominate a real tenant's audit log; privileged ones are rare.
const ROUTINE: ReadonlyArray<readonly [string, string, string]> = [
  ["Update user", "Core Directory", "UserManagement"],
  ["Add user", "Core Directory", "UserManagement"],
  ["Add member to group", "Core Directory", "GroupManagement"],
  ["Remove member from group", "Core Directory", "GroupManagement"],
  ["Update group", "Core Directory", "GroupManagement"],
  ["Update device", "Core Directory", "Device"],
];
const PRIVILEGED: ReadonlyArray<readonly [string, string, string]> = [
  ["Delete user", "Core Directory", "UserManagement"],
  ["Change user password", "Core Directory", "UserManagement"],
  ["Reset user password", "Core Directory", "UserManagement"],
  ["Add member to role", "Core Directory", "RoleManagement"],
  ["Add service principal", "Core Directory", "ApplicationManagement"],
  ["Consent to application", "Core Directory", "ApplicationManagement"],
  ["Add owner to application", "Core Directory", "ApplicationManagement"],
  ["Update application – Certificates and secrets management ", "Core Directory", "ApplicationManagement"],
  ["Add conditional access policy", "Conditional Access", "Policy"],
  ["Set domain authentication", "Core Directory", "DirectoryManagement"],
  ["Invite external user", "Invited Users", "UserManagement"],
];
const UNKNOWN = ["Rotate quantum tenant keys", "Approve cross-cloud trust (preview)", "Update passkey attestation policy"];
const PEOPLE = ["adele.vance", "alex.wilber", "diego.siciliani", "megan.bowen", "nestor.wilke", "patti.fernandez"];
const TENANT = "6f4e2b1a-93c7-4d0e-8a51-2c9b7e3f1d40";


export function* demoStream(count: number, seed = 2026): Generator<DemoMessage> {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const start = Date.parse("2026-11-25T09:00:00Z");
  let n = 0;
  const guid = () => `${(0x10000000 + n).toString(16)}-${Math.floor(next() * 0xffff).toString(16).padStart(4, "0")}-4000-a000-${(++n).toString(16).padStart(12, "0")}`;
  const when = () => new Date(start + n * 1_370).toISOString().replace("Z", "1234Z");
  const activity = (): readonly [string, string, string] => {
    const roll = next();
    if (roll < 0.05) return [pick(UNKNOWN), "Core Directory", "DirectoryManagement"];
    return roll < 0.15 ? pick(PRIVILEGED) : pick(ROUTINE);
  };
  const initiator = () => {
    const who = pick(PEOPLE);
    return { user: { id: guid(), displayName: null, userPrincipalName: `${who}@contoso.example`, ipAddress: `203.0.113.${Math.floor(next() * 250)}`, roles: [] } };
  };
  const diagnostic = () => {
    const [name, service, category] = activity();
    const time = when();
    const target = pick(PEOPLE);
    return {
      time,
      resourceId: `/tenants/${TENANT}/providers/Microsoft.aadiam`,
      operationName: name,
      operationVersion: "1.0",
      category: "AuditLogs",
      tenantId: TENANT,
      resultSignature: "None",
      durationMs: 0,
      callerIpAddress: "<null>",
      correlationId: guid(),
      Level: 4,
      properties: {
        id: `Directory_${guid()}`,
        category,
        correlationId: guid(),
        result: next() < 0.97 ? "success" : "failure",
        resultReason: "",
        activityDisplayName: name,
        activityDateTime: time,
        loggedByService: service,
        operationType: "Update",
        initiatedBy: initiator(),
        targetResources: [{ id: guid(), displayName: null, type: "User", userPrincipalName: `${target}@contoso.example`, modifiedProperties: [] }],
        additionalDetails: [{ key: "UserType", value: "Member" }],
      },
    };
  };
  const signIn = () => ({ time: when(), category: "SignInLogs", operationName: "Sign-in activity", tenantId: TENANT, properties: { id: guid(), userPrincipalName: `${pick(PEOPLE)}@contoso.example`, status: { errorCode: 0 } } });
  for (let i = 0; i < count; i++) {
    const roll = next();
    if (roll < 0.04) {
      const valid = JSON.stringify({ records: [diagnostic()] });
      // A truncated export and a message that is not text at all.
      const body = next() < 0.5 ? Buffer.from(valid.slice(0, valid.length / 2)) : Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef]);
      yield { body, kind: "malformed", auditRecords: 0, signInRecords: 0 };
    } else if (roll < 0.1) {
      const [name, , category] = activity();
      const record = { time: when(), category: "Audit", operationName: `${name}.`, resultType: "Success", resultSignature: "-1", durationMs: "-1", identity: `${pick(PEOPLE)}@contoso.example`, properties: { id: guid(), auditEventCategory: category, identityType: "User", operationType: "Update", targetResourceType: "User", targetResourceName: pick(PEOPLE), additionalDetails: "None" } };
      yield { body: Buffer.from(JSON.stringify({ records: [record] })), kind: "legacy", auditRecords: 1, signInRecords: 0 };
    } else if (roll < 0.16) {
      const value = [diagnostic(), diagnostic()].map((r) => ({ ...r.properties, initiatedBy: { ...r.properties.initiatedBy, app: null } }));
      yield { body: Buffer.from(JSON.stringify({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits", value })), kind: "graph", auditRecords: 2, signInRecords: 0 };
    } else if (roll < 0.22) {
      const r = diagnostic();
      const p = r.properties;
      const row = { TenantId: TENANT, TimeGenerated: r.time, OperationName: p.activityDisplayName, Category: p.category, Result: p.result, CorrelationId: p.correlationId, Id: p.id, LoggedByService: p.loggedByService, ActivityDisplayName: p.activityDisplayName, ActivityDateTime: r.time, AADOperationType: "Update", InitiatedBy: JSON.stringify(p.initiatedBy), TargetResources: JSON.stringify(p.targetResources), AdditionalDetails: "[]", SourceSystem: "Azure AD", Type: "AuditLogs" };
      yield { body: Buffer.from(JSON.stringify(row)), kind: "log_analytics", auditRecords: 1, signInRecords: 0 };
    } else {
      const records: object[] = [];
      const audits = 1 + Math.floor(next() * 6);
      for (let r = 0; r < audits; r++) records.push(diagnostic());
      const signIns = next() < 0.3 ? 1 : 0;
      if (signIns) records.push(signIn());
      yield { body: Buffer.from(JSON.stringify({ records })), kind: "diagnostic", auditRecords: audits, signInRecords: signIns };
    }
  }
}
