// Property: whatever the sequence of runs (restarts from any checkpoint the
// acknowledgements allow, crashes that lose buffered events, different object
// limits, two sinks racing on the partition), every event ends up in exactly
// one object, and objects never overlap.
import fc from "fast-check";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { BlobSink } from "../../../src/sinks/blob/sink.ts";
import { eventRecords, FakeContainer } from "../fakes.ts";

const HOUR = 3_600_000;

interface Run {
  /** Where the run starts, as a fraction of what the checkpoint allows (0 = from the start). */
  readonly startFraction: number;
  /** How many events the run gets through before it stops. */
  readonly length: number;
  readonly maxObjectRecords: number;
  /** Crash: stop without the final flush (buffered events are lost, never acknowledged). */
  readonly crash: boolean;
  /** A second sink processes the same events concurrently (rebalance overlap). */
  readonly racer: boolean;
}

const runArb: fc.Arbitrary<Run> = fc.record({
  startFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.integer({ min: 1, max: 25 }),
  maxObjectRecords: fc.integer({ min: 1, max: 7 }),
  crash: fc.boolean(),
  racer: fc.boolean(),
});

function sink(container: FakeContainer, maxObjectRecords: number): BlobSink {
  return new BlobSink({ container, prefix: "p", registry: new Registry(), maxObjectRecords, maxObjectAgeMs: 60_000 });
}

describe("BlobSink exactly-once (property)", () => {
  it("holds across restarts, crashes, different batching and racing sinks", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Which sequence numbers carry blob records (others went elsewhere), and where hours change.
        fc.array(fc.record({ blob: fc.boolean(), newHour: fc.boolean() }), { minLength: 5, maxLength: 60 }),
        fc.array(runArb, { minLength: 1, maxLength: 6 }),
        async (stream, runs) => {
          let hour = 0;
          const events: { seq: number; time: Date }[] = [];
          stream.forEach((e, seq) => {
            if (e.newHour && seq % 3 === 0) hour++;
            if (e.blob) events.push({ seq, time: new Date(Date.UTC(2026, 0, 1) + hour * HOUR + seq) });
          });
          const container = new FakeContainer();
          // Acknowledged prefix: index into `events` up to which everything is committed.
          let acknowledged = 0;
          const play = async (from: number, to: number, limit: number, crash: boolean) => {
            const s = sink(container, limit);
            const writes = events.slice(from, to).map((e) => s.write(eventRecords("0", e.seq, 1, e.time)));
            const results = writes.map((w) => w.then(() => true, () => false));
            if (crash) {
              // Let the full objects go out, then die without flushing.
              await new Promise((r) => setImmediate(r));
              await new Promise((r) => setTimeout(r, 1));
              await s.stop(Date.now());
            } else {
              await s.stop(Date.now() + 5_000);
            }
            return Promise.all(results);
          };
          for (const run of runs) {
            const from = Math.floor(run.startFraction * acknowledged);
            const to = Math.min(events.length, from + run.length);
            const [mine, theirs] = await Promise.all([
              play(from, to, run.maxObjectRecords, run.crash),
              run.racer ? play(from, to, 8 - run.maxObjectRecords, false) : Promise.resolve([] as boolean[]),
            ]);
            // The checkpoint may move to the highest contiguous acknowledged event.
            let contiguous = from;
            while (contiguous < to && (mine[contiguous - from] || theirs[contiguous - from])) contiguous++;
            acknowledged = Math.max(acknowledged, contiguous);
          }
          await play(acknowledged, events.length, 5, false);
          const stored = container.lines().map((l) => (JSON.parse(l) as { s: number }).s);
          expect(stored).toEqual(events.map((e) => e.seq));
        },
      ),
      { numRuns: 150 },
    );
  });
});
