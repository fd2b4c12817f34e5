// The decode → enrich → encode stage for one message body: pure, synchronous,
// never throws on input. Records of other log categories are passed on as
// their own bytes (or dropped) without being parsed; audit records are parsed
// once to find their names and facts, then leave as their own bytes plus the
// `enrichment` member written before the closing brace.

import { Buffer, isUtf8 } from "node:buffer";
import { type AuditRecordNames, classifyRecord } from "../decode/audit-record.ts";
import { extractFacts, namedFacts } from "../decode/facts.ts";
import { classifyLogCategory, logCategoryLabel } from "../decode/log-category.ts";
import {
  DEFAULT_DECODE_LIMITS,
  type AlertFacts,
  type DeadLetterReason,
  type DecodeLimits,
  type EnrichedOutcome,
  type EnrichmentOutput,
  type LogCategoryLabel,
  type MessageOutcome,
  type NamedFacts,
  type ProcessContext,
  type RecordOutcome,
  type RecordShape,
} from "../decode/outcome.ts";
import { type JsonObject, ownString } from "../decode/own-fields.ts";
import { type RecordPiece, splitMessage } from "../decode/split-message.ts";
import { applyContentRules } from "./content/apply-content.ts";
import { cacheFor, type EnrichmentCache } from "./enrichment-cache.ts";
import { spansLines, spliceMember } from "./splice.ts";

const BOM = [0xef, 0xbb, 0xbf];

function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function bomLength(b: Buffer): number {
  return b.length >= 3 && b[0] === BOM[0] && b[1] === BOM[1] && b[2] === BOM[2] ? 3 : 0;
}

const resolved = new WeakMap<Partial<DecodeLimits>, DecodeLimits>();

/** The limits with defaults filled in; memoized per limits object, as callers pass the same one per message. */
export function resolveLimits(limits: Partial<DecodeLimits> | undefined): DecodeLimits {
  if (limits === undefined) return DEFAULT_DECODE_LIMITS;
  let full = resolved.get(limits);
  if (full === undefined) {
    full = { ...DEFAULT_DECODE_LIMITS, ...limits };
    resolved.set(limits, full);
  }
  return full;
}

interface Stage {
  readonly cache: EnrichmentCache;
  readonly context: ProcessContext;
  readonly limits: DecodeLimits;
  /** The whole message body is valid UTF-8, so every record span of it is. */
  readonly bodyIsUtf8: boolean;
}

function deadLetter(index: number, offset: number, reason: DeadLetterReason, raw: Uint8Array, wholeMessage: boolean): RecordOutcome {
  return { kind: "dead_letter", recordIndex: index, offset, reason, raw, wholeMessage };
}

function otherLog(stage: Stage, index: number, offset: number, label: LogCategoryLabel, line: () => Uint8Array): RecordOutcome {
  if (stage.context.nonAudit === "drop") return { kind: "dropped", recordIndex: index, offset, logCategory: label };
  return { kind: "passed_through", recordIndex: index, offset, logCategory: label, line: line() };
}

/** The record as one line: its own bytes, or re-serialized when it spans lines. */
function ownLine(b: Buffer, start: number, end: number): Uint8Array {
  return spansLines(b, start, end) ? Buffer.from(JSON.stringify(parseRecord(b, start, end)), "utf8") : b.subarray(start, end);
}

/** Only for bytes the scanner accepted, so it cannot fail on input. */
function parseRecord(b: Buffer, start: number, end: number): JsonObject {
  return JSON.parse(b.toString("utf8", start, end)) as JsonObject;
}

function logCategoryOf(fields: JsonObject): string | null {
  return ownString(fields, "category") ?? ownString(fields, "Category");
}

function processPiece(stage: Stage, body: Buffer, piece: RecordPiece, index: number): RecordOutcome {
  const b = piece.source ?? body;
  const { start, end, fields } = piece;
  const offset = piece.source === null ? start : 0;
  if (piece.reason !== null) return deadLetter(index, start, piece.reason, body.subarray(start, end), piece.wholeMessage);
  if (end - start > stage.limits.maxRecordBytes) return deadLetter(index, offset, "too_large", b.subarray(start, end), false);
  if (fields === null) return deadLetter(index, offset, "not_an_object", b.subarray(start, end), false);
  // A span of a valid UTF-8 body is valid UTF-8 (it starts and ends at ASCII braces): checked once per message.
  if (!(piece.source === null && stage.bodyIsUtf8) && !isUtf8(b.subarray(start, end))) {
    return deadLetter(index, offset, "invalid_utf8", b.subarray(start, end), false);
  }

  // The scanner has validated the bytes as JSON; nothing below parses the record whole.
  const logCategory = logCategoryOf(fields);
  if (classifyLogCategory(logCategory) === "other_log") {
    return otherLog(stage, index, offset, logCategoryLabel(logCategory), () => ownLine(b, start, end));
  }
  const found = classifyRecord(fields);
  if (found.kind === "unsupported") return deadLetter(index, offset, "unsupported_shape", b.subarray(start, end), false);
  if (found.kind === "non_audit") return otherLog(stage, index, offset, found.logCategory, () => ownLine(b, start, end));

  const named = stage.cache.enrich(found.activity, found.service, found.category, found.activitySource);
  // Content rules read the record itself, only for activities that have some (src/catalog/content/).
  const encoded = named.contentRules === null ? named : applyContentRules(named, b, start, end, found.shape, fields);
  let line: Buffer;
  if (Object.hasOwn(fields, "enrichment") || spansLines(b, start, end)) {
    // An enrichment of its own (a record enriched before) is replaced, not duplicated.
    line = reserialize(parseRecord(b, start, end), encoded.member);
  } else {
    line = spliceMember(b, start, end, encoded.member);
  }
  return new EnrichedRecord(index, offset, line, encoded.enrichment, found, fields);
}

/**
 * The enriched outcome. Facts are read on first use, by parsing the line:
 * most records never raise an alert, and the stage itself never parses an
 * audit record whole.
 */
class EnrichedRecord implements EnrichedOutcome {
  readonly kind = "enriched";
  readonly recordIndex: number;
  readonly offset: number;
  readonly line: Uint8Array;
  readonly enrichment: EnrichmentOutput;
  readonly shape: RecordShape;
  #names: AuditRecordNames;
  /** The members the decode scan captured (small decoded strings and spans, never the bytes). */
  #fields: JsonObject;
  #facts: AlertFacts | null = null;

  constructor(recordIndex: number, offset: number, line: Uint8Array, enrichment: EnrichmentOutput, names: AuditRecordNames, fields: JsonObject) {
    this.recordIndex = recordIndex;
    this.offset = offset;
    this.line = line;
    this.enrichment = enrichment;
    this.shape = names.shape;
    this.#names = names;
    this.#fields = fields;
  }

  get named(): NamedFacts {
    return this.#facts ?? namedFacts(this.#fields, this.#names);
  }

  get facts(): AlertFacts {
    // The line is the record plus enrichment, valid JSON by construction.
    this.#facts ??= extractFacts(JSON.parse(Buffer.from(this.line.buffer, this.line.byteOffset, this.line.byteLength).toString("utf8")), this.#names);
    return this.#facts;
  }

  toJSON(): object {
    const { kind, recordIndex, offset, enrichment, shape, facts } = this;
    return { kind, recordIndex, offset, enrichment, shape, facts };
  }
}

function reserialize(record: JsonObject, member: Uint8Array): Buffer {
  // JSON.parse made `record`, so deleting an own member touches nothing else.
  delete record.enrichment;
  const own = Buffer.from(JSON.stringify(record), "utf8");
  return spliceMember(own, 0, own.length, member);
}

/** Decodes, enriches and encodes every record of one message body. Never throws on input. */
export function processMessage(body: Uint8Array, context: ProcessContext): MessageOutcome {
  const b = asBuffer(body);
  const limits = resolveLimits(context.limits);
  if (b.length - bomLength(b) > limits.maxMessageBytes) return { records: [deadLetter(0, 0, "too_large", b, true)] };
  const stage: Stage = { cache: cacheFor(context.lookup), context, limits, bodyIsUtf8: isUtf8(b) };
  const pieces = splitMessage(b, bomLength(b), limits);
  const records: RecordOutcome[] = new Array(pieces.length);
  for (let index = 0; index < pieces.length; index++) {
    const piece = pieces[index]!;
    try {
      records[index] = processPiece(stage, b, piece, index);
    } catch {
      // Input never throws (it is checked above); a defect elsewhere must not stop the stream either.
      records[index] = deadLetter(index, piece.start, "internal_error", (piece.source ?? b).subarray(piece.start, piece.end), false);
    }
  }
  return { records };
}
