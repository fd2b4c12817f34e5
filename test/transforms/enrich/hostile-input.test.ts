// Input built to hurt: absurd depth and size, NUL bytes, broken UTF-8, a line
// of a gigabyte that never ends. Each becomes a dead-letter outcome with a
// stable reason; nothing throws and memory stays bounded. The big inputs are
// generated here, chunk by chunk, never committed.
import { describe, expect, it } from "vitest";
import type { RecordOutcome } from "../../../src/transforms/decode/outcome.ts";
import { enrichStream, KEPT_RAW_BYTES, type LocatedOutcome } from "../../../src/transforms/enrich/enrich-stream.ts";
import { processMessage } from "../../../src/transforms/enrich/process-message.ts";
import { RecordingLookup } from "../recording-lookup.ts";

const lookup = new RecordingLookup();
const reasons = (records: RecordOutcome[]) => records.map((r) => (r.kind === "dead_letter" ? r.reason : r.kind));
const run = (body: Uint8Array | string) => processMessage(typeof body === "string" ? Buffer.from(body) : body, { lookup, nonAudit: "pass" }).records;

async function* repeat(chunk: Buffer, times: number, tail?: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < times; i++) yield chunk;
  if (tail) yield tail;
}

async function collect(source: AsyncIterable<Uint8Array>, maxLineBytes?: number): Promise<LocatedOutcome[]> {
  const all: LocatedOutcome[] = [];
  for await (const batch of enrichStream(source, { lookup, nonAudit: "pass", ...(maxLineBytes ? { maxLineBytes } : {}) })) all.push(...batch);
  return all;
}

const auditLine = '{"category":"AuditLogs","properties":{"activityDisplayName":"Add user"}}';

describe("hostile input", () => {
  it("nesting 100000 deep is too_deep, as a message and as a record in an envelope", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(reasons(run(deep))).toEqual(["too_deep"]);
    expect(reasons(run(`{"records":[{"category":"AuditLogs","properties":${"{\"a\":".repeat(100_000)}1${"}".repeat(100_000)}}]}`))).toEqual(["too_deep"]);
    // Unbalanced: opens only.
    expect(reasons(run("{\"a\":".repeat(100_000)))).toEqual(["too_deep"]);
  });

  it("a 50 MB string inside a record is too_large for the record, and the other records survive", () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const body = Buffer.concat([
      Buffer.from('{"records":[{"category":"AuditLogs","properties":{"activityDisplayName":"'),
      huge,
      Buffer.from(`"}},${auditLine}]}`),
    ]);
    const records = run(body);
    expect(reasons(records)).toEqual(["too_large", "enriched"]);
  });

  it("a 50 MB line in a stream is too_large, keeping only its first bytes", async () => {
    const mb = Buffer.alloc(1024 * 1024, 0x61);
    async function* source() {
      yield Buffer.from(`${auditLine}\n{"category":"AuditLogs","x":"`);
      yield* repeat(mb, 50);
      yield Buffer.from(`"}\n${auditLine}\n`);
    }
    const out = await collect(source());
    expect(out.map((o) => `${o.line}:${o.outcome.kind === "dead_letter" ? o.outcome.reason : o.outcome.kind}`)).toEqual([
      "1:enriched",
      "2:too_large",
      "3:enriched",
    ]);
    const dead = out[1]!.outcome;
    if (dead.kind === "dead_letter") expect(dead.raw.length).toBe(KEPT_RAW_BYTES);
    expect(out[1]!.rawTruncated).toBe(true);
  });

  it("a 1 GB line cut short (no newline, no end) is too_large with bounded memory", async () => {
    const chunk = Buffer.alloc(4 * 1024 * 1024, 0x20);
    chunk.write('{"records":[{"category":"AuditLogs","properties":{"activityDisplayName":"', 0);
    const before = process.memoryUsage();
    const out = await collect(repeat(chunk, 256), 8 * 1024 * 1024);
    const after = process.memoryUsage();
    expect(out).toHaveLength(1);
    expect(out[0]!.outcome).toMatchObject({ kind: "dead_letter", reason: "too_large" });
    // 1 GiB went through; the process held at most the line cap plus slack.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
    expect(after.rss - before.rss).toBeLessThan(256 * 1024 * 1024);
  });

  it("NUL bytes: raw ones are invalid JSON, escaped ones are data", () => {
    expect(reasons(run(`{"category":"AuditLogs","operationName":"Add\u0000user"}`))).toEqual(["invalid_json"]);
    expect(reasons(run(Buffer.from([0x7b, 0x00, 0x7d])))).toEqual(["invalid_json"]);
    expect(reasons(run(`{"records":[{"category":"SignInLogs","x":"a\u0000b"}]}`))).toEqual(["invalid_json"]);
    const [escaped] = run('{"category":"AuditLogs","operationName":"Add\\u0000user"}');
    expect(escaped!.kind).toBe("enriched");
  });

  it("invalid UTF-8 in a sign-in record is caught too: passed-through bytes are always UTF-8", () => {
    const body = Buffer.concat([Buffer.from('{"records":[{"category":"SignInLogs","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from(`"},${auditLine}]}`)]);
    expect(reasons(run(body))).toEqual(["invalid_utf8", "enriched"]);
    // Overlong encodings and lone surrogates are not UTF-8 either.
    expect(reasons(run(Buffer.concat([Buffer.from('{"category":"AuditLogs","operationName":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])))).toEqual(["invalid_utf8"]);
    expect(reasons(run(Buffer.concat([Buffer.from('{"category":"AuditLogs","operationName":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')])))).toEqual(["invalid_utf8"]);
  });

  it("__proto__ and constructor keys at every level pollute nothing", () => {
    const body = `{"__proto__":{"records":[]},"records":[{"__proto__":{"category":"SignInLogs","isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},"category":"AuditLogs","properties":{"__proto__":{"loggedByService":"evil"},"activityDisplayName":"Add user","initiatedBy":{"__proto__":{"user":{"id":"evil"}}}}}]}`;
    const [out] = run(body);
    expect(out!.kind).toBe("enriched");
    if (out?.kind === "enriched") {
      expect(out.facts.initiator).toBeNull();
      expect(out.enrichment.serviceArea).toBeNull();
    }
    expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("isAdmin");
  });

  it("a long stream of lines keeps memory flat", async () => {
    const block = Buffer.from(`${auditLine}\n${JSON.stringify({ category: "SignInLogs", pad: "s".repeat(8000) })}\n`.repeat(64));
    const times = Math.ceil((128 * 1024 * 1024) / block.length);
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    for await (const batch of enrichStream(repeat(block, times), { lookup, nonAudit: "pass" })) count += batch.length;
    expect(count).toBe(times * 128);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(96 * 1024 * 1024);
  });
});
