import { describe, expect, it } from "vitest";
import { firstSequenceOf, hourOf, hourPrefix, isSafePartitionId, objectName } from "../../../src/sinks/blob/naming.ts";

describe("blob object naming", () => {
  const t = new Date(Date.UTC(2026, 0, 5, 7, 59, 59, 999));

  it("derives the name from prefix, enqueued hour (UTC), partition and zero-padded first sequence number", () => {
    expect(objectName("enriched", "3", 42, t)).toBe("enriched/2026/01/05/07/3/00000000000000000042.ndjson.gz");
    expect(objectName("a/b/", "0", 0, t)).toBe("a/b/2026/01/05/07/0/00000000000000000000.ndjson.gz");
    expect(objectName("", "0", 7, t)).toBe("2026/01/05/07/0/00000000000000000007.ndjson.gz");
  });

  it("sorts names in numeric order of first sequence numbers", () => {
    const names = [9, 10, 100, 2 ** 40].map((s) => objectName("x", "1", s, t));
    expect([...names].sort()).toEqual(names);
  });

  it("reads the first sequence number back from a name and rejects foreign names", () => {
    expect(firstSequenceOf(objectName("x", "1", 123456789, t))).toBe(123456789);
    expect(firstSequenceOf("x/2026/01/05/07/1/readme.txt")).toBeUndefined();
  });

  it("puts an instant and the next millisecond into different hours exactly at the boundary", () => {
    const next = new Date(t.getTime() + 1);
    expect(hourOf(next)).toBe(hourOf(t) + 1);
    expect(hourPrefix("p", "0", next)).toBe("p/2026/01/05/08/0/");
  });

  it("accepts Event Hubs partition ids and refuses path characters", () => {
    expect(isSafePartitionId("0")).toBe(true);
    expect(isSafePartitionId("31")).toBe(true);
    expect(isSafePartitionId("../x")).toBe(false);
    expect(isSafePartitionId("")).toBe(false);
  });
});
