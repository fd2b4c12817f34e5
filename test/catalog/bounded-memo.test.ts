// The memo behind every cache whose keys come from input: bounded, and one per owner.
import { describe, expect, it } from "vitest";
import { BoundedMemo, memoOf } from "../../src/catalog/bounded-memo.ts";

describe("BoundedMemo", () => {
  it("never holds more than twice its capacity, and keeps what is read", () => {
    const memo = new BoundedMemo<number>(3);
    for (let i = 0; i < 100; i++) {
      memo.set(`k${i}`, i);
      expect(memo.get("k0")).toBe(0); // k0 is read every round, so it stays
      expect(memo.size).toBeLessThanOrEqual(6);
    }
    expect(memo.get("k0")).toBe(0);
    expect(memo.get("k50")).toBeUndefined();
    expect(memo.get("k99")).toBe(99);
  });

  it("memoOf gives each owner its own memo, the same one every time", () => {
    const memos = new WeakMap<object, BoundedMemo<string>>();
    const a = {};
    const b = {};
    memoOf(memos, a, 4).set("x", "from a");
    expect(memoOf(memos, a, 4).get("x")).toBe("from a");
    expect(memoOf(memos, b, 4).get("x")).toBeUndefined();
    expect(memoOf(memos, a, 4)).toBe(memoOf(memos, a, 4));
  });
});
