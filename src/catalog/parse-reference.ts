// Reads Microsoft's audit activity reference in either published form: the
// Markdown page (`## <service area>` headings over `|category|activity|` tables)
// or a TSV with a header naming its columns. Labels are kept as spelled.
import { CatalogError } from "./errors.ts";
import type { ParsedReference, SourceRow } from "./rows.ts";

function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split("|").map((cell) => cell.trim());
}

function columnIndex(header: readonly string[], pattern: RegExp): number {
  return header.findIndex((cell) => pattern.test(cell));
}

const CATEGORY_COLUMN = /categor/i;
const ACTIVITY_COLUMN = /^activ/i;
const SERVICE_COLUMN = /^service/i;

export function parseMarkdownPage(file: string, text: string): SourceRow[] {
  const lines = text.split(/\r?\n/);
  const rows: SourceRow[] = [];
  let serviceArea: string | null = null;
  let header: string[] | null = null;
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (heading && !line.startsWith("###")) {
      serviceArea = heading[1] ?? null;
      header = null;
      return;
    }
    if (!line.trim().startsWith("|")) {
      header = null;
      return;
    }
    const row = cells(line);
    if (header === null) {
      header = row;
      return;
    }
    if (row.every((cell) => /^:?-+:?$/.test(cell))) return;
    const categoryAt = columnIndex(header, CATEGORY_COLUMN);
    const activityAt = columnIndex(header, ACTIVITY_COLUMN);
    if (serviceArea === null || categoryAt < 0 || activityAt < 0) {
      throw new CatalogError("CATALOG_SOURCE_INVALID", `${file}:${lineNo}: table row outside a service-area table with category and activity columns`);
    }
    const category = row[categoryAt] ?? "";
    const activity = row[activityAt] ?? "";
    if (category === "" || activity === "") {
      throw new CatalogError("CATALOG_SOURCE_INVALID", `${file}:${lineNo}: empty category or activity cell`);
    }
    rows.push({ serviceArea, category, activity, activityLine: lineNo, labelLine: lineNo });
  });
  if (rows.length === 0) throw new CatalogError("CATALOG_SOURCE_INVALID", `${file}:1: no activity tables found`);
  return rows;
}

export function parseTsv(file: string, text: string): SourceRow[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").split("\t");
  const serviceAt = columnIndex(header, SERVICE_COLUMN);
  const categoryAt = columnIndex(header, CATEGORY_COLUMN);
  const activityAt = header.indexOf("activity");
  if (serviceAt < 0 || categoryAt < 0 || activityAt < 0) {
    throw new CatalogError("CATALOG_SOURCE_INVALID", `${file}:1: header must name service, category and activity columns`);
  }
  const rows: SourceRow[] = [];
  lines.slice(1).forEach((line, index) => {
    const lineNo = index + 2;
    if (line.trim() === "") return;
    const fields = line.split("\t");
    const serviceArea = fields[serviceAt]?.trim() ?? "";
    const category = fields[categoryAt]?.trim() ?? "";
    const activity = fields[activityAt]?.trim() ?? "";
    if (serviceArea === "" || category === "" || activity === "") {
      throw new CatalogError("CATALOG_SOURCE_INVALID", `${file}:${lineNo}: expected service, category and activity`);
    }
    rows.push({ serviceArea, category, activity, activityLine: lineNo, labelLine: lineNo });
  });
  return rows;
}

/** Source name from `ms.date` in the page's front matter or a date in the file name. */
export function referenceName(file: string, text: string): string | null {
  const msDate = /^ms\.date:\s*(\d{2})\/(\d{2})\/(\d{4})\s*$/m.exec(text);
  if (msDate) return `reference-${msDate[3]}-${msDate[1]}-${msDate[2]}`;
  const inName = /(\d{4}-\d{2}-\d{2})/.exec(file.split(/[\\/]/).pop() ?? "");
  return inName ? `reference-${inName[1]}` : null;
}

export function parseReference(file: string, text: string, name?: string): ParsedReference {
  const rows = /\.md$/i.test(file) ? parseMarkdownPage(file, text) : parseTsv(file, text);
  const resolved = name ?? referenceName(file, text);
  if (resolved === null) throw new CatalogError("CATALOG_SOURCE_INVALID", `${file}:1: no date in front matter or file name; pass --name`);
  return { name: resolved, rows };
}
