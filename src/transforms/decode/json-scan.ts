// A JSON scanner that finds where a value ends without building it. It lets
// the decoder cut an envelope into per-record byte spans and read a few members
// without parsing records, so records of other log categories cost about a
// pass over their bytes. It is iterative (no recursion), so nesting depth can
// never overflow the stack, and the depth limit is enforced.
//
// It scans the bytes as a latin1 string (one char per byte, so char offsets are
// byte offsets and UTF-8 sequences never look structural): strings, most of the
// bytes, are then skipped with String.prototype.indexOf, which runs at memchr
// speed, and the positions of the next backslash and control character are
// remembered rather than searched again for every string.
//
// It checks the whole JSON grammar (RFC 8259: structure, literals, number
// syntax, escapes, no raw control characters in strings); UTF-8 validity is
// checked separately (isUtf8), so a span it accepts is what JSON.parse accepts.

import { Buffer } from "node:buffer";

export const SCAN_INVALID = -1;
export const SCAN_TOO_DEEP = -2;
/** The input ended inside a value. */
export const SCAN_TRUNCATED = -3;

const QUOTE = 0x22;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** A word view of the aligned middle of `bytes`, for firstControlByte. */
export function controlWords(bytes: Uint8Array): { words: Uint32Array; wordsFrom: number } {
  const wordsFrom = (4 - (bytes.byteOffset & 3)) & 3;
  const count = bytes.length > wordsFrom ? (bytes.length - wordsFrom) >>> 2 : 0;
  return { words: count === 0 ? new Uint32Array(0) : new Uint32Array(bytes.buffer, bytes.byteOffset + wordsFrom, count), wordsFrom };
}

/**
 * The first byte below 0x20 at or after `from` in `bytes`, or Infinity. Four
 * bytes per step through the word view (`words` covers bytes [wordsFrom,
 * wordsFrom + 4 * words.length)): a word holds such a byte iff
 * ((w - 0x20202020) & ~w & 0x80808080) != 0, the classic "has a byte less than"
 * test; that word's bytes are then checked one by one. About 1.7x faster than a
 * /[\u0000-\u001f]/ search, which matters: it passes over every message once.
 */
export function firstControlByte(bytes: Uint8Array, words: Uint32Array, wordsFrom: number, from: number): number {
  const length = bytes.length;
  let i = from;
  // Bytes before the first whole word at or after `from`.
  const alignedFrom = from <= wordsFrom ? wordsFrom : wordsFrom + ((from - wordsFrom + 3) & ~3);
  for (; i < alignedFrom && i < length; i++) if (bytes[i]! < 0x20) return i;
  for (let k = (i - wordsFrom) >>> 2; k < words.length; k++) {
    const w = words[k]!;
    if (((w - 0x20202020) & ~w & 0x80808080) !== 0) {
      const at = wordsFrom + 4 * k;
      for (let j = at; j < at + 4; j++) if (bytes[j]! < 0x20) return j;
    }
  }
  for (i = Math.max(i, wordsFrom + 4 * words.length); i < length; i++) if (bytes[i]! < 0x20) return i;
  return Number.POSITIVE_INFINITY;
}

/**
 * Scanner state over one text: the text and the cached positions of the next
 * backslash and control character (Infinity when there is none).
 */
export class JsonText {
  /** The bytes as latin1: one char per byte. */
  readonly text: string;
  readonly #bytes: Uint8Array;
  #words: Uint32Array | null = null;
  #wordsFrom = 0;
  #backslashFrom = -1;
  #backslashAt = 0;
  #controlFrom = -1;
  #controlAt = 0;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  }

  static ofBytes(bytes: Uint8Array): JsonText {
    return new JsonText(bytes);
  }

  /** The first backslash at or after i. */
  backslashAt(i: number): number {
    if (i < this.#backslashFrom || i > this.#backslashAt) {
      const at = this.text.indexOf("\\", i);
      this.#backslashAt = at === -1 ? Number.POSITIVE_INFINITY : at;
      this.#backslashFrom = i;
    }
    return this.#backslashAt;
  }

  /** The first control character at or after i. */
  controlAt(i: number): number {
    if (i < this.#controlFrom || i > this.#controlAt) {
      if (this.#words === null) ({ words: this.#words, wordsFrom: this.#wordsFrom } = controlWords(this.#bytes));
      this.#controlAt = firstControlByte(this.#bytes, this.#words, this.#wordsFrom, i);
      this.#controlFrom = i;
    }
    return this.#controlAt;
  }
}

export function skipWhitespace(t: JsonText, i: number, end: number): number {
  const s = t.text;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
  return i;
}

/** i at the opening quote; returns the index after the closing quote, or a negative code. */
export function skipString(t: JsonText, i: number, end: number): number {
  const s = t.text;
  i++;
  for (;;) {
    const quote = s.indexOf('"', i);
    if (quote === -1 || quote >= end) return SCAN_TRUNCATED;
    if (t.controlAt(i) < quote) return SCAN_INVALID;
    const backslash = t.backslashAt(i);
    if (backslash > quote) return quote + 1;
    i = skipEscape(s, backslash, end);
    if (i < 0) return i;
  }
}

// After a backslash: one of " \ / b f n r t, or u and four hex digits.
const SIMPLE_ESCAPES = '"\\/bfnrt';

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** i at a backslash; returns the index after the escape sequence. */
function skipEscape(s: string, i: number, end: number): number {
  if (i + 1 >= end) return SCAN_TRUNCATED;
  const e = s[i + 1]!;
  if (SIMPLE_ESCAPES.includes(e)) return i + 2;
  if (e !== "u") return SCAN_INVALID;
  if (i + 6 > end) return SCAN_TRUNCATED;
  for (let k = i + 2; k < i + 6; k++) if (!isHex(s.charCodeAt(k))) return SCAN_INVALID;
  return i + 6;
}

function skipLiteral(s: string, i: number, end: number, word: string): number {
  for (let k = 0; k < word.length; k++) {
    if (i + k >= end) return SCAN_TRUNCATED;
    if (s.charCodeAt(i + k) !== word.charCodeAt(k)) return SCAN_INVALID;
  }
  return i + word.length;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? A number at the very end of input may continue: truncated. */
function skipNumber(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) === 0x2d) i++;
  if (i >= end) return SCAN_TRUNCATED;
  if (s.charCodeAt(i) === 0x30) i++;
  else if (isDigit(s.charCodeAt(i))) while (i < end && isDigit(s.charCodeAt(i))) i++;
  else return SCAN_INVALID;
  if (i < end && s.charCodeAt(i) === 0x2e) {
    i++;
    if (i >= end) return SCAN_TRUNCATED;
    if (!isDigit(s.charCodeAt(i))) return SCAN_INVALID;
    while (i < end && isDigit(s.charCodeAt(i))) i++;
  }
  const e = i < end ? s.charCodeAt(i) : 0;
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = i < end ? s.charCodeAt(i) : 0;
    if (sign === 0x2b || sign === 0x2d) i++;
    if (i >= end) return SCAN_TRUNCATED;
    if (!isDigit(s.charCodeAt(i))) return SCAN_INVALID;
    while (i < end && isDigit(s.charCodeAt(i))) i++;
  }
  return i;
}

/** A scalar starting at i: string, literal or number. */
function skipScalar(t: JsonText, i: number, end: number): number {
  const s = t.text;
  const c = s.charCodeAt(i);
  if (c === QUOTE) return skipString(t, i, end);
  if (c === 0x74) return skipLiteral(s, i, end, "true");
  if (c === 0x66) return skipLiteral(s, i, end, "false");
  if (c === 0x6e) return skipLiteral(s, i, end, "null");
  if (c === 0x2d || isDigit(c)) return skipNumber(s, i, end);
  return SCAN_INVALID;
}

/** After `{` or `,` in an object: whitespace, a key, whitespace, a colon. Returns the index after the colon. */
function skipKey(t: JsonText, i: number, end: number): number {
  i = skipWhitespace(t, i, end);
  if (i >= end) return SCAN_TRUNCATED;
  if (t.text.charCodeAt(i) !== QUOTE) return SCAN_INVALID;
  i = skipString(t, i, end);
  if (i < 0) return i;
  i = skipWhitespace(t, i, end);
  if (i >= end) return SCAN_TRUNCATED;
  return t.text.charCodeAt(i) === COLON ? i + 1 : SCAN_INVALID;
}

/**
 * The value starting at i (no leading whitespace) ends where? Returns the index
 * just past it, or SCAN_INVALID / SCAN_TOO_DEEP / SCAN_TRUNCATED. maxDepth counts
 * containers opened by this value.
 */
export function scanValue(t: JsonText, i: number, end: number, maxDepth: number): number {
  if (i >= end) return SCAN_TRUNCATED;
  const s = t.text;
  const first = s.charCodeAt(i);
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) return skipScalar(t, i, end);
  // stack[d] is true for an object, false for an array.
  const stack: boolean[] = [];
  for (;;) {
    // Expecting a value at i (whitespace already skipped).
    if (i >= end) return SCAN_TRUNCATED;
    const c = s.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (stack.length >= maxDepth) return SCAN_TOO_DEEP;
      const isObject = c === OPEN_OBJECT;
      stack.push(isObject);
      i = skipWhitespace(t, i + 1, end);
      if (i >= end) return SCAN_TRUNCATED;
      if (s.charCodeAt(i) === (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        stack.pop();
        i++;
      } else {
        if (isObject) {
          i = skipKey(t, i, end);
          if (i < 0) return i;
          i = skipWhitespace(t, i, end);
        }
        continue;
      }
    } else {
      i = skipScalar(t, i, end);
      if (i < 0) return i;
    }
    // After a value: close containers or move to the next member.
    for (;;) {
      const depth = stack.length;
      if (depth === 0) return i;
      i = skipWhitespace(t, i, end);
      if (i >= end) return SCAN_TRUNCATED;
      const d = s.charCodeAt(i);
      const inObject = stack[depth - 1]!;
      if (d === COMMA) {
        i++;
        if (inObject) {
          i = skipKey(t, i, end);
          if (i < 0) return i;
        }
        i = skipWhitespace(t, i, end);
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
 * Called for each member of the object, in order, with the value's first index
 * and the depth left for it; it scans the value (scanValue or its own walk)
 * and returns the value's end or a negative code.
 */
export type MemberVisitor = (keyStart: number, keyEnd: number, valueStart: number, depthLeft: number) => number;

/**
 * Walks the members of the object starting at i (at `{`), scanning each value.
 * Returns the index after the closing brace, or a negative code. maxDepth counts this object.
 */
export function scanObjectMembers(t: JsonText, i: number, end: number, maxDepth: number, visit: MemberVisitor): number {
  if (maxDepth < 1) return SCAN_TOO_DEEP;
  const s = t.text;
  i = skipWhitespace(t, i + 1, end);
  if (i >= end) return SCAN_TRUNCATED;
  if (s.charCodeAt(i) === CLOSE_OBJECT) return i + 1;
  for (;;) {
    if (i >= end) return SCAN_TRUNCATED;
    if (s.charCodeAt(i) !== QUOTE) return SCAN_INVALID;
    const keyStart = i;
    const keyEnd = skipString(t, i, end);
    if (keyEnd < 0) return keyEnd;
    i = skipWhitespace(t, keyEnd, end);
    if (i >= end) return SCAN_TRUNCATED;
    if (s.charCodeAt(i) !== COLON) return SCAN_INVALID;
    const valueStart = skipWhitespace(t, i + 1, end);
    const valueEnd = visit(keyStart, keyEnd, valueStart, maxDepth - 1);
    if (valueEnd < 0) return valueEnd;
    i = skipWhitespace(t, valueEnd, end);
    if (i >= end) return SCAN_TRUNCATED;
    const c = s.charCodeAt(i);
    if (c === CLOSE_OBJECT) return i + 1;
    if (c !== COMMA) return SCAN_INVALID;
    i = skipWhitespace(t, i + 1, end);
  }
}

/**
 * Walks the elements of the array starting at i (at `[`); `scanElement` scans
 * one element (it gets the depth left) and returns its end or a negative code.
 * Same return convention as scanValue.
 */
export function scanArrayElements(
  t: JsonText,
  i: number,
  end: number,
  maxDepth: number,
  scanElement: (start: number, depthLeft: number) => number,
): number {
  if (maxDepth < 1) return SCAN_TOO_DEEP;
  const s = t.text;
  i = skipWhitespace(t, i + 1, end);
  if (i >= end) return SCAN_TRUNCATED;
  if (s.charCodeAt(i) === CLOSE_ARRAY) return i + 1;
  for (;;) {
    const valueEnd = scanElement(i, maxDepth - 1);
    if (valueEnd < 0) return valueEnd;
    i = skipWhitespace(t, valueEnd, end);
    if (i >= end) return SCAN_TRUNCATED;
    const c = s.charCodeAt(i);
    if (c === CLOSE_ARRAY) return i + 1;
    if (c !== COMMA) return SCAN_INVALID;
    i = skipWhitespace(t, i + 1, end);
  }
}

/** True when the key span (quotes included) spells exactly `name` (ASCII, no escapes). */
export function keyEquals(t: JsonText, keyStart: number, keyEnd: number, name: string): boolean {
  return keyEnd - keyStart === name.length + 2 && t.text.startsWith(name, keyStart + 1);
}
