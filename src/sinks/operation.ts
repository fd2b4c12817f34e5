// One durable write as every sink performs it: retried with backoff while the
// failure is transient, timed and counted, reflected in the sink's health, and
// logged once when it starts failing and once when it recovers (never per item).
import type { Logger } from "pino";
import { type SinkError, statusOf } from "./errors.ts";
import type { SinkHealth } from "./health.ts";
import type { SinkMetrics } from "./metrics.ts";
import { type BackoffOptions, retry } from "./retry.ts";

export interface WriteOperationContext {
  readonly metrics: SinkMetrics;
  readonly health: SinkHealth;
  readonly backoff: BackoffOptions;
  readonly isRetryable: (err: unknown) => boolean;
  /** Aborted when the sink's stop deadline passes. */
  readonly signal: AbortSignal;
  readonly logger?: Logger | undefined;
}

/** What a log line may say about an error: its class, code and status, never a URL or payload. */
export function describeError(err: unknown): { error: string; code?: string; status?: number } {
  if (typeof err !== "object" || err === null) return { error: typeof err };
  const code = (err as SinkError).code;
  const status = statusOf(err);
  return {
    error: (err as Error).name ?? "Error",
    ...(typeof code === "string" ? { code } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}

export async function runWriteOperation<T>(
  ctx: WriteOperationContext,
  what: string,
  operation: (attempt: number) => Promise<T>,
  countsAsWrite = true,
): Promise<T> {
  const started = performance.now();
  const tracker = ctx.health.track();
  let failures = 0;
  try {
    const result = await retry(operation, {
      backoff: ctx.backoff,
      isRetryable: ctx.isRetryable,
      signal: ctx.signal,
      onFailure: (err, retryable) => {
        ctx.metrics.failed(retryable);
        failures++;
        if (!retryable) return;
        tracker.failed();
        if (failures === 1) {
          ctx.logger?.warn({ sink: ctx.metrics.sink, operation: what, ...describeError(err) }, "sink write failing, retrying");
        }
      },
    });
    if (countsAsWrite) ctx.metrics.written((performance.now() - started) / 1000);
    if (failures > 0) {
      ctx.logger?.info({ sink: ctx.metrics.sink, operation: what, failedAttempts: failures }, "sink write recovered");
    }
    return result;
  } finally {
    tracker.settled();
  }
}
