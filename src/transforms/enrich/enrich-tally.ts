// Counts what the stage did with a run's records, for the `enrich` CLI's
// summary and the demo. Every key is from a closed set, never input text.

import type { Sensitivity } from "../../catalog/enrichment.ts";
import type { DeadLetterReason, RecordOutcome } from "../decode/outcome.ts";

export class EnrichTally {
  recordsIn = 0;
  enriched = 0;
  recognized = 0;
  fellBackToOperationName = 0;
  passedThrough = 0;
  dropped = 0;
  deadLettered = 0;
  readonly bySensitivity: Record<Sensitivity, number> = { high: 0, medium: 0, low: 0 };
  readonly byReason = new Map<DeadLetterReason, number>();

  count(outcome: RecordOutcome): void {
    this.recordsIn++;
    switch (outcome.kind) {
      case "enriched":
        this.enriched++;
        if (outcome.enrichment.recognized) this.recognized++;
        // From the enrichment, not facts: facts parse the record and are for alerts only.
        if (outcome.enrichment.activitySource !== undefined) this.fellBackToOperationName++;
        this.bySensitivity[outcome.enrichment.sensitivity]++;
        break;
      case "passed_through":
        this.passedThrough++;
        break;
      case "dropped":
        this.dropped++;
        break;
      case "dead_letter":
        this.deadLettered++;
        this.byReason.set(outcome.reason, (this.byReason.get(outcome.reason) ?? 0) + 1);
        break;
    }
  }

  /** Human-readable lines for stderr. */
  describe(): string[] {
    const pct = this.enriched === 0 ? "n/a" : `${((100 * this.recognized) / this.enriched).toFixed(1)}%`;
    const reasons = [...this.byReason].sort(([a], [b]) => a.localeCompare(b)).map(([r, n]) => `${r} ${n}`);
    return [
      `records in: ${this.recordsIn}`,
      `enriched: ${this.enriched} (recognized ${this.recognized}, ${pct}; activity from operationName or missing: ${this.fellBackToOperationName})`,
      `sensitivity: high ${this.bySensitivity.high}, medium ${this.bySensitivity.medium}, low ${this.bySensitivity.low}`,
      `passed through: ${this.passedThrough}, dropped: ${this.dropped}`,
      `dead-lettered: ${this.deadLettered}${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}`,
    ];
  }
}
