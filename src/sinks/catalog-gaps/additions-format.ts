// Renders the gaps in the format of catalog/additions.tsv (the catalog's own
// parser, parseAdditions, reads it), so closing a gap is: review a row, copy it
// into catalog/additions.tsv, commit. Rows whose service area or category the
// event did not name are written commented out with "?" to fill in: the file
// stays parseable and nothing unreviewed can slip into a build.
import { ADDITIONS_HEADER } from "../../catalog/additions.ts";
import type { Gap } from "./gap-table.ts";

/** Tabs, newlines and other control characters would break the TSV row: make them spaces. */
function cell(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}

export interface GapsExportInfo {
  readonly replicaId: string;
  readonly since: string | undefined;
  readonly exportedAt: string;
  readonly maxNames: number;
  readonly overflowRecords: number;
}

export function renderGaps(gaps: readonly Gap[], info: GapsExportInfo): string {
  const lines = [
    `# Unrecognized activities seen by audit-enricher (replica ${cell(info.replicaId)}) since ${info.since ?? "start"}, exported ${info.exportedAt}.`,
    "# Review each row (service area, category, note), then copy it into catalog/additions.tsv and rebuild the catalog.",
    "# Rows starting with '# add' lack a service area or category: fill in the '?' and remove the '# '.",
    `# ${gaps.length} names listed (limit ${info.maxNames}); ${info.overflowRecords} more records had names beyond the limit.`,
    ADDITIONS_HEADER,
  ];
  for (const gap of gaps) {
    const activity = cell(gap.activity);
    if (activity === "") continue;
    const note = `seen ${gap.count} times in the stream, first ${gap.firstSeen}, last ${gap.lastSeen}`;
    const service = gap.serviceArea === null ? "" : cell(gap.serviceArea);
    const category = gap.category === null ? "" : cell(gap.category);
    if (service === "" || category === "") {
      lines.push(`# add\t${service || "?"}\t${category || "?"}\t${activity}\t${note}`);
    } else {
      lines.push(`add\t${service}\t${category}\t${activity}\t${note}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
