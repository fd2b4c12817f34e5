// The unrecognized activity names seen since start, bounded: at most `maxNames`
// distinct (activity, service area, category) entries; names beyond that are
// only counted, so a flood of invented names costs constant memory.
import type { OutputRecord } from "../sink.ts";

export interface Gap {
  readonly activity: string;
  readonly serviceArea: string | null;
  readonly category: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** Activity names are input: cap their length like decode caps facts. */
const MAX_ACTIVITY_CHARS = 256;

export class GapTable {
  readonly #maxNames: number;
  readonly #gaps = new Map<string, Gap>();
  /** Records whose name did not fit the table. */
  overflowRecords = 0;
  since: string | undefined;

  constructor(maxNames: number) {
    this.#maxNames = Math.max(1, maxNames);
  }

  /** Counts the record when it is an audit record the catalog did not recognize. */
  observe(record: OutputRecord): void {
    const e = record.enrichment;
    if (e === undefined || e.recognized) return;
    // `named` costs nothing; `facts` (a parse of the line) only for records decoded elsewhere.
    const facts = record.named ?? record.facts;
    const activity = (facts?.activity ?? "").slice(0, MAX_ACTIVITY_CHARS);
    if (activity.trim() === "") return; // nothing a catalog row could name
    const time = facts?.time && !Number.isNaN(Date.parse(facts.time))
      ? new Date(facts.time).toISOString()
      : record.position.enqueuedTimeUtc.toISOString();
    this.since ??= new Date().toISOString();
    const key = `${e.serviceArea ?? ""}\u0000${e.category ?? ""}\u0000${activity}`;
    let gap = this.#gaps.get(key);
    if (gap === undefined) {
      if (this.#gaps.size >= this.#maxNames) {
        this.overflowRecords++;
        return;
      }
      gap = { activity, serviceArea: e.serviceArea, category: e.category, count: 0, firstSeen: time, lastSeen: time };
      this.#gaps.set(key, gap);
    }
    gap.count++;
    if (time < gap.firstSeen) gap.firstSeen = time;
    if (time > gap.lastSeen) gap.lastSeen = time;
  }

  get size(): number {
    return this.#gaps.size;
  }

  /** Most frequent first; ties by name, so the export is stable. */
  gaps(): Gap[] {
    return [...this.#gaps.values()].sort((a, b) => b.count - a.count || (a.activity < b.activity ? -1 : a.activity > b.activity ? 1 : 0));
  }
}
