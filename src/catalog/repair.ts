// The April 2018 page paired a label column sorted by (service area, category)
// with an activity column sorted by (category, service area, activity); see
// README "Catalog". Re-sorting the labels the way the activities were sorted
// re-pairs every row, using nothing but the page itself.
import type { SourceRow } from "./rows.ts";

export interface OrderScore {
  readonly groups: number;
  readonly inOrder: number;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How many (category, service area) groups list their activities in ordinal order. */
export function groupsInOrder(rows: readonly SourceRow[]): OrderScore {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const key = `${row.category}\u0000${row.serviceArea}`;
    const list = groups.get(key) ?? [];
    list.push(row.activity);
    groups.set(key, list);
  }
  let inOrder = 0;
  for (const activities of groups.values()) {
    if (activities.every((name, i) => i === 0 || compare(activities[i - 1] ?? "", name) <= 0)) inOrder += 1;
  }
  return { groups: groups.size, inOrder };
}

/** Labels stable-sorted by (category, service area), paired in order with the activity column as it stands. */
export function repairScramble(rows: readonly SourceRow[]): SourceRow[] {
  const labels = rows
    .map((row) => ({ serviceArea: row.serviceArea, category: row.category, line: row.labelLine }))
    .sort((a, b) => compare(a.category, b.category) || compare(a.serviceArea, b.serviceArea));
  return rows.map((row, i) => {
    const label = labels[i]!;
    return { ...row, serviceArea: label.serviceArea, category: label.category, labelLine: label.line };
  });
}

export interface RepairDecision {
  readonly scrambled: boolean;
  readonly before: OrderScore;
  readonly after: OrderScore;
}

/** Share of groups that must newly come into order before a repair is believed. */
const MARKEDLY_MORE_ORDERLY = 0.2;

export function detectScramble(rows: readonly SourceRow[]): RepairDecision {
  const before = groupsInOrder(rows);
  const after = groupsInOrder(repairScramble(rows));
  const gained = after.inOrder / Math.max(after.groups, 1) - before.inOrder / Math.max(before.groups, 1);
  return { scrambled: gained >= MARKEDLY_MORE_ORDERLY, before, after };
}

/** Rows whose (service area, category) label the repair changed. */
export function rowsMoved(before: readonly SourceRow[], after: readonly SourceRow[]): number {
  return after.filter((row, i) => row.serviceArea !== before[i]?.serviceArea || row.category !== before[i]?.category).length;
}
