// catalog/sources/<name>.tsv: the imported, normalized, reviewable rows of one
// reference, in the raw input's activity order, with provenance per row.
// Writing is deterministic: same rows, same bytes.
import { CatalogError } from "./errors.ts";
import type { SourceRow } from "./rows.ts";

export const SOURCE_HEADER = "service_area\tcategory\tactivity\tactivity_line\tlabel_line";

export interface SourceFileMeta {
  readonly input: string;
  readonly inputSha256: string;
  readonly repaired: boolean;
  readonly rowsMoved: number;
}

export interface SourceFile {
  readonly meta: SourceFileMeta;
  readonly rows: readonly SourceRow[];
}

export function formatSourceFile(file: SourceFile): string {
  const { meta } = file;
  const lines = [
    `# input: ${meta.input}`,
    `# input-sha256: ${meta.inputSha256}`,
    `# repaired: ${meta.repaired ? "yes" : "no"}`,
    `# rows-moved: ${meta.rowsMoved}`,
    SOURCE_HEADER,
    ...file.rows.map((r) => [r.serviceArea, r.category, r.activity, r.activityLine, r.labelLine].join("\t")),
  ];
  return `${lines.join("\n")}\n`;
}

export function parseSourceFile(path: string, text: string): SourceFile {
  const meta: Record<string, string> = {};
  const rows: SourceRow[] = [];
  let sawHeader = false;
  text.split("\n").forEach((line, index) => {
    const lineNo = index + 1;
    if (line === "") return;
    const comment = /^#\s*([\w-]+):\s*(.*)$/.exec(line);
    if (comment) {
      meta[comment[1] ?? ""] = comment[2] ?? "";
      return;
    }
    if (!sawHeader) {
      if (line !== SOURCE_HEADER) throw new CatalogError("CATALOG_SOURCE_INVALID", `${path}:${lineNo}: expected header '${SOURCE_HEADER}'`);
      sawHeader = true;
      return;
    }
    const [serviceArea, category, activity, activityLine, labelLine] = line.split("\t");
    if (!serviceArea || !category || !activity || !activityLine || !labelLine) {
      throw new CatalogError("CATALOG_SOURCE_INVALID", `${path}:${lineNo}: expected 5 tab-separated fields`);
    }
    rows.push({ serviceArea, category, activity, activityLine: Number(activityLine), labelLine: Number(labelLine) });
  });
  if (!sawHeader) throw new CatalogError("CATALOG_SOURCE_INVALID", `${path}:1: missing header`);
  return {
    meta: {
      input: meta.input ?? "",
      inputSha256: meta["input-sha256"] ?? "",
      repaired: meta.repaired === "yes",
      rowsMoved: Number(meta["rows-moved"] ?? 0),
    },
    rows,
  };
}
