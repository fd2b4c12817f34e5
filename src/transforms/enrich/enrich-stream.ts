// The streaming form of the stage for files and pipes (the `enrich` CLI):
// NDJSON is processed line by line, each line as one message, with bounded
// memory whatever the input's size. A file whose first value spans several
// lines (a pretty-printed array, a Graph list response, one indented record) is
// a whole-file document: it is read up to maxDocumentBytes and processed as one
// message.

import { Buffer } from "node:buffer";
import { JsonText, SCAN_TRUNCATED, scanValue, skipWhitespace } from "../decode/json-scan.ts";
import { type Line, readLines } from "../decode/line-reader.ts";
import type { DecodeLimits, NonAuditPolicy, RecordOutcome } from "../decode/outcome.ts";
import type { ActivityLookup } from "../../catalog/enrichment.ts";
import { processMessage, resolveLimits } from "./process-message.ts";

export interface EnrichStreamOptions {
  readonly lookup: ActivityLookup;
  readonly nonAudit: NonAuditPolicy;
  readonly maxLineBytes?: number;
  readonly maxDocumentBytes?: number;
  readonly limits?: Partial<DecodeLimits>;
}

export interface LocatedOutcome {
  readonly outcome: RecordOutcome;
  /** 1-based line where the record (or the bad bytes) starts. */
  readonly line: number;
  /** True when outcome.raw holds only the first bytes of an over-long line or document. */
  readonly rawTruncated: boolean;
}

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
/** How much of an over-long line or document the dead-letter record keeps. */
export const KEPT_RAW_BYTES = 64 * 1024;


function isBlank(line: Buffer): boolean {
  for (const c of line) if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  return true;
}

/** True when the line starts a JSON value that the line does not finish. */
function opensDocument(line: Buffer, maxDepth: number): boolean {
  const text = JsonText.ofBytes(line);
  let start = line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf ? 3 : 0;
  start = skipWhitespace(text, start, line.length);
  if (start >= line.length) return false;
  const first = line[start];
  return (first === 0x7b || first === 0x5b) && scanValue(text, start, line.length, maxDepth) === SCAN_TRUNCATED;
}

function lineOfOffset(doc: Buffer, firstLine: number): (offset: number) => number {
  let counted = 0;
  let line = firstLine;
  return (offset) => {
    // Outcomes come in input order, so counting resumes where it stopped.
    while (counted < offset) {
      const nl = doc.indexOf(0x0a, counted);
      if (nl === -1 || nl >= offset) {
        counted = offset;
        break;
      }
      line++;
      counted = nl + 1;
    }
    return line;
  };
}

async function* documentOutcomes(
  first: Line,
  lines: AsyncIterator<Line>,
  options: EnrichStreamOptions,
  limits: DecodeLimits,
): AsyncGenerator<LocatedOutcome[]> {
  const maxBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const parts: Buffer[] = [first.bytes];
  let size = first.length + 1;
  let tooLarge = first.tooLong;
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    size += next.value.length + 1;
    if (size > maxBytes || next.value.tooLong) tooLarge = true;
    if (!tooLarge) parts.push(Buffer.from("\n"), next.value.bytes);
  }
  if (tooLarge) {
    const raw = Buffer.concat(parts).subarray(0, KEPT_RAW_BYTES);
    const outcome: RecordOutcome = { kind: "dead_letter", recordIndex: 0, offset: 0, reason: "too_large", raw, wholeMessage: true };
    yield [{ outcome, line: first.number, rawTruncated: true }];
    return;
  }
  const doc = Buffer.concat(parts);
  const where = lineOfOffset(doc, first.number);
  const { records } = processMessage(doc, { lookup: options.lookup, nonAudit: options.nonAudit, limits: { ...limits, maxMessageBytes: maxBytes } });
  yield records.map((outcome) => ({ outcome, line: where(outcome.offset), rawTruncated: false }));
}

/** Enriches a byte stream of any accepted shape; yields the outcomes of each line (or document) in order. */
export async function* enrichStream(source: AsyncIterable<Uint8Array>, options: EnrichStreamOptions): AsyncGenerator<LocatedOutcome[]> {
  const limits = resolveLimits(options.limits);
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const lines = readLines(source, { maxLineBytes, keepBytes: KEPT_RAW_BYTES })[Symbol.asyncIterator]();
  const context = { lookup: options.lookup, nonAudit: options.nonAudit, limits };
  let sawValue = false;
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    const line = next.value;
    if (line.tooLong) {
      const outcome: RecordOutcome = { kind: "dead_letter", recordIndex: 0, offset: 0, reason: "too_large", raw: line.bytes, wholeMessage: true };
      yield [{ outcome, line: line.number, rawTruncated: true }];
      sawValue = true;
      continue;
    }
    if (isBlank(line.bytes)) continue; // blank lines separate nothing
    if (!sawValue && opensDocument(line.bytes, limits.maxDepth)) {
      yield* documentOutcomes(line, lines, options, limits);
      return;
    }
    sawValue = true;
    const { records } = processMessage(line.bytes, context);
    yield records.map((outcome) => ({ outcome, line: line.number, rawTruncated: false }));
  }
}
