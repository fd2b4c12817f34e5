// Builds the sinks the configuration asks for and hands the pipeline its view:
// primary output(s), alerts, dead-letter.
import type { BlobServiceClient } from "@azure/storage-blob";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { WorkerConfig } from "../config/types.ts";
import { openContainer } from "../sinks/blob/container.ts";
import { BlobSink } from "../sinks/blob/sink.ts";
import { DeadLetterSink } from "../sinks/dead-letter/sink.ts";
import type { OutputRecord, Sink } from "../sinks/sink.ts";
import { azureCredential } from "../sources/event-hubs/clients.ts";
import type { PipelineSinks } from "./pipeline.ts";

export interface SinkDeps {
  readonly blobService: BlobServiceClient;
  readonly registry: Registry;
  readonly logger: Logger;
}

export interface WorkerSinks {
  readonly all: readonly Sink<never>[];
  readonly pipeline: PipelineSinks;
}

function container(config: WorkerConfig, name: string) {
  const storage = config.storage;
  return storage.auth === "credential"
    ? openContainer({ accountUrl: storage.accountUrl, credential: azureCredential(), containerName: name })
    : openContainer({ connectionString: storage.connectionString.reveal(), containerName: name });
}

export async function createSinks(config: WorkerConfig, deps: SinkDeps): Promise<WorkerSinks> {
  const out = config.output.blob;
  const logger = deps.logger;
  const blobOptions = {
    container: container(config, out.container),
    registry: deps.registry,
    maxObjectBytes: out.flushMaxBytes,
    maxObjectRecords: out.flushMaxRecords,
    maxObjectAgeMs: out.flushIntervalMs,
    createContainer: true,
  };
  const primary: Sink<OutputRecord>[] = [];
  if (config.output.primary !== "hub") primary.push(new BlobSink({ ...blobOptions, prefix: out.prefix, logger: logger.child({ component: "blob-sink" }) }));
  if (config.output.primary !== "blob") throw new Error("AUDIT_ENRICHER_OUTPUT=hub|both: the Event Hub sink is not wired yet");
  const deadLetter = new DeadLetterSink({
    container: blobOptions.container,
    prefix: out.deadLetterPrefix,
    registry: deps.registry,
    logger: logger.child({ component: "dead-letter-sink" }),
    createContainer: true,
  });
  const alerts = undefined;
  const all = [...primary, deadLetter] as Sink<never>[];
  return { all, pipeline: { primary, alerts, deadLetter } };
}
