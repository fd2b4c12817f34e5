// Cuts a message body into record byte spans without parsing the records.
// Accepted layouts: the Event Hubs envelope {"records":[...]} (also nested once
// under "body", as an object or a JSON-encoded string), a Graph list response
// {"value":[...]}, an array of records, a single record, and several of these
// one after another (NDJSON or concatenated JSON). While cutting, it notes each
// record's top-level `category`/`Category` so other log categories can be
// passed on without ever being parsed.

import { Buffer } from "node:buffer";
import {
  keyEquals,
  SCAN_TOO_DEEP,
  scanArrayElements,
  scanObjectMembers,
  scanValue,
  skipWhitespace,
} from "./json-scan.ts";
import type { DeadLetterReason, DecodeLimits } from "./outcome.ts";

export interface RecordPiece {
  readonly start: number;
  readonly end: number;
  /** The record's top-level category as a string, or null when absent or not a plain string. */
  readonly category: string | null;
  /** Set when the piece is bad bytes rather than a record. */
  readonly reason: DeadLetterReason | null;
  readonly wholeMessage: boolean;
  /** Set when the record sits in a JSON-encoded "body" string: its bytes are here, not in the message. */
  readonly source: Buffer | null;
}

const MAX_CATEGORY_BYTES = 256;

function readCategory(b: Buffer, valueStart: number, valueEnd: number): string | null {
  if (b[valueStart] !== 0x22 || valueEnd - valueStart > MAX_CATEGORY_BYTES) return null;
  const inner = b.subarray(valueStart + 1, valueEnd - 1);
  if (inner.indexOf(0x5c) === -1) return b.toString("utf8", valueStart + 1, valueEnd - 1);
  try {
    return JSON.parse(b.toString("utf8", valueStart, valueEnd)) as string;
  } catch {
    return null;
  }
}

function isCategoryKey(b: Buffer, ks: number, ke: number): boolean {
  return keyEquals(b, ks, ke, "category") || keyEquals(b, ks, ke, "Category");
}

function scanFailure(code: number): DeadLetterReason {
  return code === SCAN_TOO_DEEP ? "too_deep" : "invalid_json";
}

interface Collector {
  readonly pieces: RecordPiece[];
  readonly limits: DecodeLimits;
  source: Buffer | null;
  /** Start of the first record beyond maxRecordsPerMessage, or -1. */
  overflowAt: number;
  /** Set by pushObject: whether the object held a list of records. */
  listed: boolean;
}

function push(c: Collector, start: number, end: number, category: string | null): void {
  if (c.pieces.length < c.limits.maxRecordsPerMessage) {
    c.pieces.push({ start, end, category, reason: null, wholeMessage: false, source: c.source });
  } else if (c.overflowAt < 0) {
    // Offsets inside a JSON-encoded body are not message offsets: report from the start.
    c.overflowAt = c.source === null ? start : 0;
  }
}

function pushRecord(c: Collector, b: Buffer, start: number, end: number, depthLeft: number): number {
  if (b[start] !== 0x7b) {
    const stop = scanValue(b, start, end, depthLeft);
    if (stop >= 0) push(c, start, stop, null);
    return stop;
  }
  let category: string | null = null;
  const stop = scanObjectMembers(b, start, end, depthLeft, (ks, ke, vs, left) => {
    const ve = scanValue(b, vs, end, left);
    if (ve >= 0 && category === null && isCategoryKey(b, ks, ke)) category = readCategory(b, vs, ve);
    return ve;
  });
  if (stop >= 0) push(c, start, stop, category);
  return stop;
}

function pushArray(c: Collector, b: Buffer, start: number, end: number, depthLeft: number): number {
  return scanArrayElements(b, start, end, depthLeft, (s, left) => pushRecord(c, b, s, end, left));
}

/**
 * One top-level object: an envelope ("records"), a list response ("value"), an
 * envelope nested under "body", or else a record. The records of a list are
 * collected while the object is scanned, so the list's bytes are walked once.
 * Nested (under "body"), a plain object is not taken as a record: returns
 * whether a list was found through c.listed.
 */
function pushObject(c: Collector, b: Buffer, start: number, end: number, depthLeft: number, nested: boolean): number {
  let listed = false;
  let category: string | null = null;
  let bodyString = -1;
  let bodyStringEnd = -1;
  const stop = scanObjectMembers(b, start, end, depthLeft, (ks, ke, vs, left) => {
    const first = b[vs];
    if (!listed && first === 0x5b && (keyEquals(b, ks, ke, "records") || keyEquals(b, ks, ke, "value"))) {
      listed = true;
      return pushArray(c, b, vs, end, left);
    }
    if (!listed && !nested && first === 0x7b && keyEquals(b, ks, ke, "body")) {
      const ve = pushObject(c, b, vs, end, left, true);
      listed = c.listed;
      return ve;
    }
    const ve = scanValue(b, vs, end, left);
    if (ve < 0) return ve;
    if (category === null && isCategoryKey(b, ks, ke)) category = readCategory(b, vs, ve);
    else if (!nested && first === 0x22 && keyEquals(b, ks, ke, "body")) {
      bodyString = vs;
      bodyStringEnd = ve;
    }
    return ve;
  });
  if (stop < 0) return stop;
  if (!listed && bodyString >= 0) listed = pushEncodedBody(c, b, bodyString, bodyStringEnd, depthLeft - 1);
  c.listed = listed;
  if (!listed && !nested) push(c, start, stop, category);
  return stop;
}

/** An envelope JSON-encoded as the string value of "body": its records are cut from the decoded bytes. */
function pushEncodedBody(c: Collector, b: Buffer, start: number, end: number, depthLeft: number): boolean {
  const decoded = decodeBodyString(b, start, end);
  if (decoded === null) return false;
  const i = skipWhitespace(decoded, 0, decoded.length);
  if (decoded[i] !== 0x7b) return false;
  const before = c.pieces.length;
  const saved = c.source;
  c.source = decoded;
  const stop = pushObject(c, decoded, i, decoded.length, depthLeft, true);
  c.source = saved;
  const listed = stop >= 0 && c.listed && skipWhitespace(decoded, stop, decoded.length) === decoded.length;
  if (!listed) c.pieces.length = before;
  return listed;
}

function decodeBodyString(b: Buffer, start: number, end: number): Buffer | null {
  try {
    const text: unknown = JSON.parse(b.toString("utf8", start, end));
    return typeof text === "string" ? (Buffer.from(text, "utf8") as Buffer) : null;
  } catch {
    return null;
  }
}

/**
 * Splits a body (BOM already skipped: start is the first byte after it) into pieces.
 * A body that cannot be delimited yields one piece covering it with the reason.
 */
export function splitMessage(b: Buffer, start: number, limits: DecodeLimits): RecordPiece[] {
  const c: Collector = { pieces: [], limits, source: null, overflowAt: -1, listed: false };
  const end = b.length;
  let i = skipWhitespace(b, start, end);
  if (i >= end) return [{ start: 0, end, category: null, reason: "empty", wholeMessage: true, source: null }];
  let first = true;
  while (i < end) {
    const piecesBefore = c.pieces.length;
    const ch = b[i];
    const stop =
      ch === 0x7b ? pushObject(c, b, i, end, limits.maxDepth, false) : ch === 0x5b ? pushArray(c, b, i, end, limits.maxDepth) : pushRecord(c, b, i, end, limits.maxDepth);
    if (stop < 0) {
      c.pieces.length = piecesBefore;
      const whole = first;
      c.pieces.push({ start: whole ? 0 : i, end, category: null, reason: scanFailure(stop), wholeMessage: whole, source: null });
      return c.pieces;
    }
    first = false;
    i = skipWhitespace(b, stop, end);
  }
  if (c.overflowAt >= 0) {
    c.pieces.push({ start: c.overflowAt, end, category: null, reason: "too_many_records", wholeMessage: false, source: null });
  }
  return c.pieces;
}
