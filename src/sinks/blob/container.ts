// The few Blob Storage calls the blob sinks make, as a narrow interface: the real
// @azure/storage-blob ContainerClient satisfies it, unit tests pass a fake.
import { ContainerClient, StorageRetryPolicyType } from "@azure/storage-blob";
import type { TokenCredential } from "@azure/identity";

export interface BlobUploadOptionsLike {
  conditions?: { ifNoneMatch?: string };
  metadata?: Record<string, string>;
  blobHTTPHeaders?: { blobContentType?: string; blobContentEncoding?: string };
  abortSignal?: AbortSignal;
}

export interface BlockBlobClientLike {
  upload(body: Buffer, contentLength: number, options?: BlobUploadOptionsLike): Promise<unknown>;
  getProperties(options?: { abortSignal?: AbortSignal }): Promise<{ metadata?: Record<string, string> }>;
}

export interface BlobItemLike {
  name: string;
  metadata?: Record<string, string>;
}

export interface ContainerClientLike {
  getBlockBlobClient(name: string): BlockBlobClientLike;
  listBlobsFlat(options?: { prefix?: string; includeMetadata?: boolean }): AsyncIterable<BlobItemLike>;
  createIfNotExists?(): Promise<unknown>;
}

export type BlobAccess =
  | { readonly connectionString: string; readonly containerName: string }
  | { readonly accountUrl: string; readonly credential: TokenCredential; readonly containerName: string };

/**
 * A real ContainerClient with the SDK's own retries kept short: the sinks retry
 * with their own backoff and must notice an outage (health, readiness) within
 * seconds, not after the SDK's default 4 tries with 4 s..120 s delays.
 */
export function openContainer(access: BlobAccess, tryTimeoutMs = 30_000): ContainerClient {
  const retryOptions = {
    maxTries: 1,
    tryTimeoutInMs: tryTimeoutMs,
    retryPolicyType: StorageRetryPolicyType.EXPONENTIAL,
  };
  if ("connectionString" in access) {
    return new ContainerClient(access.connectionString, access.containerName, { retryOptions });
  }
  const url = `${access.accountUrl.replace(/\/+$/, "")}/${encodeURIComponent(access.containerName)}`;
  return new ContainerClient(url, access.credential, { retryOptions });
}

/** Metadata keys come back lower-cased from the service; read them case-insensitively. */
export function metadataValue(metadata: Record<string, string> | undefined, key: string): string | undefined {
  if (metadata === undefined) return undefined;
  const direct = metadata[key];
  if (direct !== undefined) return direct;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(metadata)) if (k.toLowerCase() === lower) return v;
  return undefined;
}
