// `audit-enricher enrich [FILE...]`: any accepted input shape in (files, or
// stdin when none or "-"), NDJSON enriched records out on stdout, rejects to
// --dead-letter, a summary on stderr. Exit 0 all accepted, 1 some
// dead-lettered (or the catalog could not be loaded), 2 usage.

import { Buffer, isUtf8 } from "node:buffer";
import { createReadStream, createWriteStream, existsSync, statSync, type WriteStream } from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { DEFAULT_ARTIFACT_PATH, loadCatalogIndex } from "../catalog/index.ts";
import type { NonAuditPolicy } from "../transforms/decode/outcome.ts";
import { enrichStream, type LocatedOutcome } from "../transforms/enrich/enrich-stream.ts";
import { EnrichTally } from "../transforms/enrich/enrich-tally.ts";
import type { Command } from "./command.ts";

const HELP = `Usage: audit-enricher enrich [options] [FILE...]

Enriches Entra ID audit records with the catalog's answer. Reads each FILE (or
stdin when none is given or FILE is "-") in any accepted shape: NDJSON, Event
Hubs envelopes {"records":[...]}, arrays, Graph directoryAudit objects and
{"value":[...]} lists, Log Analytics AuditLogs rows, legacy 2018 records.
Writes one enriched record per line (NDJSON) to stdout.

Options:
  --dead-letter FILE        write rejected input as NDJSON (reason, file, line, raw)
  --non-audit pass|drop     records of other log categories (default: pass)
  --catalog FILE            catalog index artifact (default: the shipped catalog/index.json)
  --max-line-bytes N        longest accepted NDJSON line (default 16777216)
  -h, --help                show this help

Exit status: 0 all input accepted, 1 some input dead-lettered, 2 usage error.
`;

const OPTIONS = {
  "dead-letter": { type: "string" },
  "non-audit": { type: "string", default: "pass" },
  catalog: { type: "string" },
  "max-line-bytes": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const FLUSH_BYTES = 256 * 1024;
const MAX_STDERR_NOTICES = 10;

/** Collects output lines and writes them in large chunks, waiting when the stream is full. */
class LineWriter {
  readonly #out: Writable;
  #parts: Uint8Array[] = [];
  #size = 0;
  constructor(out: Writable) {
    this.#out = out;
  }
  async add(line: Uint8Array): Promise<void> {
    this.#parts.push(line, NEWLINE);
    this.#size += line.length + 1;
    if (this.#size >= FLUSH_BYTES) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.#size === 0) return;
    const chunk = Buffer.concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    if (!this.#out.write(chunk)) await once(this.#out, "drain");
  }
}

const NEWLINE = Buffer.from("\n");

function deadLetterLine(file: string, located: LocatedOutcome): Uint8Array {
  const o = located.outcome;
  if (o.kind !== "dead_letter") return Buffer.alloc(0);
  const utf8 = isUtf8(o.raw);
  const entry = {
    reason: o.reason,
    file,
    line: located.line,
    recordIndex: o.recordIndex,
    wholeMessage: o.wholeMessage,
    rawTruncated: located.rawTruncated,
    rawEncoding: utf8 ? "utf8" : "base64",
    raw: Buffer.from(o.raw.buffer, o.raw.byteOffset, o.raw.byteLength).toString(utf8 ? "utf8" : "base64"),
  };
  return Buffer.from(JSON.stringify(entry), "utf8");
}

function usageError(message: string): number {
  process.stderr.write(`audit-enricher enrich: ${message}\nRun 'audit-enricher enrich --help' for usage.\n`);
  return 2;
}

export const enrichCommand: Command = {
  summary: "enrich audit records from files or stdin to NDJSON on stdout",
  async run(argv: readonly string[]): Promise<number> {
    let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      return usageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const nonAudit = values["non-audit"];
    if (nonAudit !== "pass" && nonAudit !== "drop") return usageError(`--non-audit must be 'pass' or 'drop', not '${nonAudit}'`);
    const maxLineBytes = values["max-line-bytes"] === undefined ? undefined : Number(values["max-line-bytes"]);
    if (maxLineBytes !== undefined && !(Number.isInteger(maxLineBytes) && maxLineBytes > 0)) {
      return usageError("--max-line-bytes must be a positive integer");
    }
    const files = positionals.length === 0 ? ["-"] : positionals;
    for (const file of files) {
      if (file !== "-" && !(existsSync(file) && statSync(file).isFile())) return usageError(`${file}: no such file`);
    }
    let lookup: ReturnType<typeof loadCatalogIndex>;
    try {
      lookup = loadCatalogIndex(values.catalog ?? DEFAULT_ARTIFACT_PATH);
    } catch (error) {
      process.stderr.write(`audit-enricher enrich: ${(error as Error).message}\n`);
      return 1;
    }

    const out = new LineWriter(process.stdout);
    const deadFile: WriteStream | null = values["dead-letter"] === undefined ? null : createWriteStream(values["dead-letter"]);
    const dead = deadFile === null ? null : new LineWriter(deadFile);
    const tally = new EnrichTally();
    let notices = 0;
    for (const file of files) {
      const name = file === "-" ? "<stdin>" : file;
      const source = file === "-" ? process.stdin : createReadStream(file, { highWaterMark: 1024 * 1024 });
      const options = { lookup, nonAudit: nonAudit as NonAuditPolicy, ...(maxLineBytes === undefined ? {} : { maxLineBytes }) };
      for await (const batch of enrichStream(source, options)) {
        for (const located of batch) {
          const o = located.outcome;
          tally.count(o);
          if (o.kind === "enriched" || o.kind === "passed_through") await out.add(o.line);
          else if (o.kind === "dead_letter") {
            if (dead !== null) await dead.add(deadLetterLine(name, located));
            if (notices++ < MAX_STDERR_NOTICES) process.stderr.write(`${name}:${located.line}: dead-lettered (${o.reason})\n`);
          }
        }
      }
    }
    await out.flush();
    if (dead !== null && deadFile !== null) {
      await dead.flush();
      deadFile.end();
      await once(deadFile, "finish");
    }
    if (notices > MAX_STDERR_NOTICES) process.stderr.write(`... ${notices - MAX_STDERR_NOTICES} more dead-lettered records not listed\n`);
    process.stderr.write(`${tally.describe().map((l) => `audit-enricher enrich: ${l}`).join("\n")}\n`);
    return tally.deadLettered > 0 ? 1 : 0;
  },
};
