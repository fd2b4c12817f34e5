// Alerts as a JSON POST to an HTTP endpoint: `{"alerts":[...]}`, a timeout per
// attempt, retries on 5xx/429/408 and network errors (by the alerts sink).
// The URL often carries a token in its query string: it is never logged, and
// `describe()` shows only origin and path.
import { isTransientHttpError } from "../errors.ts";
import type { Alert } from "./alert.ts";
import type { AlertDestination } from "./destination.ts";

export interface WebhookOptions {
  readonly url: string;
  /** Per attempt. Default 10 s. */
  readonly timeoutMs?: number;
  /** Extra request headers (e.g. an authorization header); never logged. */
  readonly headers?: Readonly<Record<string, string>>;
}

export class WebhookStatusError extends Error {
  readonly status: number;

  constructor(status: number) {
    super(`webhook answered HTTP ${status}`);
    this.name = "WebhookStatusError";
    this.status = status;
  }
}

/** Origin and path only: safe for a log line. */
export function describeWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(invalid url)";
  }
}

export class WebhookDestination implements AlertDestination {
  readonly kind = "webhook" as const;
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;

  constructor(options: WebhookOptions) {
    new URL(options.url); // fail fast on a malformed URL (config validation also checks)
    this.#url = options.url;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#headers = { ...options.headers, "content-type": "application/json" };
  }

  async deliver(alerts: readonly Alert[], signal: AbortSignal): Promise<void> {
    const response = await fetch(this.#url, {
      method: "POST",
      headers: this.#headers,
      body: JSON.stringify({ alerts }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs)]),
      redirect: "error",
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new WebhookStatusError(response.status);
  }

  isRetryable(err: unknown): boolean {
    if (err instanceof WebhookStatusError) return err.status === 408 || err.status === 429 || err.status >= 500;
    // fetch rejects with a TypeError("fetch failed") whose cause is the socket error.
    if (err instanceof TypeError) return true;
    return isTransientHttpError(err);
  }

  async close(): Promise<void> {}
}
