// Sink failures carry a stable code from a closed set and say whether a retry
// can help. Callers (the pipeline, tests) match on `code`, never on message text.

export type SinkErrorCode =
  | "sink_stopped"
  | "permanent_write_failure"
  | "existing_object_unreadable"
  | "record_too_large"
  | "invalid_record";

export class SinkError extends Error {
  readonly code: SinkErrorCode;
  readonly retryable: boolean;

  constructor(code: SinkErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SinkError";
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

/** Network-level failure codes that mean "the service is not reachable right now". */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "REQUEST_SEND_ERROR",
]);

/** HTTP status → retryable? 408, 429 and 5xx are; any other status is a permanent answer. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The status code an Azure RestError (or similar) carries, if any. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const status = (err as { statusCode?: unknown }).statusCode ?? (err as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

/** Error code on an error or any error in its cause chain (network errors are often wrapped). */
export function networkCodeOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Classification for HTTP-based services (Blob Storage, webhooks): a status says
 * it all; without a status the request never got an answer (refused, reset,
 * timed out), which is transient by nature.
 */
export function isTransientHttpError(err: unknown): boolean {
  if (err instanceof SinkError) return err.retryable;
  const status = statusOf(err);
  if (status !== undefined && status > 0) return isRetryableStatus(status);
  if (networkCodeOf(err) !== undefined) return true;
  const name = (err as { name?: unknown } | null)?.name;
  // Timeouts from AbortSignal.timeout and the SDK's per-try timeout.
  return name === "TimeoutError" || name === "AbortError" || name === "RestError";
}
