// Writes the enrichment member into a record's own bytes, just before its
// closing brace, so the record leaves byte-for-byte as it came plus one member.
// Callers guarantee the span is one valid JSON object on a single line
// without an `enrichment` member of its own; anything else is re-serialized first.

import { Buffer } from "node:buffer";

/**
 * bytes[start, end) is a JSON object ending in `}`; member starts with a comma.
 * Returns a new buffer: the object with the member appended.
 */
export function spliceMember(bytes: Uint8Array, start: number, end: number, member: Uint8Array): Buffer {
  const close = end - 1;
  let first = start + 1;
  while (first < close && (bytes[first] === 0x20 || bytes[first] === 0x0a || bytes[first] === 0x0d || bytes[first] === 0x09)) first++;
  const empty = first === close;
  const memberBytes = empty ? member.subarray(1) : member;
  const head = close - start;
  const out = Buffer.allocUnsafe(head + memberBytes.length + 1);
  out.set(bytes.subarray(start, close), 0);
  out.set(memberBytes, head);
  out[head + memberBytes.length] = 0x7d;
  return out;
}

/** True when the span holds a line break (a pretty-printed record): it cannot be one NDJSON line as is. */
export function spansLines(bytes: Uint8Array, start: number, end: number): boolean {
  const span = bytes.subarray(start, end);
  return span.indexOf(0x0a) !== -1 || span.indexOf(0x0d) !== -1;
}
