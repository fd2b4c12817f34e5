// SDK timings for tests and local runs. The SDK defaults (30 s fixed retry delay, 10 s
// load-balancing loop, 60 s ownership expiry) would make one injected fault cost 30 s and
// partition pickup 10 s per partition.

export const testRetryOptions = { retryDelayInMs: 200, maxRetryDelayInMs: 1000, maxRetries: 5, timeoutInMs: 10_000 } as const;

export const testLoadBalancingOptions = {
  strategy: "balanced",
  updateIntervalInMs: 500,
  partitionOwnershipExpirationIntervalInMs: 3_000,
} as const;

/**
 * How long a receiver may stay silent after a dropped connection before a test may call it
 * stuck. Not the broker: @azure/event-hubs 6.0.4 has a client-side race. When the connection
 * drops after a receiver's `$cbs` put-token was answered but before its attach was written,
 * the SDK opens the link on the dead connection; rhea-promise waits for its own operation
 * timeout (60 s, which the event-hubs client neither sets from `retryOptions.timeoutInMs` nor
 * exposes), then the SDK retries on the new connection. No error reaches `processError`.
 * A put-token lost with the dropped connection likewise costs `timeoutInMs` (10 s above).
 * Measured with test/local/receiver-recovery.test.ts (229 rounds, 2 detaches + 2 drops
 * each): 18 rounds took ~10 s (lost put-token), 2 took ~60 s (session on the dead
 * connection: "Unable to create the amqp session due to operation timeout"); a broker-side
 * trace showed every put-token the broker received answered on an open connection.
 */
export const receiverRecoveryBoundMs = 60_000 + testRetryOptions.timeoutInMs + 5_000;
