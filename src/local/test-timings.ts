// SDK timings for tests and local runs. The SDK defaults (30 s fixed retry delay, 10 s
// load-balancing loop, 60 s ownership expiry) would make one injected fault cost 30 s and
// partition pickup 10 s per partition.

export const testRetryOptions = { retryDelayInMs: 200, maxRetryDelayInMs: 1000, maxRetries: 5, timeoutInMs: 10_000 } as const;

export const testLoadBalancingOptions = {
  strategy: "balanced",
  updateIntervalInMs: 500,
  partitionOwnershipExpirationIntervalInMs: 3_000,
} as const;
