// A deterministic audit stream spread over partitions, with what each partition's
// events must produce: record ids by sequence number (the broker numbers each
// partition from 0 and we publish in order, so event k of a partition gets k).
import { checkExactlyOnce } from "../bench/e2e/blob-output.ts";
import { generateStream } from "../bench/e2e/stream.ts";
import type { ExactlyOnceCheck } from "../bench/report/results.ts";
import { publish, type TestHub } from "./harness.ts";

export interface PartitionStream {
  readonly bodies: Buffer[];
  /** Record ids of event k (empty for a malformed event). */
  readonly idsBySequence: string[][];
}

export class AuditStream {
  readonly partitions: PartitionStream[];
  readonly #published: number[];

  constructor(seed: number, events: number, partitionCount: number, options: { malformedRate?: number; recordsPerEvent?: number } = {}) {
    this.partitions = Array.from({ length: partitionCount }, () => ({ bodies: [], idsBySequence: [] }));
    this.#published = this.partitions.map(() => 0);
    for (const event of generateStream({ seed, malformedRate: options.malformedRate ?? 0.02, recordsPerEvent: options.recordsPerEvent ?? 3 }, events)) {
      const p = this.partitions[event.index % partitionCount]!;
      p.bodies.push(event.body);
      p.idsBySequence.push([...event.recordIds]);
    }
  }

  get allIds(): string[] {
    return this.partitions.flatMap((p) => p.idsBySequence.flat());
  }

  /** Publishes the next `share` (0..1) of every partition's events. */
  async publishNext(hub: TestHub, share: number): Promise<void> {
    await Promise.all(
      this.partitions.map(async (p, i) => {
        const from = this.#published[i]!;
        const to = Math.min(p.bodies.length, from + Math.ceil(p.bodies.length * share));
        this.#published[i] = to;
        if (to > from) await publish(hub, p.bodies.slice(from, to), String(i));
      }),
    );
  }

  /** Sequence number of the last event published to the partition so far (-1: none). */
  publishedLast(partition: number): number {
    return this.#published[partition]! - 1;
  }
}

/** Ids in output lines (one record id per line: the generator's properties.id). */
export function idsIn(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const match = /"id":"(Directory_[^"]+_BENCH_\d+)"/.exec(line);
    if (match?.[1]) out.push(match[1]);
  }
  return out;
}

/** Every expected id exactly once, nothing foreign (the benchmark's own check). */
export function checkDelivery(expected: readonly string[], delivered: readonly string[]): ExactlyOnceCheck {
  return checkExactlyOnce(expected, delivered, delivered.length);
}
