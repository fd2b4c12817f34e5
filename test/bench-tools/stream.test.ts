import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { activityPool, COMMON_ACTIVITIES, UNKNOWN_ACTIVITIES } from "../bench/e2e/activities.ts";
import { SeededRandom, ZipfSampler } from "../bench/e2e/random.ts";
import { addToTotals, emptyTotals, type GeneratedEvent, generateStream } from "../bench/e2e/stream.ts";

const take = (seed: number, count: number, first = 0, options = {}) => [...generateStream({ seed, ...options }, count, first)];

describe("bench stream generator", () => {
  it("is deterministic by seed and independent of the range asked for", () => {
    const a = take(7, 50);
    const b = take(7, 50);
    expect(a.map((e) => e.body.toString("base64"))).toEqual(b.map((e) => e.body.toString("base64")));
    const tail = take(7, 10, 40);
    expect(tail.map((e) => e.body.toString("base64"))).toEqual(a.slice(40).map((e) => e.body.toString("base64")));
    expect(take(8, 5).map((e) => e.body.toString())).not.toEqual(a.slice(0, 5).map((e) => e.body.toString()));
  });

  it("writes diagnostic envelopes of four ~1.5 KB AuditLogs records with every field", () => {
    const valid = take(1, 200).filter((e): e is GeneratedEvent => e.kind === "valid");
    const perRecord = valid.reduce((sum, e) => sum + e.body.length, 0) / (valid.length * 4);
    expect(perRecord).toBeGreaterThan(1300);
    expect(perRecord).toBeLessThan(1900);
    const body = JSON.parse(valid[0]!.body.toString()) as { records: Record<string, unknown>[] };
    expect(Object.keys(body)).toEqual(["records"]);
    expect(body.records).toHaveLength(4);
    const record = body.records[0]!;
    for (const field of ["time", "resourceId", "operationName", "operationVersion", "category", "tenantId", "resultSignature", "resultDescription", "durationMs", "callerIpAddress", "correlationId", "identity", "Level", "level", "properties"]) {
      expect(record).toHaveProperty(field);
    }
    expect(record.category).toBe("AuditLogs");
    const properties = record.properties as Record<string, unknown>;
    for (const field of ["id", "category", "correlationId", "result", "resultReason", "activityDisplayName", "activityDateTime", "loggedByService", "operationType", "userAgent", "initiatedBy", "targetResources", "additionalDetails"]) {
      expect(properties).toHaveProperty(field);
    }
    expect(properties.id).toBe(valid[0]!.recordIds[0]);
  });

  it("mixes about 5% unknown activities and 1% malformed messages, and counts them", () => {
    const events = take(3, 5000);
    const totals = emptyTotals();
    for (const e of events) addToTotals(totals, e);
    expect(totals.malformedEvents / totals.events).toBeGreaterThan(0.005);
    expect(totals.malformedEvents / totals.events).toBeLessThan(0.02);
    expect(totals.unknownRecords / totals.records).toBeGreaterThan(0.035);
    expect(totals.unknownRecords / totals.records).toBeLessThan(0.065);
    expect(totals.records).toBe(totals.validEvents * 4);
    for (const e of events.filter((x) => x.kind === "malformed")) {
      expect(() => JSON.parse(e.body.toString())).toThrow();
      expect(e.records).toBe(0);
    }
    const unknownNames = new Set(UNKNOWN_ACTIVITIES.map((a) => a.name));
    const counted = events
      .filter((e) => e.kind === "valid")
      .flatMap((e) => (JSON.parse(e.body.toString()) as { records: { operationName: string }[] }).records)
      .filter((r) => unknownNames.has(r.operationName)).length;
    expect(counted).toBe(totals.unknownRecords);
  });

  it("gives every record a unique id", () => {
    const ids = take(5, 2000).flatMap((e) => e.recordIds);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("repeats the common activities far more than the tail (Zipf-like)", () => {
    const counts = new Map<string, number>();
    for (const e of take(9, 3000).filter((x) => x.kind === "valid")) {
      for (const r of (JSON.parse(e.body.toString()) as { records: { operationName: string }[] }).records) counts.set(r.operationName, (counts.get(r.operationName) ?? 0) + 1);
    }
    const top = counts.get(COMMON_ACTIVITIES[0]!.name) ?? 0;
    const tenth = counts.get(COMMON_ACTIVITIES[9]!.name) ?? 0;
    expect(top).toBeGreaterThan(tenth * 4);
  });

  it("fills the pool from catalog TSV rows after the common activities, once each", () => {
    expect(activityPool(join(tmpdir(), "no-such-catalog-dir"))).toEqual(COMMON_ACTIVITIES);
    const dir = mkdtempSync(join(tmpdir(), "bench-catalog-"));
    try {
      mkdirSync(join(dir, "sources"));
      writeFileSync(join(dir, "sources", "ref.tsv"), "# provenance\nservice_area\tcategory\tactivity\nCore Directory\tUserManagement\tUpdate user\nPIM\tRoleManagement\tActivate role\nPIM\tRoleManagement\tActivate role\n");
      writeFileSync(join(dir, "notes.tsv"), "a\tb\nx\ty\n");
      const pool = activityPool(dir);
      expect(pool.slice(0, COMMON_ACTIVITIES.length)).toEqual(COMMON_ACTIVITIES);
      expect(pool.slice(COMMON_ACTIVITIES.length)).toEqual([{ name: "Activate role", service: "PIM", category: "RoleManagement" }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("seeded random and Zipf sampler", () => {
  it("stays in range and repeats by seed", () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    for (let i = 0; i < 1000; i++) {
      const x = a.next();
      expect(x).toBe(b.next());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    expect(new SeededRandom(1).guid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("draws rank 0 most often and never outside 0..n-1", () => {
    const zipf = new ZipfSampler(20);
    const random = new SeededRandom(3);
    const hits = new Array(20).fill(0) as number[];
    for (let i = 0; i < 20000; i++) hits[zipf.sample(random)]!++;
    expect(hits[0]).toBe(Math.max(...hits));
    expect(hits[0]!).toBeGreaterThan(hits[19]! * 10);
    expect(hits.reduce((a, b) => a + b, 0)).toBe(20000);
  });
});
