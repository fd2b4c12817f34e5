import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { GzipBody } from "../../../src/sinks/blob/gzip-body.ts";

function lineOf(i: number, size: number): Buffer {
  const head = `{"i":${i},"pad":"`;
  return Buffer.from(`${head}${"x".repeat(Math.max(0, size - head.length - 2))}"}`);
}

async function bodyOf(lines: Buffer[], level = 1): Promise<{ data: Buffer; lines: number }> {
  const body = new GzipBody(level);
  for (const line of lines) {
    body.append(line);
    const room = body.drained();
    if (room !== undefined) await room;
  }
  return { data: await body.end(), lines: body.lines };
}

describe("GzipBody", () => {
  it("gives the same NDJSON as concatenating and gzipping, across many chunks", async () => {
    const lines = Array.from({ length: 3_000 }, (_, i) => lineOf(i, 100 + (i % 700)));
    const { data, lines: count } = await bodyOf(lines);
    const expected = Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")]));
    expect(count).toBe(3_000);
    expect(gunzipSync(data).equals(expected)).toBe(true);
    // One gzip member, like zlib.gzip (a second member would start with the magic bytes again).
    expect(data.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))).toBe(true);
    expect(data.length).toBeLessThan(gzipSync(expected, { level: 1 }).length * 1.05);
  });

  it("passes lines larger than a chunk through unchanged, in order", async () => {
    const lines = [lineOf(0, 10), lineOf(1, 600_000), lineOf(2, 20), lineOf(3, 300_000)];
    const { data } = await bodyOf(lines);
    expect(gunzipSync(data).toString().split("\n")).toEqual([...lines.map((l) => l.toString()), ""]);
  });

  it("reuses chunks without mixing bodies that are encoded at the same time", async () => {
    const a = Array.from({ length: 2_000 }, (_, i) => lineOf(i, 500));
    const b = Array.from({ length: 2_000 }, (_, i) => lineOf(10_000 + i, 700));
    const [ra, rb] = await Promise.all([bodyOf(a), bodyOf(b, 6)]);
    expect(gunzipSync(ra.data).toString()).toBe(a.map((l) => `${l}\n`).join(""));
    expect(gunzipSync(rb.data).toString()).toBe(b.map((l) => `${l}\n`).join(""));
  });

  it("an empty body is a valid empty gzip member", async () => {
    const { data, lines } = await bodyOf([]);
    expect(lines).toBe(0);
    expect(gunzipSync(data).length).toBe(0);
  });
});
