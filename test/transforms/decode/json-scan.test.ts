import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { controlWords, firstControlByte, JsonText, SCAN_INVALID, SCAN_TOO_DEEP, SCAN_TRUNCATED, scanValue } from "../../../src/transforms/decode/json-scan.ts";

const bytes = (text: string) => Buffer.from(text, "utf8");
const scan = (text: string, depth = 64) => {
  const b = bytes(text);
  return scanValue(JsonText.ofBytes(b), 0, b.length, depth);
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
          expect(scanValue(JsonText.ofBytes(text), 0, cut, 64)).toBe(SCAN_TRUNCATED);
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
    ['["bad \\x escape"]'],
    ['["\\u12G4"]'],
    ["[01]"],
    ["[1.]"],
    ["[.5]"],
    ["[1e]"],
    ["[+1]"],
    ["[-]"],
    ["[1.2.3]"],
    ["[--1]"],
    ["{]"],
    ["[}"],
  ])("rejects %j as invalid", (text) => {
    expect(scan(text)).toBe(SCAN_INVALID);
  });

  it("accepts exactly what JSON.parse accepts on arbitrary text", () => {
    const agrees = (text: string) => {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      const b = bytes(text);
      const start = b.findIndex((c) => c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09);
      const stop = start < 0 ? -1 : scanValue(JsonText.ofBytes(b), start, b.length, 1000);
      const trailing = stop >= 0 ? b.subarray(stop).every((c) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) : false;
      expect(stop >= 0 && trailing, text).toBe(parses);
    };
    const tokens = fc.constantFrom("{", "}", "[", "]", ",", ":", '"a"', '"\\u00e9"', '"\\q"', "1", "-0.5e+3", "01", "1.", "true", "nul", " ", "\n", '"x');
    fc.assert(fc.property(fc.array(tokens, { maxLength: 12 }), (parts) => agrees(parts.join(""))), { numRuns: 3000 });
    fc.assert(fc.property(fc.string(), (text) => agrees(text)), { numRuns: 1000 });
  });

  it("stops at the depth limit without recursion, even 100000 levels deep", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(scan(deep, 64)).toBe(SCAN_TOO_DEEP);
    expect(scan(deep, 200_000)).toBe(200_000);
    expect(scan("[[[1]]]", 3)).toBe(7);
    expect(scan("[[[1]]]", 2)).toBe(SCAN_TOO_DEEP);
  });
});

describe("firstControlByte", () => {
  it("finds the same first byte below 0x20 as a regular expression, at any alignment and start", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(7), fc.nat(90), fc.boolean(), (raw, shift, from, sparse) => {
        const bytes = Buffer.alloc(raw.length + 8).subarray(shift, shift + raw.length);
        // Mostly printable bytes (as JSON is), so hits are rare and land anywhere.
        for (let i = 0; i < raw.length; i++) bytes[i] = sparse && raw[i]! >= 0x08 ? 0x20 + (raw[i]! % 0x5f) : raw[i]!;
        const { words, wordsFrom } = controlWords(bytes);
        const text = bytes.toString("latin1");
        const re = /[\u0000-\u001f]/g;
        re.lastIndex = from;
        const m = from > text.length ? null : re.exec(text);
        expect(firstControlByte(bytes, words, wordsFrom, from)).toBe(m === null ? Number.POSITIVE_INFINITY : m.index);
      }),
      { numRuns: 2000 },
    );
  });
});
