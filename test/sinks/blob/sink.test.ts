import { gunzipSync } from "node:zlib";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { BlobSink, type BlobSinkOptions } from "../../../src/sinks/blob/sink.ts";
import { SinkError } from "../../../src/sinks/errors.ts";
import { FakeContainer, deferred, eventRecords, settledSoon } from "../fakes.ts";

const sinks: BlobSink[] = [];
afterEach(async () => {
  for (const sink of sinks.splice(0)) await sink.stop(Date.now() + 100);
});

function blobSink(container: FakeContainer, options: Partial<BlobSinkOptions> = {}): BlobSink {
  const sink = new BlobSink({
    container,
    prefix: "enriched",
    registry: new Registry(),
    backoff: { initialDelayMs: 1, maxDelayMs: 5 },
    maxObjectAgeMs: 60_000,
    ...options,
  });
  sinks.push(sink);
  return sink;
}

/** Writes events `from..to` of partition 0, one record each; returns their promises. */
function writeRange(sink: BlobSink, from: number, to: number, partition = "0"): Promise<void>[] {
  const promises: Promise<void>[] = [];
  for (let s = from; s <= to; s++) promises.push(sink.write(eventRecords(partition, s)));
  return promises;
}

function seqs(container: FakeContainer): number[] {
  return container.lines().map((l) => (JSON.parse(l) as { s: number }).s);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe("BlobSink", () => {
  it("writes one gzip NDJSON object per flushed range, with data-derived name, range metadata and headers", async () => {
    const container = new FakeContainer();
    const sink = blobSink(container);
    const writes = [sink.write(eventRecords("0", 7, 2)), sink.write(eventRecords("0", 8, 1))];
    expect(await settledSoon(Promise.all(writes))).toBe(false);
    await sink.flush();
    await Promise.all(writes);
    expect([...container.blobs.keys()]).toEqual(["enriched/2026/11/25/20/0/00000000000000000007.ndjson.gz"]);
    const blob = [...container.blobs.values()][0]!;
    expect(blob.metadata).toMatchObject({
      partition: "0",
      firstsequencenumber: "7",
      lastsequencenumber: "8",
      firstoffset: "700",
      lastoffset: "800",
      recordcount: "3",
      catalogversion: "none",
      recordformat: "ndjson",
    });
    expect(blob.headers).toEqual({ blobContentType: "application/gzip" });
    expect(gunzipSync(blob.body).toString()).toBe('{"p":"0","s":7,"r":0}\n{"p":"0","s":7,"r":1}\n{"p":"0","s":8,"r":0}\n');
  });

  it("can announce objects as NDJSON with Content-Encoding gzip instead", async () => {
    const container = new FakeContainer();
    const sink = blobSink(container, { headers: "ndjson-gzip-encoded" });
    const write = sink.write(eventRecords("0", 1));
    await sink.flush();
    await write;
    expect([...container.blobs.values()][0]!.headers).toEqual({ blobContentType: "application/x-ndjson", blobContentEncoding: "gzip" });
  });

  it("cuts objects on record count and never splits an event's records", async () => {
    const container = new FakeContainer();
    const sink = blobSink(container, { maxObjectRecords: 5 });
    const writes = [1, 2, 3, 4].map((s) => sink.write(eventRecords("0", s, 2)));
    await sink.flush();
    await Promise.all(writes);
    const ranges = [...container.blobs.values()].map((b) => [b.metadata.firstsequencenumber, b.metadata.lastsequencenumber]);
    expect(ranges).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
  });

  it("writes a full object without waiting for a flush", async () => {
    const container = new FakeContainer();
    const sink = blobSink(container, { maxObjectRecords: 3 });
    const writes = writeRange(sink, 1, 3);
    await Promise.all(writes);
    expect(container.blobs.size).toBe(1);
  });

  it("never lets an object span two enqueued-time hours", async () => {
    const container = new FakeContainer();
    const sink = blobSink(container);
    const t = (h: number, m: number) => new Date(Date.UTC(2026, 10, 25, h, m));
    const writes = [
      sink.write(eventRecords("0", 1, 1, t(20, 58))),
      sink.write(eventRecords("0", 2, 1, t(20, 59))),
      sink.write(eventRecords("0", 3, 1, t(21, 0))),
    ];
    await sink.flush();
    await Promise.all(writes);
    expect([...container.blobs.keys()]).toEqual([
      "enriched/2026/11/25/20/0/00000000000000000001.ndjson.gz",
      "enriched/2026/11/25/21/0/00000000000000000003.ndjson.gz",
    ]);
  });

  it("keeps partitions in separate objects", async () => {
    const container = new FakeContainer();
    const sink = blobSink(container);
    const writes = [...writeRange(sink, 1, 2, "0"), ...writeRange(sink, 1, 2, "1")];
    await sink.flush();
    await Promise.all(writes);
    expect([...container.blobs.keys()].map((n) => n.split("/")[5]).sort()).toEqual(["0", "1"]);
  });

  it("flushes a partition on age", async () => {
    const container = new FakeContainer();
    const sink = blobSink(container, { maxObjectAgeMs: 10 });
    await Promise.all(writeRange(sink, 1, 3));
    expect(seqs(container)).toEqual([1, 2, 3]);
  });

  it("acknowledges a replay of the same events without writing them again (conditional create)", async () => {
    const container = new FakeContainer();
    const first = blobSink(container, { maxObjectRecords: 4 });
    const w1 = writeRange(first, 0, 9);
    await first.flush();
    await Promise.all(w1);
    const objects = container.blobs.size;
    const replay = blobSink(container, { maxObjectRecords: 4 });
    const w2 = writeRange(replay, 0, 9);
    await replay.flush();
    await Promise.all(w2);
    expect(container.blobs.size).toBe(objects);
    expect(seqs(container)).toEqual(range(0, 9));
  });

  it("skips through the existing object when a replay starts in the middle of it, then continues after it", async () => {
    const container = new FakeContainer();
    const first = blobSink(container, { maxObjectRecords: 10 });
    const w1 = writeRange(first, 0, 24);
    await first.flush();
    await Promise.all(w1);
    // Restart from checkpoint 14 (mid-object [10..19]) with different object limits.
    const replay = blobSink(container, { maxObjectRecords: 3 });
    const w2 = writeRange(replay, 15, 40);
    await replay.flush();
    await Promise.all(w2);
    expect(seqs(container)).toEqual(range(0, 40));
  });

  it("fences a replay before a later existing object even when nothing covers its first event", async () => {
    const container = new FakeContainer();
    const first = blobSink(container);
    const w1 = writeRange(first, 20, 25);
    await first.flush();
    await Promise.all(w1);
    const replay = blobSink(container);
    const w2 = writeRange(replay, 15, 30);
    await replay.flush();
    await Promise.all(w2);
    expect(seqs(container)).toEqual(range(15, 30));
  });

  it("when the lookup fails permanently, rejects that event and looks up again before writing the next", async () => {
    const container = new FakeContainer();
    const first = blobSink(container);
    await Promise.all([...writeRange(first, 0, 9), first.flush()]);
    const list = container.listBlobsFlat.bind(container);
    let failLists = 1;
    container.listBlobsFlat = (options) => {
      if (failLists-- > 0) throw Object.assign(new Error("AuthorizationFailure"), { statusCode: 403 });
      return list(options);
    };
    const replay = blobSink(container);
    const rejected = replay.write(eventRecords("0", 5));
    const later = writeRange(replay, 6, 12);
    await replay.flush();
    await expect(rejected).rejects.toMatchObject({ statusCode: 403 });
    await Promise.all(later);
    expect(seqs(container)).toEqual(range(0, 12));
  });

  it("re-probes after a rewind in the same sink (partition re-claimed from its checkpoint)", async () => {
    const container = new FakeContainer();
    const other = blobSink(container, { maxObjectRecords: 5 });
    const sink = blobSink(container, { maxObjectRecords: 5 });
    await Promise.all([...writeRange(sink, 0, 9), sink.flush()]);
    // Another replica owned the partition for a while and wrote on from 10.
    await Promise.all([...writeRange(other, 10, 22), other.flush()]);
    // We get it back; the checkpoint says 12.
    await sink.flush("0");
    const w = writeRange(sink, 13, 30);
    await sink.flush();
    await Promise.all(w);
    expect(seqs(container)).toEqual(range(0, 30));
  });

  it("two instances racing on one partition with different batching write every event exactly once", async () => {
    const container = new FakeContainer();
    const a = blobSink(container, { maxObjectRecords: 3 });
    const b = blobSink(container, { maxObjectRecords: 5 });
    const all: Promise<void>[] = [];
    for (let s = 0; s < 60; s++) {
      all.push(a.write(eventRecords("0", s)), b.write(eventRecords("0", s)));
      if (s % 7 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all([a.flush(), b.flush(), ...all]);
    expect(seqs(container)).toEqual(range(0, 59));
  });

  it("keeps retrying while storage is down (unhealthy, writes pending), then lands everything once", async () => {
    const container = new FakeContainer();
    const registry = new Registry();
    const sink = blobSink(container, { registry, maxObjectRecords: 4 });
    container.down = true;
    const writes = writeRange(sink, 0, 9);
    void sink.flush();
    while (container.failedCalls < 5) await new Promise((r) => setTimeout(r, 2));
    expect(sink.healthy()).toBe(false);
    expect(await settledSoon(Promise.all(writes))).toBe(false);
    expect(await registry.getSingleMetricAsString("audit_enricher_sink_healthy")).toContain('sink="blob"} 0');
    container.down = false;
    await Promise.all(writes);
    expect(sink.healthy()).toBe(true);
    expect(seqs(container)).toEqual(range(0, 9));
    const failures = await registry.getSingleMetricAsString("audit_enricher_sink_failures_total");
    expect(failures).toMatch(/sink="blob",retryable="true"} [1-9]/);
  });

  it("rejects the writes of an object that fails permanently, with the service's error", async () => {
    const container = new FakeContainer();
    const sink = blobSink(container);
    const forbidden = Object.assign(new Error("AuthorizationFailure"), { statusCode: 403, code: "AuthorizationFailure" });
    container.getBlockBlobClient = () => ({
      upload: async () => {
        throw forbidden;
      },
      getProperties: async () => ({}),
    });
    const write = sink.write(eventRecords("0", 1));
    void sink.flush();
    await expect(write).rejects.toBe(forbidden);
    expect(sink.healthy()).toBe(true);
  });

  it("applies backpressure: buffered bytes stay bounded while uploads are stuck", async () => {
    const container = new FakeContainer();
    const gate = deferred();
    container.gate = gate.promise;
    const oneEvent = eventRecords("0", 0)[0]!.line.length + 1;
    const sink = blobSink(container, { maxBufferedBytes: oneEvent * 5, maxObjectRecords: 2 });
    const writes = writeRange(sink, 0, 19);
    await settledSoon(Promise.resolve());
    expect(sink.bufferedBytes()).toBeLessThanOrEqual(oneEvent * 5);
    expect(await settledSoon(Promise.all(writes))).toBe(false);
    gate.resolve();
    container.gate = undefined;
    await sink.flush();
    await Promise.all(writes);
    expect(seqs(container)).toEqual(range(0, 19));
    expect(sink.bufferedBytes()).toBe(0);
  });

  it("stop() flushes; past its deadline it gives up and rejects what is not durable with sink_stopped", async () => {
    const container = new FakeContainer();
    const sink = blobSink(container);
    const ok = writeRange(sink, 0, 2);
    await sink.stop(Date.now() + 1_000);
    await Promise.all(ok);
    await expect(sink.write(eventRecords("0", 3))).rejects.toMatchObject({ code: "sink_stopped" });

    const down = new FakeContainer();
    down.down = true;
    const stuck = blobSink(down);
    const pending = writeRange(stuck, 0, 2);
    const started = Date.now();
    await stuck.stop(Date.now() + 50);
    expect(Date.now() - started).toBeLessThan(1_000);
    for (const p of pending) await expect(p).rejects.toBeInstanceOf(SinkError);
    expect(stuck.stop(0)).toBe(stuck.stop(0));
  });

  it("rejects a write whose records come from two events, or whose partition id cannot be a path segment", async () => {
    const sink = blobSink(new FakeContainer());
    await expect(sink.write([...eventRecords("0", 1), ...eventRecords("0", 2)])).rejects.toMatchObject({
      code: "invalid_record",
    });
    await expect(sink.write(eventRecords("../x", 1))).rejects.toMatchObject({ code: "invalid_record" });
    await expect(sink.write([])).resolves.toBeUndefined();
  });

  it("counts writes and observes end-to-end latency per acknowledged event", async () => {
    const registry = new Registry();
    const sink = blobSink(new FakeContainer(), { registry });
    const writes = writeRange(sink, 0, 4);
    await sink.flush();
    await Promise.all(writes);
    expect(await registry.getSingleMetricAsString("audit_enricher_sink_writes_total")).toContain('sink="blob"} 1');
    expect(await registry.getSingleMetricAsString("audit_enricher_end_to_end_latency_seconds")).toContain(
      'audit_enricher_end_to_end_latency_seconds_count{sink="blob"} 5',
    );
  });
});
