import { describe, expect, it } from "vitest";
import { decodeEvent } from "../../src/pipeline/decode-event.ts";
import { passThroughLookup } from "../../src/pipeline/pass-through-lookup.ts";
import { DEFAULT_DECODE_LIMITS } from "../../src/transforms/decode/outcome.ts";

describe("passThroughLookup", () => {
  it("answers every name with one pre-built object and offers no content rules", () => {
    const lookup = passThroughLookup();
    const a = lookup.lookup("Add member to role", "Core Directory", "RoleManagement");
    const b = lookup.lookup("no such activity");
    expect(a).toBe(b);
    expect(a).toMatchObject({ recognized: false, match: "none", reasons: ["enrichment disabled"], sensitivity: "low", sensitive: false });
    expect(lookup.contentRules).toBeUndefined();
  });

  it("a known, high-risk activity decodes as not looked up", () => {
    const body = Buffer.from(JSON.stringify({ records: [{ operationName: "Add member to role", category: "AuditLogs", properties: { activityDisplayName: "Add member to role", loggedByService: "Core Directory", category: "RoleManagement" } }] }));
    const [record] = decodeEvent(body, passThroughLookup(), "pass", DEFAULT_DECODE_LIMITS);
    expect(record).toMatchObject({ kind: "enriched", enrichment: { recognized: false, reasons: ["enrichment disabled"] } });
  });
});
