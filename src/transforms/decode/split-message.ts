// Cuts a message body into record byte spans without parsing the records.
// Accepted layouts: the Event Hubs envelope {"records":[...]} (also nested once
// under "body", as an object or a JSON-encoded string), a Graph list response
// {"value":[...]}, an array of records, a single record, and several of these
// one after another (NDJSON or concatenated JSON). While cutting, it reads the
// few members the decoder needs (record-fields.ts), so no record is ever
// parsed whole on the way through.

import { Buffer } from "node:buffer";
import {
  JsonText,
  keyEquals,
  SCAN_TOO_DEEP,
  scanArrayElements,
  scanObjectMembers,
  scanValue,
  skipWhitespace,
} from "./json-scan.ts";
import type { DeadLetterReason, DecodeLimits } from "./outcome.ts";
import type { JsonObject } from "./own-fields.ts";
import { captureMember, scanRecordFields } from "./record-fields.ts";

export interface RecordPiece {
  readonly start: number;
  readonly end: number;
  /** The members the decoder reads (see record-fields.ts); null when the record is not an object. */
  readonly fields: JsonObject | null;
  /** Set when the piece is bad bytes rather than a record. */
  readonly reason: DeadLetterReason | null;
  readonly wholeMessage: boolean;
  /** Set when the record sits in a JSON-encoded "body" string: its bytes are here, not in the message. */
  readonly source: Buffer | null;
}

function scanFailure(code: number): DeadLetterReason {
  return code === SCAN_TOO_DEEP ? "too_deep" : "invalid_json";
}

interface Collector {
  readonly pieces: RecordPiece[];
  /** The bytes being cut, as the scanner reads them. */
  text: JsonText;
  readonly limits: DecodeLimits;
  source: Buffer | null;
  /** Start of the first record beyond maxRecordsPerMessage, or -1. */
  overflowAt: number;
  /** Set by pushObject: whether the object held a list of records. */
  listed: boolean;
}

function push(c: Collector, start: number, end: number, fields: JsonObject | null): void {
  if (c.pieces.length < c.limits.maxRecordsPerMessage) {
    c.pieces.push({ start, end, fields, reason: null, wholeMessage: false, source: c.source });
  } else if (c.overflowAt < 0) {
    // Offsets inside a JSON-encoded body are not message offsets: report from the start.
    c.overflowAt = c.source === null ? start : 0;
  }
}

function pushRecord(c: Collector, b: Buffer, start: number, end: number, depthLeft: number): number {
  if (b[start] !== 0x7b) {
    const stop = scanValue(c.text, start, end, depthLeft);
    if (stop >= 0) push(c, start, stop, null);
    return stop;
  }
  const fields: JsonObject = {};
  const stop = scanRecordFields(c.text, b, start, end, depthLeft, fields);
  if (stop >= 0) push(c, start, stop, fields);
  return stop;
}

function pushArray(c: Collector, b: Buffer, start: number, end: number, depthLeft: number): number {
  return scanArrayElements(c.text, start, end, depthLeft, (s, left) => pushRecord(c, b, s, end, left));
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
  const fields: JsonObject = {};
  let bodyString = -1;
  let bodyStringEnd = -1;
  const stop = scanObjectMembers(c.text, start, end, depthLeft, (ks, ke, vs, left) => {
    const first = b[vs];
    if (!listed && first === 0x5b && (keyEquals(c.text, ks, ke, "records") || keyEquals(c.text, ks, ke, "value"))) {
      listed = true;
      return pushArray(c, b, vs, end, left);
    }
    if (!listed && !nested && first === 0x7b && keyEquals(c.text, ks, ke, "body")) {
      const ve = pushObject(c, b, vs, end, left, true);
      listed = c.listed;
      return ve;
    }
    const ve = captureMember(c.text, b, ks, ke, vs, end, left, fields);
    if (ve >= 0 && !nested && first === 0x22 && keyEquals(c.text, ks, ke, "body")) {
      bodyString = vs;
      bodyStringEnd = ve;
    }
    return ve;
  });
  if (stop < 0) return stop;
  if (!listed && bodyString >= 0) listed = pushEncodedBody(c, b, bodyString, bodyStringEnd, depthLeft - 1);
  c.listed = listed;
  if (!listed && !nested) push(c, start, stop, fields);
  return stop;
}

/** An envelope JSON-encoded as the string value of "body": its records are cut from the decoded bytes. */
function pushEncodedBody(c: Collector, b: Buffer, start: number, end: number, depthLeft: number): boolean {
  const decoded = decodeBodyString(b, start, end);
  if (decoded === null) return false;
  const text = JsonText.ofBytes(decoded);
  const i = skipWhitespace(text, 0, decoded.length);
  if (decoded[i] !== 0x7b) return false;
  const before = c.pieces.length;
  const saved = { source: c.source, text: c.text };
  c.source = decoded;
  c.text = text;
  const stop = pushObject(c, decoded, i, decoded.length, depthLeft, true);
  c.source = saved.source;
  c.text = saved.text;
  const listed = stop >= 0 && c.listed && skipWhitespace(text, stop, decoded.length) === decoded.length;
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
  const c: Collector = { pieces: [], text: JsonText.ofBytes(b), limits, source: null, overflowAt: -1, listed: false };
  const end = b.length;
  let i = skipWhitespace(c.text, start, end);
  if (i >= end) return [{ start: 0, end, fields: null, reason: "empty", wholeMessage: true, source: null }];
  let first = true;
  while (i < end) {
    const piecesBefore = c.pieces.length;
    const ch = b[i];
    const stop =
      ch === 0x7b ? pushObject(c, b, i, end, limits.maxDepth, false) : ch === 0x5b ? pushArray(c, b, i, end, limits.maxDepth) : pushRecord(c, b, i, end, limits.maxDepth);
    if (stop < 0) {
      c.pieces.length = piecesBefore;
      const whole = first;
      c.pieces.push({ start: whole ? 0 : i, end, fields: null, reason: scanFailure(stop), wholeMessage: whole, source: null });
      return c.pieces;
    }
    first = false;
    i = skipWhitespace(c.text, stop, end);
  }
  if (c.overflowAt >= 0) {
    c.pieces.push({ start: c.overflowAt, end, fields: null, reason: "too_many_records", wholeMessage: false, source: null });
  }
  return c.pieces;
}
