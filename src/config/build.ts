// Turns parsed setting values into the typed WorkerConfig, checking the rules
// that span settings: which identity each resource uses (never both), and
// what a chosen output or alert destination requires.
import type { Values } from "./load.ts";
import { Secret } from "../telemetry/secret.ts";
import type { EventHubTarget, Sensitivity, StorageTarget, WorkerConfig } from "./types.ts";

function entityPath(connectionString: string): string | undefined {
  const match = /(?:^|;)\s*EntityPath\s*=\s*([^;]+)/i.exec(connectionString);
  return match?.[1]?.trim();
}

/** One Event Hub: FQDN + name (credential) or connection string; both is an error. */
function eventHubTarget(values: Values, prefix: string, role: string, required: boolean, problems: string[]): EventHubTarget | undefined {
  const fqdnKey = `${prefix}_FQDN` as keyof Values;
  const csKey = `${prefix}_CONNECTION_STRING` as keyof Values;
  const nameKey = `${prefix}_NAME` as keyof Values;
  const fqdn = values[fqdnKey] as string | undefined;
  const cs = values[csKey] as string | undefined;
  const name = values[nameKey] as string | undefined;
  if (fqdn !== undefined && cs !== undefined) {
    problems.push(`${fqdnKey} and ${csKey}: both set for the ${role} hub; choose the production identity (FQDN) or the connection string, never both`);
    return undefined;
  }
  if (fqdn !== undefined) {
    if (name === undefined) {
      problems.push(`${nameKey}: required with ${fqdnKey} (the ${role} hub's name)`);
      return undefined;
    }
    return { auth: "credential", fullyQualifiedNamespace: fqdn, eventHubName: name };
  }
  if (cs !== undefined) {
    if (!/Endpoint\s*=\s*sb:\/\//i.test(cs)) {
      problems.push(`${csKey}: not an Event Hubs connection string (no Endpoint=sb://…)`);
      return undefined;
    }
    const path = entityPath(cs);
    if (path !== undefined && name !== undefined && path !== name) {
      problems.push(`${nameKey}: '${name}' differs from the connection string's EntityPath`);
      return undefined;
    }
    const hubName = name ?? path;
    if (hubName === undefined) {
      problems.push(`${nameKey}: required when ${csKey} has no EntityPath`);
      return undefined;
    }
    return { auth: "connection-string", connectionString: new Secret(cs), eventHubName: hubName };
  }
  if (required) problems.push(`${fqdnKey} (with ${nameKey}) or ${csKey}: the ${role} hub is not configured`);
  return undefined;
}

function storageTarget(values: Values, problems: string[]): StorageTarget | undefined {
  const url = values.AUDIT_ENRICHER_STORAGE_ACCOUNT_URL as string | undefined;
  const cs = values.AUDIT_ENRICHER_STORAGE_CONNECTION_STRING as string | undefined;
  if (url !== undefined && cs !== undefined) {
    problems.push("AUDIT_ENRICHER_STORAGE_ACCOUNT_URL and AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: both set; choose the production identity (account URL) or the connection string, never both");
    return undefined;
  }
  if (url !== undefined) return { auth: "credential", accountUrl: url };
  if (cs !== undefined) return { auth: "connection-string", connectionString: new Secret(cs) };
  problems.push("AUDIT_ENRICHER_STORAGE_ACCOUNT_URL or AUDIT_ENRICHER_STORAGE_CONNECTION_STRING: storage for checkpoints is not configured");
  return undefined;
}

export function buildWorkerConfig(values: Values, problems: string[]): WorkerConfig | undefined {
  const num = (key: keyof Values): number => values[key] as number;
  const str = (key: keyof Values): string => values[key] as string;
  const eventHub = eventHubTarget(values, "AUDIT_ENRICHER_EVENTHUB", "input", true, problems);
  const storage = storageTarget(values, problems);
  const primary = str("AUDIT_ENRICHER_OUTPUT") as WorkerConfig["output"]["primary"];
  const outputHub = eventHubTarget(values, "AUDIT_ENRICHER_OUTPUT_EVENTHUB", "output", primary === "hub" || primary === "both", problems);
  const destination = str("AUDIT_ENRICHER_ALERT_DESTINATION") as WorkerConfig["alerts"]["destination"];
  const alertHub = eventHubTarget(values, "AUDIT_ENRICHER_ALERT_EVENTHUB", "alert", destination === "hub", problems);
  const webhookUrl = values.AUDIT_ENRICHER_ALERT_WEBHOOK_URL as string | undefined;
  if (destination === "webhook" && webhookUrl === undefined) problems.push("AUDIT_ENRICHER_ALERT_WEBHOOK_URL: required when AUDIT_ENRICHER_ALERT_DESTINATION is webhook");
  if (num("AUDIT_ENRICHER_SINK_RETRY_DELAY_MS") > num("AUDIT_ENRICHER_SINK_MAX_RETRY_DELAY_MS")) problems.push("AUDIT_ENRICHER_SINK_RETRY_DELAY_MS: must not exceed AUDIT_ENRICHER_SINK_MAX_RETRY_DELAY_MS");
  if (num("AUDIT_ENRICHER_PARTITION_MAX_INFLIGHT_RECORDS") > num("AUDIT_ENRICHER_MAX_INFLIGHT_RECORDS")) problems.push("AUDIT_ENRICHER_PARTITION_MAX_INFLIGHT_RECORDS: must not exceed AUDIT_ENRICHER_MAX_INFLIGHT_RECORDS");
  if (num("AUDIT_ENRICHER_PARTITION_MAX_INFLIGHT_BYTES") > num("AUDIT_ENRICHER_MAX_INFLIGHT_BYTES")) problems.push("AUDIT_ENRICHER_PARTITION_MAX_INFLIGHT_BYTES: must not exceed AUDIT_ENRICHER_MAX_INFLIGHT_BYTES");
  if (problems.length > 0 || eventHub === undefined || storage === undefined) return undefined;
  return {
    source: {
      eventHub,
      consumerGroup: str("AUDIT_ENRICHER_CONSUMER_GROUP"),
      checkpointContainer: str("AUDIT_ENRICHER_CHECKPOINT_CONTAINER"),
      startPosition: str("AUDIT_ENRICHER_START_POSITION") as "earliest" | "latest",
      maxBatchSize: num("AUDIT_ENRICHER_MAX_BATCH_SIZE"),
      maxWaitTimeInSeconds: num("AUDIT_ENRICHER_MAX_WAIT_SECONDS"),
      prefetchCount: num("AUDIT_ENRICHER_PREFETCH_COUNT"),
      loadBalancing: {
        strategy: str("AUDIT_ENRICHER_LOAD_BALANCING_STRATEGY") as "balanced" | "greedy",
        updateIntervalInMs: num("AUDIT_ENRICHER_LOAD_BALANCING_INTERVAL_MS"),
        partitionOwnershipExpirationIntervalInMs: num("AUDIT_ENRICHER_OWNERSHIP_EXPIRATION_MS"),
      },
      retry: {
        retryDelayInMs: num("AUDIT_ENRICHER_EVENTHUB_RETRY_DELAY_MS"),
        maxRetryDelayInMs: num("AUDIT_ENRICHER_EVENTHUB_MAX_RETRY_DELAY_MS"),
        maxRetries: num("AUDIT_ENRICHER_EVENTHUB_MAX_RETRIES"),
        timeoutInMs: num("AUDIT_ENRICHER_EVENTHUB_TIMEOUT_MS"),
      },
    },
    storage,
    decode: {
      maxMessageBytes: num("AUDIT_ENRICHER_DECODE_MAX_MESSAGE_BYTES"),
      maxRecordBytes: num("AUDIT_ENRICHER_DECODE_MAX_RECORD_BYTES"),
      maxDepth: num("AUDIT_ENRICHER_DECODE_MAX_DEPTH"),
      maxRecordsPerMessage: num("AUDIT_ENRICHER_DECODE_MAX_RECORDS_PER_MESSAGE"),
    },
    checkpoint: { everyRecords: num("AUDIT_ENRICHER_CHECKPOINT_EVERY_RECORDS"), intervalMs: num("AUDIT_ENRICHER_CHECKPOINT_INTERVAL_SECONDS") * 1000 },
    inflight: {
      maxRecords: num("AUDIT_ENRICHER_MAX_INFLIGHT_RECORDS"),
      maxBytes: num("AUDIT_ENRICHER_MAX_INFLIGHT_BYTES"),
      partitionMaxRecords: num("AUDIT_ENRICHER_PARTITION_MAX_INFLIGHT_RECORDS"),
      partitionMaxBytes: num("AUDIT_ENRICHER_PARTITION_MAX_INFLIGHT_BYTES"),
    },
    output: {
      primary,
      nonAudit: str("AUDIT_ENRICHER_NON_AUDIT") as "pass" | "drop",
      blob: {
        container: str("AUDIT_ENRICHER_BLOB_CONTAINER"),
        prefix: str("AUDIT_ENRICHER_BLOB_PREFIX"),
        deadLetterPrefix: str("AUDIT_ENRICHER_DEAD_LETTER_PREFIX"),
        flushMaxRecords: num("AUDIT_ENRICHER_FLUSH_MAX_RECORDS"),
        flushMaxBytes: num("AUDIT_ENRICHER_FLUSH_MAX_BYTES"),
        flushIntervalMs: num("AUDIT_ENRICHER_FLUSH_INTERVAL_SECONDS") * 1000,
      },
      ...(outputHub ? { hub: outputHub } : {}),
      retry: { initialDelayMs: num("AUDIT_ENRICHER_SINK_RETRY_DELAY_MS"), maxDelayMs: num("AUDIT_ENRICHER_SINK_MAX_RETRY_DELAY_MS") },
    },
    alerts: {
      destination,
      minSensitivity: str("AUDIT_ENRICHER_ALERT_MIN_SENSITIVITY") as Sensitivity,
      unrecognized: values.AUDIT_ENRICHER_ALERT_UNRECOGNIZED as boolean,
      blobPrefix: str("AUDIT_ENRICHER_ALERT_BLOB_PREFIX"),
      windowMs: num("AUDIT_ENRICHER_ALERT_WINDOW_SECONDS") * 1000,
      ...(webhookUrl ? { webhook: { url: new Secret(webhookUrl), timeoutMs: num("AUDIT_ENRICHER_ALERT_WEBHOOK_TIMEOUT_MS") } } : {}),
      ...(alertHub ? { hub: alertHub } : {}),
    },
    catalog: {
      enrichment: str("AUDIT_ENRICHER_ENRICHMENT") === "on",
      ...(values.AUDIT_ENRICHER_CATALOG_PATH !== undefined ? { path: str("AUDIT_ENRICHER_CATALOG_PATH") } : {}),
      watch: values.AUDIT_ENRICHER_CATALOG_WATCH as boolean,
      gapsPrefix: str("AUDIT_ENRICHER_CATALOG_GAPS_PREFIX"),
      gapsIntervalMs: num("AUDIT_ENRICHER_CATALOG_GAPS_INTERVAL_SECONDS") * 1000,
    },
    operations: {
      metricsHost: str("AUDIT_ENRICHER_METRICS_HOST"),
      metricsPort: num("AUDIT_ENRICHER_METRICS_PORT"),
      logLevel: str("AUDIT_ENRICHER_LOG_LEVEL"),
      shutdownGraceMs: num("AUDIT_ENRICHER_SHUTDOWN_GRACE_SECONDS") * 1000,
    },
  };
}
