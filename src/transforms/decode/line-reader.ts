// Cuts a byte stream into lines with a hard cap on line length. A line over
// the cap is never held whole: its first bytes are kept (for the dead-letter
// record) and the rest is skipped up to the next newline, so memory stays
// bounded by the cap however long the line is.

import { Buffer } from "node:buffer";

export interface Line {
  /** The line without its newline (and without a trailing CR); only a prefix when `tooLong`. */
  readonly bytes: Buffer;
  /** 1-based line number. */
  readonly number: number;
  readonly tooLong: boolean;
  /** The line's full length in bytes, also when only a prefix was kept. */
  readonly length: number;
}

export interface LineReaderOptions {
  readonly maxLineBytes: number;
  /** How much of an over-long line to keep. */
  readonly keepBytes: number;
}

export async function* readLines(source: AsyncIterable<Uint8Array>, options: LineReaderOptions): AsyncGenerator<Line> {
  let parts: Buffer[] = [];  // never more than maxLineBytes in total
  let pending = 0; // bytes of the current line seen so far
  let kept = 0; // bytes of it held in parts
  let number = 1;
  let tooLong = false;

  const take = (piece: Buffer): void => {
    pending += piece.length;
    // Past the cap nothing more is kept; finish() trims what was held to keepBytes.
    if (pending > options.maxLineBytes) tooLong = true;
    const room = (tooLong ? options.keepBytes : options.maxLineBytes) - kept;
    if (room > 0) {
      const slice = piece.length > room ? piece.subarray(0, room) : piece;
      parts.push(slice);
      kept += slice.length;
    }
  };
  const finish = (): Line => {
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept);
    if (tooLong && bytes.length > options.keepBytes) bytes = bytes.subarray(0, options.keepBytes);
    let length = pending;
    if (!tooLong && bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) {
      bytes = bytes.subarray(0, bytes.length - 1);
      length--;
    }
    const line: Line = { bytes, number, tooLong, length };
    parts = [];
    pending = 0;
    kept = 0;
    tooLong = false;
    number++;
    return line;
  };

  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, pos);
      if (nl === -1) break;
      take(buf.subarray(pos, nl));
      yield finish();
      pos = nl + 1;
    }
    if (pos < buf.length) take(buf.subarray(pos));
  }
  if (pending > 0) yield finish();
}
