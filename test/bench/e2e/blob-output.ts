// Reads back what the worker wrote to the blob sink and checks it against what
// was sent: every record id exactly once, nothing foreign. Record ids are found
// by pattern in the raw NDJSON (the generator's ids are unique strings), which
// is far cheaper than parsing every line again.
import { gunzipSync } from "node:zlib";
import type { ContainerClient } from "@azure/storage-blob";
import type { ExactlyOnceCheck } from "../report/results.ts";

const BENCH_ID = /Directory_[0-9a-f]{8}-0000-4000-a000-[0-9a-f]{12}_BENCH_\d+/g;

export interface BlobContents {
  readonly objects: number;
  readonly lines: number;
  readonly compressedBytes: number;
  readonly ids: readonly string[];
}

/** Every object under `prefix`: gunzipped, lines counted, ids extracted (`idPattern` must be global). */
export async function readBlobOutput(container: ContainerClient, prefix: string, idPattern: RegExp = BENCH_ID): Promise<BlobContents> {
  let objects = 0;
  let lines = 0;
  let compressedBytes = 0;
  const ids: string[] = [];
  for await (const item of container.listBlobsFlat({ prefix })) {
    const gz = await container.getBlobClient(item.name).downloadToBuffer();
    compressedBytes += gz.length;
    const text = textOf(item.name, gz);
    objects++;
    for (const line of text.split("\n")) {
      if (line === "") continue;
      lines++;
      // One id per line: the first match is the record's own properties.id.
      const match = line.match(idPattern);
      if (match?.[0] !== undefined) ids.push(match[0]);
    }
  }
  return { objects, lines, compressedBytes, ids };
}

/** Objects are gzip NDJSON; tolerate a plain one (the bytes say which), and name the object on failure. */
function textOf(name: string, bytes: Buffer): string {
  try {
    return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8");
  } catch (error) {
    throw new Error(`blob object ${name}: ${(error as Error).message}`);
  }
}

/** Calls `onLine` with every NDJSON line of every object under `prefix`; returns the object count. */
export async function forEachLine(container: ContainerClient, prefix: string, onLine: (line: string, objectName: string) => void): Promise<number> {
  let objects = 0;
  for await (const item of container.listBlobsFlat({ prefix })) {
    const text = textOf(item.name, await container.getBlobClient(item.name).downloadToBuffer());
    objects++;
    for (const line of text.split("\n")) if (line !== "") onLine(line, item.name);
  }
  return objects;
}

/** Compares delivered ids with expected ids. */
export function checkExactlyOnce(expected: Iterable<string>, delivered: readonly string[], lines: number): ExactlyOnceCheck {
  const want = new Set(expected);
  const seen = new Set<string>();
  let duplicates = 0;
  let unexpected = lines - delivered.length; // lines without a known id are foreign
  for (const id of delivered) {
    if (seen.has(id)) duplicates++;
    else if (!want.has(id)) unexpected++;
    seen.add(id);
  }
  let missing = 0;
  for (const id of want) if (!seen.has(id)) missing++;
  return { expected: want.size, delivered: lines, duplicates, missing, unexpected };
}
