import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PartitionCheckpointer } from "../../src/sources/event-hubs/checkpointer.ts";
import type { EventPosition } from "../../src/sources/event-hubs/watermark.ts";
import { PartitionWatermark } from "../../src/sources/event-hubs/watermark.ts";

const at = (n: number): EventPosition => ({ sequenceNumber: n, offset: String(n * 100) });

describe("PartitionWatermark", () => {
  it("moves only to the highest contiguous acknowledged event", () => {
    const w = new PartitionWatermark("0");
    const tickets = [0, 1, 2, 3].map((n) => w.received(at(n), 2));
    expect(w.acknowledged(tickets[1]!)).toBe(false);
    expect(w.lastAcknowledged).toBeUndefined();
    expect(w.acknowledged(tickets[0]!)).toBe(true);
    expect(w.lastAcknowledged).toEqual(at(1));
    w.acknowledged(tickets[3]!);
    expect(w.lastAcknowledged).toEqual(at(1));
    w.acknowledged(tickets[2]!);
    expect(w.lastAcknowledged).toEqual(at(3));
    expect(w.recordsSinceCheckpoint).toBe(8);
    expect(w.lastReceived).toBe(3);
    expect(w.pendingEvents).toBe(0);
  });

  it("refuses events out of sequence order", () => {
    const w = new PartitionWatermark("0");
    w.received(at(5), 1);
    expect(() => w.received(at(5), 1)).toThrow(/received after 5/);
  });

  it("never passes an unacknowledged event, whatever the acknowledgement order (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()]))), ([n, acks]) => {
        const w = new PartitionWatermark("p");
        const tickets = [...Array(n).keys()].map((i) => w.received(at(i * 3), 1));
        const acked = new Set<number>();
        for (const i of acks) {
          w.acknowledged(tickets[i]!);
          acked.add(i);
          const mark = w.lastAcknowledged;
          let expected = -1;
          while (acked.has(expected + 1)) expected++;
          expect(mark?.sequenceNumber).toBe(expected < 0 ? undefined : expected * 3);
        }
      }),
    );
  });
});

describe("PartitionCheckpointer", () => {
  function setup(cadence = { everyRecords: 5, intervalMs: 60_000 }) {
    const w = new PartitionWatermark("1");
    const stored: EventPosition[] = [];
    const failures: unknown[] = [];
    let fail = false;
    const c = new PartitionCheckpointer(
      w,
      async (_p, pos) => {
        if (fail) throw new Error("storage down");
        stored.push(pos);
      },
      cadence,
      { stored: () => {}, failed: (_p, e) => failures.push(e) },
    );
    return { w, c, stored, failures, setFail: (v: boolean) => (fail = v) };
  }

  it("writes the first checkpoint at once, then every N records, and the final one on close", async () => {
    const { w, c, stored } = setup();
    const ack = async (n: number) => {
      w.acknowledged(w.received(at(n), 1));
      c.advanced();
      await new Promise((r) => setImmediate(r));
    };
    await ack(0);
    expect(stored).toEqual([at(0)]);
    for (let n = 1; n <= 4; n++) await ack(n);
    expect(stored).toEqual([at(0)]);
    await ack(5);
    expect(stored).toEqual([at(0), at(5)]);
    await ack(6);
    await c.close({ final: true });
    expect(stored).toEqual([at(0), at(5), at(6)]);
  });

  it("writes on the timer when fewer than N records arrived", async () => {
    const { w, c, stored } = setup({ everyRecords: 1000, intervalMs: 30 });
    w.acknowledged(w.received(at(0), 1));
    c.advanced();
    w.acknowledged(w.received(at(1), 1));
    c.advanced();
    await new Promise((r) => setTimeout(r, 120));
    expect(stored.at(-1)).toEqual(at(1));
    await c.close({ final: false });
  });

  it("keeps the watermark and retries after a failed checkpoint write", async () => {
    const { w, c, stored, failures, setFail } = setup({ everyRecords: 1, intervalMs: 20 });
    setFail(true);
    w.acknowledged(w.received(at(0), 1));
    c.advanced();
    await new Promise((r) => setTimeout(r, 10));
    expect(failures.length).toBeGreaterThan(0);
    expect(c.stored).toBeUndefined();
    setFail(false);
    await new Promise((r) => setTimeout(r, 80));
    expect(stored).toEqual([at(0)]);
    await c.close({ final: false });
  });
});
