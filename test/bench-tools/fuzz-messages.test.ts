import { describe, expect, it } from "vitest";
import { DEAD_LETTER_REASONS } from "../../src/transforms/decode/outcome.ts";
import { type FuzzCategory, fuzzMessages, UNIQUE_FAKE_NAMES, WRONG_TYPE_FIELDS } from "../bench/fuzz/messages.ts";

describe("fuzz message generator", () => {
  const messages = [...fuzzMessages(11, 30_000)];

  it("is deterministic by seed", () => {
    const again = [...fuzzMessages(11, 200)];
    expect(again.map((m) => m.body.toString("base64"))).toEqual(messages.slice(0, 200).map((m) => m.body.toString("base64")));
  });

  it("covers every hostile category with valid records in between", () => {
    const seen = new Set<FuzzCategory>(messages.map((m) => m.category));
    expect([...seen].sort()).toEqual(["deep-nesting", "gzip-truncated", "huge-string", "invalid-json", "non-object-records", "odd-shapes", "proto-keys", "unknown-activities", "valid", "wrong-types"]);
    expect(messages.filter((m) => m.category === "valid").length / messages.length).toBeGreaterThan(0.4);
  });

  it("marks whole-message failures as undecodable JSON and names acceptable reasons from decode's list", () => {
    for (const m of messages.filter((x) => x.messageExpect === "dead-letter")) {
      // Only a complete envelope followed by garbage carries a record, which may or may not be delivered.
      expect(m.records.every((r) => r.expect === "either")).toBe(true);
      expect(m.records.length).toBeLessThanOrEqual(1);
      expect(m.messageReasons.length).toBeGreaterThan(0);
      for (const reason of m.messageReasons) expect(DEAD_LETTER_REASONS).toContain(reason);
      if (m.category === "invalid-json" || m.category === "gzip-truncated") expect(() => JSON.parse(m.body.toString())).toThrow();
    }
  });

  it("keeps every body within the hub's 1 MiB message limit and puts 1 MB strings in huge-string messages", () => {
    for (const m of messages) expect(m.body.length).toBeLessThan(1024 * 1024);
    const huge = messages.find((m) => m.category === "huge-string");
    expect(huge?.body.length).toBeGreaterThan(1_000_000);
  });

  it("puts __proto__ keys into proto-keys messages as raw JSON keys", () => {
    const proto = messages.find((m) => m.category === "proto-keys")!;
    const text = proto.body.toString();
    expect(text).toContain('"__proto__":{"polluted":"yes"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("breaks the type of every field across wrong-types messages", () => {
    const broken = messages.filter((m) => m.category === "wrong-types").map((m) => JSON.parse(m.body.toString()) as { records: Record<string, unknown>[] });
    expect(broken.length).toBeGreaterThan(WRONG_TYPE_FIELDS.length * 20);
    const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
    const fieldsBroken = new Set<string>();
    for (const body of broken) {
      const r = body.records[0]!;
      for (const field of WRONG_TYPE_FIELDS) {
        const [a, b] = field.split(".") as [string, string | undefined];
        const value = b === undefined ? r[a] : typeOf(r[a]) === "object" ? (r[a] as Record<string, unknown>)[b] : undefined;
        const expected = field === "properties" ? "object" : ["durationMs", "Level"].includes(field) ? "number" : ["properties.initiatedBy"].includes(field) ? "object" : ["properties.targetResources", "properties.additionalDetails"].includes(field) ? "array" : "string";
        if (value !== undefined && typeOf(value) !== expected) fieldsBroken.add(field);
      }
    }
    expect([...fieldsBroken].sort()).toEqual([...WRONG_TYPE_FIELDS].sort());
  });

  it("uses all 10,000 fake activity names over a full run, each several times", () => {
    const names = new Map<string, number>();
    for (const m of fuzzMessages(11, 100_000)) for (const r of m.records) if (r.unknownActivity) names.set(r.unknownActivity, (names.get(r.unknownActivity) ?? 0) + 1);
    expect(names.size).toBe(UNIQUE_FAKE_NAMES);
    expect(Math.min(...names.values())).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
