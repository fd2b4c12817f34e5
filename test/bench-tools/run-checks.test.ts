import { describe, expect, it } from "vitest";
import { areaOf, summarizeProfile } from "../bench/e2e/cpu-profile.ts";
import { account, type SentMessage } from "../bench/fuzz/accounting.ts";
import { SecretWatch } from "../bench/fuzz/log-audit.ts";
import { floorPerWindow, isFlat, linearTrend, secondHalf } from "../bench/soak/trend.ts";

describe("soak trend", () => {
  it("fits a slope and calls a sawtooth flat but a leak not", () => {
    const sawtooth = Array.from({ length: 30 }, (_, i) => [i * 10, 100 + (i % 3) * 8] as const);
    expect(isFlat(linearTrend(sawtooth))).toBe(true);
    const leak = Array.from({ length: 30 }, (_, i) => [i * 10, 100 + i * 2 + (i % 2) * 3] as const);
    const trend = linearTrend(leak);
    expect(trend.slope).toBeCloseTo(0.2, 2);
    expect(trend.projectedGrowth).toBeCloseTo(58, 0);
    expect(trend.t).toBeGreaterThan(10);
    expect(isFlat(trend)).toBe(false);
    expect(linearTrend([])).toEqual({ slope: 0, mean: 0, projectedGrowth: 0, t: 0 });
  });

  it("does not call a large GC sawtooth with a chance tilt a leak, but a small steady rise under it is", () => {
    // Heap used sampled at random points of the GC cycle: 45..115 MB, no trend in the floor.
    const heap = [51, 67, 55, 63, 76, 97, 86, 64, 45, 66, 64, 62, 81, 59, 57, 91, 79, 86, 55, 72, 95, 98, 88, 76, 85, 50, 102, 74, 95, 97, 57];
    const raw = heap.map((y, i) => [300 + i * 10, y] as const);
    // The raw samples tilt up by chance (late peaks are higher): a naive rise test would call it a leak.
    expect(linearTrend(raw).projectedGrowth).toBeGreaterThan(0.05 * linearTrend(raw).mean);
    const floors = floorPerWindow(raw, 60);
    expect(floors.map(([, y]) => y)).toEqual([51, 45, 57, 55, 50]);
    expect(isFlat(linearTrend(floors))).toBe(true);
    const leaking = floorPerWindow(heap.map((y, i) => [300 + i * 10, y + i * 2] as const), 60);
    expect(isFlat(linearTrend(leaking))).toBe(false);
    expect(secondHalf([{ seconds: 0 }, { seconds: 10 }, { seconds: 20 }]).map((s) => s.seconds)).toEqual([10, 20]);
  });
});

describe("fuzz accounting", () => {
  const sent: SentMessage[] = [
    { message: { index: 0, category: "valid", messageExpect: null, messageReasons: [], records: [{ id: "FUZZ-0-0", expect: "deliver", reasons: [], unknownActivity: null }] }, partitionId: "0", sequenceNumber: 0 },
    { message: { index: 1, category: "invalid-json", messageExpect: "dead-letter", messageReasons: ["invalid_json"], records: [] }, partitionId: "1", sequenceNumber: 0 },
    {
      message: {
        index: 2,
        category: "non-object-records",
        messageExpect: null,
        messageReasons: [],
        records: [
          { id: null, expect: "dead-letter", reasons: ["not_an_object"], unknownActivity: null },
          { id: "FUZZ-2-1", expect: "deliver", reasons: [], unknownActivity: null },
        ],
      },
      partitionId: "0",
      sequenceNumber: 1,
    },
    { message: { index: 3, category: "wrong-types", messageExpect: null, messageReasons: [], records: [{ id: null, expect: "either", reasons: [], unknownActivity: null }] }, partitionId: "1", sequenceNumber: 1 },
    { message: { index: 4, category: "proto-keys", messageExpect: null, messageReasons: [], records: [{ id: "FUZZ-4-0", expect: "either", reasons: [], unknownActivity: null }] }, partitionId: "0", sequenceNumber: 2 },
  ];
  const letters = [
    { reason: "invalid_json", partitionId: "1", sequenceNumber: 0, recordIndex: 0 },
    { reason: "not_an_object", partitionId: "0", sequenceNumber: 1, recordIndex: 0 },
  ];

  it("accounts for every record when all went where they should", () => {
    const a = account(sent, ["FUZZ-0-0", "FUZZ-2-1", "FUZZ-4-0"], 1, letters);
    expect(a).toMatchObject({ validRecords: 2, validDelivered: 2, invalidExpected: 2, invalidDeadLettered: 2, wrongReason: 0, eitherRecords: 2, eitherAccounted: 2, duplicates: 0, unexpectedOutput: 0, unexpectedDeadLetters: 0, both: 0 });
    expect(a.examples).toEqual([]);
  });

  it("finds lost, duplicated, invented and mislabelled records", () => {
    const a = account(sent, ["FUZZ-2-1", "FUZZ-2-1", "FUZZ-9-9", "FUZZ-4-0"], 0, [{ ...letters[0]!, reason: "too_deep" }, { reason: "invalid_json", partitionId: "0", sequenceNumber: 2, recordIndex: 0 }]);
    expect(a.validDelivered).toBe(1);
    expect(a.duplicates).toBe(1);
    expect(a.unexpectedOutput).toBe(1);
    expect(a.wrongReason).toBe(1);
    expect(a.invalidDeadLettered).toBe(1);
    expect(a.both).toBe(1);
    expect(a.eitherAccounted).toBe(1);
    expect(a.examples.length).toBeGreaterThan(3);
  });
});

describe("secret watch", () => {
  it("finds a secret split across chunks and counts lines", () => {
    const watch = new SecretWatch(["super-secret-key-123", "short"]);
    watch.feed('{"msg":"started"}\n{"key":"super-sec');
    watch.feed('ret-key-123"}\n');
    expect([...watch.found]).toEqual(["super-secret-key-123"]);
    expect(watch.lines).toBe(2);
    const clean = new SecretWatch(["super-secret-key-123"]);
    clean.feed("nothing to see\n");
    expect(clean.found.size).toBe(0);
  });
});

describe("cpu profile summary", () => {
  it("groups self time by owner and ignores idle", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 7, 4, 5, 6, 8] },
        { id: 2, callFrame: frame("(idle)", "") },
        { id: 7, callFrame: frame("handle", "file:///work/main/src/pipeline/pipeline.ts"), children: [3] },
        { id: 3, callFrame: frame("processMessage", "file:///work/main/src/transforms/enrich/process-message.ts") },
        { id: 4, callFrame: frame("decode", "file:///work/main/node_modules/@azure/event-hubs/dist/esm/x.js") },
        { id: 5, callFrame: frame("(garbage collector)", "") },
        { id: 6, callFrame: frame("deflate", "node:zlib") },
        { id: 8, callFrame: frame("write", "file:///work/main/dist/sinks/blob/sink.js") },
      ],
      samples: [2, 2, 2, 2, 3, 3, 3, 4, 5, 6, 8, 8],
    };
    const summary = summarizeProfile([profile]);
    // The built worker (dist/) is ours too; a dependency's own dist/ is not.
    expect(summary.byArea[0]).toEqual({ area: "ours: decode + enrich (src/transforms)", percent: 37.5 });
    expect(summary.byArea).toContainEqual({ area: "ours: sinks (src/sinks)", percent: 25 });
    expect(summary.byArea.map((a) => a.area)).toContain("Event Hubs SDK + AMQP (@azure/event-hubs, core-amqp, rhea)");
    expect(summary.topFunctions[0]!.area).toBe("processMessage src/transforms/enrich/process-message.ts:10");
    expect([...summary.oursInclusive].sort((a, b) => a.area.localeCompare(b.area))).toEqual([
      { area: "handle src/pipeline/pipeline.ts:10", percent: 37.5 },
      { area: "processMessage src/transforms/enrich/process-message.ts:10", percent: 37.5 },
      { area: "write dist/sinks/blob/sink.js:10", percent: 25 },
    ]);
    expect(areaOf(frame("(idle)", ""))).toBeNull();
    expect(areaOf(frame("parse", ""))).toBe("V8 builtins (JSON, regexp, natives)");
  });
});
