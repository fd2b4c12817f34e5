import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SCAN_INVALID, SCAN_TOO_DEEP, SCAN_TRUNCATED, scanValue } from "../../../src/transforms/decode/json-scan.ts";

const bytes = (text: string) => Buffer.from(text, "utf8");
const scan = (text: string, depth = 64) => {
  const b = bytes(text);
  return scanValue(b, 0, b.length, depth);
};

describe("scanValue", () => {
  it("finds the end of any JSON value, compact or pretty-printed", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(scan(`${text} tail`)).toBe(Buffer.byteLength(text));
      }),
      { numRuns: 500 },
    );
  });

  it("reports every strict prefix of an object or array as truncated", () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue())), (value) => {
        const text = bytes(JSON.stringify(value));
        for (let cut = 1; cut < text.length; cut += Math.max(1, Math.floor(text.length / 20))) {
          expect(scanValue(text, 0, cut, 64)).toBe(SCAN_TRUNCATED);
        }
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['{"a":}'],
    ['{"a" 1}'],
    ["{a:1}"],
    ["[1,,2]"],
    ["[1 2]"],
    ['{"a":1,}'],
    ["[tru]"],
    ['["a\u0000b"]'],
    ['["tab\there"]'],
    ["{]"],
    ["[}"],
  ])("rejects %j as invalid", (text) => {
    expect(scan(text)).toBe(SCAN_INVALID);
  });

  it("stops at the depth limit without recursion, even 100000 levels deep", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(scan(deep, 64)).toBe(SCAN_TOO_DEEP);
    expect(scan(deep, 200_000)).toBe(200_000);
    expect(scan("[[[1]]]", 3)).toBe(7);
    expect(scan("[[[1]]]", 2)).toBe(SCAN_TOO_DEEP);
  });
});
