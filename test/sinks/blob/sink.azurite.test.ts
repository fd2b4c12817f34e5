// BlobSink against real Azurite: conditional creates, metadata, listing and an
// outage, with the real @azure/storage-blob client.
import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { BlobSASPermissions, type ContainerClient } from "@azure/storage-blob";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { Azurite } from "../../../src/local/azurite.ts";
import { openContainer } from "../../../src/sinks/blob/container.ts";
import { BlobSink, type BlobSinkOptions } from "../../../src/sinks/blob/sink.ts";
import { eventRecords, settledSoon } from "../fakes.ts";

const sinks: BlobSink[] = [];
afterEach(async () => {
  for (const sink of sinks.splice(0)) await sink.stop(Date.now() + 2_000);
});

async function newContainer(connectionString = inject("blobConnectionString")): Promise<ContainerClient> {
  const container = openContainer({ connectionString, containerName: `t-${randomUUID()}` }, 5_000);
  await container.create();
  return container;
}

function blobSink(container: ContainerClient, options: Partial<BlobSinkOptions> = {}): BlobSink {
  const sink = new BlobSink({
    container,
    prefix: "enriched",
    registry: new Registry(),
    backoff: { initialDelayMs: 20, maxDelayMs: 200 },
    maxObjectAgeMs: 60_000,
    ...options,
  });
  sinks.push(sink);
  return sink;
}

async function writeRange(sink: BlobSink, from: number, to: number, records = 2): Promise<void> {
  const writes: Promise<void>[] = [];
  for (let s = from; s <= to; s++) writes.push(sink.write(eventRecords("0", s, records)));
  await sink.flush();
  await Promise.all(writes);
}

/** Every line across every object, as "seq/recordIndex", in name order. */
async function storedLines(container: ContainerClient): Promise<string[]> {
  const lines: string[] = [];
  for await (const item of container.listBlobsFlat()) {
    const raw = await container.getBlockBlobClient(item.name).downloadToBuffer();
    for (const line of gunzipSync(raw).toString("utf8").split("\n")) {
      if (line === "") continue;
      const { s, r } = JSON.parse(line) as { s: number; r: number };
      lines.push(`${s}/${r}`);
    }
  }
  return lines;
}

function expected(from: number, to: number, records = 2): string[] {
  const out: string[] = [];
  for (let s = from; s <= to; s++) for (let r = 0; r < records; r++) out.push(`${s}/${r}`);
  return out;
}

describe("BlobSink on Azurite", () => {
  it("stores gzip bytes that zcat reads, with content headers and range metadata", async () => {
    const container = await newContainer();
    await writeRange(blobSink(container), 5, 9);
    await writeRange(blobSink(container, { prefix: "encoded", headers: "ndjson-gzip-encoded" }), 5, 9);
    const items = [];
    for await (const item of container.listBlobsFlat({ includeMetadata: true })) items.push(item);
    expect(items.map((i) => i.name)).toEqual([
      "encoded/2026/11/25/20/0/00000000000000000005.ndjson.gz",
      "enriched/2026/11/25/20/0/00000000000000000005.ndjson.gz",
    ]);
    const [encoded, item] = items as [(typeof items)[0], (typeof items)[0]];
    expect(item.properties.contentType).toBe("application/gzip");
    expect(item.properties.contentEncoding).toBeUndefined();
    expect(encoded.properties.contentType).toBe("application/x-ndjson");
    expect(encoded.properties.contentEncoding).toBe("gzip");
    expect(item.metadata).toMatchObject({
      recordFormat: "ndjson",
      partition: "0",
      firstSequenceNumber: "5",
      lastSequenceNumber: "9",
      recordCount: "10",
    });
    const raw = await container.getBlockBlobClient(item.name).downloadToBuffer();
    // The SDK hands back the stored bytes untouched: a gzip member (what `zcat` needs).
    expect(raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    // A plain HTTP GET (what curl or a SIEM's fetcher does) gets the same bytes.
    const blob = container.getBlockBlobClient(item.name);
    const sas = await blob.generateSasUrl({ permissions: BlobSASPermissions.parse("r"), expiresOn: new Date(Date.now() + 60_000) });
    const fetched = Buffer.from(await (await fetch(sas, { headers: { "accept-encoding": "gzip" } })).arrayBuffer());
    expect(fetched.equals(raw)).toBe(true);
    expect(await storedLines(container)).toEqual([...expected(5, 9), ...expected(5, 9)]);
  });

  it("a full replay writes nothing twice (409 BlobAlreadyExists → skip the range)", async () => {
    const container = await newContainer();
    await writeRange(blobSink(container, { maxObjectRecords: 6 }), 0, 20);
    await writeRange(blobSink(container, { maxObjectRecords: 6 }), 0, 20);
    expect(await storedLines(container)).toEqual(expected(0, 20));
  });

  it("a replay starting in the middle of an object, with different batching, writes nothing twice", async () => {
    const container = await newContainer();
    await writeRange(blobSink(container, { maxObjectRecords: 20 }), 0, 29);
    await writeRange(blobSink(container, { maxObjectRecords: 4 }), 13, 60);
    expect(await storedLines(container)).toEqual(expected(0, 60));
  });

  it("two sinks racing on one partition write every record exactly once", async () => {
    const container = await newContainer();
    const a = blobSink(container, { maxObjectRecords: 6 });
    const b = blobSink(container, { maxObjectRecords: 10 });
    await Promise.all([writeRange(a, 0, 40), writeRange(b, 0, 40)]);
    expect(await storedLines(container)).toEqual(expected(0, 40));
  });
});

describe("BlobSink during a storage outage", () => {
  let azurite: Azurite;
  beforeAll(async () => {
    azurite = await Azurite.start();
  });
  afterAll(async () => {
    await azurite?.dispose();
  });

  it("goes unhealthy with writes pending while Azurite is down, then lands everything exactly once", async () => {
    const container = await newContainer(azurite.connectionString);
    const registry = new Registry();
    const sink = blobSink(container, { registry, maxObjectRecords: 10 });
    await writeRange(sink, 0, 9);
    await azurite.stop();
    const writes: Promise<void>[] = [];
    for (let s = 10; s <= 39; s++) writes.push(sink.write(eventRecords("0", s, 2)));
    const flushed = sink.flush();
    while (sink.healthy()) await new Promise((r) => setTimeout(r, 20));
    expect(await registry.getSingleMetricAsString("audit_enricher_sink_healthy")).toContain('sink="blob"} 0');
    // Down for a while: nothing is acknowledged, nothing is dropped.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await settledSoon(Promise.all(writes))).toBe(false);
    expect(sink.healthy()).toBe(false);
    await azurite.start();
    await flushed;
    await Promise.all(writes);
    expect(sink.healthy()).toBe(true);
    expect(await storedLines(container)).toEqual(expected(0, 39));
  });
});
