// Writes one immutable object with a conditional create and answers the two
// questions replay needs: "did an earlier run already write this name, and up
// to which sequence number?" and "which existing object covers sequence S?".
import { SinkError, isTransientHttpError, statusOf } from "../errors.ts";
import { type WriteOperationContext, runWriteOperation } from "../operation.ts";
import { type ContainerClientLike, metadataValue } from "./container.ts";
import { firstSequenceOf } from "./naming.ts";

/** Range metadata stored on every object (the service lower-cases the keys). */
export interface ObjectRange {
  readonly partition: string;
  readonly firstSequenceNumber: number;
  readonly lastSequenceNumber: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
  readonly recordCount: number;
  readonly catalogVersion: string;
}

export type CreateOutcome = { readonly created: true } | { readonly created: false; readonly lastSequenceNumber: number };

/** What an existing object tells us, from the name (first) and metadata (last). */
export interface ExistingObject {
  readonly name: string;
  readonly firstSequenceNumber: number;
  readonly lastSequenceNumber: number;
}

// How the object announces itself. The stored bytes are always one gzip member
// (`.ndjson.gz`). Two ways to say so:
// - "gzip-file" (default): Content-Type application/gzip, no Content-Encoding.
//   Every client downloads the stored bytes as they are, so `zcat` reads the
//   file whatever fetched it; SIEM importers recognize gzip by the .gz name or
//   the magic bytes. The record format is in the metadata (recordFormat=ndjson).
// - "ndjson-gzip-encoded": Content-Type application/x-ndjson with
//   Content-Encoding gzip, for consumers that honour Content-Encoding (browsers,
//   `curl --compressed`). Beware: the Azure CLI and the Python SDK then
//   decompress on download (and the Python SDK fails to for chunked downloads
//   of blobs over 32 MB), so the "gz" file they save is plain NDJSON.
export type ObjectHeaders = "gzip-file" | "ndjson-gzip-encoded";

export function httpHeadersFor(style: ObjectHeaders): { blobContentType: string; blobContentEncoding?: string } {
  return style === "gzip-file"
    ? { blobContentType: "application/gzip" }
    : { blobContentType: "application/x-ndjson", blobContentEncoding: "gzip" };
}

/** 409 BlobAlreadyExists (or 412 from an If-None-Match precondition): the name is taken. */
export function isAlreadyExists(err: unknown): boolean {
  const status = statusOf(err);
  if (status === 412) return true;
  return status === 409 && (err as { code?: unknown }).code === "BlobAlreadyExists";
}

function parseSequence(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,20}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

export class BlobObjectWriter {
  readonly #container: ContainerClientLike;
  readonly #ctx: WriteOperationContext;

  readonly #headers: { blobContentType: string; blobContentEncoding?: string };

  constructor(container: ContainerClientLike, ctx: Omit<WriteOperationContext, "isRetryable">, headers: ObjectHeaders = "gzip-file") {
    this.#container = container;
    this.#ctx = { ...ctx, isRetryable: isTransientHttpError };
    this.#headers = httpHeadersFor(headers);
  }

  /** Conditional create (If-None-Match: *); an existing object is answered with its last sequence number. */
  async create(name: string, body: Buffer, range: ObjectRange): Promise<CreateOutcome> {
    const blob = this.#container.getBlockBlobClient(name);
    const metadata: Record<string, string> = {
      partition: range.partition,
      firstSequenceNumber: String(range.firstSequenceNumber),
      lastSequenceNumber: String(range.lastSequenceNumber),
      firstOffset: range.firstOffset,
      lastOffset: range.lastOffset,
      recordCount: String(range.recordCount),
      catalogVersion: range.catalogVersion,
      recordFormat: "ndjson",
    };
    return runWriteOperation(this.#ctx, "create_object", async () => {
      try {
        await blob.upload(body, body.length, {
          conditions: { ifNoneMatch: "*" },
          metadata,
          blobHTTPHeaders: this.#headers,
          abortSignal: this.#ctx.signal,
        });
        return { created: true } as const;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      const props = await blob.getProperties({ abortSignal: this.#ctx.signal });
      const last = parseSequence(metadataValue(props.metadata, "lastSequenceNumber"));
      if (last === undefined || last < range.firstSequenceNumber) {
        throw new SinkError("existing_object_unreadable", `existing object ${name} has no usable lastSequenceNumber`);
      }
      return { created: false, lastSequenceNumber: last } as const;
    });
  }

  /**
   * Objects under one hour prefix, sorted by first sequence number (names are
   * zero-padded, so listing order is numeric order too; we sort anyway).
   */
  async list(prefix: string): Promise<ExistingObject[]> {
    return runWriteOperation(this.#ctx, "list_objects", async () => {
      const found: ExistingObject[] = [];
      for await (const item of this.#container.listBlobsFlat({ prefix, includeMetadata: true })) {
        const first = firstSequenceOf(item.name);
        const last = parseSequence(metadataValue(item.metadata, "lastSequenceNumber"));
        if (first === undefined || last === undefined || last < first) continue;
        found.push({ name: item.name, firstSequenceNumber: first, lastSequenceNumber: last });
      }
      return found.sort((a, b) => a.firstSequenceNumber - b.firstSequenceNumber);
    }, false);
  }
}
