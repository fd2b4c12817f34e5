// Every sample shape goes through the real streaming stage: which names the
// decoder hands the catalog, what it passes on, and that each output line is the
// input record plus `enrichment`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { EnrichedOutcome } from "../../src/transforms/decode/outcome.ts";
import { enrichFixture, FIXTURE_DIR, lineText } from "./read-fixture.ts";
import { RecordingLookup } from "./recording-lookup.ts";

const kinds = (outcomes: { outcome: { kind: string } }[]) => outcomes.map((o) => o.outcome.kind);
const enriched = (outcomes: { outcome: { kind: string } }[]) =>
  outcomes.map((o) => o.outcome).filter((o): o is EnrichedOutcome => o.kind === "enriched");

/** The output line minus `enrichment` must deep-equal the input record. */
function expectInputPlusEnrichment(line: Uint8Array, input: unknown): void {
  const out = JSON.parse(lineText(line)) as Record<string, unknown>;
  expect(out.enrichment).toBeTypeOf("object");
  const { enrichment: _, ...rest } = out;
  expect(rest).toEqual(input);
}

describe("event shapes", () => {
  it("A: an Event Hubs envelope yields one enriched line per record, names from properties", async () => {
    const lookup = new RecordingLookup();
    const out = await enrichFixture("envelope-audit.json", lookup);
    expect(kinds(out)).toEqual(["enriched", "enriched"]);
    expect(lookup.calls).toEqual([
      { activity: "Add user", service: "Core Directory", category: "UserManagement" },
      { activity: "Add member to group", service: "Core Directory", category: "GroupManagement" },
    ]);
    const input = JSON.parse(readFileSync(join(FIXTURE_DIR, "envelope-audit.json"), "utf8")).records;
    for (const [i, o] of enriched(out).entries()) expectInputPlusEnrichment(o.line, input[i]);
    const [user, app] = enriched(out);
    expect(user!.facts).toMatchObject({
      activity: "Add user",
      activitySource: "activityDisplayName",
      tenantId: "8a7b6c5d-1111-4222-8333-944455556666",
      initiator: { type: "user", name: "admin@contoso.example" },
      targets: [{ type: "User", id: "22222222-aaaa-4bbb-8ccc-000000000002", displayName: "new.hire@contoso.example" }],
      result: "success",
    });
    expect(app!.facts.initiator).toEqual({ type: "app", id: "33333333-aaaa-4bbb-8ccc-000000000003", name: "Provisioning Connector" });
  });

  it("A: other log categories on the same hub pass through byte for byte, or are dropped", async () => {
    const text = readFileSync(join(FIXTURE_DIR, "envelope-mixed-categories.json"), "utf8");
    const input = JSON.parse(text).records as unknown[];
    const passed = await enrichFixture("envelope-mixed-categories.json", new RecordingLookup());
    expect(kinds(passed)).toEqual(["passed_through", "enriched", "passed_through", "passed_through", "passed_through", "passed_through"]);
    for (const [i, { outcome }] of passed.entries()) {
      if (outcome.kind === "passed_through") {
        // The very bytes of the input, not a re-serialization.
        expect(text).toContain(lineText(outcome.line));
        expect(JSON.parse(lineText(outcome.line))).toEqual(input[i]);
      }
    }
    expect(passed.map((o) => (o.outcome.kind === "passed_through" ? o.outcome.logCategory : ""))).toEqual([
      "SignInLogs",
      "",
      "NonInteractiveUserSignInLogs",
      "ProvisioningLogs",
      "MicrosoftGraphActivityLogs",
      "ServicePrincipalSignInLogs",
    ]);
    const dropped = await enrichFixture("envelope-mixed-categories.json", new RecordingLookup(), "drop");
    expect(kinds(dropped)).toEqual(["dropped", "enriched", "dropped", "dropped", "dropped", "dropped"]);
  });

  it.each([
    ["envelope-nested-body.json", "Update user"],
    ["envelope-body-string.json", "Delete user"],
    ["envelope-bom.json", "Reset user password"],
  ])("A: %s is unwrapped to its records", async (file, activity) => {
    const lookup = new RecordingLookup();
    const out = await enrichFixture(file, lookup);
    expect(kinds(out)).toEqual(["enriched"]);
    expect(lookup.calls[0]!.activity).toBe(activity);
    const line = lineText(enriched(out)[0]!.line);
    expect(line.startsWith('{"time":')).toBe(true); // the record, not the envelope, and no BOM
  });

  it("B: every quirk of Azure Monitor records is enriched, with names read correctly", async () => {
    const lookup = new RecordingLookup();
    const out = await enrichFixture("diagnostic-quirks.ndjson", lookup);
    const lines = readFileSync(join(FIXTURE_DIR, "diagnostic-quirks.ndjson"), "utf8").trim().split("\n");
    expect(kinds(out)).toEqual(lines.map(() => "enriched"));
    for (const [i, o] of enriched(out).entries()) expectInputPlusEnrichment(o.line, JSON.parse(lines[i]!));
    // Never the log category "AuditLogs" as the audit category.
    expect(lookup.calls.map((c) => c.category)).not.toContain("AuditLogs");
    const byLine = (n: number) => enriched(out)[n - 1]!;
    // Answers are cached per name triple, so repeated names are asked once.
    expect(lookup.calls).toHaveLength(new Set(lookup.calls.map((c) => JSON.stringify(c))).size);
    // line 13: audit category at the top level, no properties.category
    expect(lookup.calls).toContainEqual({ activity: "Add user", service: "Core Directory", category: "UserManagement" });
    expect(byLine(13).enrichment.category).toBe("UserManagement");
    // line 14: a minimal record: time and category only
    expect(byLine(14).facts.activitySource).toBe("none");
    expect(byLine(14).enrichment.activitySource).toBe("none");
    expect(lookup.calls).toContainEqual({ activity: "", service: null, category: null });
    // line 15: tenant only inside resourceId
    expect(byLine(15).facts.tenantId).toBe("8a7b6c5d-1111-4222-8333-944455556666");
    // line 17: no activityDisplayName: operationName, and the output says so
    expect(byLine(17).facts).toMatchObject({ activity: "Update policy", activitySource: "operationName" });
    expect(JSON.parse(lineText(byLine(17).line)).enrichment.activitySource).toBe("operationName");
    // line 18: the activity name verbatim with its en dash and trailing space
    expect(byLine(18).facts.activity).toBe("Update application – Certificates and secrets management ");
    // line 19: PIM spelled as the stream spells it; initiatedBy {}
    expect(lookup.calls).toContainEqual({ activity: "Add eligible member to role in PIM requested (timebound)", service: "PIM", category: "RoleManagement" });
    // initiatedBy {}: the top-level identity is the only name of the initiator left.
    expect(byLine(19).facts.initiator).toEqual({ type: "unknown", id: null, name: "admin@contoso.example" });
    // results in their various spellings, kept as text
    expect([6, 7, 8].map((n) => byLine(n).facts.result)).toEqual(["SUCCESS", "failed", "0"]);
    // roles as a string does not disturb anything
    expect(byLine(9).facts.initiator).toMatchObject({ type: "user", name: "admin@contoso.example" });
    expect(byLine(12).facts.time).toBe("2024-05-14T09:12:33.1234567+00:00");
  });

  it("C: legacy 2018 records take the activity from operationName and the category from auditEventCategory", async () => {
    const lookup = new RecordingLookup();
    const out = await enrichFixture("legacy-2018.ndjson", lookup);
    expect(kinds(out)).toEqual(["enriched", "enriched", "enriched"]);
    expect(lookup.calls).toEqual([
      { activity: "Update service principal.", service: null, category: "ApplicationManagement" },
      { activity: "Add user", service: null, category: "UserManagement" },
      { activity: "Reset password (by admin).", service: null, category: "UserManagement" },
    ]);
    const [first, second] = enriched(out);
    expect(first!.shape).toBe("legacy");
    expect(first!.enrichment.activitySource).toBe("operationName");
    expect(first!.facts.targets).toEqual([{ type: "ServicePrincipal", id: null, displayName: "Contoso App__44444444-aaaa-4bbb-8ccc-000000000004" }]);
    expect(first!.facts.initiator).toEqual({ type: "user", id: null, name: "admin@contoso.example" });
    expect(second!.facts.initiator).toBeNull(); // identity "NA"
  });

  it("D: Graph directoryAudit objects and list responses, pretty-printed, become one line each", async () => {
    const lookup = new RecordingLookup();
    const single = await enrichFixture("graph-directory-audit.json", lookup);
    expect(kinds(single)).toEqual(["enriched"]);
    expect(enriched(single)[0]!.shape).toBe("graph");
    expectInputPlusEnrichment(enriched(single)[0]!.line, JSON.parse(readFileSync(join(FIXTURE_DIR, "graph-directory-audit.json"), "utf8")));
    const listLookup = new RecordingLookup();
    const list = await enrichFixture("graph-list-response.json", listLookup);
    expect(kinds(list)).toEqual(["enriched", "enriched", "enriched"]);
    // Each record's line is where it starts in the pretty-printed file.
    const fileLines = readFileSync(join(FIXTURE_DIR, "graph-list-response.json"), "utf8").split("\n");
    for (const { line } of list) expect(fileLines[line - 1]).toMatch(/^\s*\{$/);
    const [, group, policy] = enriched(list);
    expect(group!.facts.targets).toEqual([{ type: "Group", id: "55555555-aaaa-4bbb-8ccc-000000000005", displayName: "Finance" }]);
    expect(group!.facts.initiator).toMatchObject({ type: "app", name: "Graph Explorer" });
    expect(policy!.facts.targets[0]!.type).toBe("#microsoft.graph.targetResourcePolicy");
    expect(listLookup.calls).toEqual([
      { activity: "Add user", service: "Core Directory", category: "UserManagement" },
      { activity: "Add member to group", service: "Core Directory", category: "GroupManagement" },
      { activity: "Update policy", service: "Conditional Access", category: "Policy" },
    ]);
    for (const o of enriched(list)) expect(lineText(o.line)).not.toContain("\n");
  });

  it("E: Log Analytics rows by their column set, JSON-encoded columns decoded for facts, sign-in rows passed", async () => {
    const lookup = new RecordingLookup();
    const out = await enrichFixture("log-analytics-rows.json", lookup);
    expect(kinds(out)).toEqual(["enriched", "enriched", "passed_through"]);
    const [row, overwritten] = enriched(out);
    expect(row!.shape).toBe("log_analytics");
    expect(row!.facts.initiator).toEqual({ type: "app", id: "33333333-aaaa-4bbb-8ccc-000000000003", name: "Contoso Automation" });
    expect(row!.facts.targets).toEqual([{ type: "ServicePrincipal", id: "77777777-aaaa-4bbb-8ccc-000000000007", displayName: "Microsoft Graph" }]);
    expect(overwritten!.facts).toMatchObject({ activity: "Consent to application", activitySource: "operationName", initiator: null });
    expect(lookup.calls[0]).toEqual({ activity: "Add app role assignment to service principal", service: "Core Directory", category: "ApplicationManagement" });
    // The JSON-encoded column stays a string in the output.
    expect(typeof JSON.parse(lineText(row!.line)).InitiatedBy).toBe("string");
  });

  it("arrays and single pretty-printed records are whole-file documents", async () => {
    expect(kinds(await enrichFixture("array-of-records.json", new RecordingLookup()))).toEqual(["enriched", "passed_through"]);
    const single = await enrichFixture("single-record-pretty.json", new RecordingLookup());
    expect(kinds(single)).toEqual(["enriched"]);
    expect(single[0]!.line).toBe(1);
  });

  it("hostile records: pollution attempts, stale enrichment, non-objects and broken JSON", async () => {
    const lookup = new RecordingLookup();
    const out = await enrichFixture("hostile-records.ndjson", lookup);
    const summary = out.map(({ outcome: o, line }) => `${line}:${o.kind === "dead_letter" ? o.reason : o.kind}`);
    expect(summary).toEqual([
      "1:enriched",
      "2:enriched",
      "3:enriched",
      "4:enriched",
      "5:not_an_object",
      "5:not_an_object",
      "5:not_an_object",
      "5:not_an_object",
      "5:unsupported_shape",
      "5:enriched",
      "6:invalid_json",
      "7:enriched", // a valid record followed by garbage: the record, then the rest dead-lettered
      "7:invalid_json",
      "8:not_an_object",
      "9:invalid_json",
      "10:enriched",
      "11:unsupported_shape",
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    // The own "__proto__" member survives as data, and the name read is the own one.
    const first = JSON.parse(lineText(enriched(out)[0]!.line));
    expect(Object.hasOwn(first, "__proto__")).toBe(true);
    expect(lookup.calls[0]!.activity).toBe("Add user");
    // A stale enrichment is replaced, not duplicated.
    const third = lineText(enriched(out)[2]!.line);
    expect(third.match(/"enrichment"/g)).toHaveLength(1);
    expect(JSON.parse(third).enrichment.stale).toBeUndefined();
    // Whitespace before the closing brace is kept and the line is still JSON.
    expect(JSON.parse(lineText(enriched(out)[3]!.line)).enrichment.recognized).toBe(true);
    // Wrongly typed names fall back to operationName; service and category count as absent.
    expect(enriched(out).at(-1)!.facts.activitySource).toBe("operationName");
    expect(enriched(out).at(-1)!.enrichment).toMatchObject({ serviceArea: null, category: null });
  });
});
