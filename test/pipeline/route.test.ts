import { describe, expect, it } from "vitest";
import type { Enrichment } from "../../src/catalog/enrichment.ts";
import type { SourcePosition } from "../../src/sinks/sink.ts";
import { type Decided, type RoutePolicy, route } from "../../src/transforms/route/route.ts";

const position: SourcePosition = { partitionId: "0", sequenceNumber: 7, offset: "700", enqueuedTimeUtc: new Date(0) };
const line = new TextEncoder().encode('{"a":1}');

function enrichment(overrides: Partial<Enrichment>): Enrichment {
  return { serviceArea: "Core Directory", category: "UserManagement", sensitivity: "low", sensitive: false, reasons: [], recognized: true, match: "exact", catalogVersion: "v1", ...overrides };
}

const policy: RoutePolicy = { minSensitivity: "high", unrecognized: true, alertsEnabled: true };

describe("route", () => {
  const decided: Decided[] = [
    { kind: "enriched", recordIndex: 0, line, enrichment: enrichment({}) },
    { kind: "enriched", recordIndex: 1, line, enrichment: enrichment({ sensitivity: "high", sensitive: true }) },
    { kind: "enriched", recordIndex: 2, line, enrichment: enrichment({ recognized: false, match: "none" }) },
    { kind: "enriched", recordIndex: 3, line, enrichment: enrichment({ sensitivity: "medium" }) },
    { kind: "passed_through", recordIndex: 4, line },
    { kind: "dead_letter", recordIndex: 5, reason: "invalid_json", raw: line },
    { kind: "dropped", recordIndex: 6 },
  ];

  it("sends enriched and passed-through records to the primary output, alert-worthy copies to alerts, rejects to dead-letter", () => {
    const routed = route(position, decided, policy);
    expect(routed.primary.map((r) => r.recordIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(routed.alerts.map((r) => r.recordIndex)).toEqual([1, 2]);
    expect(routed.deadLetters).toEqual([{ position, recordIndex: 5, reason: "invalid_json", raw: line }]);
    expect(routed.dropped).toBe(1);
    expect(routed.primary[4]!.enrichment).toBeUndefined();
  });

  it("honours the alert threshold and the unrecognized switch", () => {
    expect(route(position, decided, { ...policy, minSensitivity: "medium", unrecognized: false }).alerts.map((r) => r.recordIndex)).toEqual([1, 3]);
    expect(route(position, decided, { ...policy, minSensitivity: "low" }).alerts.map((r) => r.recordIndex)).toEqual([0, 1, 2, 3]);
    expect(route(position, decided, { ...policy, alertsEnabled: false }).alerts).toEqual([]);
  });

  it("never computes an ordinary record's facts; alert copies and unrecognized records get them on demand", () => {
    const reads: number[] = [];
    const lazy = (recordIndex: number, e: Enrichment): Decided => ({
      kind: "enriched",
      recordIndex,
      line,
      enrichment: e,
      get facts() {
        reads.push(recordIndex);
        return { activity: `activity-${recordIndex}` } as never;
      },
    });
    const routed = route(position, [lazy(0, enrichment({})), lazy(1, enrichment({ sensitivity: "high", sensitive: true })), lazy(2, enrichment({ recognized: false, match: "none" }))], policy);
    expect(reads).toEqual([]);
    expect(routed.primary.map((r) => r.line)).toEqual([line, line, line]);
    expect(routed.alerts.map((r) => r.facts?.activity)).toEqual(["activity-1", "activity-2"]);
    expect(routed.primary[2]!.facts?.activity).toBe("activity-2");
    expect(reads).toEqual([1, 2, 2]);
  });
});
