import { describe, expect, it } from "vitest";
import { UnrecognizedWindow } from "../../../src/sinks/alerts/unrecognized-window.ts";
import { alertRecord } from "./records.ts";

describe("UnrecognizedWindow", () => {
  it("counts each unknown name once per window with first and last seen and a sample position", () => {
    const window = new UnrecognizedWindow(10, new Date("2026-11-25T20:00:00Z"));
    window.add(alertRecord(5, { activity: "Frobnicate", recognized: false, time: "2026-11-25T20:00:30Z" }));
    window.add(alertRecord(6, { activity: "Frobnicate", recognized: false, time: "2026-11-25T20:00:10Z" }));
    window.add(alertRecord(7, { activity: "Frobnicate", recognized: false, time: "2026-11-25T20:00:50Z" }));
    window.add(alertRecord(8, { activity: "Zap", recognized: false }));
    const alerts = window.drain(new Date("2026-11-25T20:01:00Z"));
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatchObject({
      kind: "unrecognized",
      activity: "Frobnicate",
      serviceArea: "Core directory",
      category: "RoleManagement",
      count: 3,
      firstSeen: "2026-11-25T20:00:10.000Z",
      lastSeen: "2026-11-25T20:00:50.000Z",
      windowStart: "2026-11-25T20:00:00.000Z",
      windowEnd: "2026-11-25T20:01:00.000Z",
      sample: { partitionId: "1", sequenceNumber: 5, recordIndex: 0 },
      sampleTenantId: "tenant-1",
    });
    expect(alerts[0]!.id).toMatch(/^unrecognized\/2026-11-25T20:00:00.000Z\/[0-9a-f]{16}$/);
    expect(alerts[0]!.id).not.toBe(alerts[1]!.id);
    expect(window.size).toBe(0);
    expect(window.drain()).toEqual([]);
  });

  it("is bounded: names beyond the limit are counted in one 'other' entry", () => {
    const window = new UnrecognizedWindow(3);
    for (let i = 0; i < 1_000; i++) window.add(alertRecord(i, { activity: `spray-${i}`, recognized: false }));
    expect(window.size).toBe(4);
    const alerts = window.drain();
    expect(alerts.filter((a) => a.activity !== null)).toHaveLength(3);
    const other = alerts.find((a) => a.activity === null)!;
    expect(other).toMatchObject({ count: 997, serviceArea: null, category: null });
    expect(alerts.reduce((n, a) => n + a.count, 0)).toBe(1_000);
  });
});
