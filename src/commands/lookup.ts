// `audit-enricher lookup <activity> [--service S] [--category C]`: the Enrichment
// the worker would attach, as JSON.
import { parseArgs } from "node:util";
import { CatalogError, loadCatalogIndex } from "../catalog/index.ts";
import type { Command } from "./command.ts";

const HELP = `Usage: audit-enricher lookup <activity> [--service S] [--category C] [--index PATH]

Prints the enrichment for one activity name as JSON: service area, category,
sensitivity, reasons, whether the catalog recognized it and how it matched.
  --service S    the event's loggedByService (any spelling) to narrow candidates
  --category C   the event's audit category (any spelling) to narrow candidates
  --index PATH   index artifact (default: the package's catalog/index.json)
  -h, --help     this help`;

const OPTIONS = {
  service: { type: "string" },
  category: { type: "string" },
  index: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const lookupCommand: Command = {
  summary: "print the catalog's answer for one activity name as JSON",
  async run(argv: readonly string[]): Promise<number> {
    let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      process.stderr.write(`audit-enricher lookup: ${(error as Error).message}\n${HELP}\n`);
      return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length !== 1) {
      process.stderr.write(`audit-enricher lookup: expected exactly one activity name\n${HELP}\n`);
      return 2;
    }
    try {
      const index = loadCatalogIndex(values.index);
      const answer = index.lookup(positionals[0]!, values.service, values.category);
      process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      return 0;
    } catch (error) {
      if (error instanceof CatalogError) {
        process.stderr.write(`audit-enricher lookup: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
