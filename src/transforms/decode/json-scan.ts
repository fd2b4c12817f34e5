// A byte-level JSON scanner: finds where a value ends without building it.
// It lets the decoder cut an envelope into per-record byte spans and read a
// record's top-level "category" without parsing the record, so records of other
// log categories cost roughly a pass over their bytes. Iterative (no recursion),
// so nesting depth can never overflow the stack; the depth limit is enforced.
// It checks the grammar (structure, literals, number characters, terminated
// strings without raw control characters), not number syntax or escapes in
// detail; audit records are parsed by JSON.parse afterwards anyway.

export const SCAN_INVALID = -1;
export const SCAN_TOO_DEEP = -2;
/** The input ended inside a value. */
export const SCAN_TRUNCATED = -3;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export function skipWhitespace(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
  return i;
}

// Bytes that end the fast run inside a string: the quote, the backslash, and
// control characters (invalid unescaped in JSON). One table load per byte.
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;

/** i at the opening quote; returns the index after the closing quote, or a negative code. */
export function skipString(b: Uint8Array, i: number, end: number): number {
  i++;
  for (;;) {
    while (i < end && STRING_STOP[b[i]!] === 0) i++;
    if (i >= end) return SCAN_TRUNCATED;
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    if (c !== BACKSLASH) return SCAN_INVALID;
    i += 2;
  }
}

function skipLiteral(b: Uint8Array, i: number, end: number, word: string): number {
  for (let k = 0; k < word.length; k++) {
    if (i + k >= end) return SCAN_TRUNCATED;
    if (b[i + k] !== word.charCodeAt(k)) return SCAN_INVALID;
  }
  return i + word.length;
}

function isNumberByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/** A scalar starting at i: string, literal or number. */
function skipScalar(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  if (c === QUOTE) return skipString(b, i, end);
  if (c === 0x74) return skipLiteral(b, i, end, "true");
  if (c === 0x66) return skipLiteral(b, i, end, "false");
  if (c === 0x6e) return skipLiteral(b, i, end, "null");
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
    let j = i + 1;
    while (j < end && isNumberByte(b[j]!)) j++;
    return j;
  }
  return SCAN_INVALID;
}

/** After `{` or `,` in an object: whitespace, a key, whitespace, a colon. Returns the index after the colon. */
function skipKey(b: Uint8Array, i: number, end: number): number {
  i = skipWhitespace(b, i, end);
  if (i >= end) return SCAN_TRUNCATED;
  if (b[i] !== QUOTE) return SCAN_INVALID;
  i = skipString(b, i, end);
  if (i < 0) return i;
  i = skipWhitespace(b, i, end);
  if (i >= end) return SCAN_TRUNCATED;
  return b[i] === COLON ? i + 1 : SCAN_INVALID;
}

/**
 * The value starting at i (no leading whitespace) ends where? Returns the index
 * just past it, or SCAN_INVALID / SCAN_TOO_DEEP / SCAN_TRUNCATED. maxDepth counts
 * containers opened by this value.
 */
export function scanValue(b: Uint8Array, i: number, end: number, maxDepth: number): number {
  if (i >= end) return SCAN_TRUNCATED;
  const first = b[i]!;
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) return skipScalar(b, i, end);
  // stack[d] is true for an object, false for an array.
  const stack: boolean[] = [];
  for (;;) {
    // Expecting a value at i (whitespace already skipped).
    if (i >= end) return SCAN_TRUNCATED;
    const c = b[i]!;
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (stack.length >= maxDepth) return SCAN_TOO_DEEP;
      const isObject = c === OPEN_OBJECT;
      stack.push(isObject);
      i = skipWhitespace(b, i + 1, end);
      if (i >= end) return SCAN_TRUNCATED;
      if (b[i] === (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        stack.pop();
        i++;
      } else {
        if (isObject) {
          i = skipKey(b, i, end);
          if (i < 0) return i;
          i = skipWhitespace(b, i, end);
        }
        continue;
      }
    } else {
      i = skipScalar(b, i, end);
      if (i < 0) return i;
    }
    // After a value: close containers or move to the next member.
    for (;;) {
      const depth = stack.length;
      if (depth === 0) return i;
      i = skipWhitespace(b, i, end);
      if (i >= end) return SCAN_TRUNCATED;
      const d = b[i]!;
      const inObject = stack[depth - 1]!;
      if (d === COMMA) {
        i++;
        if (inObject) {
          i = skipKey(b, i, end);
          if (i < 0) return i;
        }
        i = skipWhitespace(b, i, end);
        break;
      }
      if (d === (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        stack.pop();
        i++;
        continue;
      }
      return SCAN_INVALID;
    }
  }
}

/**
 * Called for each member of the object, in order, with the value's first byte
 * and the depth left for it; it scans the value (scanValue or its own walk)
 * and returns the value's end or a negative code.
 */
export type MemberVisitor = (keyStart: number, keyEnd: number, valueStart: number, depthLeft: number) => number;

/**
 * Walks the members of the object starting at i (at `{`), scanning each value.
 * Returns the index after the closing brace, or a negative code. maxDepth counts this object.
 */
export function scanObjectMembers(b: Uint8Array, i: number, end: number, maxDepth: number, visit: MemberVisitor): number {
  if (maxDepth < 1) return SCAN_TOO_DEEP;
  i = skipWhitespace(b, i + 1, end);
  if (i >= end) return SCAN_TRUNCATED;
  if (b[i] === CLOSE_OBJECT) return i + 1;
  for (;;) {
    if (i >= end) return SCAN_TRUNCATED;
    if (b[i] !== QUOTE) return SCAN_INVALID;
    const keyStart = i;
    const keyEnd = skipString(b, i, end);
    if (keyEnd < 0) return keyEnd;
    i = skipWhitespace(b, keyEnd, end);
    if (i >= end) return SCAN_TRUNCATED;
    if (b[i] !== COLON) return SCAN_INVALID;
    const valueStart = skipWhitespace(b, i + 1, end);
    const valueEnd = visit(keyStart, keyEnd, valueStart, maxDepth - 1);
    if (valueEnd < 0) return valueEnd;
    i = skipWhitespace(b, valueEnd, end);
    if (i >= end) return SCAN_TRUNCATED;
    if (b[i] === CLOSE_OBJECT) return i + 1;
    if (b[i] !== COMMA) return SCAN_INVALID;
    i = skipWhitespace(b, i + 1, end);
  }
}

/**
 * Walks the elements of the array starting at i (at `[`); `scanElement` scans
 * one element (it gets the depth left) and returns its end or a negative code.
 * Same return convention as scanValue.
 */
export function scanArrayElements(
  b: Uint8Array,
  i: number,
  end: number,
  maxDepth: number,
  scanElement: (start: number, depthLeft: number) => number,
): number {
  if (maxDepth < 1) return SCAN_TOO_DEEP;
  i = skipWhitespace(b, i + 1, end);
  if (i >= end) return SCAN_TRUNCATED;
  if (b[i] === CLOSE_ARRAY) return i + 1;
  for (;;) {
    const valueEnd = scanElement(i, maxDepth - 1);
    if (valueEnd < 0) return valueEnd;
    i = skipWhitespace(b, valueEnd, end);
    if (i >= end) return SCAN_TRUNCATED;
    if (b[i] === CLOSE_ARRAY) return i + 1;
    if (b[i] !== COMMA) return SCAN_INVALID;
    i = skipWhitespace(b, i + 1, end);
  }
}

/** True when the key span (quotes included) spells exactly `name` (ASCII, no escapes). */
export function keyEquals(b: Uint8Array, keyStart: number, keyEnd: number, name: string): boolean {
  if (keyEnd - keyStart !== name.length + 2) return false;
  for (let k = 0; k < name.length; k++) if (b[keyStart + 1 + k] !== name.charCodeAt(k)) return false;
  return true;
}
