// The metrics every sink reports (names agreed in briefs/metrics.md). Sinks share
// the metric objects: the first sink to register a name creates it on the
// injected registry, later ones reuse it, each with its own `sink` label value.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { SinkName } from "./sink.ts";

/** Label values of the `sink` label (closed set; underscores per the metric conventions). */
export type SinkLabel = "blob" | "event_hub" | "alerts" | "dead_letter";

export const SINK_LABELS: Readonly<Record<SinkName, SinkLabel>> = {
  blob: "blob",
  "event-hub": "event_hub",
  alerts: "alerts",
  "dead-letter": "dead_letter",
};

type SinkLabelName = "sink";

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

function histogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
  buckets: number[],
): Histogram<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<L>;
  return new Histogram({ name, help, labelNames, buckets, registers: [registry] });
}

/** One sink's handles on the shared metrics, bound to its `sink` label. */
export class SinkMetrics {
  readonly sink: SinkLabel;
  readonly #writes: Counter<SinkLabelName>;
  readonly #failures: Counter<SinkLabelName | "retryable">;
  readonly #duration: Histogram<SinkLabelName>;
  readonly #latency: Histogram<SinkLabelName>;
  readonly #healthy: Gauge<SinkLabelName>;

  constructor(registry: Registry, sink: SinkLabel) {
    this.sink = sink;
    this.#writes = counter(
      registry,
      "audit_enricher_sink_writes_total",
      "Successful write operations (a blob object, a hub batch, an alert delivery).",
      ["sink"],
    );
    this.#failures = counter(
      registry,
      "audit_enricher_sink_failures_total",
      "Failed write attempts, by whether they are retried.",
      ["sink", "retryable"],
    );
    this.#duration = histogram(
      registry,
      "audit_enricher_sink_write_duration_seconds",
      "Duration of one successful write operation, retries included.",
      ["sink"],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
    this.#latency = histogram(
      registry,
      "audit_enricher_end_to_end_latency_seconds",
      "From the event's enqueued time to its acknowledgement by the sink.",
      ["sink"],
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    );
    this.#healthy = gauge(registry, "audit_enricher_sink_healthy", "1 while the sink can write, 0 while it fails.", [
      "sink",
    ]);
    this.#healthy.set({ sink }, 1);
    this.#writes.inc({ sink }, 0);
  }

  written(durationSeconds: number): void {
    this.#writes.inc({ sink: this.sink });
    this.#duration.observe({ sink: this.sink }, durationSeconds);
  }

  failed(retryable: boolean): void {
    this.#failures.inc({ sink: this.sink, retryable: retryable ? "true" : "false" });
  }

  /** Once per acknowledged source event. */
  acknowledged(enqueuedTimeUtc: Date, now: number = Date.now()): void {
    this.#latency.observe({ sink: this.sink }, Math.max(0, (now - enqueuedTimeUtc.getTime()) / 1000));
  }

  setHealthy(healthy: boolean): void {
    this.#healthy.set({ sink: this.sink }, healthy ? 1 : 0);
  }
}
