import { describe, expect, it } from "vitest";
import { PartitionBuffer, pendingEvent } from "../../../src/sinks/blob/partition-buffer.ts";
import { eventRecords } from "../fakes.ts";

const limits = { maxObjectBytes: 1_000_000, maxObjectRecords: 1_000 };

function buffer(seqs: number[], options: { time?: (seq: number) => Date; records?: number } = {}): PartitionBuffer {
  const b = new PartitionBuffer("0");
  b.probeNext = false;
  for (const seq of seqs) b.accept(pendingEvent(eventRecords("0", seq, options.records ?? 1, options.time?.(seq))).event);
  return b;
}

describe("PartitionBuffer cut rules", () => {
  it("does not write a small, young buffer until forced", () => {
    const b = buffer([1, 2, 3]);
    expect(b.mayBeDue(limits)).toBe(false);
    expect(b.nextObject(limits)).toBe(0);
    b.forceThrough = 3;
    expect(b.mayBeDue(limits)).toBe(true);
    expect(b.nextObject(limits)).toBe(3);
  });

  it("cuts when the enqueued hour changes, so no object spans two hours", () => {
    const hour = 3_600_000;
    const b = buffer([1, 2, 3, 4], { time: (s) => new Date(hour * 10 + (s <= 2 ? hour - 1 : hour)) });
    expect(b.mayBeDue(limits)).toBe(true);
    expect(b.nextObject(limits)).toBe(2);
    b.take(2);
    expect(b.mayBeDue(limits)).toBe(false);
    expect(b.nextObject(limits)).toBe(0);
  });

  it("cuts on record count and on uncompressed size without splitting an event", () => {
    const byCount = buffer([1, 2, 3, 4, 5], { records: 3 });
    expect(byCount.nextObject({ maxObjectBytes: 1e9, maxObjectRecords: 7 })).toBe(2);
    const bytesPerEvent = byCount.events[0]!.bytes;
    const bySize = buffer([1, 2, 3, 4, 5], { records: 3 });
    expect(bySize.nextObject({ maxObjectBytes: bytesPerEvent * 2 + 1, maxObjectRecords: 1e9 })).toBe(2);
    // An event larger than the limit still goes out, alone.
    expect(bySize.nextObject({ maxObjectBytes: 1, maxObjectRecords: 1e9 })).toBe(1);
  });

  it("ends an object before a sequence number that does not increase and flags it for a lookup", () => {
    const b = buffer([5, 6, 7, 6, 7, 8]);
    expect(b.events[3]!.probe).toBe(true);
    expect(b.nextObject(limits)).toBe(3);
  });

  it("ends an object before a fence (an existing later object) and lifts the fence once past it", () => {
    const b = buffer([1, 2, 3, 4]);
    b.fence = 3;
    b.forceThrough = 4;
    expect(b.nextObject(limits)).toBe(2);
    b.take(2);
    expect(b.nextObject(limits)).toBe(2);
    expect(b.fence).toBe(Number.POSITIVE_INFINITY);
  });

  it("hands back the leading events an existing object already holds", () => {
    const b = buffer([1, 2, 3, 4]);
    b.committedThrough = 2;
    expect(b.takeCommitted().map((e) => e.sequenceNumber)).toEqual([1, 2]);
    expect(b.events.map((e) => e.sequenceNumber)).toEqual([3, 4]);
  });
});
