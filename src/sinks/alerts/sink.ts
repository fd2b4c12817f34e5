// AlertsSink: the alert-worthy copies routing sends here become compact alerts.
// Routing decides WHAT is alert-worthy; this sink decides only how each is told:
// - high-risk (sensitivity at or above `individualSensitivity`, or recognized):
//   one alert each, never aggregated; the write resolves when the destination
//   accepted it (HTTP 2xx, hub send settled, blob committed);
// - unrecognized below that level: counted into the current window and
//   acknowledged at once. The window's summaries go out when it closes; after a
//   crash the open window's counts are lost (best-effort by design: every one of
//   those records is in the primary output with recognized:false, and the
//   catalog-gaps export recounts them).
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import type { Sensitivity } from "../../catalog/enrichment.ts";
import { SinkError } from "../errors.ts";
import type { SourceHub } from "../event-hub/event.ts";
import { SinkHealth } from "../health.ts";
import { SinkMetrics } from "../metrics.ts";
import { type WriteOperationContext, runWriteOperation } from "../operation.ts";
import { type BackoffOptions, DEFAULT_BACKOFF } from "../retry.ts";
import type { OutputRecord, Sink } from "../sink.ts";
import { type Alert, highRiskAlert } from "./alert.ts";
import type { AlertDestination } from "./destination.ts";
import { UnrecognizedWindow } from "./unrecognized-window.ts";
import { waitUntilDeadline } from "../../deadline.ts";

export interface AlertsSinkOptions {
  readonly destination: AlertDestination;
  /** The source hub, for stable alert ids. */
  readonly source: SourceHub;
  readonly registry: Registry;
  readonly logger?: Logger;
  /** Unrecognized records at or above this level still get an alert each. Default "high". */
  readonly individualSensitivity?: Sensitivity;
  /** Aggregation window for unrecognized names. Default 60 s. */
  readonly windowMs?: number;
  /** Distinct unrecognized names per window; beyond it one "other" entry counts them. Default 500. */
  readonly maxNamesPerWindow?: number;
  /** Window summaries kept while the destination is down; the oldest go first. Default 5000. */
  readonly maxPendingSummaries?: number;
  /** Deliver when this many alerts wait. Default: the destination's batchSize, else 100. */
  readonly maxBatchAlerts?: number;
  /** Deliver at the latest this long after the oldest waiting alert. Default 1 s. */
  readonly maxDelayMs?: number;
  readonly backoff?: BackoffOptions;
}

interface Queued {
  readonly alert: Alert;
  /** Absent for window summaries: nobody waits on those. */
  readonly done?: { resolve(): void; reject(err: unknown): void; settled: Promise<void> };
}

const RANK: Readonly<Record<Sensitivity, number>> = { low: 1, medium: 2, high: 3 };

function alertsCounter(registry: Registry): Counter<"kind" | "destination"> {
  const name = "audit_enricher_alerts_total";
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<"kind" | "destination">;
  return new Counter({ name, help: "Alerts delivered, by kind and destination.", labelNames: ["kind", "destination"], registers: [registry] });
}

export class AlertsSink implements Sink<OutputRecord> {
  readonly name = "alerts" as const;
  readonly #options: AlertsSinkOptions;
  readonly #destination: AlertDestination;
  readonly #metrics: SinkMetrics;
  readonly #health: SinkHealth;
  readonly #ctx: WriteOperationContext;
  readonly #alerts: Counter<"kind" | "destination">;
  readonly #abort = new AbortController();
  readonly #window: UnrecognizedWindow;
  readonly #queue: Queued[] = [];
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;
  readonly #maxPendingSummaries: number;
  #sending = false;
  #inflight: Promise<void> | undefined;
  #forced = false;
  #timer: NodeJS.Timeout | undefined;
  #windowTimer: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: AlertsSinkOptions) {
    this.#options = options;
    this.#destination = options.destination;
    this.#maxBatch = options.maxBatchAlerts ?? options.destination.batchSize ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 1_000;
    this.#maxPendingSummaries = Math.max(1, options.maxPendingSummaries ?? 5_000);
    this.#metrics = new SinkMetrics(options.registry, "alerts");
    this.#health = new SinkHealth(this.#metrics);
    this.#alerts = alertsCounter(options.registry);
    for (const kind of ["high_risk", "unrecognized"]) this.#alerts.inc({ kind, destination: options.destination.kind }, 0);
    this.#window = new UnrecognizedWindow(options.maxNamesPerWindow ?? 500);
    this.#ctx = {
      metrics: this.#metrics,
      health: this.#health,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      isRetryable: (err) => options.destination.isRetryable(err),
      signal: this.#abort.signal,
      logger: options.logger,
    };
  }

  async start(): Promise<void> {
    if (this.#windowTimer !== undefined) return;
    this.#windowTimer = setInterval(() => this.#closeWindow(), this.#options.windowMs ?? 60_000);
    this.#windowTimer.unref();
  }

  healthy(): boolean {
    return this.#health.healthy();
  }

  write(records: readonly OutputRecord[]): Promise<void> {
    if (this.#stopping) return Promise.reject(new SinkError("sink_stopped", "write after stop"));
    const individual = RANK[this.#options.individualSensitivity ?? "high"];
    const waits: Promise<void>[] = [];
    for (const record of records) {
      const e = record.enrichment;
      if (e === undefined) continue; // passed-through records carry nothing to alert on
      if (!e.recognized && RANK[e.sensitivity] < individual) {
        this.#window.add(record);
        continue;
      }
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const delivered = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const settled = delivered.then(
        () => undefined,
        () => undefined,
      );
      this.#queue.push({ alert: highRiskAlert(this.#options.source, record), done: { resolve, reject, settled } });
      waits.push(delivered);
    }
    if (waits.length === 0) return Promise.resolve();
    this.#schedule();
    const enqueued = records[0]!.position.enqueuedTimeUtc;
    return Promise.all(waits).then(() => this.#metrics.acknowledged(enqueued));
  }

  /** Delivers everything queued, window summaries included (they have no write promise to wait on). */
  async flush(): Promise<void> {
    this.#forced = true;
    while (!this.#abort.signal.aborted && (this.#queue.length > 0 || this.#inflight !== undefined)) {
      await this.#pump();
    }
  }

  stop(deadline: number): Promise<void> {
    this.#stopping ??= this.#stop(deadline);
    return this.#stopping;
  }

  async #stop(deadline: number): Promise<void> {
    clearInterval(this.#windowTimer);
    this.#closeWindow();
    await waitUntilDeadline(this.flush(), deadline);
    clearTimeout(this.#timer);
    this.#abort.abort();
    const stopped = new SinkError("sink_stopped", "sink stopped before the alert was delivered");
    if (!this.#sending) for (const q of this.#queue.splice(0)) q.done?.reject(stopped);
    await this.#destination.close().catch(() => undefined);
  }

  /** Summaries of the closing window join the delivery queue (nobody waits on them). */
  #closeWindow(): void {
    const summaries = this.#window.drain();
    if (summaries.length === 0) return;
    // While the destination is down, windows keep closing: keep the newest
    // summaries up to a bound (they are best-effort; high-risk alerts are never dropped).
    const pending = this.#queue.filter((q) => q.done === undefined).length;
    const excess = pending + summaries.length - this.#maxPendingSummaries;
    if (excess > 0) {
      let dropped = 0;
      for (let i = 0; i < this.#queue.length && dropped < excess; ) {
        if (this.#queue[i]!.done === undefined) {
          this.#queue.splice(i, 1);
          dropped++;
        } else i++;
      }
      this.#options.logger?.warn({ sink: "alerts", dropped }, "destination backlog: oldest unrecognized-activity summaries dropped");
    }
    for (const alert of summaries.slice(Math.max(0, summaries.length - this.#maxPendingSummaries))) this.#queue.push({ alert });
    this.#forced = true;
    void this.#pump();
  }

  #schedule(): void {
    if (this.#queue.length >= this.#maxBatch) {
      void this.#pump();
      return;
    }
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#forced = true;
      void this.#pump();
    }, this.#maxDelayMs);
    this.#timer.unref();
  }

  #pump(): Promise<void> {
    if (this.#inflight !== undefined) return this.#inflight;
    if (this.#abort.signal.aborted) return Promise.resolve();
    const run = this.#drain().finally(() => {
      this.#inflight = undefined;
    });
    this.#inflight = run;
    return run;
  }

  async #drain(): Promise<void> {
    this.#sending = true;
    try {
      while (this.#queue.length > 0 && (this.#forced || this.#queue.length >= this.#maxBatch)) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#deliver(batch);
      }
      this.#forced = false;
    } finally {
      this.#sending = false;
      if (this.#abort.signal.aborted) {
        const stopped = new SinkError("sink_stopped", "sink stopped before the alert was delivered");
        for (const q of this.#queue.splice(0)) q.done?.reject(stopped);
      } else if (this.#queue.length > 0) {
        this.#schedule();
      }
    }
  }

  async #deliver(batch: readonly Queued[]): Promise<void> {
    const alerts = batch.map((q) => q.alert);
    try {
      await runWriteOperation(this.#ctx, "deliver_alerts", () => this.#destination.deliver(alerts, this.#abort.signal));
      // One labelled inc per kind, not per alert (a blob object holds up to 2,000).
      let highRisk = 0;
      for (const alert of alerts) if (alert.kind === "high_risk") highRisk++;
      if (highRisk > 0) this.#alerts.inc({ kind: "high_risk", destination: this.#destination.kind }, highRisk);
      if (alerts.length > highRisk) this.#alerts.inc({ kind: "unrecognized", destination: this.#destination.kind }, alerts.length - highRisk);
      for (const q of batch) q.done?.resolve();
    } catch (err) {
      if (batch.some((q) => q.done === undefined)) {
        this.#options.logger?.warn({ sink: "alerts", dropped: alerts.length }, "unrecognized-activity summaries not delivered");
      }
      for (const q of batch) q.done?.reject(err);
    }
  }
}
