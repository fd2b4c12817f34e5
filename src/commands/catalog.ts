// `audit-enricher catalog import|build|stats|check|diff`: the catalog's toolchain.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseArtifact, serializeArtifact } from "../catalog/artifact.ts";
import { ARTIFACT_FILE, DEFAULT_CATALOG_DIR, readCatalogInputs, sourcePath } from "../catalog/catalog-dir.ts";
import { compileCatalog } from "../catalog/compile.ts";
import { CatalogError } from "../catalog/errors.ts";
import { diffRows, type ImportResult, importReference } from "../catalog/import-reference.ts";
import { formatSourceFile, parseSourceFile } from "../catalog/source-file.ts";
import type { Command } from "./command.ts";

const HELP = `Usage: audit-enricher catalog <subcommand> [options]

Subcommands:
  import <page.md|file.tsv>  import a Microsoft audit activity reference into sources/
                             (repairs the scrambled 2018 layout; --as-published skips the repair)
  diff <page.md|file.tsv>    what an import would change, without writing
  build                      compile sources, additions, aliases and policy into index.json
  check                      exit 1 when index.json does not match its sources, or a
                             source does not match a fresh import of its raw/ input
  stats [--json]             rows per source, and activities, ambiguity and levels of the index

Options:
  --dir <path>      catalog directory (default: the package's catalog/)
  --name <name>     source name for import/diff (default: from the page's date)
  --as-published    import/diff without repairing a detected scramble
  --json            stats as JSON
  -h, --help        this help`;

const OPTIONS = {
  dir: { type: "string" },
  name: { type: "string" },
  "as-published": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function importAndDiff(dir: string, input: string, options: { name?: string; asPublished?: boolean }, write: boolean): number {
  const result: ImportResult = importReference(input, readFileSync(input, "utf8"), options);
  const { decision, file } = result;
  out(`${input}: ${file.rows.length} rows, source '${result.name}'`);
  out(
    `groups in order: ${decision.before.inOrder} of ${decision.before.groups} as published, ${decision.after.inOrder} of ${decision.after.groups} after the label re-sort`,
  );
  if (decision.scrambled) out(file.meta.repaired ? `scramble detected: repaired, ${file.meta.rowsMoved} rows moved` : "scramble detected: imported as published (--as-published)");
  else out("no scramble detected: imported as published");
  const target = sourcePath(dir, result.name);
  const before = existsSync(target) ? parseSourceFile(target, readFileSync(target, "utf8")).rows : [];
  const diff = diffRows(before, file.rows);
  out(`vs ${target}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`);
  for (const line of diff.added) out(`+ ${line}`);
  for (const line of diff.removed) out(`- ${line}`);
  for (const line of diff.changed) out(`~ ${line}`);
  if (write) {
    mkdirSync(join(dir, "sources"), { recursive: true });
    writeFileSync(target, formatSourceFile(file));
    out(`wrote ${target}; run 'audit-enricher catalog build' to compile it`);
  }
  return 0;
}

function build(dir: string): number {
  const { text, version } = serializeArtifact(compileCatalog(readCatalogInputs(dir)));
  writeFileSync(join(dir, ARTIFACT_FILE), text);
  out(`wrote ${join(dir, ARTIFACT_FILE)} version ${version}`);
  return 0;
}

/** Each source file must be exactly what importing its raw input (kept in raw/) produces. */
function staleSources(dir: string): string[] {
  const problems: string[] = [];
  for (const source of readCatalogInputs(dir).sources) {
    const raw = join(dir, "raw", source.file.meta.input);
    if (!existsSync(raw)) continue;
    const fresh = importReference(raw, readFileSync(raw, "utf8"), { name: source.name, asPublished: !source.file.meta.repaired });
    if (formatSourceFile(fresh.file) !== readFileSync(source.path, "utf8")) {
      problems.push(`${source.path}: differs from a fresh import of ${raw}; run 'audit-enricher catalog import ${raw}'`);
    }
  }
  return problems;
}

function check(dir: string): number {
  const path = join(dir, ARTIFACT_FILE);
  const sourceProblems = staleSources(dir);
  for (const problem of sourceProblems) process.stderr.write(`${problem}\n`);
  const expected = compileCatalog(readCatalogInputs(dir));
  const { text, version } = serializeArtifact(expected);
  const actualText = existsSync(path) ? readFileSync(path, "utf8") : "";
  if (actualText === text) {
    if (sourceProblems.length > 0) return 1;
    out(`${path}: up to date (version ${version})`);
    return 0;
  }
  process.stderr.write(`${path}: out of date with its sources (expected version ${version}); run 'audit-enricher catalog build'\n`);
  let actual: ReturnType<typeof parseArtifact>["body"];
  try {
    actual = parseArtifact(path, actualText).body;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const describe = (body: typeof actual) => new Map(Object.entries(body.normalized).map(([key, i]) => [key, JSON.stringify(body.entries[i])]));
  const was = describe(actual);
  const now = describe(expected);
  const lines: string[] = [];
  for (const [key, entry] of now) if (was.get(key) !== entry) lines.push(`${was.has(key) ? "~" : "+"} ${key}`);
  for (const key of was.keys()) if (!now.has(key)) lines.push(`- ${key}`);
  if (lines.length === 0) lines.push("~ aliases, policy or stats differ");
  for (const line of lines.slice(0, 50)) process.stderr.write(`${line}\n`);
  if (lines.length > 50) process.stderr.write(`... ${lines.length - 50} more\n`);
  return 1;
}

function stats(dir: string, json: boolean): number {
  const path = join(dir, ARTIFACT_FILE);
  const { body } = parseArtifact(path, readFileSync(path, "utf8"));
  const { sources, index } = body.stats;
  const report = { sources, index: { activities: index.activities, ambiguousActivities: index.ambiguousActivities, sensitivity: index.sensitivity } };
  if (json) {
    out(JSON.stringify(report, null, 2));
    return 0;
  }
  out("source                 rows  activities  serviceAreas  categories  repairedRows");
  for (const s of sources) {
    out(`${s.name.padEnd(20)} ${String(s.rows).padStart(6)} ${String(s.activities).padStart(11)} ${String(s.serviceAreas).padStart(13)} ${String(s.categories).padStart(11)} ${String(s.repairedRows).padStart(13)}`);
  }
  out(`index: ${index.activities} distinct activities, ${index.ambiguousActivities} ambiguous; sensitivity high ${index.sensitivity.high}, medium ${index.sensitivity.medium}, low ${index.sensitivity.low}`);
  return 0;
}

export const catalogCommand: Command = {
  summary: "import, build, check and inspect the activity catalog",
  async run(argv: readonly string[]): Promise<number> {
    let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      process.stderr.write(`audit-enricher catalog: ${(error as Error).message}\n${HELP}\n`);
      return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
      out(HELP);
      return 0;
    }
    const [sub, ...args] = positionals;
    const dir = values.dir ?? DEFAULT_CATALOG_DIR;
    const wantsInput = sub === "import" || sub === "diff";
    const expected = wantsInput ? 1 : 0;
    if (sub === undefined || !["import", "diff", "build", "check", "stats"].includes(sub) || args.length !== expected) {
      process.stderr.write(`audit-enricher catalog: ${sub === undefined ? "missing subcommand" : `bad usage of '${sub}'`}\n${HELP}\n`);
      return 2;
    }
    try {
      if (wantsInput) {
        const input = args[0]!;
        if (!existsSync(input)) {
          process.stderr.write(`audit-enricher catalog ${sub}: ${input}: no such file\n`);
          return 1;
        }
        const options = { ...(values.name ? { name: values.name } : {}), asPublished: values["as-published"] === true };
        return importAndDiff(dir, input, options, sub === "import");
      }
      if (sub === "build") return build(dir);
      if (sub === "check") return check(dir);
      return stats(dir, values.json === true);
    } catch (error) {
      if (error instanceof CatalogError || (error as NodeJS.ErrnoException).code === "ENOENT") {
        process.stderr.write(`audit-enricher catalog ${sub}: ${(error as Error).message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
