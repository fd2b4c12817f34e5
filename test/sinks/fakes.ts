// In-memory stand-ins behind the sinks' narrow interfaces (unit tests only; the
// integration tests use real Azurite and the real broker).
import { gunzipSync } from "node:zlib";
import type {
  BlobItemLike,
  BlobUploadOptionsLike,
  BlockBlobClientLike,
  ContainerClientLike,
} from "../../src/sinks/blob/container.ts";
import type { OutputRecord } from "../../src/sinks/sink.ts";

interface StoredBlob {
  body: Buffer;
  metadata: Record<string, string>;
  headers: BlobUploadOptionsLike["blobHTTPHeaders"];
}

function httpError(statusCode: number, code: string): Error {
  return Object.assign(new Error(code), { name: "RestError", statusCode, code });
}

/** A container that behaves like Blob Storage for conditional creates, with an outage switch. */
export class FakeContainer implements ContainerClientLike {
  readonly blobs = new Map<string, StoredBlob>();
  down = false;
  uploads = 0;
  failedCalls = 0;
  /** Set to make every upload wait for a manual release. */
  gate: Promise<void> | undefined;

  #check(): void {
    if (this.down) {
      this.failedCalls++;
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:10000"), { code: "ECONNREFUSED" });
    }
  }

  getBlockBlobClient(name: string): BlockBlobClientLike {
    return {
      upload: async (body, _length, options) => {
        if (this.gate) await this.gate;
        this.#check();
        this.uploads++;
        if (options?.conditions?.ifNoneMatch === "*" && this.blobs.has(name)) throw httpError(409, "BlobAlreadyExists");
        // The service lower-cases metadata keys on the way back.
        const metadata = Object.fromEntries(Object.entries(options?.metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
        this.blobs.set(name, { body: Buffer.from(body), metadata, headers: options?.blobHTTPHeaders });
      },
      getProperties: async () => {
        this.#check();
        const blob = this.blobs.get(name);
        if (!blob) throw httpError(404, "BlobNotFound");
        return { metadata: blob.metadata };
      },
    };
  }

  async *listBlobsFlat(options?: { prefix?: string; includeMetadata?: boolean }): AsyncIterable<BlobItemLike> {
    this.#check();
    const names = [...this.blobs.keys()].filter((n) => n.startsWith(options?.prefix ?? "")).sort();
    for (const name of names) yield { name, metadata: { ...this.blobs.get(name)!.metadata } };
  }

  /** Every line of every object, in name order. */
  lines(prefix = ""): string[] {
    return [...this.blobs.keys()]
      .filter((n) => n.startsWith(prefix))
      .sort()
      .flatMap((n) => gunzipSync(this.blobs.get(n)!.body).toString("utf8").split("\n").filter((l) => l !== ""));
  }
}

const BASE_TIME = Date.UTC(2026, 10, 25, 20, 10, 0);

/** `count` records for event `seq` of `partitionId`; the line says where it came from. */
export function eventRecords(
  partitionId: string,
  seq: number,
  count = 1,
  enqueuedTimeUtc = new Date(BASE_TIME + seq * 1000),
): OutputRecord[] {
  return Array.from({ length: count }, (_, recordIndex) => ({
    position: { partitionId, sequenceNumber: seq, offset: String(seq * 100), enqueuedTimeUtc },
    recordIndex,
    line: Buffer.from(JSON.stringify({ p: partitionId, s: seq, r: recordIndex })),
  }));
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves true when the promise settled within a few event-loop turns. */
export async function settledSoon(promise: Promise<unknown>, turns = 20): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < turns && !settled; i++) await new Promise((r) => setImmediate(r));
  return settled;
}
