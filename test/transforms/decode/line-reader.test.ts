import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readLines } from "../../../src/transforms/decode/line-reader.ts";

async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut > at && cut < bytes.length) {
      yield bytes.subarray(at, cut);
      at = cut;
    }
  }
  yield bytes.subarray(at);
}

async function lines(bytes: Buffer, cuts: number[], maxLineBytes = 1 << 20, keepBytes = 8) {
  const out = [];
  for await (const line of readLines(chunked(bytes, cuts), { maxLineBytes, keepBytes })) out.push(line);
  return out;
}

describe("readLines", () => {
  it("yields the same lines however the stream is cut into chunks, CRLF or LF", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: "grapheme" }).map((s) => s.replace(/[\r\n]/g, "")), { maxLength: 8 }), fc.array(fc.nat(200)), fc.boolean(), async (texts, cuts, crlf) => {
        const bytes = Buffer.from(texts.map((t) => `${t}${crlf ? "\r\n" : "\n"}`).join(""));
        const got = await lines(bytes, cuts);
        expect(got.map((l) => l.bytes.toString())).toEqual(texts);
        expect(got.map((l) => l.number)).toEqual(texts.map((_, i) => i + 1));
        expect(got.every((l) => !l.tooLong)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a last line without a newline, and marks over-long lines keeping only their start", async () => {
    const got = await lines(Buffer.from(`short\n${"x".repeat(100)}\nlast`), [3, 20, 50], 50, 8);
    expect(got.map((l) => [l.bytes.toString(), l.tooLong, l.length, l.number])).toEqual([
      ["short", false, 5, 1],
      ["xxxxxxxx", true, 100, 2],
      ["last", false, 4, 3],
    ]);
  });
});
