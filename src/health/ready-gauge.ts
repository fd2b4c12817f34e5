// audit_enricher_ready (1/0) evaluated at scrape time from the same readiness
// function /readyz uses, so the metric and the probe can never disagree.
import { Gauge, type Registry } from "prom-client";

export const READY_METRIC = "audit_enricher_ready";

export function registerReadyGauge(registry: Registry, isReady: () => boolean): void {
  // A worker restarting its health server on the same registry keeps one series.
  registry.removeSingleMetric(READY_METRIC);
  new Gauge({
    name: READY_METRIC,
    help: "1 when the worker is ready (source connected, checkpoint store reachable, every sink healthy), else 0.",
    registers: [registry],
    collect() {
      this.set(isReady() ? 1 : 0);
    },
  });
}
