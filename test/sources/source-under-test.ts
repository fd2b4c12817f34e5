// An EventHubSource with stand-in clients and pipeline, as the source tests build it.
import { pino } from "pino";
import { Registry } from "prom-client";
import { loadConfig } from "../../src/config/load.ts";
import { PipelineMetrics } from "../../src/pipeline/metrics.ts";
import type { Pipeline } from "../../src/pipeline/pipeline.ts";
import type { SourceClients } from "../../src/sources/event-hubs/clients.ts";
import { EventHubSource } from "../../src/sources/event-hubs/source.ts";

const config = loadConfig({
  AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING: "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=k;SharedAccessKey=x;EntityPath=audit",
  AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
  AUDIT_ENRICHER_MAX_WAIT_SECONDS: "5",
});

export function sourceUnderTest(clients: Pick<SourceClients, "consumer" | "checkpointStore"> | object, pipeline: object): { source: EventHubSource; registry: Registry } {
  const registry = new Registry();
  const source = new EventHubSource({
    clients: clients as SourceClients,
    config: config.source,
    pipeline: pipeline as Pipeline,
    metrics: new PipelineMetrics(registry),
    registry,
    logger: pino({ level: "silent" }),
    closeGraceMs: 1000,
  });
  return { source, registry };
}
