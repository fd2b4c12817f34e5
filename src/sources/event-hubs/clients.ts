// Azure clients from configuration. Production: DefaultAzureCredential (covers
// AKS workload identity) with the namespace and account URL; development: the
// connection strings. The config has already refused mixing the two.
import { EventHubConsumerClient, type EventHubConsumerClientOptions, EventHubProducerClient, RetryMode } from "@azure/event-hubs";
import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import type { EventHubTarget, StorageTarget, WorkerConfig } from "../../config/types.ts";

let credential: TokenCredential | undefined;
/** One DefaultAzureCredential per process (AKS workload identity, managed identity, az login). */
export function azureCredential(): TokenCredential {
  credential ??= new DefaultAzureCredential();
  return credential;
}

export function hasEntityPath(connectionString: string): boolean {
  return /(?:^|;)\s*EntityPath\s*=/i.test(connectionString);
}

// Checkpoint and ownership writes repeat on their own cadence (checkpointer, load-balancing loop),
// so a long SDK retry chain only delays noticing an outage and recovering from it.
const CHECKPOINT_STORE_RETRY = { maxTries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 2_000, tryTimeoutInMs: 30_000 };

/** The client behind the checkpoint store (checkpoints and partition ownership). */
export function createBlobServiceClient(target: StorageTarget): BlobServiceClient {
  const options = { retryOptions: CHECKPOINT_STORE_RETRY };
  return target.auth === "credential"
    ? new BlobServiceClient(target.accountUrl, azureCredential(), options)
    : BlobServiceClient.fromConnectionString(target.connectionString.reveal(), options);
}

export function retryOptions(config: WorkerConfig) {
  const r = config.source.retry;
  return { mode: RetryMode.Exponential, retryDelayInMs: r.retryDelayInMs, maxRetryDelayInMs: r.maxRetryDelayInMs, maxRetries: r.maxRetries, timeoutInMs: r.timeoutInMs };
}

export function createProducerClient(target: EventHubTarget, config: WorkerConfig): EventHubProducerClient {
  const options = { retryOptions: retryOptions(config) };
  if (target.auth === "credential") return new EventHubProducerClient(target.fullyQualifiedNamespace, target.eventHubName, azureCredential(), options);
  const cs = target.connectionString.reveal();
  return hasEntityPath(cs) ? new EventHubProducerClient(cs, options) : new EventHubProducerClient(cs, target.eventHubName, options);
}

export interface SourceClients {
  readonly consumer: EventHubConsumerClient;
  readonly checkpointStore: BlobCheckpointStore;
}

/** The consumer client with a BlobCheckpointStore, so every replica shares the consumer group. */
export async function createSourceClients(config: WorkerConfig, blobService: BlobServiceClient): Promise<SourceClients> {
  const container = blobService.getContainerClient(config.source.checkpointContainer);
  // The checkpoint store does not create its container; a fresh account would fail every claim.
  await container.createIfNotExists();
  const checkpointStore = new BlobCheckpointStore(container);
  const options: EventHubConsumerClientOptions = {
    retryOptions: retryOptions(config),
    loadBalancingOptions: config.source.loadBalancing,
  };
  const hub = config.source.eventHub;
  const group = config.source.consumerGroup;
  let consumer: EventHubConsumerClient;
  if (hub.auth === "credential") consumer = new EventHubConsumerClient(group, hub.fullyQualifiedNamespace, hub.eventHubName, azureCredential(), checkpointStore, options);
  else {
    const cs = hub.connectionString.reveal();
    consumer = hasEntityPath(cs)
      ? new EventHubConsumerClient(group, cs, checkpointStore, options)
      : new EventHubConsumerClient(group, cs, hub.eventHubName, checkpointStore, options);
  }
  return { consumer, checkpointStore };
}
