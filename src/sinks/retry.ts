// Bounded retry with jittered exponential backoff, shared by every sink.
// "Bounded" means the DELAY has a ceiling, not the number of attempts: on a
// transient failure (storage down, hub unreachable) a sink keeps trying at the
// ceiling rate and reports itself unhealthy, so the worker turns unready and
// holds its checkpoint instead of skipping records (delivery.md rule 3).
// Permanent failures are never retried.
import { SinkError } from "./errors.ts";

export interface BackoffOptions {
  /** Delay before the first retry. */
  readonly initialDelayMs: number;
  /** Ceiling of any single delay. */
  readonly maxDelayMs: number;
  /** Share of each delay that is randomized (0 = none, 1 = full jitter). Default 0.5. */
  readonly jitter?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 100, maxDelayMs: 10_000, jitter: 0.5 };

/** Delay before retry number `attempt` (0-based): min(ceiling, initial·2^attempt), partly randomized. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}

export interface RetryOptions {
  readonly backoff: BackoffOptions;
  readonly isRetryable: (err: unknown) => boolean;
  /** Default: unlimited (transient errors are retried until success or abort). */
  readonly maxAttempts?: number;
  /** Aborting ends the wait and rejects with SinkError("sink_stopped"). */
  readonly signal?: AbortSignal;
  /** Called after every failed attempt, before waiting (metrics, health, a log line). */
  readonly onFailure?: (err: unknown, retryable: boolean, attempt: number) => void;
  readonly random?: () => number;
}

/** Runs `operation` until it succeeds, fails permanently, runs out of attempts or is aborted. */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  for (let attempt = 0; ; attempt++) {
    throwIfStopped(options.signal);
    try {
      return await operation(attempt);
    } catch (err) {
      const retryable = !(err instanceof SinkError && err.code === "sink_stopped") && options.isRetryable(err);
      options.onFailure?.(err, retryable, attempt);
      if (!retryable || attempt + 1 >= maxAttempts) throw err;
      await sleep(backoffDelay(attempt, options.backoff, options.random), options.signal);
    }
  }
}

function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SinkError("sink_stopped", "sink stopped before the write was durable");
}

/** setTimeout as a promise that an AbortSignal cuts short (rejecting with sink_stopped). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SinkError("sink_stopped", "sink stopped before the write was durable"));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new SinkError("sink_stopped", "sink stopped before the write was durable"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
