// Alert-worthy records as routing hands them to the alerts sink.
import type { Enrichment, Sensitivity } from "../../../src/catalog/enrichment.ts";
import type { OutputRecord } from "../../../src/sinks/sink.ts";
import type { AlertFacts } from "../../../src/transforms/decode/outcome.ts";

export function alertRecord(
  seq: number,
  options: { activity?: string; sensitivity?: Sensitivity; recognized?: boolean; recordIndex?: number; time?: string } = {},
): OutputRecord {
  const recognized = options.recognized ?? true;
  const enrichment: Enrichment = {
    serviceArea: "Core directory",
    category: "RoleManagement",
    sensitivity: options.sensitivity ?? "high",
    sensitive: (options.sensitivity ?? "high") === "high",
    reasons: ["role assignment"],
    recognized,
    match: recognized ? "exact" : "none",
    catalogVersion: "sha256:v1",
  };
  const facts: AlertFacts = {
    activity: options.activity ?? "Add member to role",
    activitySource: "activityDisplayName",
    time: options.time ?? `2026-11-25T20:00:${String(seq % 60).padStart(2, "0")}.000Z`,
    tenantId: "tenant-1",
    correlationId: `corr-${seq}`,
    initiator: { type: "user", id: "u-1", name: "admin@contoso.example" },
    targets: [{ type: "User", id: "u-2", displayName: "Bob" }],
    result: "success",
  };
  return {
    position: { partitionId: "1", sequenceNumber: seq, offset: String(seq), enqueuedTimeUtc: new Date(Date.UTC(2026, 10, 25, 20, 1)) },
    recordIndex: options.recordIndex ?? 0,
    line: Buffer.from("{}"),
    enrichment,
    facts,
  };
}
