// Aggregates unrecognized activity names over a window so that an unknown name,
// repeated (or sprayed with variations) by whoever controls the input, cannot
// flood the alert destination: one summary per (name, service area, category)
// per window, at most `maxNames` of them; everything beyond lands in one "other"
// entry that still counts.
import { createHash } from "node:crypto";
import type { OutputRecord } from "../sink.ts";
import { type AlertSource, type UnrecognizedAlert, alertSource, eventTime } from "./alert.ts";

interface Entry {
  readonly activity: string | null;
  readonly serviceArea: string | null;
  readonly category: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  readonly sample: AlertSource;
  readonly sampleTenantId: string | null;
}

export const OTHER_KEY = "\u0000other";

export class UnrecognizedWindow {
  readonly #maxNames: number;
  #entries = new Map<string, Entry>();
  #start: Date;

  constructor(maxNames: number, start = new Date()) {
    this.#maxNames = Math.max(1, maxNames);
    this.#start = start;
  }

  get size(): number {
    return this.#entries.size;
  }

  add(record: OutputRecord): void {
    const activity = record.facts?.activity ?? "";
    const serviceArea = record.enrichment?.serviceArea ?? null;
    const category = record.enrichment?.category ?? null;
    const time = eventTime(record);
    let key = `${serviceArea ?? ""}\u0000${category ?? ""}\u0000${activity}`;
    let entry = this.#entries.get(key);
    if (entry === undefined && this.#entries.size >= this.#maxNames) {
      key = OTHER_KEY;
      entry = this.#entries.get(key);
    }
    if (entry === undefined) {
      const other = key === OTHER_KEY;
      entry = {
        activity: other ? null : activity,
        serviceArea: other ? null : serviceArea,
        category: other ? null : category,
        count: 0,
        firstSeen: time,
        lastSeen: time,
        sample: alertSource(record),
        sampleTenantId: record.facts?.tenantId ?? null,
      };
      // The "other" entry may exceed maxNames by one: it is the bound's own overflow.
      this.#entries.set(key, entry);
    }
    entry.count++;
    if (time < entry.firstSeen) entry.firstSeen = time;
    if (time > entry.lastSeen) entry.lastSeen = time;
  }

  /** Closes the window: its summaries, and a fresh empty window from `end`. */
  drain(end = new Date()): UnrecognizedAlert[] {
    const windowStart = this.#start.toISOString();
    const windowEnd = end.toISOString();
    const alerts: UnrecognizedAlert[] = [];
    for (const [key, entry] of this.#entries) {
      const hash = createHash("sha256").update(key).digest("hex").slice(0, 16);
      alerts.push({ kind: "unrecognized", id: `unrecognized/${windowStart}/${hash}`, ...entry, windowStart, windowEnd });
    }
    this.#entries = new Map();
    this.#start = end;
    return alerts;
  }
}
