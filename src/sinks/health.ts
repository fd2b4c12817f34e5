// A sink is healthy while none of its write operations is stuck retrying. Each
// operation marks itself failing on its first failed attempt and clears that on
// success or when it gives up, so one partition's success does not hide
// another partition's outage.
import type { SinkMetrics } from "./metrics.ts";

export class SinkHealth {
  readonly #metrics: SinkMetrics;
  #failingOperations = 0;

  constructor(metrics: SinkMetrics) {
    this.#metrics = metrics;
  }

  healthy(): boolean {
    return this.#failingOperations === 0;
  }

  /** Wraps one operation's retry loop: returns hooks to call on failure and at the end. */
  track(): { failed(): void; settled(): void } {
    let counted = false;
    return {
      failed: () => {
        if (counted) return;
        counted = true;
        this.#failingOperations++;
        this.#metrics.setHealthy(false);
      },
      settled: () => {
        if (!counted) return;
        counted = false;
        this.#failingOperations--;
        if (this.#failingOperations === 0) this.#metrics.setHealthy(true);
      },
    };
  }
}
