// The single source of every worker setting: environment name, default,
// validation, whether it is a secret, and the README's configuration table
// (test/config/readme.test.ts fails when README and this file drift apart).
import type { SettingKind } from "./kinds.ts";
import { DEFAULT_DECODE_LIMITS } from "../transforms/decode/outcome.ts";
import { boolean, integer, oneOf, text, url } from "./kinds.ts";

export interface Setting {
  readonly env: string;
  readonly kind: SettingKind;
  /** Raw default as it would appear in the environment; undefined means "not set". */
  readonly default?: string;
  readonly secret?: boolean;
  readonly description: string;
}

const MiB = 1024 * 1024;

export const settings = [
  // Configuration file: an optional JSON object of { "AUDIT_ENRICHER_...": "value" }; the environment wins.
  { env: "AUDIT_ENRICHER_CONFIG_FILE", kind: text(), description: "Path of a JSON file with settings by env name; environment variables override it." },
  // Input hub: production identity (FQDN + name, DefaultAzureCredential) or development connection string.
  { env: "AUDIT_ENRICHER_EVENTHUB_FQDN", kind: text(), description: "Input Event Hubs namespace, e.g. `ns.servicebus.windows.net` (production identity: DefaultAzureCredential)." },
  { env: "AUDIT_ENRICHER_EVENTHUB_CONNECTION_STRING", kind: text(), secret: true, description: "Input Event Hubs connection string (development; excludes `_EVENTHUB_FQDN`)." },
  { env: "AUDIT_ENRICHER_EVENTHUB_NAME", kind: text(), description: "Input hub name; required with `_EVENTHUB_FQDN`, else taken from the connection string's EntityPath." },
  { env: "AUDIT_ENRICHER_CONSUMER_GROUP", kind: text(), default: "$Default", description: "Consumer group shared by all replicas." },
  // Storage: checkpoints and blob sinks share the account.
  { env: "AUDIT_ENRICHER_STORAGE_ACCOUNT_URL", kind: url(), description: "Blob account URL, e.g. `https://acct.blob.core.windows.net` (production identity)." },
  { env: "AUDIT_ENRICHER_STORAGE_CONNECTION_STRING", kind: text(), secret: true, description: "Blob Storage connection string (development; excludes `_STORAGE_ACCOUNT_URL`)." },
  { env: "AUDIT_ENRICHER_CHECKPOINT_CONTAINER", kind: text({ min: 3 }), default: "checkpoints", description: "Container for checkpoints and partition ownership (created if missing)." },
  // Receiving.
  { env: "AUDIT_ENRICHER_START_POSITION", kind: oneOf(["earliest", "latest"]), default: "earliest", description: "Where a partition without a checkpoint starts: earliest never skips a backlog." },
  { env: "AUDIT_ENRICHER_MAX_BATCH_SIZE", kind: integer({ min: 1, max: 5000 }), default: "500", description: "Events per receive batch." },
  { env: "AUDIT_ENRICHER_MAX_WAIT_SECONDS", kind: integer({ min: 1, max: 300 }), default: "5", description: "Longest wait for a batch to fill." },
  { env: "AUDIT_ENRICHER_PREFETCH_COUNT", kind: integer({ min: 0, max: 100000 }), default: "1000", description: "Events requested ahead per partition." },
  { env: "AUDIT_ENRICHER_LOAD_BALANCING_STRATEGY", kind: oneOf(["balanced", "greedy"]), default: "balanced", description: "How replicas claim partitions." },
  { env: "AUDIT_ENRICHER_LOAD_BALANCING_INTERVAL_MS", kind: integer({ min: 100, max: 600000 }), default: "10000", description: "Load-balancing loop interval." },
  { env: "AUDIT_ENRICHER_OWNERSHIP_EXPIRATION_MS", kind: integer({ min: 1000, max: 3600000 }), default: "60000", description: "A replica's partition ownership expires after this long without renewal." },
  { env: "AUDIT_ENRICHER_EVENTHUB_RETRY_DELAY_MS", kind: integer({ min: 10, max: 120000 }), default: "1000", description: "Event Hubs SDK retry delay (exponential)." },
  { env: "AUDIT_ENRICHER_EVENTHUB_MAX_RETRY_DELAY_MS", kind: integer({ min: 10, max: 600000 }), default: "30000", description: "Ceiling of the Event Hubs SDK retry delay." },
  { env: "AUDIT_ENRICHER_EVENTHUB_MAX_RETRIES", kind: integer({ min: 0, max: 100 }), default: "5", description: "Event Hubs SDK retries per operation." },
  { env: "AUDIT_ENRICHER_EVENTHUB_TIMEOUT_MS", kind: integer({ min: 1000, max: 600000 }), default: "60000", description: "Event Hubs SDK operation timeout." },
  // Checkpoints and bounded work.
  { env: "AUDIT_ENRICHER_CHECKPOINT_EVERY_RECORDS", kind: integer({ min: 1, max: 10000000 }), default: "5000", description: "Checkpoint a partition after this many acknowledged records…" },
  { env: "AUDIT_ENRICHER_CHECKPOINT_INTERVAL_SECONDS", kind: integer({ min: 1, max: 3600 }), default: "10", description: "…or after this many seconds, whichever comes first." },
  { env: "AUDIT_ENRICHER_MAX_INFLIGHT_RECORDS", kind: integer({ min: 1, max: 10000000 }), default: "20000", description: "Records received but not yet acknowledged, all partitions (backpressure above)." },
  { env: "AUDIT_ENRICHER_MAX_INFLIGHT_BYTES", kind: integer({ min: 1024, max: 16384 * MiB }), default: String(32 * MiB), description: "Bytes received but not yet acknowledged, all partitions (the main lever on memory: RSS grows by several times this)." },
  { env: "AUDIT_ENRICHER_PARTITION_MAX_INFLIGHT_RECORDS", kind: integer({ min: 1, max: 10000000 }), default: "10000", description: "Records in flight per partition." },
  { env: "AUDIT_ENRICHER_PARTITION_MAX_INFLIGHT_BYTES", kind: integer({ min: 1024, max: 16384 * MiB }), default: String(16 * MiB), description: "Bytes in flight per partition; keep it above the flush size, or partitions wait for the age flush." },
  { env: "AUDIT_ENRICHER_SHUTDOWN_GRACE_SECONDS", kind: integer({ min: 1, max: 3600 }), default: "25", description: "SIGTERM deadline for flush + checkpoint + close (below Kubernetes' 30 s)." },
  // Decoding limits: input beyond them is dead-lettered with a reason, never a crash.
  { env: "AUDIT_ENRICHER_DECODE_MAX_MESSAGE_BYTES", kind: integer({ min: 1024, max: 1024 * MiB }), default: String(DEFAULT_DECODE_LIMITS.maxMessageBytes), description: "Largest message body decoded (`too_large` beyond)." },
  { env: "AUDIT_ENRICHER_DECODE_MAX_RECORD_BYTES", kind: integer({ min: 1024, max: 1024 * MiB }), default: String(DEFAULT_DECODE_LIMITS.maxRecordBytes), description: "Largest single record decoded (`too_large` beyond)." },
  { env: "AUDIT_ENRICHER_DECODE_MAX_DEPTH", kind: integer({ min: 4, max: 1000 }), default: String(DEFAULT_DECODE_LIMITS.maxDepth), description: "Deepest JSON nesting decoded (`too_deep` beyond)." },
  { env: "AUDIT_ENRICHER_DECODE_MAX_RECORDS_PER_MESSAGE", kind: integer({ min: 1, max: 10000000 }), default: String(DEFAULT_DECODE_LIMITS.maxRecordsPerMessage), description: "Most records taken from one message (`too_many_records` beyond)." },
  // Routing and sinks.
  { env: "AUDIT_ENRICHER_OUTPUT", kind: oneOf(["blob", "hub", "both"]), default: "blob", description: "Primary output of enriched records." },
  { env: "AUDIT_ENRICHER_NON_AUDIT", kind: oneOf(["pass", "drop"]), default: "pass", description: "Records that are not audit events: passed through to the primary output, or dropped (counted)." },
  { env: "AUDIT_ENRICHER_BLOB_CONTAINER", kind: text({ min: 3 }), default: "audit-enriched", description: "Container of the blob output, alerts and dead letters (created if missing)." },
  { env: "AUDIT_ENRICHER_BLOB_PREFIX", kind: text(), default: "enriched", description: "Prefix of enriched blob objects." },
  { env: "AUDIT_ENRICHER_DEAD_LETTER_PREFIX", kind: text(), default: "dead-letter", description: "Prefix of dead-letter objects." },
  { env: "AUDIT_ENRICHER_FLUSH_MAX_RECORDS", kind: integer({ min: 1, max: 1000000 }), default: "5000", description: "A blob object is written at this many records…" },
  { env: "AUDIT_ENRICHER_FLUSH_MAX_BYTES", kind: integer({ min: 1024, max: 1024 * MiB }), default: String(8 * MiB), description: "…or this many uncompressed bytes…" },
  { env: "AUDIT_ENRICHER_FLUSH_INTERVAL_SECONDS", kind: integer({ min: 1, max: 3600 }), default: "10", description: "…or when its oldest record is this old." },
  { env: "AUDIT_ENRICHER_SINK_RETRY_DELAY_MS", kind: integer({ min: 10, max: 60000 }), default: "100", description: "First retry delay of a failing sink write (jittered, doubling)." },
  { env: "AUDIT_ENRICHER_SINK_MAX_RETRY_DELAY_MS", kind: integer({ min: 100, max: 600000 }), default: "10000", description: "Ceiling of a sink's retry delay; transient failures are retried at this pace until they succeed (worker unready meanwhile)." },
  { env: "AUDIT_ENRICHER_OUTPUT_EVENTHUB_FQDN", kind: text(), description: "Output Event Hubs namespace (production identity) when OUTPUT is hub or both." },
  { env: "AUDIT_ENRICHER_OUTPUT_EVENTHUB_CONNECTION_STRING", kind: text(), secret: true, description: "Output Event Hubs connection string (development)." },
  { env: "AUDIT_ENRICHER_OUTPUT_EVENTHUB_NAME", kind: text(), description: "Output hub name (required with `_OUTPUT_EVENTHUB_FQDN`)." },
  // Alerts.
  { env: "AUDIT_ENRICHER_ALERT_DESTINATION", kind: oneOf(["hub", "blob", "webhook", "none"]), default: "blob", description: "Where alerts go." },
  { env: "AUDIT_ENRICHER_ALERT_MIN_SENSITIVITY", kind: oneOf(["high", "medium", "low"]), default: "high", description: "Records at or above this sensitivity raise an alert." },
  { env: "AUDIT_ENRICHER_ALERT_UNRECOGNIZED", kind: boolean(), default: "true", description: "Unrecognized activities raise an (aggregated) alert." },
  { env: "AUDIT_ENRICHER_ALERT_BLOB_PREFIX", kind: text(), default: "alerts", description: "Prefix of alert objects when the destination is blob." },
  { env: "AUDIT_ENRICHER_ALERT_WEBHOOK_URL", kind: url(), secret: true, description: "Webhook receiving alert JSON POSTs (may embed a token: secret)." },
  { env: "AUDIT_ENRICHER_ALERT_WEBHOOK_TIMEOUT_MS", kind: integer({ min: 100, max: 120000 }), default: "10000", description: "Timeout of one webhook POST." },
  { env: "AUDIT_ENRICHER_ALERT_EVENTHUB_FQDN", kind: text(), description: "Alert Event Hubs namespace (production identity)." },
  { env: "AUDIT_ENRICHER_ALERT_EVENTHUB_CONNECTION_STRING", kind: text(), secret: true, description: "Alert Event Hubs connection string (development)." },
  { env: "AUDIT_ENRICHER_ALERT_EVENTHUB_NAME", kind: text(), description: "Alert hub name (required with `_ALERT_EVENTHUB_FQDN`)." },
  { env: "AUDIT_ENRICHER_ALERT_WINDOW_SECONDS", kind: integer({ min: 1, max: 86400 }), default: "60", description: "Unrecognized activity alerts are aggregated per name over this window." },
  // Catalog.
  { env: "AUDIT_ENRICHER_ENRICHMENT", kind: oneOf(["on", "off"]), default: "on", description: "`off`: pass-through mode for benchmarks, same receive, decode and sink path but no catalog lookup or content rules (every record `recognized:false`, reason `enrichment disabled`)." },
  { env: "AUDIT_ENRICHER_CATALOG_PATH", kind: text(), description: "Index artifact to load (default: the bundled catalog); reloaded on change or SIGHUP." },
  { env: "AUDIT_ENRICHER_CATALOG_WATCH", kind: boolean(), default: "true", description: "Watch the catalog file and reload it when it changes." },
  { env: "AUDIT_ENRICHER_CATALOG_GAPS_PREFIX", kind: text(), default: "catalog-gaps", description: "Prefix of the periodic unrecognized-activity export." },
  { env: "AUDIT_ENRICHER_CATALOG_GAPS_INTERVAL_SECONDS", kind: integer({ min: 1, max: 86400 }), default: "300", description: "How often the catalog gaps are exported." },
  // Operations.
  { env: "AUDIT_ENRICHER_METRICS_HOST", kind: text(), default: "0.0.0.0", description: "Bind address of /metrics, /healthz and /readyz." },
  { env: "AUDIT_ENRICHER_METRICS_PORT", kind: integer({ min: 0, max: 65535 }), default: "9464", description: "Port of /metrics, /healthz and /readyz (0 = any free port)." },
  { env: "AUDIT_ENRICHER_LOG_LEVEL", kind: oneOf(["fatal", "error", "warn", "info", "debug", "trace"]), default: "info", description: "Log level." },
] as const satisfies readonly Setting[];

/** The same list, typed loosely for code that walks every setting. */
export const allSettings: readonly Setting[] = settings;

export type SettingName = (typeof settings)[number]["env"];
