// `named` (activity and time from what the decode scan captured) must be exactly
// `facts.activity` and `facts.time` (from a parse of the line): the catalog-gaps
// table reads the first, alerts read the second, and both must name a record alike.
import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EnrichedOutcome } from "../../../src/transforms/decode/outcome.ts";
import { processMessage } from "../../../src/transforms/enrich/process-message.ts";
import { enrichFixture, FIXTURE_DIR } from "../read-fixture.ts";
import { RecordingLookup } from "../recording-lookup.ts";

const subset = (o: EnrichedOutcome) => ({ activity: o.facts.activity, time: o.facts.time });

function enrichedOf(text: string): EnrichedOutcome[] {
  const body = new TextEncoder().encode(text);
  return processMessage(body, { lookup: new RecordingLookup(), nonAudit: "pass" }).records.filter((r): r is EnrichedOutcome => r.kind === "enriched");
}

describe("named facts", () => {
  it("equal facts.activity and facts.time for every enriched record of every fixture shape", async () => {
    let checked = 0;
    for (const name of readdirSync(FIXTURE_DIR).filter((f) => f !== "README.md")) {
      for (const { outcome } of await enrichFixture(name, new RecordingLookup())) {
        if (outcome.kind !== "enriched") continue;
        // Read `named` first: it must not depend on facts having been parsed.
        const named = { ...outcome.named };
        expect(named, name).toEqual(subset(outcome));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it("equal them for any mix of time members: strings, escapes, other types, duplicates, any shape", () => {
    const timeValue = fc.oneof(fc.string(), fc.constant("2024-05-14T09:12:33Z"), fc.integer(), fc.constant(null), fc.constant({}), fc.constant([1]));
    const key = (name: string) => fc.constantFrom(name, name.replace(/^(.)/, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
    const member = (name: string) => fc.tuple(key(name), timeValue).map(([k, v]) => `"${k}":${JSON.stringify(v)}`);
    const top = fc.array(fc.oneof(member("time"), member("activityDateTime"), member("ActivityDateTime"), member("TimeGenerated")), { maxLength: 5 });
    const inProperties = fc.array(member("activityDateTime"), { maxLength: 2 });
    const shape = fc.constantFrom(
      (t: string[], p: string[]) => `{"category":"AuditLogs","operationName":"Add user",${[...t, `"properties":{${[`"activityDisplayName":"Add user"`, ...p].join(",")}}`].join(",")}}`,
      (t: string[]) => `{${[`"activityDisplayName":"Add user"`, ...t].join(",")}}`,
      (t: string[]) => `{${[`"OperationName":"Add user"`, `"Category":"UserManagement"`, ...t].join(",")}}`,
    );
    let enriched = 0;
    fc.assert(
      fc.property(top, inProperties, shape, (t, p, build) => {
        // Some mixes are another shape's unsupported record (a Graph record with `time` is read as Azure Monitor's).
        for (const record of enrichedOf(build(t, p))) {
          enriched++;
          expect({ ...record.named }).toEqual(subset(record));
        }
      }),
      { numRuns: 500 },
    );
    expect(enriched).toBeGreaterThan(250);
  });
});
