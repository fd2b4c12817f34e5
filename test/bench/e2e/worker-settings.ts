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
 * A memory-bounded variant, found by sampling heap and external memory during drains: V8's
 * young generation and old-space growth (heap total 270 MB for 150 MB used) and Buffers that
 * reach about 3.5x the in-flight input bytes (record, output line, object body, gzip output)
 * make RSS; smaller in-flight bounds, objects and prefetch, and heap limits cap both.
 */
export const SMALL_MEMORY_ENV = {
  AUDIT_ENRICHER_MAX_INFLIGHT_BYTES: String(24 * 2 ** 20),
  AUDIT_ENRICHER_PARTITION_MAX_INFLIGHT_BYTES: String(8 * 2 ** 20),
  AUDIT_ENRICHER_FLUSH_MAX_BYTES: String(4 * 2 ** 20),
  AUDIT_ENRICHER_PREFETCH_COUNT: "300",
  AUDIT_ENRICHER_MAX_BATCH_SIZE: "100",
} as const;

export const SMALL_MEMORY_NODE_FLAGS = ["--max-semi-space-size=4", "--max-old-space-size=160"] as const;
