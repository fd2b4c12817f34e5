// The validated, frozen configuration the worker runs with.
import type { Secret } from "../telemetry/secret.ts";

/** Production: DefaultAzureCredential + namespace; development: a connection string. */
export type EventHubTarget =
  | { readonly auth: "credential"; readonly fullyQualifiedNamespace: string; readonly eventHubName: string }
  | { readonly auth: "connection-string"; readonly connectionString: Secret; readonly eventHubName: string };

export type StorageTarget =
  | { readonly auth: "credential"; readonly accountUrl: string }
  | { readonly auth: "connection-string"; readonly connectionString: Secret };

export type Sensitivity = "high" | "medium" | "low";

export interface WorkerConfig {
  readonly source: {
    readonly eventHub: EventHubTarget;
    readonly consumerGroup: string;
    readonly checkpointContainer: string;
    readonly startPosition: "earliest" | "latest";
    readonly maxBatchSize: number;
    readonly maxWaitTimeInSeconds: number;
    readonly prefetchCount: number;
    readonly loadBalancing: {
      readonly strategy: "balanced" | "greedy";
      readonly updateIntervalInMs: number;
      readonly partitionOwnershipExpirationIntervalInMs: number;
    };
    readonly retry: { readonly retryDelayInMs: number; readonly maxRetryDelayInMs: number; readonly maxRetries: number; readonly timeoutInMs: number };
  };
  readonly storage: StorageTarget;
  readonly checkpoint: { readonly everyRecords: number; readonly intervalMs: number };
  readonly decode: { readonly maxMessageBytes: number; readonly maxRecordBytes: number; readonly maxDepth: number; readonly maxRecordsPerMessage: number };
  readonly inflight: {
    readonly maxRecords: number;
    readonly maxBytes: number;
    readonly partitionMaxRecords: number;
    readonly partitionMaxBytes: number;
  };
  readonly output: {
    readonly primary: "blob" | "hub" | "both";
    readonly nonAudit: "pass" | "drop";
    readonly blob: {
      readonly container: string;
      readonly prefix: string;
      readonly deadLetterPrefix: string;
      readonly flushMaxRecords: number;
      readonly flushMaxBytes: number;
      readonly flushIntervalMs: number;
    };
    readonly hub?: EventHubTarget;
    /** Backoff of every sink's retries: the delay has a ceiling, the attempts do not. */
    readonly retry: { readonly initialDelayMs: number; readonly maxDelayMs: number };
  };
  readonly alerts: {
    readonly destination: "hub" | "blob" | "webhook" | "none";
    readonly minSensitivity: Sensitivity;
    readonly unrecognized: boolean;
    readonly blobPrefix: string;
    readonly windowMs: number;
    readonly webhook?: { readonly url: Secret; readonly timeoutMs: number };
    readonly hub?: EventHubTarget;
  };
  readonly catalog: {
    /** False: pass-through mode (no lookup, a fixed answer); for measuring what enrichment costs. */
    readonly enrichment: boolean;
    readonly path?: string;
    readonly watch: boolean;
    readonly gapsPrefix: string;
    readonly gapsIntervalMs: number;
  };
  readonly operations: {
    readonly metricsHost: string;
    readonly metricsPort: number;
    readonly logLevel: string;
    readonly shutdownGraceMs: number;
  };
}
