// `npm run bench`: discovers every test/bench/*.bench.ts, runs its `run()` and
// prints each table (or all of them as JSON with --json). A module may export
// `title`; a name filter as argument runs only matching modules.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export type BenchRow = Readonly<Record<string, string | number | boolean>>;

export interface BenchModule {
  readonly title?: string;
  run(): Promise<readonly BenchRow[]>;
}

function formatTable(rows: readonly BenchRow[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) => (typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(2)) : String(value ?? ""));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => cell(row[c]).length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(columns), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map((row) => line(columns.map((c) => cell(row[c]))))].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes("--json");
  const filters = argv.filter((a) => !a.startsWith("--"));
  const dir = import.meta.dirname;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".bench.ts") && (filters.length === 0 || filters.some((x) => f.includes(x))))
    .sort();
  const results: Record<string, { title: string; rows: readonly BenchRow[] }> = {};
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
    const name = file.replace(/\.bench\.ts$/, "");
    const title = mod.title ?? name;
    if (!json) process.stderr.write(`running ${file}...\n`);
    const rows = await mod.run();
    results[name] = { title, rows };
    if (!json) process.stdout.write(`\n## ${title}\n\n${formatTable(rows)}\n`);
  }
  if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return files.length === 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
