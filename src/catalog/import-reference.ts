// `catalog import`: raw reference → repaired (if scrambled) source rows, and the
// reviewable difference against the source file it replaces.
import { createHash } from "node:crypto";
import { parseReference } from "./parse-reference.ts";
import { detectScramble, type RepairDecision, repairScramble, rowsMoved } from "./repair.ts";
import type { SourceRow } from "./rows.ts";
import type { SourceFile } from "./source-file.ts";

export interface ImportResult {
  readonly name: string;
  readonly file: SourceFile;
  readonly decision: RepairDecision;
}

export interface ImportOptions {
  readonly asPublished?: boolean;
  readonly name?: string;
}

export function importReference(inputName: string, text: string, options: ImportOptions = {}): ImportResult {
  const parsed = parseReference(inputName, text, options.name);
  const decision = detectScramble(parsed.rows);
  const repair = decision.scrambled && options.asPublished !== true;
  const rows = repair ? repairScramble(parsed.rows) : [...parsed.rows];
  const inputSha256 = createHash("sha256").update(text).digest("hex");
  const input = inputName.split(/[\\/]/).pop() ?? inputName;
  const moved = repair ? rowsMoved(parsed.rows, rows) : 0;
  return { name: parsed.name, decision, file: { meta: { input, inputSha256, repaired: repair, rowsMoved: moved }, rows } };
}

export interface RowDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

function labelsByActivity(rows: readonly SourceRow[]): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const row of rows) {
    const labels = byName.get(row.activity) ?? [];
    labels.push(`${row.serviceArea} / ${row.category}`);
    byName.set(row.activity, labels);
  }
  for (const labels of byName.values()) labels.sort();
  return byName;
}

/** Differences per activity name: rows added, removed, or relabelled. */
export function diffRows(before: readonly SourceRow[], after: readonly SourceRow[]): RowDiff {
  const old = labelsByActivity(before);
  const now = labelsByActivity(after);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [name, labels] of now) {
    const was = old.get(name);
    if (was === undefined) added.push(...labels.map((l) => `${l} / ${name}`));
    else if (was.join("\n") !== labels.join("\n")) changed.push(`${name}: ${was.join("; ")} -> ${labels.join("; ")}`);
  }
  for (const [name, labels] of old) if (!now.has(name)) removed.push(...labels.map((l) => `${l} / ${name}`));
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}
