// Builds the sinks the configuration asks for and hands the pipeline its view:
// primary output(s) (blob, hub or both), alerts (hub, blob, webhook or none),
// dead letters (blob), and the catalog-gaps exporter that watches enriched records.
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { WorkerConfig } from "../config/types.ts";
import { BlobAlertDestination } from "../sinks/alerts/blob-destination.ts";
import type { AlertDestination } from "../sinks/alerts/destination.ts";
import { EventHubAlertDestination } from "../sinks/alerts/hub-destination.ts";
import { AlertsSink } from "../sinks/alerts/sink.ts";
import { WebhookDestination } from "../sinks/alerts/webhook.ts";
import { openContainer } from "../sinks/blob/container.ts";
import { BlobSink } from "../sinks/blob/sink.ts";
import { CatalogGapsExporter } from "../sinks/catalog-gaps/exporter.ts";
import { DeadLetterSink } from "../sinks/dead-letter/sink.ts";
import type { SourceHub } from "../sinks/event-hub/event.ts";
import { EventHubSink } from "../sinks/event-hub/sink.ts";
import type { OutputRecord, Sink } from "../sinks/sink.ts";
import { azureCredential, createProducerClient } from "../sources/event-hubs/clients.ts";
import type { PipelineSinks } from "./pipeline.ts";

export interface SinkDeps {
  readonly registry: Registry;
  readonly logger: Logger;
  /** The source hub: output message ids and alert ids are built from it. */
  readonly source: SourceHub;
}

export interface WorkerSinks {
  readonly all: readonly Sink<never>[];
  readonly pipeline: PipelineSinks;
  readonly gaps: CatalogGapsExporter;
}

function container(config: WorkerConfig, name: string) {
  const storage = config.storage;
  return storage.auth === "credential"
    ? openContainer({ accountUrl: storage.accountUrl, credential: azureCredential(), containerName: name })
    : openContainer({ connectionString: storage.connectionString.reveal(), containerName: name });
}

function alertDestination(config: WorkerConfig, blob: ReturnType<typeof container>): AlertDestination | undefined {
  const alerts = config.alerts;
  switch (alerts.destination) {
    case "none":
      return undefined;
    case "blob":
      return new BlobAlertDestination(blob, alerts.blobPrefix);
    case "webhook":
      return new WebhookDestination({ url: alerts.webhook!.url.reveal(), timeoutMs: alerts.webhook!.timeoutMs });
    case "hub":
      return new EventHubAlertDestination(createProducerClient(alerts.hub!, config));
  }
}

export async function createSinks(config: WorkerConfig, deps: SinkDeps): Promise<WorkerSinks> {
  const out = config.output.blob;
  const { logger, registry, source } = deps;
  const backoff = { initialDelayMs: config.output.retry.initialDelayMs, maxDelayMs: config.output.retry.maxDelayMs, jitter: 0.5 };
  const blobContainer = container(config, out.container);
  // Dead letters, blob alerts and gap exports live here whatever the primary output is.
  await blobContainer.createIfNotExists();
  const primary: Sink<OutputRecord>[] = [];
  if (config.output.primary !== "hub") {
    primary.push(
      new BlobSink({
        container: blobContainer,
        prefix: out.prefix,
        registry,
        logger: logger.child({ component: "blob-sink" }),
        maxObjectBytes: out.flushMaxBytes,
        maxObjectRecords: out.flushMaxRecords,
        maxObjectAgeMs: out.flushIntervalMs,
        backoff,
      }),
    );
  }
  if (config.output.primary !== "blob") {
    primary.push(new EventHubSink({ producer: createProducerClient(config.output.hub!, config), source, registry, logger: logger.child({ component: "event-hub-sink" }), backoff }));
  }
  const deadLetter = new DeadLetterSink({
    container: blobContainer,
    prefix: out.deadLetterPrefix,
    registry,
    logger: logger.child({ component: "dead-letter-sink" }),
    backoff,
    // Dead letters are rare; never let them wait longer than the primary output does.
    maxObjectAgeMs: Math.min(out.flushIntervalMs, 5_000),
  });
  const destination = alertDestination(config, blobContainer);
  const alerts = destination === undefined ? undefined : new AlertsSink({ destination, source, registry, logger: logger.child({ component: "alerts-sink" }), windowMs: config.alerts.windowMs, backoff });
  const gaps = new CatalogGapsExporter({
    target: { kind: "blob", container: blobContainer, prefix: config.catalog.gapsPrefix },
    intervalMs: config.catalog.gapsIntervalMs,
    logger: logger.child({ component: "catalog-gaps" }),
  });
  const all = [...primary, deadLetter, ...(alerts ? [alerts] : [])] as Sink<never>[];
  return { all, pipeline: { primary, alerts, deadLetter }, gaps };
}
