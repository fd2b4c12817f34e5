// Where alerts go. A destination makes ONE delivery attempt; the alerts sink
// retries it with backoff according to the destination's own classification.
import type { Alert } from "./alert.ts";

/** Closed set: also the `destination` label of audit_enricher_alerts_total. */
export type AlertDestinationKind = "event_hub" | "blob" | "webhook";

export interface AlertDestination {
  readonly kind: AlertDestinationKind;
  /** Alerts per delivery the destination handles best (the sink's default batch size); 100 when absent. */
  readonly batchSize?: number;
  /** Delivers the alerts, or throws; must be safe to repeat (alert ids are stable). */
  deliver(alerts: readonly Alert[], signal: AbortSignal): Promise<void>;
  isRetryable(err: unknown): boolean;
  close(): Promise<void>;
}
