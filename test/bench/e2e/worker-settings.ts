// Worker settings shared by bench:e2e, the soak and the fuzz run (and the ceiling
// consumer's batch and prefetch), so every comparison uses the same receive path.

/**
 * The worker's defaults, except that everything waits at most 1 s (receive wait, object age,
 * checkpoint cadence), so a drain's tail does not wait for the production cadences. In-flight
 * bounds and object sizes are the defaults: larger ones were measured to buy no throughput
 * (the same records/s with 4x the in-flight bytes) and cost hundreds of MB of RSS.
 */
export const BENCH_WORKER_ENV = {
  AUDIT_ENRICHER_MAX_BATCH_SIZE: "500",
  AUDIT_ENRICHER_PREFETCH_COUNT: "1000",
  AUDIT_ENRICHER_MAX_WAIT_SECONDS: "1",
  AUDIT_ENRICHER_FLUSH_INTERVAL_SECONDS: "1",
  AUDIT_ENRICHER_CHECKPOINT_INTERVAL_SECONDS: "1",
  AUDIT_ENRICHER_LOG_LEVEL: "info",
} as const;

/**
 * Settings for a pod limited to 256 MB, found by sampling heap and external memory during drains
 * (README "Sizing memory"). RSS is the V8 heap (young generation plus old space grown under
 * allocation pressure), Buffers awaiting GC (received bodies, output lines, gzip output) at
 * several times the in-flight bytes, and about 110 MB of Node, the SDKs and the catalog. Small
 * in-flight bounds, objects and prefetch, a 2 MB semi-space and a 96 MB old space cap the first two.
 */
export const SMALL_MEMORY_ENV = {
  AUDIT_ENRICHER_MAX_INFLIGHT_BYTES: String(10 * 2 ** 20),
  AUDIT_ENRICHER_PARTITION_MAX_INFLIGHT_BYTES: String(5 * 2 ** 20),
  AUDIT_ENRICHER_FLUSH_MAX_BYTES: String(2 * 2 ** 20),
  AUDIT_ENRICHER_FLUSH_MAX_RECORDS: "1500",
  AUDIT_ENRICHER_PREFETCH_COUNT: "250",
  AUDIT_ENRICHER_MAX_BATCH_SIZE: "100",
} as const;

export const SMALL_MEMORY_NODE_FLAGS = ["--max-semi-space-size=2", "--max-old-space-size=96"] as const;
