// The running worker: catalog, sinks, pipeline, Event Hubs source and the
// health server, started in dependency order and stopped in reverse within one
// deadline (delivery.md rule 4: stop receiving, flush every sink, checkpoint
// what was acknowledged, close clients).
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { DEFAULT_ARTIFACT_PATH, loadCatalogIndex } from "../catalog/index.ts";
import type { WorkerConfig } from "../config/types.ts";
import { type HealthServer, type Readiness, startHealthServer } from "../health/server.ts";
import type { OutputRecord, Sink } from "../sinks/sink.ts";
import type { CatalogGapsExporter } from "../sinks/catalog-gaps/exporter.ts";
import { createBlobServiceClient, createSourceClients, type SourceClients } from "../sources/event-hubs/clients.ts";
import { EventHubSource } from "../sources/event-hubs/source.ts";
import { CatalogReloader } from "./catalog-reloader.ts";
import { decodeEvent, DEAD_LETTER_REASON_SET } from "./decode-event.ts";
import { PipelineMetrics } from "./metrics.ts";
import { passThroughLookup } from "./pass-through-lookup.ts";
import { withDeadline } from "../deadline.ts";
import { Pipeline } from "./pipeline.ts";
import { createSinks } from "./sinks.ts";

export interface WorkerDeps {
  readonly config: WorkerConfig;
  readonly logger: Logger;
  readonly registry: Registry;
}

export class Worker {
  readonly #deps: WorkerDeps;
  #catalog: CatalogReloader<ReturnType<typeof loadCatalogIndex>> | undefined;
  #sinks: Sink<never>[] = [];
  #gaps: CatalogGapsExporter | undefined;
  #clients: SourceClients | undefined;
  #source: EventHubSource | undefined;
  #pipeline: Pipeline | undefined;
  #health: HealthServer | undefined;
  #stopping: Promise<void> | undefined;
  #starting: Promise<void> | undefined;
  readonly #checkpointFailing = new Set<string>();

  constructor(deps: WorkerDeps) {
    this.#deps = deps;
  }

  get healthPort(): number | undefined {
    return this.#health?.port;
  }

  /** Starts everything; throws on a fatal start-up problem (bad catalog, unreachable storage). */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const { config, logger, registry } = this.#deps;
    const metrics = new PipelineMetrics(registry);
    this.#health = await startHealthServer({
      host: config.operations.metricsHost,
      port: config.operations.metricsPort,
      registry,
      readiness: () => this.readiness(),
      liveness: () => this.#source?.liveness() ?? { ok: true },
    });
    const catalog = new CatalogReloader({ path: config.catalog.path ?? DEFAULT_ARTIFACT_PATH, watch: config.catalog.watch && config.catalog.path !== undefined, load: loadCatalogIndex, metrics, logger });
    this.#catalog = catalog;
    logger.info({ component: "catalog", version: catalog.current().version }, "catalog loaded");
    const clients = await createSourceClients(config, createBlobServiceClient(config.storage));
    this.#clients = clients;
    const source = { namespace: clients.consumer.fullyQualifiedNamespace, hub: clients.consumer.eventHubName };
    const sinks = await createSinks(config, { registry, logger, source });
    this.#sinks = sinks.all as Sink<never>[];
    this.#gaps = sinks.gaps;
    for (const sink of sinks.all) await sink.start();
    sinks.gaps.start();
    const failing = this.#checkpointFailing;
    // Pass-through mode: one fixed answer, no lookup; "unrecognized" then means "not looked up", so it raises
    // no alert and no catalog gap.
    const enrichment = config.catalog.enrichment;
    const fixed = passThroughLookup();
    if (!enrichment) logger.warn({ component: "catalog" }, "enrichment disabled (AUDIT_ENRICHER_ENRICHMENT=off): records pass through without catalog lookup");
    this.#pipeline = new Pipeline({
      sinks: sinks.pipeline,
      decode: (body, lookup) => decodeEvent(body, lookup, config.output.nonAudit, config.decode),
      catalog: enrichment ? () => catalog.current() : () => fixed,
      routing: { minSensitivity: config.alerts.minSensitivity, unrecognized: enrichment && config.alerts.unrecognized, alertsEnabled: config.alerts.destination !== "none" },
      inflight: config.inflight,
      checkpoint: config.checkpoint,
      storeCheckpoint: async (partitionId, position) => {
        try {
          await clients.checkpointStore.updateCheckpoint({
            fullyQualifiedNamespace: clients.consumer.fullyQualifiedNamespace,
            eventHubName: clients.consumer.eventHubName,
            consumerGroup: config.source.consumerGroup,
            partitionId,
            sequenceNumber: position.sequenceNumber,
            offset: position.offset,
          });
          failing.delete(partitionId);
        } catch (error) {
          failing.add(partitionId);
          throw error;
        }
      },
      metrics,
      logger: logger.child({ component: "pipeline" }),
      deadLetterReasons: DEAD_LETTER_REASON_SET,
      ...(enrichment ? { observe: (record: OutputRecord) => sinks.gaps.observe(record) } : {}),
    });
    this.#source = new EventHubSource({
      clients,
      config: config.source,
      pipeline: this.#pipeline,
      metrics,
      registry,
      logger: logger.child({ component: "source" }),
      closeGraceMs: config.operations.shutdownGraceMs,
    });
    await this.#source.start();
    catalog.start();
    logger.info({ healthPort: this.#health.port, hub: config.source.eventHub.eventHubName, consumerGroup: config.source.consumerGroup }, "worker started");
  }

  reloadCatalog(): boolean {
    return this.#catalog?.reload("signal") ?? false;
  }

  readiness(): Readiness {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    checks.source = this.#stopping ? { ok: false, detail: "stopping" } : (this.#source?.health() ?? { ok: false, detail: "starting" });
    checks.checkpoints = this.#checkpointFailing.size === 0 ? { ok: true } : { ok: false, detail: `checkpoint writes failing for partition(s) ${[...this.#checkpointFailing].join(",")}` };
    for (const sink of this.#sinks) checks[`sink_${sink.name}`] = sink.healthy() ? { ok: true } : { ok: false, detail: "writes failing, retrying" };
    const stalled = (this.#pipeline?.snapshot() ?? []).filter((p) => p.stalled !== undefined);
    checks.partitions = stalled.length === 0 ? { ok: true } : { ok: false, detail: `stalled: ${stalled.map((p) => `${p.partitionId} (${p.stalled})`).join(", ")}` };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }

  /** Idempotent graceful stop within `deadline` (epoch ms). */
  stop(deadline: number): Promise<void> {
    this.#stopping ??= this.#stop(deadline);
    return this.#stopping;
  }

  async #stop(deadline: number): Promise<void> {
    const { logger } = this.#deps;
    logger.info({ graceMs: Math.max(0, deadline - Date.now()) }, "stopping: no new events; flushing sinks and checkpointing");
    // A stop during start-up waits for it (bounded), so nothing subscribes after the stop.
    if (this.#starting !== undefined) await withDeadline(this.#starting, deadline);
    this.#catalog?.stop();
    // Closing the subscription runs processClose for every owned partition: flush, wait for acks, final checkpoint.
    await this.#source?.stop(deadline);
    await Promise.all([...this.#sinks.map((sink) => withDeadline(sink.stop(deadline), deadline)), this.#gaps && withDeadline(this.#gaps.stop(deadline), deadline)]);
    // Started but never subscribed (a start-up failure): the consumer still holds a connection.
    if (this.#source === undefined) await this.#clients?.consumer.close().catch(() => {});
    await this.#health?.close();
    const unfinished = this.#pipeline?.inflightRecords ?? 0;
    if (Date.now() > deadline) logger.warn({ inflightRecords: unfinished }, "grace period elapsed; unacknowledged records will be replayed from the checkpoint");
    logger.info({ partitions: this.#pipeline?.snapshot() ?? [] }, "stopped");
  }
}
