// catalog/additions.tsv: local additions and removals applied on every build
// after the imported sources, so they survive re-importing a reference.
import { CatalogError } from "./errors.ts";

export const ADDITIONS_HEADER = "op\tservice_area\tcategory\tactivity\tnote";

export interface Addition {
  readonly op: "add" | "remove";
  readonly serviceArea: string;
  readonly category: string;
  readonly activity: string;
  readonly note: string;
  readonly line: number;
}

export function parseAdditions(path: string, text: string): Addition[] {
  const out: Addition[] = [];
  let sawHeader = false;
  text.split("\n").forEach((line, index) => {
    const lineNo = index + 1;
    if (line.trim() === "" || line.startsWith("#")) return;
    if (!sawHeader) {
      if (line !== ADDITIONS_HEADER) throw new CatalogError("CATALOG_SOURCE_INVALID", `${path}:${lineNo}: expected header '${ADDITIONS_HEADER}'`);
      sawHeader = true;
      return;
    }
    const [op, serviceArea, category, activity, note] = line.split("\t");
    if ((op !== "add" && op !== "remove") || !serviceArea || !category || !activity || !note) {
      throw new CatalogError("CATALOG_SOURCE_INVALID", `${path}:${lineNo}: expected op (add|remove), service area, category, activity and a note`);
    }
    out.push({ op, serviceArea, category, activity, note, line: lineNo });
  });
  return out;
}
